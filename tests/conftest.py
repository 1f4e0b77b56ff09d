"""Shared fixtures: one strict build of the site per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

CACHE = Path(os.environ.get("GDBOOK_CACHE_DIR") or ROOT / ".cache" / "gdbook")


def run_gdbook(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the real command line, as an author or CI would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "gdbook", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site, built strictly from the working tree into a temporary folder."""
    site = tmp_path_factory.mktemp("build") / "site"
    proc = run_gdbook("build", "--site-dir", str(site), "--quiet")
    assert proc.returncode == 0, f"gdbook build failed:\n{proc.stdout}\n{proc.stderr}"
    return site


@pytest.fixture(scope="session")
def results(built_site) -> dict:
    import json

    return json.loads((built_site / "downloads" / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def full_results(built_site) -> dict:
    """Every result, the private ``_`` keys (arrays for figures) included, read back from the cache the build filled."""
    from gdbook.book.cache import Cache
    from gdbook.book.generate import generate
    from gdbook.settings import load

    return generate(load(ROOT / "pyproject.toml"), Cache(CACHE), lambda: True).results


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under xdist's ``loadgroup``: a file's tests stay on one worker (its module fixtures are
    built once), unless a test names a group of its own (the slowest browser scans)."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def docs_copy(tmp_path: Path, root: Path) -> Path:
    """A copy of the project whose docs/ can be edited: configuration and docs copied, code linked."""
    import shutil

    proj = tmp_path / "proj"
    proj.mkdir()
    for name in ("pyproject.toml", "package-lock.json", "mkdocs.yml"):
        (proj / name).write_bytes((root / name).read_bytes())
    for name in ("node_modules", "scripts", "src"):
        (proj / name).symlink_to(root / name)
    shutil.copytree(root / "docs", proj / "docs")
    return proj
