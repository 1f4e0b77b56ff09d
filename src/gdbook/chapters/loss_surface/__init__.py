"""The loss surface: the bowl every descent run travels on."""

from gdbook.chapters.loss_surface import compute, figures
from gdbook.core.registry import Chapter, Figure, Section


CHAPTER = Chapter(
    name="loss_surface",
    page="part2/loss-surface.md",
    section=Section("loss_surface", compute.loss_surface_section, depends=('closed_form', 'full_batch', 'stochastic'),
                    doc="L(w, b) on a grid around the descent paths: window, Hessian eigenvalues and condition number"),
    figures=(
        Figure("loss-surface-contours", figures.surface, figures.surface_alt, depends=('model_and_loss', 'closed_form', 'full_batch', 'stochastic', 'loss_surface')),
    ),
)
