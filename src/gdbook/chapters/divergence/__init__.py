"""Learning-rate divergence and the critical step 2/λmax."""

from gdbook.chapters.divergence import compute, figures
from gdbook.core.registry import Chapter, Figure, Section


CHAPTER = Chapter(
    name="divergence",
    page="part3/divergence.md",
    section=Section("divergence", compute.divergence_section, depends=(), reads=('seed', 'data', 'init', 'descent', 'divergence'),
                    doc="the Hessian and its eigenvalues, the critical learning rate 2/λmax, runs at multiples of it, how the loss moves from a start, a sweep with the observed boundary, and centring/scaling x"),
    figures=(
        Figure("divergence-runs", figures.runs, figures.runs_alt, depends=('divergence',)),
        Figure("divergence-start", figures.start, figures.start_alt, depends=('divergence',)),
        Figure("divergence-eigen", figures.eigen, figures.eigen_alt, depends=('divergence',)),
        Figure("divergence-sweep", figures.sweep, figures.sweep_alt, depends=('divergence',)),
    ),
)
