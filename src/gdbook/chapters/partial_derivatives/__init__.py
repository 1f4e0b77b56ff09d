"""Partial derivatives and the gradient."""

from gdbook.chapters.partial_derivatives import compute, figures
from gdbook.core.registry import Chapter, Figure, Section


CHAPTER = Chapter(
    name="partial_derivatives",
    page="part1/partial-derivatives.md",
    section=Section("partial_derivatives", compute.partial_derivatives_section, depends=(), reads=('seed', 'data', 'init', 'check', 'exercises'),
                    doc="partial-derivative problems step by step, the gradient figure data, ∂L/∂w and ∂L/∂b of the MSE derived by SymPy, and exercises"),
    figures=(
        Figure("partial-derivatives-gradient", figures.gradient, figures.gradient_alt, depends=('partial_derivatives',)),
        Figure("partial-derivatives-slice", figures.slice_, figures.slice_alt, depends=('partial_derivatives',)),
    ),
)
