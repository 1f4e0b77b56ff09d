"""Full-batch gradient descent."""

from gdbook.chapters.full_batch import compute, figures
from gdbook.core.registry import Chapter, Figure, Section


CHAPTER = Chapter(
    name="full_batch",
    page="part2/full-batch.md",
    section=Section("full_batch", compute.full_batch_section, depends=('closed_form',),
                    doc="full-batch descent from the initial guess: final w, b, metrics on both splits, and its distance to the closed form"),
    figures=(
        Figure("full-batch-loss", figures.loss, figures.loss_alt, depends=('dataset', 'closed_form', 'full_batch')),
        Figure("full-batch-params", figures.params, figures.params_alt, depends=('dataset', 'closed_form', 'full_batch')),
        Figure("full-batch-gradients", figures.gradients, figures.gradients_alt, depends=('dataset', 'closed_form', 'full_batch')),
        Figure("full-batch-fit", figures.fit, figures.fit_alt, depends=('dataset', 'closed_form', 'full_batch')),
        Figure("full-batch-residuals", figures.residuals, figures.residuals_alt, depends=('dataset', 'closed_form', 'full_batch')),
    ),
)
