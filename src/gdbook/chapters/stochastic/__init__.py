"""Mini-batch and stochastic gradient descent."""

from gdbook.chapters.stochastic import compute, figures
from gdbook.core.registry import Chapter, Figure, Section

DEPS = ('stochastic',)

CHAPTER = Chapter(
    name="stochastic",
    page="part2/stochastic.md",
    section=Section("stochastic", compute.stochastic_section, depends=('closed_form',),
                    doc="mini-batch and stochastic runs compared per example seen, the mean-square model of where "
                        "they rest, one example's step, and the too-large step of the case study over many shuffles"),
    figures=(
        Figure("stochastic-loss", figures.cost, figures.cost_alt, depends=DEPS),
        Figure("stochastic-paths", figures.paths, figures.paths_alt, depends=DEPS),
        Figure("stochastic-settle", figures.settle, figures.settle_alt, depends=DEPS),
        Figure("stochastic-overshoot", figures.overshoot, figures.overshoot_alt, depends=DEPS),
        Figure("stochastic-large", figures.large, figures.large_alt, depends=DEPS),
    ),
)
