"""A build's memo of rendered formulas and diagrams, kept from one build to the next.

:class:`Memo` is the ``cache`` mapping that :class:`gdbook.book.katex.MathRenderer`
and :class:`gdbook.book.diagrams.DiagramRenderer` take.  It starts from what
the previous build kept (any mapping: the caller loads it from its on-disk
cache), records which entries this build read or wrote, and :meth:`kept`
gives only those: saved at the end of the build, the memo holds what the
current book uses and never grows with formulas that were edited away.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping


class Memo(MutableMapping[str, str]):
    def __init__(self, previous: Mapping[str, str] | None = None):
        self._data: dict[str, str] = dict(previous or {})
        self._used: set[str] = set()
        self.added = 0  # entries this build rendered

    def __getitem__(self, key: str) -> str:
        value = self._data[key]
        self._used.add(key)
        return value

    def __setitem__(self, key: str, value: str) -> None:
        if key not in self._data:
            self.added += 1
        self._data[key] = value
        self._used.add(key)

    def __delitem__(self, key: str) -> None:
        del self._data[key]
        self._used.discard(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def kept(self) -> dict[str, str]:
        """What this build used, in key order (the same memo pickles to the same bytes)."""
        return {k: self._data[k] for k in sorted(self._used)}

    def changed(self) -> bool:
        """Whether saving :meth:`kept` would change what was loaded (something added or no longer used)."""
        return self.added > 0 or len(self._used) != len(self._data)
