"""Cache keys that are never stale.

A key covers everything a result depends on: the settings, the keys of the
results it reads, the source of its module and of every gdbook module that
module imports (transitively), any data file shipped inside the package, and
the versions of Python, of the libraries that compute and draw and of every
other library those modules import.  Editing a compute function therefore
changes the key of everything downstream of it, and editing prose changes no
key at all.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
import platform
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

LIBRARIES = ("numpy", "sympy", "matplotlib")
FORMAT = "3"  # bump when the layout of cached entries changes


@lru_cache(maxsize=None)
def library_versions() -> tuple[tuple[str, str], ...]:
    return tuple((lib, importlib.metadata.version(lib)) for lib in LIBRARIES)


@lru_cache(maxsize=None)
def _version_of(top: str) -> str:
    """Version of the distribution that provides import name ``top`` (fast: no scan of every distribution)."""
    for name in (top, top.replace("_", "-")):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    try:  # import name and distribution name differ (yaml → PyYAML, PIL → pillow...)
        dists = importlib.metadata.packages_distributions().get(top, [])
        return ",".join(f"{d}=={importlib.metadata.version(d)}" for d in sorted(dists)) or "unknown"
    except Exception:  # noqa: BLE001 - a version we cannot find still keys as "unknown"
        return "unknown"


PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/gdbook


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


@lru_cache(maxsize=512)
def _imports(path: Path, modname: str, source: bytes) -> tuple[frozenset[str], frozenset[str]]:
    """(gdbook modules, top-level names of other non-standard-library modules) that a source imports."""
    tree = ast.parse(source, filename=str(path))
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
    ours = frozenset(m for m in found if m == "gdbook" or m.startswith("gdbook."))
    tops = {m.split(".")[0] for m in found if m and m not in ours}
    others = frozenset(t for t in tops if t not in sys.stdlib_module_names and t not in ("gdbook", "__future__"))
    return ours, others


def _walk(modname: str) -> tuple[dict[str, bytes], set[str]]:
    """Sources of ``modname`` and every gdbook module it reaches by import; other libraries they import."""
    seen: dict[str, bytes] = {}
    libraries: set[str] = set()
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
        ours, others = _imports(path, name, seen[name])
        libraries |= others
        todo.extend(ours - set(seen))
    return seen, libraries


_FROM_IMPORT = re.compile(rb"^[ \t]*from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b", re.M)
_IMPORT = re.compile(rb"^[ \t]*import[ \t]+([A-Za-z_][\w.]*(?:[ \t]+as[ \t]+\w+)?"
                     rb"(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*(?:[ \t]+as[ \t]+\w+)?)*)[ \t]*(?:#.*)?$", re.M)


def libraries_imported(source: bytes) -> frozenset[str]:
    """Top-level names of the non-standard-library modules a source imports, by a scan of its lines.

    What :func:`_imports` finds by parsing, at a tenth of the cost (a test
    checks both agree on every gdbook source): :func:`package_key` runs on
    every build, including the ones in which nothing changed.
    """
    names = {m.decode() for m in _FROM_IMPORT.findall(source)}
    for group in _IMPORT.findall(source):
        names.update(part.split()[0] for part in group.decode().split(","))
    tops = {n.split(".")[0] for n in names}
    return frozenset(t for t in tops if t not in sys.stdlib_module_names and t not in ("gdbook", "__future__"))


def package_data_digest() -> str:
    """Hash of every data file shipped inside the package (anything but Python sources and bytecode)."""
    h = hashlib.sha256()
    for p in sorted(PACKAGE_DIR.rglob("*")):
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts:
            h.update(p.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def versions_of(libraries: set[str]) -> list[tuple[str, str]]:
    """Python's version, the baseline libraries' and those of ``libraries`` (import names)."""
    found = dict(library_versions())
    found.update((lib, _version_of(lib)) for lib in libraries if lib not in found)
    return [("python", platform.python_version()), *sorted(found.items())]


def source_digest(modname: str) -> str:
    """Hash of a module's source and of every gdbook module it reaches by import."""
    seen, _ = _walk(modname)
    h = hashlib.sha256()
    for name in sorted(seen):
        h.update(name.encode() + b"\0" + hashlib.sha256(seen[name]).digest())
    return h.hexdigest()


def make_key(kind: str, name: str, modname: str, extra: Any) -> str:
    _, libraries = _walk(modname)
    payload = json.dumps(
        {"format": FORMAT, "kind": kind, "name": name, "source": source_digest(modname),
         "data": package_data_digest(), "libraries": versions_of(libraries), "extra": extra},
        sort_keys=True, default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def package_key(extra: Any) -> str:
    """A key over the whole package: every gdbook source, its data files and every library it imports.

    Coarser than :func:`make_key` (any edit anywhere changes it) but computed
    without importing a single compute or figure module, so a build in which
    nothing changed can skip importing NumPy's, SymPy's and matplotlib's
    machinery altogether.
    """
    h = hashlib.sha256()
    libraries: set[str] = set()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        rel = path.relative_to(PACKAGE_DIR)
        source = path.read_bytes()
        libraries |= libraries_imported(source)
        h.update(rel.as_posix().encode() + b"\0" + hashlib.sha256(source).digest())
    payload = json.dumps(
        {"format": FORMAT, "kind": "package", "source": h.hexdigest(), "data": package_data_digest(),
         "libraries": versions_of(libraries), "extra": extra},
        sort_keys=True, default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]
