"""The closed form: least squares by the normal equations."""

from gdbook.chapters.closed_form import compute
from gdbook.core.registry import Chapter, Section


CHAPTER = Chapter(
    name="closed_form",
    page="part2/closed-form.md",
    section=Section("closed_form", compute.closed_form_section, depends=(), reads=('seed', 'data', 'init'),
                    doc="ordinary least squares on the training split by the normal equations, with its metrics on both splits"),
)
