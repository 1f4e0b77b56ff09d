"""The loss surface: the bowl L(w, b), its Hessian, eigenvalues and condition number, and what centring x does."""

from gdbook.chapters.loss_surface import compute, figures
from gdbook.core.registry import Chapter, Figure, Section


CHAPTER = Chapter(
    name="loss_surface",
    page="part2/loss-surface.md",
    section=Section("loss_surface", compute.loss_surface_section, depends=(), reads=('seed', 'data', 'init'),
                    doc="L(w, b) on a square grid (window and contour levels for the descent chapters' maps), the "
                        "Hessian, its eigenvalues and eigenvectors, the condition number, and the same with x centred"),
    figures=(
        Figure("loss-surface-bowl", figures.bowl, figures.bowl_alt, depends=('loss_surface',)),
        Figure("loss-surface-contours", figures.contours, figures.contours_alt, depends=('loss_surface',)),
        Figure("loss-surface-slices", figures.slices, figures.slices_alt, depends=('loss_surface',)),
        Figure("loss-surface-centred", figures.centred, figures.centred_alt, depends=('loss_surface',)),
    ),
)
