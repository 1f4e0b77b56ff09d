"""The rules of differentiation, each proved from the limit and checked by SymPy."""

from gdbook.chapters.rules import compute
from gdbook.core.registry import Chapter, Section


CHAPTER = Chapter(
    name="rules",
    page="part1/rules.md",
    section=Section("rules", compute.rules_section, depends=(), reads=('exercises',),
                    doc="each rule in LaTeX with its SymPy proof and a checked example, the table of standard derivatives, and exercises"),
)
