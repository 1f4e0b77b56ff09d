"""Worked problems: derivations step by step, every step checked."""

from gdbook.chapters.worked_problems import compute
from gdbook.core.registry import Chapter, Section


CHAPTER = Chapter(
    name="worked_problems",
    page="part1/worked-problems.md",
    section=Section("worked_problems", compute.worked_problems_section, depends=(), reads=('check', 'exercises'),
                    doc="worked problems, each step checked by SymPy, with central-difference checks and exercises"),
)
