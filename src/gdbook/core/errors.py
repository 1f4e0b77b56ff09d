"""The one error type of a book that cannot be built as it stands."""

from __future__ import annotations


class BuildError(RuntimeError):
    """The book cannot be built as it stands: a wrong step, an unknown placeholder, a false claim..."""
