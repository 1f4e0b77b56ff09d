"""The chapters of the book, one package each: its computation (``compute``), its figures
(``figures``) and ``CHAPTER``, which tells the build about both (:mod:`gdbook.core.registry`).

A chapter imports the core (:mod:`gdbook.core`) and nothing of another chapter; what it needs
from another chapter's results it declares in ``depends``."""
