"""The gradient explorer: runs the reader picks."""

from gdbook.chapters.explorer import compute
from gdbook.core.registry import Chapter, Section


CHAPTER = Chapter(
    name="explorer",
    page="part3/explorer.md",
    section=Section("explorer", compute.explorer_section, depends=('dataset',),
                    doc="the gradient explorer: the data, shuffle orders and settings its page runs descent on (data/explorer/data.js), and the runs its prose quotes"),
)
