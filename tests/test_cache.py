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
import re
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from gdbook.book import keys as cache_mod
from gdbook.book.cache import KEEP_PER_NAME, Cache
from gdbook.book.keys import make_key, package_key, source_digest

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
        self.env.update(PYTHONPATH=str(self.root / "src"), GDBOOK_CACHE_DIR=str(where / "cache"))

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
    assert re.search(r"\d+ sections, 0 recomputed; \d+ figures, 0 redrawn", report["stderr"])


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
    # A leaf of the dependency graph (the model-and-loss chapter) keeps this rebuild
    # short; the assertions below are the same for any module.
    svg = project.site / "img" / "model-and-loss-residuals-light.svg"
    before = sha(svg)
    edited = "gdbook.chapters.model_and_loss.compute"
    module = project.root / "src" / "gdbook" / "chapters" / "model_and_loss" / "compute.py"
    # Change what the section computes: the initial weight shown moves up by one.
    text = module.read_text(encoding="utf-8")
    assert '"w": ds.w0,' in text
    module.write_text(text.replace('"w": ds.w0,', '"w": ds.w0 + 1.0,'), encoding="utf-8")
    report = project.build()
    assert "model_and_loss" in report["recomputed"]
    assert "model-and-loss-residuals" in report["redrawn"]
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
    seen, libraries = cache_mod._walk("gdbook.core.descent")
    assert "gdbook.core.model" in seen  # descent imports model
    assert "numpy" in libraries


def test_key_changes_with_everything_it_covers(monkeypatch):
    base = make_key("section", "dataset", "gdbook.core.data", {"settings": {"seed": 42}})
    assert base == make_key("section", "dataset", "gdbook.core.data", {"settings": {"seed": 42}})
    assert base != make_key("section", "dataset", "gdbook.core.data", {"settings": {"seed": 43}})
    assert base != make_key("section", "dataset", "gdbook.core.descent", {"settings": {"seed": 42}})

    real = cache_mod.versions_of
    monkeypatch.setattr(cache_mod, "versions_of", lambda libs: [*real(libs), ("numpy", "0.0-other")])
    assert base != make_key("section", "dataset", "gdbook.core.data", {"settings": {"seed": 42}})
    monkeypatch.undo()

    monkeypatch.setattr(cache_mod, "package_data_digest", lambda: "other data")
    assert base != make_key("section", "dataset", "gdbook.core.data", {"settings": {"seed": 42}})
    monkeypatch.undo()

    # an edited source of an imported module (model.py, imported by descent.py) changes the digest
    digest = source_digest("gdbook.core.descent")
    real_read = Path.read_bytes

    def edited(self):
        data = real_read(self)
        return data + b"\n# edited\n" if self.name == "model.py" and self.parent.name == "core" else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert source_digest("gdbook.core.descent") != digest
    assert package_key({"settings": {}}) != (monkeypatch.undo() or package_key({"settings": {}}))


def test_versions_cover_python_and_imported_libraries():
    versions = dict(cache_mod.versions_of({"numpy", "yaml"}))
    assert versions["python"] and versions["numpy"] and versions["matplotlib"] and versions["sympy"]
    assert versions["yaml"] != "unknown"  # import name differs from the distribution's (PyYAML)


def test_damaged_or_edited_entry_is_a_miss(tmp_path):
    c = Cache(tmp_path)
    c.put("section", "x", "k1", {"a": 1})
    assert c.get("section", "x", "k1") == {"a": 1}
    entry = tmp_path / "section" / "x-k1.pkl"
    raw = entry.read_bytes()
    # the same length, one byte changed inside the pickle: still loads as a pickle, but is not what was written
    at = raw.index(b"\x01")
    entry.write_bytes(raw[:at] + b"\x02" + raw[at + 1:])
    assert c.get("section", "x", "k1") is None
    entry.write_bytes(b"not a pickle")
    assert c.get("section", "x", "k1") is None
    entry.write_bytes(raw[: len(raw) // 2])  # truncated
    assert c.get("section", "x", "k1") is None
    assert Cache(tmp_path, enabled=False).get("section", "x", "k1") is None


def test_several_entries_per_name_most_recently_used_kept(tmp_path):
    """Going back to earlier settings finds their results: a few entries per name are kept."""
    c = Cache(tmp_path)
    c.put("section", "x", "a", 1)
    c.put("section", "x", "b", 2)
    assert c.get("section", "x", "a") == 1 and c.get("section", "x", "b") == 2
    later = time.time_ns() + 10**9
    for i in range(KEEP_PER_NAME + 3):
        c.put("section", "x", f"k{i}", i)
        os.utime(tmp_path / "section" / f"x-k{i}.pkl", ns=(later + i * 10**9,) * 2)  # used after a and b
    names = sorted(p.name for p in (tmp_path / "section").iterdir())
    assert len(names) == KEEP_PER_NAME
    assert f"x-k{KEEP_PER_NAME + 2}.pkl" in names and "x-a.pkl" not in names
    c.put("section", "xy", "z", 0)  # another name is not counted with x
    assert (tmp_path / "section" / "xy-z.pkl").is_file()
    assert len([p for p in (tmp_path / "section").iterdir() if p.name.startswith("x-")]) == KEEP_PER_NAME


def test_a_value_that_cannot_be_pickled_leaves_the_old_entry(tmp_path):
    """Writing a new entry never removes an old one first: a failed write leaves the cache as it was."""
    c = Cache(tmp_path)
    c.put("snapshot", "build", "old", {"a": 1})
    with pytest.raises(Exception):
        c.put("snapshot", "build", "new", {"f": lambda: 0})
    assert c.get("snapshot", "build", "old") == {"a": 1}
    assert sorted(p.name for p in (tmp_path / "snapshot").iterdir()) == ["build-old.pkl"]


def test_the_quick_import_scan_agrees_with_the_parser():
    """package_key scans lines for imports; on every gdbook source it must find what ast finds."""
    for path in sorted(cache_mod.PACKAGE_DIR.rglob("*.py")):
        rel = path.relative_to(cache_mod.PACKAGE_DIR)
        name = ".".join(("gdbook", *rel.with_suffix("").parts)).removesuffix(".__init__")
        source = path.read_bytes()
        assert cache_mod.libraries_imported(source) == cache_mod._imports(path, name, source)[1], rel
    tricky = b"import numpy as np, scipy.linalg\nfrom matplotlib import (\n    pyplot,\n)\n    import yaml  # inside a function\nfrom . import x\nimport os\n"
    assert cache_mod.libraries_imported(tricky) == {"numpy", "scipy", "matplotlib", "yaml"}


def test_results_of_code_changed_while_building_are_not_cached(tmp_path):
    """A build whose code changed under it (mkdocs serve: saved mid-build) caches nothing."""
    from gdbook.book.generate import generate
    from gdbook.settings import Settings

    import gdbook.core.registry as registry

    few = [ch for ch in registry.chapters() if ch.name == "dataset"]
    real = registry.chapters
    registry.chapters = lambda package="gdbook.chapters": few
    try:
        cache = Cache(tmp_path)
        generate(Settings(), cache, code_is_current=lambda: False)
        assert not (tmp_path / "section").exists() and not (tmp_path / "snapshot").exists()
        generate(Settings(), cache, code_is_current=lambda: True)
        assert (tmp_path / "section" ).is_dir() and (tmp_path / "snapshot").is_dir()
    finally:
        registry.chapters = real


def test_a_section_reads_only_the_settings_it_declares():
    """A section's cache key covers the settings groups it declares in ``reads``; reading another fails loudly,
    so a missing name can never leave a stale result behind."""
    from gdbook.core import registry
    from gdbook.core.errors import BuildError
    from gdbook.settings import Settings, as_dict, from_mapping

    view = registry.settings_view(Settings(), ("exercises",), "section 'x'")
    assert view.exercises == Settings().exercises
    with pytest.raises(BuildError, match=r"section 'x' reads settings 'data.n' but does not declare 'data'"):
        view.data.n
    with pytest.raises(BuildError, match="does not declare 'data'"):
        view.n_train  # a property that reads the data counts as reading them
    a, b = as_dict(Settings()), as_dict(from_mapping({"seed": 7, "data": {"n": 300}}))
    assert registry.settings_read(a, ("exercises",)) == registry.settings_read(b, ("exercises",))
    assert registry.settings_read(a, ("seed", "exercises")) != registry.settings_read(b, ("seed", "exercises"))
    with pytest.raises(BuildError, match="unknown settings"):
        registry.settings_view(Settings(), ("exercise",), "section 'x'")
