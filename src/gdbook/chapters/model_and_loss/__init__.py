"""The model, its residuals and loss, the loss's gradient, the measures of fit, least squares and the initial guess."""

from gdbook.chapters.model_and_loss import compute, figures
from gdbook.core.registry import Chapter, Figure, Section


CHAPTER = Chapter(
    name="model_and_loss",
    page="part2/model-and-loss.md",
    section=Section("model_and_loss", compute.model_and_loss_section, depends=(), reads=('seed', 'data', 'init'),
                    doc="the model and its loss, the gradient derived step by step (each formula checked by SymPy), the "
                        "metrics, the least-squares line, the random initial guess, the expected errors and the "
                        "two splits compared like with like"),
    figures=(
        Figure("model-and-loss-residuals", figures.residuals, figures.residuals_alt, depends=('dataset', 'model_and_loss')),
        Figure("model-and-loss-lines", figures.lines, figures.lines_alt, depends=('dataset', 'model_and_loss')),
    ),
)
