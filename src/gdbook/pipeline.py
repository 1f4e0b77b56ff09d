"""compute → figures → downloads: everything the pages need, cached and written once.

:func:`generate` is what both ``gdbook build`` and the MkDocs hook call.  It
never renders prose (that is :mod:`gdbook.render`) and never runs MkDocs.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdbook import registry
from gdbook.book.images import svg_size
from gdbook.cache import Cache, make_key, package_key
from gdbook.outputs import write_atomic
from gdbook.registry import BuildError
from gdbook.settings import Settings, as_dict


@dataclass
class FigureOut:
    name: str
    alt: str
    light: str  # path under the generated folder, e.g. "img/data-scatter-light.svg"
    dark: str
    width: int = 0  # CSS pixels, for <img width height>: the browser reserves the space (no layout shift)
    height: int = 0


@dataclass
class Generated:
    results: dict[str, Any]  # everything, including the private ``_`` keys
    public: dict[str, Any]  # what results.json holds
    figures: dict[str, FigureOut]
    files: list[str]  # every generated file, relative to the output folder
    timings: list[tuple[str, float, str]] = field(default_factory=list)
    computed: list[str] = field(default_factory=list)  # sections recomputed (cache misses)
    drawn: list[str] = field(default_factory=list)  # figures redrawn (cache misses)
    sections: list[dict] = field(default_factory=list)  # {"key", "doc", "depends", "module"} of every section, in build order
    from_snapshot: bool = False  # nothing changed: everything came from one cached snapshot
    notebooks: dict[str, str] = field(default_factory=dict)  # "notebooks/x.py" → its executed .ipynb
    runner: Any = None  # the notebooks still running, until executed_notebooks() is first asked
    seconds: dict[str, float] = field(default_factory=dict)  # "section KEY" / "figure NAME" → seconds, for misses

    def executed_notebooks(self) -> dict[str, str]:
        """Wait for the notebooks (once): MkDocs asks when it reaches their pages, the last ones it renders."""
        if self.runner is not None:
            runner, self.runner = self.runner, None
            self.notebooks, waited, detail = runner.finish()
            self.timings.append(("notebooks", waited, detail))
        return self.notebooks

    def cancel_notebooks(self) -> None:
        if self.runner is not None:
            self.runner.cancel()
            self.runner = None

    def report(self) -> dict:
        """What this run did, machine-readable (``gdbook build --report``, the benchmark, the tests)."""
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
            "stages": [{"stage": st, "seconds": round(sec, 4), "detail": d} for st, sec, d in self.timings],
        }


def public_view(value: Any) -> Any:
    """Drop the private ``_`` keys at every level (they feed figures only)."""
    if isinstance(value, dict):
        return {k: public_view(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, (list, tuple)):
        return [public_view(v) for v in value]
    return value


def compute(settings: Settings, cache: Cache, seconds: dict[str, float] | None = None) -> tuple[dict, dict[str, str], list[str]]:
    results: dict[str, Any] = {}
    keys: dict[str, str] = {}
    computed: list[str] = []
    settings_json = as_dict(settings)
    for section in registry.sections():
        deps = {d: results[d] for d in section.depends}
        key = make_key("section", section.key, section.build.__module__,
                       {"settings": settings_json, "deps": {d: keys[d] for d in section.depends}})
        value = cache.get("section", section.key, key)
        if value is None:
            t = time.perf_counter()
            try:
                value = section.build(settings, deps)
            except BuildError as e:
                raise BuildError(f"computing '{section.key}' ({section.build.__module__}): {e}") from e
            if seconds is not None:
                seconds[f"section {section.key}"] = time.perf_counter() - t
            cache.put("section", section.key, key, value)
            computed.append(section.key)
        results[section.key] = value
        keys[section.key] = key
    return results, keys, computed


def gather_errata(results: dict[str, Any]) -> list[dict]:
    errata = []
    for key, value in results.items():
        if isinstance(value, dict):
            for item in value.get("errata", ()):
                errata.append({"chapter": key, **item})
    return errata


_LONG_DECIMAL = re.compile(rb"(?<![\w#.])(-?\d+\.\d{3,})")


def _two_decimals(m: re.Match) -> bytes:
    text = f"{float(m.group(1)):.2f}".rstrip("0").rstrip(".")
    return (text if text != "-0" else "0").encode()


def compact_svg(svg: bytes) -> bytes:
    """Coordinates to 0.01 px instead of matplotlib's 0.000001 px: a third less to download, the same picture."""
    return _LONG_DECIMAL.sub(_two_decimals, svg)


def svg_bytes(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    # No date and a fixed hash salt: the same figure gives the same bytes.
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)
    return compact_svg(buf.getvalue())


def draw_figures(results: dict, keys: dict[str, str], cache: Cache, out_dir: Path,
                 seconds: dict[str, float] | None = None) -> tuple[dict[str, FigureOut], list[str], list[str]]:
    out: dict[str, FigureOut] = {}
    drawn: list[str] = []
    files: list[str] = []
    specs = registry.figures()
    for spec in specs:
        missing = [d for d in spec.depends if d not in results]
        if missing:
            raise BuildError(f"figure '{spec.name}' depends on results key(s) {missing} that no section computes")
        key = make_key("figure", spec.name, spec.draw.__module__, {d: keys[d] for d in spec.depends})
        svgs = cache.get("figure", spec.name, key)
        if svgs is None:
            t = time.perf_counter()
            svgs = _draw(spec, results)
            if seconds is not None:
                seconds[f"figure {spec.name}"] = time.perf_counter() - t
            cache.put("figure", spec.name, key, svgs)
            drawn.append(spec.name)
        paths = {}
        for theme_name, data in svgs.items():
            rel = f"img/{spec.name}-{theme_name}.svg"
            write_atomic(out_dir / rel, data)
            files.append(rel)
            paths[theme_name] = rel
        alt = " ".join(spec.alt(results).split())
        if not alt:
            raise BuildError(f"figure '{spec.name}' has empty alt text")
        width, height = svg_size(svgs["light"])
        out[spec.name] = FigureOut(spec.name, alt, paths["light"], paths["dark"], width, height)
    return out, drawn, files


def draw_in(spec: Any, results: dict, theme: Any) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from gdbook.figures.style import plain_log_labels

    with matplotlib.rc_context(theme.rc()):
        fig = spec.draw(results, theme)
        plain_log_labels(fig)
        return svg_bytes(fig)


def _draw(spec: Any, results: dict) -> dict[str, bytes]:
    from gdbook.figures.style import DARK, LIGHT, recolor

    light = draw_in(spec, results, LIGHT)
    return {"light": light, "dark": recolor(light, LIGHT, DARK)}


def dataset_csv(results: dict) -> str:
    d = results["dataset"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["x", "y", "split"])
    for x, y, test in zip(d["_x"], d["_y"], d["_is_test"]):
        # repr() round-trips a float exactly, so tests can recompute from the CSV.
        w.writerow([repr(float(x)), repr(float(y)), "test" if test else "train"])
    return buf.getvalue()


def write_downloads(public: dict, results: dict, out_dir: Path) -> list[str]:
    text = json.dumps(public, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    write_atomic(out_dir / "downloads" / "results.json", text)
    write_atomic(out_dir / "downloads" / "dataset.csv", dataset_csv(results))
    return ["downloads/results.json", "downloads/dataset.csv"]


def write_section_files(results: dict, out_dir: Path) -> list[str]:
    """Files a section ships beside the pages (``_files``: path under data/ → text or bytes)."""
    written = []
    for key, value in results.items():
        if not isinstance(value, dict):
            continue
        for rel, content in value.get("_files", {}).items():
            path = f"data/{rel}"
            write_atomic(out_dir / path, content)
            written.append(path)
    return written


def generate(settings: Settings, out_dir: Path, cache: Cache, notebook_sources: list[Path] = ()) -> Generated:
    """Everything the pages need.  The notebooks run in a child process meanwhile, and go on running
    after this returns: :meth:`Generated.executed_notebooks` waits for them."""
    from gdbook.notebooks import Runner

    runner = Runner(list(notebook_sources), cache, out_dir)
    try:
        gen = _generate_cached(settings, out_dir, cache)
    except BaseException:
        runner.cancel()
        raise
    gen.runner = runner
    return gen


def _generate_cached(settings: Settings, out_dir: Path, cache: Cache) -> Generated:
    t0 = time.perf_counter()
    # Fast path: nothing in the package or the settings changed since a build
    # that completed, so take everything from one snapshot without importing
    # the compute and figure modules (and with them SymPy and matplotlib).
    snapshot_key = package_key({"settings": as_dict(settings)})
    snap = cache.get("snapshot", "build", snapshot_key)
    if snap is not None:
        for rel, data in snap["contents"].items():
            write_atomic(out_dir / rel, data)
        _prune(out_dir, set(snap["contents"]))
        gen = Generated(snap["results"], snap["public"], snap["figures"], list(snap["contents"]),
                        sections=snap["sections"], from_snapshot=True)
        gen.timings = [("cache", time.perf_counter() - t0,
                        f"nothing changed: {len(gen.sections)} sections, {len(gen.figures)} figures, none recomputed")]
        return gen
    cache.hold()
    try:
        gen = _generate(settings, out_dir, cache, t0)
    except BaseException:
        cache.release(keep=False)
        raise
    unchanged = code_is_current(snapshot_key, settings)
    cache.release(keep=unchanged)
    if not unchanged:
        return gen  # a source changed while this build ran: cache none of it
    contents = {rel: (out_dir / rel).read_bytes() for rel in gen.files}
    cache.put("snapshot", "build", snapshot_key, {
        "results": gen.results, "public": gen.public, "figures": gen.figures,
        "contents": contents, "sections": gen.sections,
    })
    return gen


def code_is_current(snapshot_key: str, settings: Settings) -> bool:
    """Whether what this build computed may be cached under the keys it took at its start.

    Not if a source changed while it ran (the key moved), nor if one changed after the
    running modules were imported (``mkdocs serve`` keeps them between builds): either
    way the results may come from code that the keys do not describe.
    """
    from gdbook import live

    return package_key({"settings": as_dict(settings)}) == snapshot_key and live.loaded_code_is_current()


def _generate(settings: Settings, out_dir: Path, cache: Cache, t0: float) -> Generated:
    timings = []
    seconds: dict[str, float] = {}
    results, keys, computed = compute(settings, cache, seconds)
    results["errata"] = gather_errata(results)
    results["settings"] = as_dict(settings)
    t1 = time.perf_counter()
    timings.append(("compute", t1 - t0, f"{len(keys)} sections, {len(computed)} recomputed"))
    figures, drawn, fig_files = draw_figures(results, keys, cache, out_dir, seconds)
    t2 = time.perf_counter()
    timings.append(("figures", t2 - t1, f"{len(figures)} figures, {len(drawn)} redrawn"))
    public = public_view(results)
    try:
        files = fig_files + write_downloads(public, results, out_dir)
    except ValueError as e:  # allow_nan=False: a NaN must never reach a reader
        raise BuildError(f"results.json would hold a non-finite number: {e}") from e
    files += write_section_files(results, out_dir)
    timings.append(("downloads", time.perf_counter() - t2, "results.json, dataset.csv, data files"))
    _prune(out_dir, set(files))
    sections = [{"key": s.key, "doc": s.doc, "depends": list(s.depends), "module": s.build.__module__}
                for s in registry.sections()]
    gen = Generated(results, public, figures, files, timings, computed, drawn, sections)
    gen.seconds = seconds
    return gen


def _prune(out_dir: Path, keep: set[str]) -> None:
    # A renamed or deleted figure must not linger in the site.
    for sub in ("img", "downloads", "data"):
        for p in (out_dir / sub).rglob("*"):
            if p.is_file() and p.relative_to(out_dir).as_posix() not in keep:
                p.unlink()


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
