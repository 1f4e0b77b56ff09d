"""The gradient explorer: runs the reader picks."""

from gdbook.chapters.explorer import compute
from gdbook.core.registry import Chapter, Section


CHAPTER = Chapter(
    name="explorer",
    page="part3/explorer.md",
    section=Section("explorer", compute.explorer_section, depends=('dataset',),
                    doc="the gradient explorer: its learning-rate grid (with η*), batch sizes, update counts and the default runs; every run ships in data/explorer/data.js"),
)
