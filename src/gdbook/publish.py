"""Build the site into a staging folder and swap it in only if the build passed.

``site/`` is therefore always the last good build: a bad setting, a failed
derivation or a strict-mode warning leaves it byte-for-byte as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

SOURCE_DATE_EPOCH_DEFAULT = "0"


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


def build(root: Path, site_dir: Path, quiet: bool = False) -> list[tuple[str, float]]:
    """Build strictly into a staging folder beside ``site_dir``, then swap it in."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", source_date_epoch(root))
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    setup_logging(quiet)
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    site_dir = site_dir.resolve()
    staging = site_dir.parent / f".site-staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    timings = []
    t0 = time.perf_counter()
    try:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(staging), strict=True)
        mkdocs_build(config)
        t1 = time.perf_counter()
        timings.append(("mkdocs", t1 - t0))
        swap(staging, site_dir)
        timings.append(("publish", time.perf_counter() - t1))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return timings


BARE_CONFIG_DROP = ("hooks", "watch")  # top-level keys of mkdocs.yml a bare build goes without


def render_to(root: Path, out: Path) -> dict:
    """Render every page template to markdown under ``out/docs``, for a bare MkDocs build.

    Writes what MkDocs would see after gdbook's hook: each page rendered, the
    generated figures and downloads, the front-end assets and the static files
    of ``docs/``; and ``out/mkdocs.yml``, the project's configuration without
    the hook, pointing at it.  ``mkdocs build -f out/mkdocs.yml`` (run from the
    project folder, for snippets) then builds the same site without gdbook:
    the floor against which the benchmark measures the book's own cost.
    """
    import types

    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    from gdbook import mkdocs_events

    os.environ.setdefault("SOURCE_DATE_EPOCH", source_date_epoch(root))
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    out = out.resolve()
    docs = out / "docs"
    shutil.rmtree(docs, ignore_errors=True)
    config = load_config(str(root / "mkdocs.yml"), strict=True)
    mkdocs_events.on_config(config)
    mkdocs_events.on_pre_build(config)
    gen = mkdocs_events.generated()
    gen.executed_notebooks()
    files = get_files(config)
    pages = 0
    for f in files:
        dest = docs / f.src_uri
        dest.parent.mkdir(parents=True, exist_ok=True)
        if f.src_uri.endswith(".md"):
            page = types.SimpleNamespace(file=f)
            text = mkdocs_events.on_page_markdown(Path(f.abs_src_path).read_text(encoding="utf-8"), page, config, files)
            dest.write_text(text, encoding="utf-8")
            pages += 1
        elif f.src_uri in gen.notebooks:
            # The notebook as the hook hands it to mkdocs-jupyter: executed (see bare_config).
            shutil.copyfile(gen.notebooks[f.src_uri], dest.with_suffix(".ipynb"))
        else:
            shutil.copyfile(f.abs_src_path, dest)
    gen_dir = mkdocs_events.generated_dir(root)
    for rel in gen.files:
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(gen_dir / rel, docs / rel)
    for asset in mkdocs_events._state["assets"]:
        (docs / asset.dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(asset.src, docs / asset.dest)
    (out / "mkdocs.yml").write_text(bare_config(root, docs), encoding="utf-8")
    return {"pages": pages, "files": len(gen.files), "docs": str(docs), "config": str(out / "mkdocs.yml")}


def bare_config(root: Path, docs: Path) -> str:
    """The project's mkdocs.yml, text-edited (it holds python tags): no hook, no watch, absolute folders,
    and the notebooks as the executed .ipynb files :func:`render_to` writes."""
    lines = (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    skipping = False
    for line in lines:
        top = line and not line[0].isspace() and not line.startswith("#")
        if top:
            key = line.split(":", 1)[0]
            skipping = key in BARE_CONFIG_DROP
            if key == "docs_dir":
                line = f"docs_dir: {docs}"
        if skipping:
            continue
        if "notebooks/" in line and ".py" in line:  # the nav and mkdocs-jupyter's pattern: executed .ipynb
            line = line.replace(".py", ".ipynb")
        if line.strip().startswith("custom_dir:"):
            indent = line[: len(line) - len(line.lstrip())]
            line = f"{indent}custom_dir: {(root / line.split(':', 1)[1].strip()).resolve()}"
        out.append(line)
    return "\n".join(out) + "\n"


def swap(new: Path, target: Path) -> None:
    old = target.parent / f".site-old-{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)
