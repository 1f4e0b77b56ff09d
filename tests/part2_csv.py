"""Recompute Part 2's numbers from the published dataset.csv alone (no gdbook import)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np


def load(site: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    text = (site / "downloads" / "dataset.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    out = {}
    for split in ("train", "test"):
        sel = [r for r in rows if r["split"] == split]
        out[split] = (np.array([float(r["x"]) for r in sel]), np.array([float(r["y"]) for r in sel]))
    return out


def metrics(w: float, b: float, x: np.ndarray, y: np.ndarray) -> dict:
    r = (w * x + b) - y
    mse = float(np.mean(r ** 2))
    return {
        "mse": mse,
        "rmse": float(np.sqrt(mse)),
        "mae": float(np.mean(np.abs(r))),
        "r2": float(1.0 - np.sum(r ** 2) / np.sum((y - y.mean()) ** 2)),
    }


def lstsq(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least squares by numpy's SVD-based solver (independent of the book's normal equations)."""
    (w, b), *_ = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)
    return float(w), float(b)


def page_text(site: Path, page: str) -> str:
    """The visible text of a built page (tags stripped, entities decoded)."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", (site / page).read_text(encoding="utf-8")))
