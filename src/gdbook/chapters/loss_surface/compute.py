"""The loss surface L(w, b) on a grid around the paths of the three descent runs.

L is a quadratic in (w, b): L(θ) = L* + (θ − θ*)ᵀ (H/2) (θ − θ*), with the
constant Hessian H, so its contours are ellipses whose axes are H's
eigenvectors and whose elongation is the condition number λ_max/λ_min.
"""

from __future__ import annotations

import numpy as np

from gdbook.core.data import make_dataset
from gdbook.core.model import hessian
from gdbook.settings import Settings

GRID = 161


def loss_grid(x: np.ndarray, y: np.ndarray, ws: np.ndarray, bs: np.ndarray) -> np.ndarray:
    """L(w, b) on the grid ws × bs (rows: b, columns: w), from the sums Σx², Σx, Σxy, Σy, Σy²."""
    n = len(x)
    sxx, sx, sxy, sy, syy = x @ x, x.sum(), x @ y, y.sum(), y @ y
    W, B = np.meshgrid(ws, bs)
    return (W * W * sxx + 2 * W * B * sx + n * B * B - 2 * W * sxy - 2 * B * sy + syy) / n


def loss_surface_section(s: Settings, deps: dict) -> dict:
    ds = make_dataset(s)
    cf = deps["closed_form"]
    gd = {"full_batch": deps["full_batch"], "mini_batch": deps["stochastic"]["mini_batch"],
          "stochastic": deps["stochastic"]["sgd"]}
    x, y = ds.x_train, ds.y_train
    # the window: the start and the minimum, with a margin; the stochastic path may leave it
    w_lo, w_hi = sorted((ds.w0, cf["w"]))
    b_lo, b_hi = sorted((ds.b0, cf["b"]))
    span = max(w_hi - w_lo, b_hi - b_lo, 1.0)
    wlim = (w_lo - 0.6 * span, w_hi + 0.6 * span)
    blim = (b_lo - 0.6 * span, b_hi + 0.6 * span)
    ws, bs = np.linspace(*wlim, GRID), np.linspace(*blim, GRID)
    Z = loss_grid(x, y, ws, bs)
    lam, vec = np.linalg.eigh(hessian(x))
    k = int(np.argmin(Z))
    inside = {}
    for name in ("full_batch", "mini_batch", "stochastic"):
        pw, pb = gd[name]["_w"], gd[name]["_b"]
        ok = (pw >= wlim[0]) & (pw <= wlim[1]) & (pb >= blim[0]) & (pb <= blim[1])
        inside[name] = float(np.mean(ok))
    slow = vec[:, 0]
    return {
        "w_min": wlim[0], "w_max": wlim[1], "b_min": blim[0], "b_max": blim[1],
        "grid": GRID,
        "grid_min_loss": float(Z.flat[k]),
        "grid_min_w": float(ws[k % GRID]), "grid_min_b": float(bs[k // GRID]),
        "max_loss": float(Z.max()),
        "eig": [float(v) for v in lam],
        "cond": float(lam[-1] / lam[0]),
        "axis_ratio": float(np.sqrt(lam[-1] / lam[0])),
        # the slow (flat) direction, as a slope db/dw in the (w, b) plane
        "slow_dir": [float(v) for v in slow],
        "slow_angle_deg": float(np.degrees(np.arctan2(slow[1], slow[0])) % 180.0),
        "share_inside": inside,
        "_ws": ws, "_bs": bs, "_Z": Z,
    }
