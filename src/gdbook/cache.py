"""A content-addressed cache that is never stale.

A key covers everything a result depends on: the settings, the keys of the
results it reads, the source of its module and of every gdbook module that
module imports (transitively), and the versions of the libraries that compute
and draw.  Editing a compute function therefore changes the key of everything
downstream of it, and editing prose changes no key at all.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
import os
import pickle
from functools import lru_cache
from pathlib import Path
from typing import Any

from gdbook.outputs import write_atomic

LIBRARIES = ("numpy", "sympy", "matplotlib")
FORMAT = "1"  # bump when the layout of cached entries changes


def default_dir(root: Path) -> Path:
    return Path(os.environ.get("GDBOOK_CACHE_DIR") or root / ".cache" / "gdbook")


@lru_cache(maxsize=None)
def library_versions() -> tuple[tuple[str, str], ...]:
    return tuple((lib, importlib.metadata.version(lib)) for lib in LIBRARIES)


PACKAGE_DIR = Path(__file__).resolve().parent


def _module_file(name: str) -> Path | None:
    # Resolved from the file tree, without importing anything: ``name`` may
    # also be a function imported by ``from gdbook.x import f``.
    if name == "gdbook":
        return PACKAGE_DIR / "__init__.py"
    rel = Path(*name.split(".")[1:])
    for candidate in (PACKAGE_DIR / rel.with_suffix(".py"), PACKAGE_DIR / rel / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _gdbook_imports(path: Path, modname: str) -> set[str]:
    tree = ast.parse(path.read_bytes(), filename=str(path))
    package = modname if path.name == "__init__.py" else modname.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            found.add(base)
            # ``from gdbook.compute import model`` imports a submodule too.
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m == "gdbook" or m.startswith("gdbook.")}


def source_digest(modname: str) -> str:
    """Hash of a module's source and of every gdbook module it reaches by import."""
    seen: dict[str, bytes] = {}
    todo = [modname]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_file(name)
        if path is None:
            seen[name] = b""
            continue
        seen[name] = path.read_bytes()
        todo.extend(_gdbook_imports(path, name) - set(seen))
    h = hashlib.sha256()
    for name in sorted(seen):
        h.update(name.encode() + b"\0" + hashlib.sha256(seen[name]).digest())
    return h.hexdigest()


def make_key(kind: str, name: str, modname: str, extra: Any) -> str:
    payload = json.dumps(
        {"format": FORMAT, "kind": kind, "name": name, "source": source_digest(modname),
         "libraries": library_versions(), "extra": extra},
        sort_keys=True, default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


class Cache:
    """Pickled values under ``<dir>/<kind>/<name>-<key>.pkl``."""

    def __init__(self, directory: Path, enabled: bool = True):
        self.dir = directory
        self.enabled = enabled

    def _path(self, kind: str, name: str, key: str) -> Path:
        return self.dir / kind / f"{name}-{key}.pkl"

    def get(self, kind: str, name: str, key: str) -> Any | None:
        p = self._path(kind, name, key)
        if not self.enabled or not p.is_file():
            return None
        try:
            return pickle.loads(p.read_bytes())
        except Exception:  # a damaged entry is a miss, never an error
            return None

    def put(self, kind: str, name: str, key: str, value: Any) -> None:
        if not self.enabled:
            return
        folder = self.dir / kind
        folder.mkdir(parents=True, exist_ok=True)
        # Drop older entries of the same name so the cache does not grow forever.
        for old in folder.glob(f"{name}-*.pkl"):
            if old.name != f"{name}-{key}.pkl" and old.stem.rpartition("-")[0] == name:
                old.unlink(missing_ok=True)
        write_atomic(self._path(kind, name, key), pickle.dumps(value, protocol=5))
