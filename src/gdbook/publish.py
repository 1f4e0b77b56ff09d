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
        timings.append(("mkdocs", time.perf_counter() - t0))
        swap(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return timings


def swap(new: Path, target: Path) -> None:
    old = target.parent / f".site-old-{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)
