"""The data: synthetic points from a known line, and their train/test split."""

from gdbook.chapters.dataset import compute, figures
from gdbook.core.registry import Chapter, Figure, Section


CHAPTER = Chapter(
    name="dataset",
    page="part2/dataset.md",
    section=Section("dataset", compute.dataset_section, depends=(),
                    doc="the synthetic data: its settings, split sizes and summary statistics (points in dataset.csv), and the seeded random split"),
    figures=(
        Figure("dataset-scatter", figures.scatter, figures.scatter_alt, depends=('dataset',)),
        Figure("dataset-split", figures.split, figures.split_alt, depends=('dataset',)),
    ),
)
