"""Mini-batch and stochastic gradient descent."""

from gdbook.chapters.stochastic import compute, figures
from gdbook.core.registry import Chapter, Figure, Section


CHAPTER = Chapter(
    name="stochastic",
    page="part2/stochastic.md",
    section=Section("stochastic", compute.stochastic_section, depends=('closed_form',),
                    doc="mini-batch and stochastic runs, per-example gradient spread, the mean-square threshold, repeated shuffles, and the fixes"),
    figures=(
        Figure("stochastic-loss", figures.loss_compare, figures.loss_compare_alt, depends=('dataset', 'closed_form', 'full_batch', 'stochastic')),
        Figure("stochastic-diagnostics", figures.diagnostics, figures.diagnostics_alt, depends=('dataset', 'closed_form', 'full_batch', 'stochastic')),
        Figure("stochastic-fix", figures.fix, figures.fix_alt, depends=('dataset', 'closed_form', 'full_batch', 'stochastic')),
        Figure("stochastic-repeats", figures.repeats, figures.repeats_alt, depends=('dataset', 'closed_form', 'full_batch', 'stochastic')),
    ),
)
