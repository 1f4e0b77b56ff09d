"""Gradient verification by central differences."""

from gdbook.chapters.gradient_check import compute, figures
from gdbook.core.registry import Chapter, Figure, Section


CHAPTER = Chapter(
    name="gradient_check",
    page="part3/gradient-check.md",
    section=Section("gradient_check", compute.gradient_check_section, depends=(), reads=('seed', 'data', 'init', 'descent', 'check'),
                    doc="analytic against central-difference gradients at points of the descent path where the check resolves its tolerance, the mistakes it catches, the best step h derived, and the error against h"),
    figures=(
        Figure("gradient-check-step-size", figures.step_size, figures.step_size_alt, depends=('gradient_check',)),
    ),
)
