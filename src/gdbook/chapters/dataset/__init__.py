"""The data: synthetic points from a known line plus noise, and their train/test split."""

from gdbook.chapters.dataset import compute, figures
from gdbook.core.registry import Chapter, Figure, Section


CHAPTER = Chapter(
    name="dataset",
    page="part2/dataset.md",
    section=Section("dataset", compute.dataset_section, depends=(), reads=('seed', 'data', 'init'),
                    doc="the synthetic data: its settings, summaries, the noise drawn, and the seeded random split "
                        "beside a split by largest x (points in dataset.csv)"),
    figures=(
        Figure("dataset-scatter", figures.scatter, figures.scatter_alt, depends=('dataset',)),
        Figure("dataset-noise", figures.noise, figures.noise_alt, depends=('dataset',)),
        Figure("dataset-split", figures.split, figures.split_alt, depends=('dataset',)),
    ),
)
