"""What a derivative means: secants become tangents."""

from gdbook.chapters.derivative import compute, figures
from gdbook.core.registry import Chapter, Figure, Section


CHAPTER = Chapter(
    name="derivative",
    page="part1/derivative.md",
    section=Section("derivative", compute.derivative_section, depends=(), reads=('seed', 'data', 'init', 'check', 'descent', 'exercises'),
                    doc="tangent lines of a curve, the one-parameter loss L(w) with tangents, the secant-to-tangent table, and exercises"),
    figures=(
        Figure("derivative-tangents", figures.tangents, figures.tangents_alt, depends=('derivative',)),
        Figure("derivative-loss", figures.loss, figures.loss_alt, depends=('derivative',)),
        Figure("derivative-secants", figures.secants, figures.secants_alt, depends=('derivative',)),
    ),
)
