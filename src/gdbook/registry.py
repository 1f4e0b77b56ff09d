"""How chapters plug into the pipeline, without a central list to edit.

Every module in ``gdbook.compute`` may define ``SECTIONS`` (a list of
:class:`Section`); every module in ``gdbook.figures`` may define ``FIGURES``
(a list of :class:`gdbook.figures.style.FigureSpec`).  The pipeline discovers
them, orders sections by their dependencies and calls each once.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gdbook.settings import Settings


class BuildError(RuntimeError):
    """The book cannot be built as it stands (a wrong step, an unknown placeholder...)."""


@dataclass(frozen=True)
class Section:
    """One top-level key of results.json and the pure function that computes it.

    ``build(settings, deps)`` gets the results of the sections named in
    ``depends`` and returns a JSON-able dict.  Keys that start with ``_`` hold
    data for figures only (arrays, long series) and stay out of results.json.
    A list under ``errata`` is gathered into the book-wide errata page; each
    item is a dict with ``title``, ``where`` (the place in the notes), ``notes``
    (what they say), ``correct`` (the computed correction, markdown/LaTeX),
    and optionally ``explanation`` and ``link`` + ``link_text`` (a link
    relative to docs/reference/, e.g. ``../part1/worked-problems.md#problem-2``).
    A dict under ``_files`` ({relative path: str or bytes}) is published as
    ``data/<relative path>`` in the site (e.g. data an interactive page loads).
    """

    key: str
    build: Callable[[Settings, Mapping[str, Any]], dict]
    depends: tuple[str, ...] = ()
    doc: str = ""  # one line for the results.json reference page


def _modules(package: str) -> list[Any]:
    pkg = importlib.import_module(package)
    names = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"{package}.{n}") for n in names]


def sections() -> list[Section]:
    """All sections, each after the sections it depends on."""
    found: dict[str, Section] = {}
    for mod in _modules("gdbook.compute"):
        for s in getattr(mod, "SECTIONS", ()):
            if s.key in found:
                raise BuildError(f"results key '{s.key}' is defined twice (second time in {mod.__name__})")
            found[s.key] = s
    ordered: list[Section] = []
    state: dict[str, int] = {}

    def visit(key: str, chain: tuple[str, ...]) -> None:
        if state.get(key) == 2:
            return
        if state.get(key) == 1:
            raise BuildError(f"sections depend on each other in a cycle: {' -> '.join(chain + (key,))}")
        if key not in found:
            raise BuildError(f"section '{chain[-1]}' depends on '{key}', which no compute module defines")
        state[key] = 1
        for dep in found[key].depends:
            visit(dep, chain + (key,))
        state[key] = 2
        ordered.append(found[key])

    for key in found:
        visit(key, ())
    return ordered


def figures() -> list[Any]:
    specs: dict[str, Any] = {}
    for mod in _modules("gdbook.figures"):
        for spec in getattr(mod, "FIGURES", ()):
            if spec.name in specs:
                raise BuildError(f"figure '{spec.name}' is defined twice (second time in {mod.__name__})")
            specs[spec.name] = spec
    return list(specs.values())
