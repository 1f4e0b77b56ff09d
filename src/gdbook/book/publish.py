"""Build the site into a staging folder and swap it in only if the build passed.

``site/`` is therefore always the last good build: a bad setting, a failed
derivation, a strict-mode warning or a Ctrl-C leaves it byte-for-byte as it
was.  Staging folders of builds that died (their process is gone) are removed
by the next build.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SOURCE_DATE_EPOCH_DEFAULT = "0"
STAGING = ".site-staging-"
OLD = ".site-old-"


def source_date_epoch(root: Path) -> str:
    """The commit time of HEAD, so sitemap dates depend on the sources only."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, check=True)
        return out.stdout.strip() or SOURCE_DATE_EPOCH_DEFAULT
    except (OSError, subprocess.CalledProcessError):
        return SOURCE_DATE_EPOCH_DEFAULT


def setup_logging(quiet: bool) -> None:
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_gdbook", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
        handler._gdbook = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False


def load(root: Path, settings: Path, *, site_dir: Path | None = None, cache: bool = True, debug: bool = False,
         export: Path | None = None) -> Any:
    """MkDocs' configuration of the project, strict, with the gdbook plugin's options set."""
    from mkdocs.config import load_config

    kwargs = {"site_dir": str(site_dir)} if site_dir is not None else {}
    config = load_config(str(root / "mkdocs.yml"), strict=True, **kwargs)
    plugin = config.plugins["gdbook"]
    plugin.config.settings = str(settings)
    plugin.config.cache = plugin.config.cache and cache
    plugin.config.debug = debug
    plugin.export = export
    return config


def remove_leftovers(parent: Path) -> None:
    """Staging and old-site folders of builds whose process is gone (killed mid-build)."""
    for p in list(parent.glob(f"{STAGING}*")) + list(parent.glob(f"{OLD}*")):
        parts = p.name.split("-")  # .site-staging-<pid>-<random>
        pid = parts[2] if len(parts) >= 4 else ""
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(p, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def build(root: Path, site_dir: Path, settings: Path, *, cache: bool = True, debug: bool = False) -> tuple[Any, list]:
    """Build strictly into a staging folder beside ``site_dir``, then swap it in.  Returns (the Book, timings)."""
    from mkdocs.commands.build import build as mkdocs_build

    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(site_dir.parent)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING}{os.getpid()}-", dir=site_dir.parent))
    timings = []
    t0 = time.perf_counter()
    config = None
    try:
        config = load(root, settings, site_dir=staging, cache=cache, debug=debug)
        mkdocs_build(config)
        t1 = time.perf_counter()
        timings.append(("mkdocs", t1 - t0))
        swap(staging, site_dir)
        timings.append(("publish", time.perf_counter() - t1))
    except BaseException:
        # MkDocs tells plugins of its own errors, not of a Ctrl-C: stop the notebooks and tidy up here.
        book = config.plugins["gdbook"].book if config is not None else None
        if book is not None:
            book.close()
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return config.plugins["gdbook"].last, timings


def swap(new: Path, target: Path) -> None:
    old = Path(tempfile.mkdtemp(prefix=f"{OLD}{os.getpid()}-", dir=target.parent))
    if target.exists():
        os.replace(target, old / "site")
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def render_to(root: Path, settings: Path, out: Path) -> dict:
    """Render every page template to markdown under ``out/docs``, for a bare MkDocs build.

    Writes what MkDocs sees after gdbook: each page rendered, the generated
    figures and downloads, the front-end assets, the executed notebooks and
    the static files of ``docs/``; and ``out/mkdocs.yml``, the project's
    configuration without gdbook.  ``mkdocs build -f out/mkdocs.yml`` (run
    from the project folder, for snippets) then builds the same site without
    gdbook: the floor against which the benchmark measures the book's cost.
    """
    from mkdocs.commands.build import build as mkdocs_build

    out = out.resolve()
    docs = out / "docs"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.copytree(root / "docs", docs)
    with tempfile.TemporaryDirectory(prefix="gdbook-render-") as tmp:
        config = load(root, settings, site_dir=Path(tmp) / "site", export=docs)
        config.strict = False  # only the pages are wanted
        mkdocs_build(config)
    (out / "mkdocs.yml").write_text(bare_config(root, docs), encoding="utf-8")
    pages = sum(1 for _ in docs.rglob("*.md"))
    return {"pages": pages, "docs": str(docs), "config": str(out / "mkdocs.yml")}


def bare_config(root: Path, docs: Path) -> str:
    """The project's mkdocs.yml, text-edited (it holds python tags): no gdbook plugin, no watch, absolute
    folders, and the notebooks as the executed .ipynb files :func:`render_to` writes."""
    lines = (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    skipping = False
    skip_indent = -1
    for line in lines:
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        top = line and not line[0].isspace() and not line.startswith("#")
        if top:
            key = line.split(":", 1)[0]
            skipping = key == "watch"
            if key == "docs_dir":
                line = f"docs_dir: {docs}"
        if skipping:
            continue
        if skip_indent >= 0:
            if stripped and indent > skip_indent and not stripped.startswith("- "):
                continue
            skip_indent = -1
        if stripped.startswith("- gdbook"):
            skip_indent = indent
            continue
        if "notebooks/" in line and ".py" in line:  # the nav and mkdocs-jupyter's pattern: executed .ipynb
            line = line.replace(".py", ".ipynb")
        if stripped.startswith("custom_dir:"):
            line = f"{' ' * indent}custom_dir: {(root / line.split(':', 1)[1].strip()).resolve()}"
        out.append(line)
    return "\n".join(out) + "\n"
