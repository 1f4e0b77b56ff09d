"""How a chapter declares what it adds to the book.

A chapter is a package under :mod:`gdbook.chapters` whose ``__init__`` defines
``CHAPTER``: its name (the package's), the page it fills, the section that
computes its results and the figures it draws.  One name runs through the
tree: chapter ``full_batch`` has the page ``part2/full-batch.md``, the results
key ``full_batch``, figures named ``full-batch-…`` and the tests
``tests/test_full_batch.py`` (``tests/test_layout.py`` holds every chapter to
that).  The reading order is the navigation of ``mkdocs.yml``, the one list
of pages.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gdbook.core.errors import BuildError


@dataclass(frozen=True)
class Section:
    """The pure function that computes one top-level key of results.json.

    ``build(settings, deps)`` receives exactly the results of the keys named
    in ``depends`` (reading any other fails the build) and returns a JSON-able
    dict.  Keys that start with ``_`` hold data for figures only (arrays, long
    series) and stay out of results.json.  A dict under ``_files`` ({relative
    path: str or bytes}) is published as ``data/<relative path>``.
    """

    key: str
    build: Callable[[Any, Mapping[str, Any]], dict]
    depends: tuple[str, ...] = ()
    doc: str = ""  # one line for the results.json reference page
    # The settings it reads, by top-level name ("data", "exercises", "seed"...); None: all of them.  Its cache key
    # covers only these, so a chapter that ignores the data is not recomputed when the data change; reading any
    # other fails the build (:func:`settings_view`), so a missing name cannot leave a stale result.
    reads: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Figure:
    """A figure: ``draw(results, theme)`` returns a new matplotlib ``Figure`` (it never saves);
    ``alt(results)`` writes its alt text from the data.  Both receive exactly the results keys
    named in ``depends``, which is also what the figure's cache key covers."""

    name: str
    draw: Callable[..., Any]
    alt: Callable[[Mapping[str, Any]], str]
    depends: tuple[str, ...]


@dataclass(frozen=True)
class Chapter:
    name: str  # the package's name, e.g. "full_batch"
    page: str  # under docs/, e.g. "part2/full-batch.md"
    section: Section | None = None
    figures: tuple[Figure, ...] = field(default=())

    @property
    def figure_prefix(self) -> str:
        return self.name.replace("_", "-") + "-"


def chapters(package: str = "gdbook.chapters") -> list[Chapter]:
    """Every chapter of the book, by name (reading order is the navigation's, not this list's)."""
    pkg = importlib.import_module(package)
    found: list[Chapter] = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if not info.ispkg or info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{package}.{info.name}")
        chapter = getattr(mod, "CHAPTER", None)
        if not isinstance(chapter, Chapter):
            raise BuildError(f"{mod.__name__} defines no CHAPTER = Chapter(...)")
        if chapter.name != info.name:
            raise BuildError(f"{mod.__name__}: CHAPTER.name is '{chapter.name}', not the package's name '{info.name}'")
        found.append(chapter)
    return found


def sections(chapter_list: list[Chapter] | None = None) -> list[Section]:
    """Every chapter's section, each after the sections it depends on."""
    found: dict[str, Section] = {}
    for ch in chapter_list if chapter_list is not None else chapters():
        if ch.section is not None:
            if ch.section.key in found:
                raise BuildError(f"results key '{ch.section.key}' is defined twice (second time in chapter {ch.name})")
            found[ch.section.key] = ch.section
    ordered: list[Section] = []
    state: dict[str, int] = {}

    def visit(key: str, chain: tuple[str, ...]) -> None:
        if state.get(key) == 2:
            return
        if state.get(key) == 1:
            raise BuildError(f"sections depend on each other in a cycle: {' -> '.join(chain + (key,))}")
        if key not in found:
            raise BuildError(f"section '{chain[-1]}' depends on '{key}', which no chapter computes")
        state[key] = 1
        for dep in found[key].depends:
            visit(dep, chain + (key,))
        state[key] = 2
        ordered.append(found[key])

    for key in found:
        visit(key, ())
    return ordered


def figures(chapter_list: list[Chapter] | None = None) -> list[Figure]:
    specs: dict[str, Figure] = {}
    for ch in chapter_list if chapter_list is not None else chapters():
        for spec in ch.figures:
            if spec.name in specs:
                raise BuildError(f"figure '{spec.name}' is defined twice (second time in chapter {ch.name})")
            specs[spec.name] = spec
    return list(specs.values())


class Inputs(Mapping):
    """The results a section or a figure declared, and nothing else: reading another key is an error.

    Without this a figure could read a key its cache key does not cover and
    go stale without a word.
    """

    def __init__(self, results: Mapping[str, Any], declared: tuple[str, ...], who: str):
        self._data = {k: results[k] for k in declared}
        self._who = who

    def __getitem__(self, key: str) -> Any:
        try:
            return self._data[key]
        except KeyError:
            raise BuildError(f"{self._who} reads results key '{key}' but does not declare it in depends "
                             f"(declared: {', '.join(self._data) or 'none'})") from None

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class Unread:
    """Stands in a :func:`settings_view` for a settings group the section did not declare: any use is an error."""

    def __init__(self, name: str, who: str):
        self._name, self._who = name, who

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise BuildError(f"{self._who} reads settings '{self._name}.{attr}' but does not declare '{self._name}' "
                         f"in reads")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unread) and other._name == self._name

    def __hash__(self) -> int:
        return hash(("Unread", self._name))

    def __repr__(self) -> str:
        return f"<settings '{self._name}': not read>"


def settings_view(settings: Any, reads: tuple[str, ...] | None, who: str) -> Any:
    """The settings with every group outside ``reads`` replaced by an :class:`Unread` (None: all of them)."""
    if reads is None:
        return settings
    import dataclasses

    names = {f.name for f in dataclasses.fields(settings)}
    unknown = set(reads) - names
    if unknown:
        raise BuildError(f"{who} declares unknown settings {sorted(unknown)} in reads (known: {sorted(names)})")
    return dataclasses.replace(settings, **{n: Unread(n, who) for n in names - set(reads)})


def settings_read(settings_json: Mapping[str, Any], reads: tuple[str, ...] | None) -> Mapping[str, Any]:
    """The part of the settings (as JSON) a section's cache key covers."""
    return settings_json if reads is None else {n: settings_json[n] for n in sorted(reads)}
