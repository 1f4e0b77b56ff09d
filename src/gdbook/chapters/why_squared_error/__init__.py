"""Why squared error: with Gaussian noise, least squares is the maximum-likelihood fit; other noise, other losses."""

from gdbook.chapters.why_squared_error import compute, figures
from gdbook.core.registry import Chapter, Figure, Section


CHAPTER = Chapter(
    name="why_squared_error",
    page="part2/why-squared-error.md",
    section=Section("why_squared_error", compute.why_squared_error_section, depends=(), reads=('seed', 'data', 'init'),
                    doc="the Gaussian log-likelihood derived step by step, maximised numerically and compared with "
                        "least squares; σ² estimated; Laplace noise, absolute error and the median"),
    figures=(
        Figure("why-squared-error-likelihood", figures.likelihood, figures.likelihood_alt, depends=('why_squared_error',)),
        Figure("why-squared-error-constant", figures.constant, figures.constant_alt, depends=('why_squared_error',)),
    ),
)
