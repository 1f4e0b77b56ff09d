"""The program as a flowchart, drawn from the program itself."""

from gdbook.chapters.flowchart import compute
from gdbook.core.registry import Chapter, Section


CHAPTER = Chapter(
    name="flowchart",
    page="part4/flowchart.md",
    section=Section("flowchart", compute.flowchart_section, depends=(), reads=('seed', 'data', 'init', 'descent', 'check'),
                    doc="the program as data: its flowchart (mermaid), and what two runs of it did: with the book's settings, and one that takes the loop's other exit"),
)
