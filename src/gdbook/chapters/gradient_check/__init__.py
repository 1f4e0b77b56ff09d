"""Gradient verification by central differences."""

from gdbook.chapters.gradient_check import compute, figures
from gdbook.core.registry import Chapter, Figure, Section


CHAPTER = Chapter(
    name="gradient_check",
    page="part3/gradient-check.md",
    section=Section("gradient_check", compute.gradient_check_section, depends=(),
                    doc="analytic against central-difference gradients at three points, the tolerance the build enforces, mistakes it catches, and the error against step size h"),
    figures=(
        Figure("gradient-check-step-size", figures.step_size, figures.step_size_alt, depends=('gradient_check',)),
    ),
)
