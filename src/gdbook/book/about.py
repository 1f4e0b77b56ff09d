"""Provenance of a build, and the diagram of how the book is built.

What it reports (the git commit, the installed versions) is not a function
of the settings, so it is never cached under the settings' key.  The About page
asks for it afresh at every build (:mod:`gdbook.book.pages`).  Everything here
depends only on the sources and the installed packages, never on the time or
the folder of the build, so two builds of the same sources stay identical.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import platform
import subprocess
from pathlib import Path

PYTHON_PACKAGES = (
    "numpy", "sympy", "matplotlib", "jinja2", "mkdocs", "mkdocs-material", "pymdown-extensions",
    "mkdocs-jupyter", "jupytext", "nbformat", "nbclient", "nbconvert", "ipykernel",
)
FRONT_END_PACKAGES = ("katex", "mermaid")


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def git_state(root: Path) -> dict:
    """The commit of the sources, and whether tracked files differ from it."""
    commit = _git(root, "rev-parse", "HEAD")
    if not commit:
        return {"available": False, "commit": "", "short": "", "date": "", "modified": []}
    # Tracked files that differ from HEAD, staged or not (names only: no parsing of status columns).
    changed = _git(root, "diff", "--name-only", "HEAD") or ""
    modified = sorted(line for line in changed.splitlines() if line)
    return {"available": True, "commit": commit, "short": commit[:12],
            "date": _git(root, "log", "-1", "--format=%cI") or "", "modified": modified}


def versions(root: Path) -> dict:
    py = {}
    for name in PYTHON_PACKAGES:
        try:
            py[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            py[name] = "not installed"
    npm = {}
    try:
        lock = json.loads((root / "package-lock.json").read_text(encoding="utf-8"))["packages"]
        for name in FRONT_END_PACKAGES:
            npm[name] = lock.get(f"node_modules/{name}", {}).get("version", "not pinned")
    except (OSError, KeyError, ValueError):
        npm = {name: "unknown" for name in FRONT_END_PACKAGES}
    return {"python": platform.python_version(), "packages": py, "front_end": npm}


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def build_diagram(n_settings: int, sections: list[str], n_figures: int, n_pages: int, n_notebooks: int) -> str:
    """Mermaid source of the build: settings → compute → figures → render → MkDocs → site."""
    shown = ", ".join(sections[:6]) + (f", … ({len(sections)} in all)" if len(sections) > 6 else "")
    return "\n".join([
        "flowchart TD",
        f'    settings[/"Settings<br><code>[tool.gdbook]</code> in pyproject.toml<br>{n_settings} values, checked"/]',
        f'    compute["compute: <code>gdbook.chapters</code><br>{len(sections)} sections, pure NumPy and SymPy<br><i>{shown}</i>"]',
        '    results[("results.json<br>every number of the book")]',
        f'    figures["figures: <code>gdbook.chapters</code><br>{n_figures} figures, drawn light,<br>recoloured dark (SVG)"]',
        f'    render["render: Jinja page templates<br>{n_pages} pages, every value by placeholder"]',
        f'    notebooks["notebooks: {n_notebooks} jupytext sources,<br>executed by gdbook (cached),<br>shown by mkdocs-jupyter"]',
        '    vendor["KaTeX and mermaid<br>from node_modules, pinned"]',
        '    mkdocs["MkDocs + Material, strict:<br>a warning fails the build"]',
        '    site[("site/: static HTML,<br>no request to another host")]',
        "    settings --> compute",
        "    compute --> results",
        "    compute --> figures",
        "    results --> render",
        "    figures --> render",
        "    render --> mkdocs",
        "    notebooks --> mkdocs",
        "    vendor --> mkdocs",
        "    mkdocs --> site",
    ])
