"""Caching that is never stale, and never wasteful.

End to end, on a temporary copy of the project (so the working tree is never
touched): editing a compute function recomputes its section and redraws the
figure that depends on it, with different bytes; editing only prose
recomputes nothing and redraws nothing.  What a build did is read from the
machine-readable report that ``gdbook build --report`` writes.

In-process: the cache key covers the settings, the results a section reads,
the source of its module and of every gdbook module it imports, the package's
data files, and the versions of Python and the libraries involved.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from gdbook import cache as cache_mod
from gdbook.cache import Cache, make_key, package_key, source_digest

COPY = ("src", "docs", "scripts", "mkdocs.yml", "pyproject.toml", "package-lock.json")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Project:
    """A copy of the project in a temporary folder, built with its own cache, never installed."""

    def __init__(self, where: Path):
        self.root = where / "proj"
        self.root.mkdir()
        for name in COPY:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, self.root / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(src, self.root / name)
        (self.root / "node_modules").symlink_to(ROOT / "node_modules")
        self.site = where / "site"
        self.report_path = where / "report.json"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GDBOOK_")}
        self.env.update(PYTHONPATH=str(self.root / "src"), GDBOOK_CACHE_DIR=str(where / "cache"),
                        GDBOOK_GENERATED_DIR=str(where / "generated"))

    def build(self) -> dict:
        proc = subprocess.run(
            [sys.executable, "-m", "gdbook", "build", "--root", str(self.root), "--site-dir", str(self.site),
             "--report", str(self.report_path)],
            env=self.env, capture_output=True, text=True, timeout=900, cwd=self.root,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        report = json.loads(self.report_path.read_text(encoding="utf-8"))
        # the copy, not the working tree, was built
        assert report["site"] == str(self.site)
        report["stderr"] = proc.stderr
        return report


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    where = tmp_path_factory.mktemp("cache")
    # Start from a copy of the working tree's cache when the set-up left one
    # (the copy's sources are the same, so its entries are valid): this saves
    # a cold build; test_build.py already builds cold and checks the bytes.
    warm = Path(os.environ.get("GDBOOK_CACHE_DIR") or ROOT / ".cache" / "gdbook")
    if warm.is_dir():
        shutil.copytree(warm, where / "cache")
    p = Project(where)
    first = p.build()
    assert "dataset" in first["sections"] and "dataset-scatter" in first["figures"]
    if not first["from_snapshot"]:
        assert sorted(first["recomputed"]) == sorted(first["sections"]), "a cold build computes every section"
        assert sorted(first["redrawn"]) == sorted(first["figures"]), "a cold build draws every figure"
    return p


@pytest.mark.slow
def test_a_second_build_recomputes_nothing(project):
    report = project.build()
    assert report["recomputed"] == [] and report["redrawn"] == []
    assert report["from_snapshot"]
    assert "recomputed: none" in report["stderr"] and "redrawn: none" in report["stderr"]


@pytest.mark.slow
def test_editing_prose_recomputes_no_section_and_redraws_no_figure(project):
    page = project.root / "docs" / "part2" / "dataset.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA sentence added by the cache test.\n", encoding="utf-8")
    report = project.build()
    assert report["recomputed"] == [], report["recomputed"]
    assert report["redrawn"] == [], report["redrawn"]
    html = (project.site / "part2" / "dataset.html").read_text(encoding="utf-8")
    assert "A sentence added by the cache test." in html  # the prose did change


@pytest.mark.slow
def test_editing_a_compute_function_redraws_the_figure_that_depends_on_it(project):
    # A leaf of the dependency graph (the initial guess) keeps this rebuild
    # short; the assertions below are the same for any module.
    svg = project.site / "img" / "initial-guess-light.svg"
    before = sha(svg)
    edited = "gdbook.compute.initial_guess"
    module = project.root / "src" / "gdbook" / "compute" / "initial_guess.py"
    # Change what the section computes: the initial weight moves up by one.
    module.write_text(module.read_text(encoding="utf-8") + '''

import dataclasses as _dc

_original_build = {s.key: s for s in SECTIONS}["initial"].build


def _shifted(settings, deps):
    out = _original_build(settings, deps)
    return {**out, "w": out["w"] + 1.0}


SECTIONS = [_dc.replace(s, build=_shifted) if s.key == "initial" else s for s in SECTIONS]
''', encoding="utf-8")
    report = project.build()
    assert "initial" in report["recomputed"]
    assert "initial-guess" in report["redrawn"]
    assert "dataset-scatter" not in report["redrawn"], "a figure that does not read the edit was redrawn"
    assert sha(svg) != before, "the figure did not change"
    # Exactly what depends on the edit is recomputed: the sections whose module
    # imports the edited module (directly or not), then whatever reads their results.
    changed = {key for key, mod in report["modules"].items() if edited in cache_mod._walk(mod)[0]}
    while True:
        more = {key for key, deps in report["depends"].items() if set(deps) & changed} - changed
        if not more:
            break
        changed |= more
    assert set(report["recomputed"]) == changed


# --- the key, in-process ----------------------------------------------------------

def test_key_follows_imports_transitively():
    seen, libraries = cache_mod._walk("gdbook.compute.descent")
    assert "gdbook.compute.model" in seen  # descent imports model
    assert "numpy" in libraries


def test_key_changes_with_everything_it_covers(monkeypatch):
    base = make_key("section", "dataset", "gdbook.compute.dataset", {"settings": {"seed": 42}})
    assert base == make_key("section", "dataset", "gdbook.compute.dataset", {"settings": {"seed": 42}})
    assert base != make_key("section", "dataset", "gdbook.compute.dataset", {"settings": {"seed": 43}})
    assert base != make_key("section", "dataset", "gdbook.compute.descent", {"settings": {"seed": 42}})

    real = cache_mod.versions_of
    monkeypatch.setattr(cache_mod, "versions_of", lambda libs: [*real(libs), ("numpy", "0.0-other")])
    assert base != make_key("section", "dataset", "gdbook.compute.dataset", {"settings": {"seed": 42}})
    monkeypatch.undo()

    monkeypatch.setattr(cache_mod, "package_data_digest", lambda: "other data")
    assert base != make_key("section", "dataset", "gdbook.compute.dataset", {"settings": {"seed": 42}})
    monkeypatch.undo()

    # an edited source of an imported module (model.py, imported by descent.py) changes the digest
    digest = source_digest("gdbook.compute.descent")
    real_read = Path.read_bytes

    def edited(self):
        data = real_read(self)
        return data + b"\n# edited\n" if self.name == "model.py" and self.parent.name == "compute" else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert source_digest("gdbook.compute.descent") != digest
    assert package_key({"settings": {}}) != (monkeypatch.undo() or package_key({"settings": {}}))


def test_versions_cover_python_and_imported_libraries():
    versions = dict(cache_mod.versions_of({"numpy", "yaml"}))
    assert versions["python"] and versions["numpy"] and versions["matplotlib"] and versions["sympy"]
    assert versions["yaml"] != "unknown"  # import name differs from the distribution's (PyYAML)


def test_damaged_entry_is_a_miss(tmp_path):
    c = Cache(tmp_path)
    c.put("section", "x", "k1", {"a": 1})
    assert c.get("section", "x", "k1") == {"a": 1}
    (tmp_path / "section" / "x-k1.pkl").write_bytes(b"not a pickle")
    assert c.get("section", "x", "k1") is None
    c.put("section", "x", "k2", {"a": 2})  # a new key replaces the old entry
    assert [p.name for p in (tmp_path / "section").iterdir()] == ["x-k2.pkl"]
    assert Cache(tmp_path, enabled=False).get("section", "x", "k2") is None


def test_the_quick_import_scan_agrees_with_the_parser():
    """package_key scans lines for imports; on every gdbook source it must find what ast finds."""
    for path in sorted(cache_mod.PACKAGE_DIR.rglob("*.py")):
        rel = path.relative_to(cache_mod.PACKAGE_DIR)
        name = ".".join(("gdbook", *rel.with_suffix("").parts)).removesuffix(".__init__")
        source = path.read_bytes()
        assert cache_mod.libraries_imported(source) == cache_mod._imports(path, name, source)[1], rel
    tricky = b"import numpy as np, scipy.linalg\nfrom matplotlib import (\n    pyplot,\n)\n    import yaml  # inside a function\nfrom . import x\nimport os\n"
    assert cache_mod.libraries_imported(tricky) == {"numpy", "scipy", "matplotlib", "yaml"}


def test_results_of_code_changed_since_it_was_loaded_are_not_cached(monkeypatch):
    """`mkdocs serve` keeps modules between builds: a source saved after they were
    loaded must keep the build's results out of the cache, even if the keys agree."""
    from gdbook import live, pipeline
    from gdbook.settings import Settings, as_dict

    s = Settings()
    key = cache_mod.package_key({"settings": as_dict(s)})
    monkeypatch.setitem(live._state, "stamp", None)  # nothing loaded through the hooks
    assert pipeline.code_is_current(key, s)
    monkeypatch.setitem(live._state, "stamp", live._stamp())
    assert pipeline.code_is_current(key, s)
    saved_since = tuple((path, mtime - 1) for path, mtime in live._stamp())
    monkeypatch.setitem(live._state, "stamp", saved_since)
    assert not pipeline.code_is_current(key, s)
    monkeypatch.setitem(live._state, "stamp", None)
    assert not pipeline.code_is_current("a key taken before an edit", s)
