"""Descent paths on the contours of the loss: what both descent chapters draw.

The loss of a line is a quadratic in (w, b), so it is known everywhere from
six sums of the training data (:func:`quadratic`); a figure evaluates it on a
grid over whatever window it shows.  The contour plot keeps one scale on both
axes (a stretched axis would hide the very elongation that makes descent
slow), and a long path is drawn fading with age: old updates pale, recent ones
solid, so a thousand noisy steps stay readable instead of covering the map.
"""

from __future__ import annotations

import numpy as np


def quadratic(x: np.ndarray, y: np.ndarray) -> dict:
    """The sums that define L(w, b) = (1/n) Σ (w xᵢ + b − yᵢ)² on the points (x, y)."""
    return {"n": float(len(x)), "sxx": float(x @ x), "sx": float(x.sum()), "sxy": float(x @ y),
            "sy": float(y.sum()), "syy": float(y @ y)}


def loss_on(q: dict, W: np.ndarray, B: np.ndarray) -> np.ndarray:
    """L(w, b) from the sums of :func:`quadratic`, elementwise over arrays W, B."""
    return (W * W * q["sxx"] + 2 * W * B * q["sx"] + q["n"] * B * B - 2 * W * q["sxy"] - 2 * B * q["sy"]
            + q["syy"]) / q["n"]


def box(ws: np.ndarray, bs: np.ndarray, margin: float = 0.08, shape: float = 1.4) -> tuple[float, float, float, float]:
    """A window around the points, with a margin, its sides at most ``shape`` times the other (the shorter side
    is widened about its middle): drawn to one scale, a very long thin window would be unreadable."""
    w_lo, w_hi, b_lo, b_hi = float(np.min(ws)), float(np.max(ws)), float(np.min(bs)), float(np.max(bs))
    span = max(w_hi - w_lo, b_hi - b_lo, 1e-9 * max(1.0, abs(w_lo), abs(b_lo)))
    pad = margin * span
    w_lo, w_hi, b_lo, b_hi = w_lo - pad, w_hi + pad, b_lo - pad, b_hi + pad
    long = max(w_hi - w_lo, b_hi - b_lo)
    wc, bc = (w_lo + w_hi) / 2, (b_lo + b_hi) / 2
    half_w, half_b = max(w_hi - w_lo, long / shape) / 2, max(b_hi - b_lo, long / shape) / 2
    return wc - half_w, wc + half_w, bc - half_b, bc + half_b


def equal_window(ax, limits: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Show exactly ``limits`` with one scale on both axes (the axes box takes the window's shape)."""
    ax.set_xlim(limits[0], limits[1])
    ax.set_ylim(limits[2], limits[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_autoscale_on(False)
    return limits


def draw_contours(ax, q: dict, loss_min: float, theme, count: int = 9, grid: int = 181) -> None:
    """Contours of L over the axes' current window, spaced evenly on a log scale of the excess L − L*."""
    (w0, w1), (b0, b1) = ax.get_xlim(), ax.get_ylim()
    W, B = np.meshgrid(np.linspace(w0, w1, grid), np.linspace(b0, b1, grid))
    Z = loss_on(q, W, B)
    excess = np.maximum(Z - loss_min, 0.0)
    top = float(np.max(excess))
    if not top > 0:
        return
    # from the window's own lowest ring up to its highest: every ring shown is inside the window
    low = max(float(np.percentile(excess, 0.5)), top * 1e-8)
    levels = loss_min + np.geomspace(low, top * 0.9, count)
    ax.contour(W, B, Z, levels=levels, colors=theme.c("neutral"), linewidths=0.7)


def fading_path(ax, w: np.ndarray, b: np.ndarray, color: str, lw: float = 1.4, max_segments: int = 1500,
                faintest: float = 0.12, zorder: float = 3) -> int:
    """The path (w₀, b₀) → (w₁, b₁) → … as segments whose opacity grows with the log of their update number.

    Paths longer than ``max_segments`` are drawn through every k-th iterate
    (returned; 1 when every update is drawn), always ending at the last one.
    """
    from matplotlib.collections import LineCollection
    from matplotlib.colors import to_rgba

    w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
    step = max(1, int(np.ceil((len(w) - 1) / max_segments)))
    idx = np.arange(len(w) - 1, -1, -step)[::-1]
    if idx[0] != 0:
        idx = np.concatenate([[0], idx])
    pts = np.column_stack([w[idx], b[idx]])
    if len(pts) < 2:
        return step
    segs = np.stack([pts[:-1], pts[1:]], axis=1)
    # age on a log scale of the update number: the first steps, which carry the walk into the valley, stay
    # visible, and the last ones (the noise around the minimum) are solid
    t = idx[1:].astype(float)
    age = np.log1p(t) / np.log1p(t[-1])
    rgba = np.tile(to_rgba(color), (len(segs), 1))
    rgba[:, 3] = faintest + (1.0 - faintest) * age
    ax.add_collection(LineCollection(segs, colors=rgba, linewidths=lw, zorder=zorder, capstyle="round"))
    return step


def log_ticks(axis, lo: float, hi: float) -> None:
    """Ticks of a log-scale axis written as plain numbers: 1-2-5 steps over a short range, powers of ten over a
    long one (a few of them, evenly spaced)."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator

    from gdbook.core import fmt

    lo_e, hi_e = int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi)))
    mantissas = (1, 2, 5) if hi_e - lo_e <= 2 else (1,)
    every = max(1, int(np.ceil((hi_e - lo_e) / 6)))
    ticks = [m * 10.0 ** e for e in range(lo_e, hi_e + 1) if (e - lo_e) % every == 0 for m in mantissas]
    ticks = [t for t in ticks if lo <= t <= hi]
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(lambda v, _: tick_label(v)))
    axis.set_minor_locator(NullLocator())
    axis.set_minor_formatter(NullFormatter())


def tick_label(v: float) -> str:
    """A log-axis tick as people write it: 0.5, 20, 1000 — and below 0.01 as a power of ten (10⁻⁴, 2 × 10⁻⁴),
    never a run of decimals (the SVG compaction shortens numbers with three decimals or more)."""
    from gdbook.core import fmt

    if v == 0 or 0.01 <= abs(v) < 1e5:
        return fmt.num(v, 2)
    e = int(np.floor(np.log10(abs(v)) + 1e-9))
    m = round(v / 10.0**e, 1)
    power = "10" + str(e).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return power if m == 1 else f"{fmt.num(m, 2)} × {power}"
