"""Full-batch gradient descent."""

from gdbook.chapters.full_batch import compute, figures
from gdbook.core.registry import Chapter, Figure, Section

DEPS = ('dataset', 'closed_form', 'full_batch')

CHAPTER = Chapter(
    name="full_batch",
    page="part2/full-batch.md",
    section=Section("full_batch", compute.full_batch_section, depends=('closed_form',),
                    doc="full-batch descent from the initial guess: how it ended (converged, not yet, diverged), "
                        "ρ and η* from the Hessian, the theory's bound, metrics on both splits"),
    figures=(
        Figure("full-batch-path", figures.path, figures.path_alt, depends=DEPS),
        Figure("full-batch-loss", figures.loss, figures.loss_alt, depends=DEPS),
        Figure("full-batch-distance", figures.distance, figures.distance_alt, depends=DEPS),
        Figure("full-batch-params", figures.params, figures.params_alt, depends=DEPS),
        Figure("full-batch-fit", figures.fit, figures.fit_alt, depends=DEPS),
        Figure("full-batch-residuals", figures.residuals, figures.residuals_alt, depends=DEPS),
    ),
)
