"""From the chain rule to automatic differentiation: a backward pass is the chain rule, run on the book's loss."""

from gdbook.chapters.autodiff import compute
from gdbook.core.registry import Chapter, Section


CHAPTER = Chapter(
    name="autodiff",
    page="part3/autodiff.md",
    section=Section("autodiff", compute.autodiff_section, depends=(), reads=('seed', 'data', 'init'),
                    doc="a minimal reverse-mode automatic differentiation on scalars, run on the loss of the book's data at the initial guess and compared with the model's gradient and with the chain rule written out by SymPy"),
)
