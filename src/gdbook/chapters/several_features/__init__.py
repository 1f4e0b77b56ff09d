"""Several features: the gradient and the normal equations in vector form, with a two-feature example."""

from gdbook.chapters.several_features import compute, figures
from gdbook.core.registry import Chapter, Figure, Section


CHAPTER = Chapter(
    name="several_features",
    page="part2/several-features.md",
    section=Section("several_features", compute.several_features_section, depends=(), reads=('seed', 'data', 'init'),
                    doc="a second feature drawn from the book's seed, the fit by the normal equations against lstsq, "
                        "vector-form gradient descent on standardised features, and the one-feature fit beside it"),
    figures=(
        Figure("several-features-plane", figures.plane, figures.plane_alt, depends=('several_features',)),
    ),
)
