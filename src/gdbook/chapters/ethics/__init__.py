"""Ethics: what the fitted line may and may not be used for."""

from gdbook.chapters.ethics import compute, figures
from gdbook.core.registry import Chapter, Figure, Section


CHAPTER = Chapter(
    name="ethics",
    page="part4/ethics.md",
    section=Section("ethics", compute.ethics_section, depends=(), reads=('seed', 'data', 'init'),
                    doc="the ethics chapter's demonstrations: a truncated sample, residual structure, leave-one-out influence, test-error quantiles and the range of x the model was fitted on"),
    figures=(
        Figure("ethics-truncation", figures.truncation, figures.truncation_alt, depends=('ethics', 'dataset')),
        Figure("ethics-error-by-region", figures.error_by_region, figures.error_by_region_alt, depends=('ethics',)),
        Figure("ethics-residuals", figures.residuals, figures.residuals_alt, depends=('ethics',)),
    ),
)
