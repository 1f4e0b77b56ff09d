"""compute → figures → downloads: everything the pages need, as data and bytes in memory.

:func:`generate` computes every chapter's section (each from the cache when
its key is known), draws every figure, and lays out the files the site ships
(figures, results.json, dataset.csv, data files).  Nothing is written to a
shared folder: the files travel to MkDocs in memory, so two builds at once
never see each other's output.  When neither the code nor the settings
changed since a build that completed, everything comes from one snapshot
without importing a single chapter (and with them SymPy and matplotlib).
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gdbook.book import drawing
from gdbook.book.cache import Cache
from gdbook.book.keys import make_key, package_key, source_digest
from gdbook.core import registry
from gdbook.core.errors import BuildError
from gdbook.settings import Settings, as_dict

Progress = Callable[[str], None]


@dataclass
class Generated:
    """What one build computed, drew and will publish.  Plain data: it is cached as is."""

    results: dict[str, Any]  # everything, the private ``_`` keys included
    public: dict[str, Any]  # what results.json holds
    figures: dict[str, dict]  # name → {"alt", "light", "dark"} (paths in the site)
    files: dict[str, bytes]  # every generated file: path in the site → content
    sections: list[dict]  # {"key", "doc", "depends", "module"} of every section, in build order
    timings: list[tuple[str, float, str]] = field(default_factory=list)
    computed: list[str] = field(default_factory=list)  # sections recomputed (cache misses)
    drawn: list[str] = field(default_factory=list)  # figures redrawn (cache misses)
    seconds: dict[str, float] = field(default_factory=dict)  # "section KEY" / "figure NAME" → seconds
    from_snapshot: bool = False

    def report(self) -> dict:
        return {
            "sections": [s["key"] for s in self.sections],
            "depends": {s["key"]: s["depends"] for s in self.sections},
            "modules": {s["key"]: s["module"] for s in self.sections},
            "recomputed": list(self.computed),
            "figures": sorted(self.figures),
            "redrawn": list(self.drawn),
            "from_snapshot": self.from_snapshot,
            "slowest": [{"what": k, "seconds": round(v, 3)}
                        for k, v in sorted(self.seconds.items(), key=lambda kv: -kv[1])],
            "files": sorted(self.files),
        }


def public_view(value: Any) -> Any:
    """Drop the private ``_`` keys at every level (they feed figures only)."""
    if isinstance(value, dict):
        return {k: public_view(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, (list, tuple)):
        return [public_view(v) for v in value]
    return value


def generate(settings: Settings, cache: Cache, code_is_current: Callable[[], bool],
             progress: Progress = lambda _: None) -> Generated:
    """Everything the pages need.

    ``code_is_current()`` says whether the modules running now are the ones on
    disk; if a source changes while this runs, nothing of it is cached (its
    results may come from code the keys do not describe).
    """
    t0 = time.perf_counter()
    snapshot_key = package_key({"settings": as_dict(settings)})
    snap = cache.get("snapshot", "build", snapshot_key)
    if snap is not None:
        gen = Generated(**snap, from_snapshot=True)
        gen.timings = [("cache", time.perf_counter() - t0,
                        f"nothing changed: {len(gen.sections)} sections, {len(gen.figures)} figures, none recomputed")]
        return gen
    cache.hold()
    try:
        gen = _generate(settings, cache, progress, t0)
    except BaseException:
        cache.release(keep=False)
        raise
    unchanged = package_key({"settings": as_dict(settings)}) == snapshot_key and code_is_current()
    cache.release(keep=unchanged)
    if unchanged:
        cache.put("snapshot", "build", snapshot_key, {
            "results": gen.results, "public": gen.public, "figures": gen.figures, "files": gen.files,
            "sections": gen.sections,
        })
    return gen


def compute(settings: Settings, sections: list[registry.Section], cache: Cache, progress: Progress,
            seconds: dict[str, float]) -> tuple[dict, dict[str, str], list[str]]:
    results: dict[str, Any] = {}
    keys: dict[str, str] = {}
    computed: list[str] = []
    settings_json = as_dict(settings)
    for i, section in enumerate(sections, start=1):
        key = make_key("section", section.key, section.build.__module__,
                       {"settings": registry.settings_read(settings_json, section.reads),
                        "deps": {d: keys[d] for d in section.depends}})
        value = cache.get("section", section.key, key)
        if value is None:
            progress(f"computing {section.key} ({i}/{len(sections)})")
            t = time.perf_counter()
            deps = registry.Inputs(results, section.depends, f"section '{section.key}'")
            try:
                value = section.build(registry.settings_view(settings, section.reads, f"section '{section.key}'"), deps)
            except BuildError as e:
                raise BuildError(f"computing '{section.key}' ({section.build.__module__}): {e}") from e
            except Exception as e:  # noqa: BLE001 - a bug in a chapter: name it, keep the traceback for --debug
                raise BuildError(f"computing '{section.key}' ({section.build.__module__}) raised "
                                 f"{type(e).__name__}: {e}") from e
            seconds[f"section {section.key}"] = time.perf_counter() - t
            cache.put("section", section.key, key, value)
            computed.append(section.key)
        results[section.key] = value
        keys[section.key] = key
    return results, keys, computed


def draw_figures(results: dict, keys: dict[str, str], specs: list[registry.Figure], cache: Cache,
                 progress: Progress, seconds: dict[str, float]) -> tuple[dict[str, dict], dict[str, bytes], list[str]]:
    figures: dict[str, dict] = {}
    files: dict[str, bytes] = {}
    drawn: list[str] = []
    for i, spec in enumerate(specs, start=1):
        missing = [d for d in spec.depends if d not in results]
        if missing:
            raise BuildError(f"figure '{spec.name}' depends on results key(s) {missing} that no chapter computes")
        inputs = registry.Inputs(results, spec.depends, f"figure '{spec.name}'")
        # the drawing code (SVG output, compaction) is part of what a cached figure was made by
        key = make_key("figure", spec.name, spec.draw.__module__,
                       {**{d: keys[d] for d in spec.depends}, "drawing": source_digest("gdbook.book.drawing")})
        svgs = cache.get("figure", spec.name, key)
        if svgs is None:
            progress(f"drawing {spec.name} ({i}/{len(specs)})")
            t = time.perf_counter()
            try:
                svgs = drawing.draw(spec, inputs)
            except BuildError:
                raise
            except Exception as e:  # noqa: BLE001
                raise BuildError(f"drawing figure '{spec.name}' ({spec.draw.__module__}) raised "
                                 f"{type(e).__name__}: {e}") from e
            seconds[f"figure {spec.name}"] = time.perf_counter() - t
            cache.put("figure", spec.name, key, svgs)
            drawn.append(spec.name)
        paths: dict[str, Any] = {}
        for variant, data in svgs.items():
            rel = f"img/{spec.name}-{variant}.svg"
            files[rel] = data
            paths[variant] = rel
            paths[f"{variant}-size"] = drawing.css_size(data)
        try:
            alt = " ".join(spec.alt(inputs).split())
        except BuildError:
            raise
        except Exception as e:  # noqa: BLE001
            raise BuildError(f"the alt text of figure '{spec.name}' raised {type(e).__name__}: {e}") from e
        if not alt:
            raise BuildError(f"figure '{spec.name}' has empty alt text")
        figures[spec.name] = {"alt": alt, **paths}
    return figures, files, drawn


def dataset_csv(dataset: dict) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["x", "y", "split"])
    for x, y, test in zip(dataset["_x"], dataset["_y"], dataset["_is_test"]):
        # repr() round-trips a float exactly, so tests can recompute from the CSV.
        w.writerow([repr(float(x)), repr(float(y)), "test" if test else "train"])
    return buf.getvalue()


def downloads(public: dict, results: dict) -> dict[str, bytes]:
    try:
        text = json.dumps(public, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError as e:  # allow_nan=False: a NaN must never reach a reader
        raise BuildError(f"results.json would hold a non-finite number: {e}") from e
    files = {"downloads/results.json": text.encode()}
    if "dataset" in results:
        files["downloads/dataset.csv"] = dataset_csv(results["dataset"]).encode()
    for value in results.values():
        if isinstance(value, dict):
            for rel, content in value.get("_files", {}).items():
                files[f"data/{rel}"] = content.encode() if isinstance(content, str) else content
    return files


def _generate(settings: Settings, cache: Cache, progress: Progress, t0: float) -> Generated:
    chapter_list = registry.chapters()
    sections = registry.sections(chapter_list)
    specs = registry.figures(chapter_list)
    seconds: dict[str, float] = {}
    timings = []
    results, keys, computed = compute(settings, sections, cache, progress, seconds)
    results["settings"] = as_dict(settings)
    t1 = time.perf_counter()
    timings.append(("compute", t1 - t0, f"{len(keys)} sections, {len(computed)} recomputed"))
    figures, files, drawn = draw_figures(results, keys, specs, cache, progress, seconds)
    t2 = time.perf_counter()
    timings.append(("figures", t2 - t1, f"{len(figures)} figures, {len(drawn)} redrawn"))
    public = public_view(results)
    files.update(downloads(public, results))
    timings.append(("downloads", time.perf_counter() - t2, "results.json, dataset.csv, data files"))
    section_rows = [{"key": s.key, "doc": s.doc, "depends": list(s.depends), "module": s.build.__module__}
                    for s in sections]
    return Generated(results, public, figures, files, section_rows, timings, computed, drawn, seconds)


def layout(public: dict, max_rows: int = 400) -> list[dict]:
    """The key tree of results.json (one row per key, lists shown by their first item)."""
    rows: list[dict] = []

    def kind(v: Any) -> str:
        return {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}.get(type(v), "")

    def walk(v: Any, path: str) -> None:
        if len(rows) >= max_rows:
            return
        if isinstance(v, dict):
            if path:
                rows.append({"key": path, "type": "object"})
            for k, child in v.items():
                walk(child, f"{path}.{k}" if path else str(k))
        elif isinstance(v, list):
            rows.append({"key": path, "type": f"list ({len(v)})"})
            if v and isinstance(v[0], (dict, list)):
                walk(v[0], f"{path}[i]")
        else:
            rows.append({"key": path, "type": kind(v)})

    walk(public, "")
    return rows
