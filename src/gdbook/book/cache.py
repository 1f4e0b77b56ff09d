"""A content-addressed cache of computed results, drawn figures and executed notebooks.

Entries live under ``<dir>/<kind>/<name>-<key>.pkl``; the key comes from
:mod:`gdbook.book.keys` and covers everything the value depends on, so an
entry is never stale.  Each file starts with the SHA-256 of the pickle that
follows it: an entry damaged or edited on disk is a miss, never a result.
Several entries are kept per name (the most recently used first), so going
back to earlier settings or code finds its results again.  Writes are atomic
(a temporary file renamed into place), so builds that share the cache never
see half an entry.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from gdbook.book.outputs import write_atomic

KEEP_PER_NAME = 6  # entries kept for each (kind, name): a few settings or code versions back
_DIGEST = 64  # hex characters of the SHA-256 header


class Cache:
    def __init__(self, directory: Path, enabled: bool = True):
        self.dir = Path(directory)
        self.enabled = enabled
        self._held: list[tuple[str, str, str, Any]] | None = None

    # -- holding: a build whose code changed under it caches nothing ---------------

    def hold(self) -> None:
        """Buffer puts until :meth:`release`, so a build can drop them all."""
        self._held = []

    def release(self, keep: bool) -> None:
        held, self._held = self._held or [], None
        if keep:
            for entry in held:
                self.put(*entry)

    # -- entries ------------------------------------------------------------------

    def _path(self, kind: str, name: str, key: str) -> Path:
        return self.dir / kind / f"{name}-{key}.pkl"

    def get(self, kind: str, name: str, key: str) -> Any | None:
        if not self.enabled:
            return None
        p = self._path(kind, name, key)
        try:
            raw = p.read_bytes()
        except OSError:
            return None
        head, payload = raw[:_DIGEST], raw[_DIGEST + 1:]
        if head != hashlib.sha256(payload).hexdigest().encode() or raw[_DIGEST:_DIGEST + 1] != b"\n":
            return None  # damaged, truncated or edited: recompute
        try:
            value = pickle.loads(payload)
        except Exception:  # noqa: BLE001 - an entry an older gdbook wrote is a miss, never an error
            return None
        try:
            os.utime(p)  # most recently used: kept longest
        except OSError:
            pass
        return value

    def put(self, kind: str, name: str, key: str, value: Any) -> None:
        if not self.enabled:
            return
        if self._held is not None:
            self._held.append((kind, name, key, value))
            return
        payload = pickle.dumps(value, protocol=5)  # fails before anything on disk is touched
        write_atomic(self._path(kind, name, key), hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
        self._prune(kind, name, key)

    def _prune(self, kind: str, name: str, keep: str) -> None:
        """Drop the least recently used entries of ``name`` beyond :data:`KEEP_PER_NAME`."""
        entries = []
        for p in (self.dir / kind).glob(f"{name}-*.pkl"):
            if p.stem.rpartition("-")[0] != name or p.stem == f"{name}-{keep}":
                continue
            try:
                entries.append((p.stat().st_mtime_ns, p))
            except OSError:
                continue
        entries.sort(reverse=True)
        for _, p in entries[KEEP_PER_NAME - 1:]:
            p.unlink(missing_ok=True)
