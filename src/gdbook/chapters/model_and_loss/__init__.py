"""The model, its loss, and the initial guess measured by it."""

from gdbook.chapters.model_and_loss import compute, figures
from gdbook.core.registry import Chapter, Figure, Section


CHAPTER = Chapter(
    name="model_and_loss",
    page="part2/model-and-loss.md",
    section=Section("model_and_loss", compute.model_and_loss_section, depends=(),
                    doc="the MSE, its gradient and Hessian derived by SymPy, their check against the NumPy code, and the random initial guess"),
    figures=(
        Figure("model-and-loss-initial-guess", figures.guess, figures.guess_alt, depends=('dataset', 'model_and_loss')),
    ),
)
