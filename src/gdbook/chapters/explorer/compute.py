"""The gradient explorer: what the reader's browser needs to run gradient descent itself.

The explorer computes every run in the page (``docs/assets/javascripts/gdmath.js``,
the same arithmetic as :func:`gdbook.core.descent.descend`, in the same order).
What it cannot redo is shipped here, in ``data/explorer/data.js``: the
training and test splits (full precision), the shuffle orders that
``np.random.default_rng(seed)`` draws for mini-batch and stochastic runs (one
permutation per epoch, the same for every batch size), the least-squares fit
and the Hessian's eigen-decomposition (for η* and the contours), and the
settings a run needs.  tests/test_explorer.py holds the browser's runs equal to
these Python runs, bit for bit.

The results also hold the runs the page's prose speaks of, computed here by
``descend`` itself.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from gdbook.core.data import make_dataset
from gdbook.core.descent import Trace, descend_many
from gdbook.core.errors import BuildError
from gdbook.core.fmt import num
from gdbook.core.model import closed_form, hessian, mse
from gdbook.settings import Settings

DATA_FILE = "explorer/data.js"
GLOBAL = "GDBOOK_EXPLORER"
METHODS = ("full_batch", "mini_batch", "stochastic")  # the keys of the URL hash's method=
NEAR_STAR = (0.95, 1.05)  # the prose's runs either side of η*, as multiples of it


def lr_critical(x_train: np.ndarray) -> tuple[float, np.ndarray]:
    """η* = 2/λ_max of the MSE's Hessian (2/n)·XᵀX over the training split, and its eigenvalues."""
    eig = np.linalg.eigvalsh(hessian(x_train))
    return 2.0 / float(eig[-1]), eig


def whole_numbers(values: list[float], name: str, hi: int) -> list[int]:
    out = []
    for v in values:
        if v != int(v) or not 1 <= v <= hi:
            raise BuildError(f"setting '{name}' holds {v!r}: each must be a whole number from 1 to {hi}")
        out.append(int(v))
    return out


def nice_ticks(lo: float, hi: float, target: int = 5) -> list[list]:
    """Round tick values inside [lo, hi], about ``target`` of them, with their labels."""
    raw = (hi - lo) / target
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9)
    ticks = []
    for k in range(first, int(math.floor(hi / step + 1e-9)) + 1):
        v = round(k * step, 12) + 0.0  # + 0.0 turns −0 into 0
        ticks.append([v, num(v)])
    return ticks


def epochs_needed(n_iters: int, batch_size: int, n_train: int) -> int:
    """Shuffles a run of ``n_iters`` updates draws: one per epoch of ⌈n/batch⌉ updates."""
    return math.ceil(n_iters / math.ceil(n_train / batch_size))


def shuffle_orders(seed: int, n_train: int, epochs: int) -> np.ndarray:
    """The permutations ``descend`` draws from ``np.random.default_rng(seed)``, one row per epoch."""
    rng = np.random.default_rng(seed)
    return np.array([rng.permutation(n_train) for _ in range(epochs)], dtype=np.int64).reshape(epochs, n_train)


def pack_orders(orders: np.ndarray) -> dict:
    """The orders as little-endian unsigned integers of 1, 2 or 4 bytes in base64: a third of their JSON."""
    width = 1 if orders.shape[1] <= 256 else 2 if orders.shape[1] <= 65536 else 4
    raw = np.ascontiguousarray(orders.astype(f"<u{width}")).tobytes()
    return {"epochs": int(orders.shape[0]), "n": int(orders.shape[1]), "bytes": width,
            "base64": base64.b64encode(raw).decode("ascii")}


def unpack_orders(packed: dict) -> list[list[int]]:
    """:func:`pack_orders` undone (what the page's script does)."""
    raw = np.frombuffer(base64.b64decode(packed["base64"]), dtype=f"<u{packed['bytes']}")
    return raw.reshape(packed["epochs"], packed["n"]).astype(int).tolist()


def run(ds: Any, lr: float, n_iters: int, batch_size: int, s: Settings) -> Trace:
    """One run, exactly as the regression chapters call ``descend`` (a fresh generator seeded with the book's seed)."""
    n_train = len(ds.x_train)
    return descend_many(
        ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.w0, ds.b0, [lr], n_iters,
        batch_size=None if batch_size >= n_train else batch_size,
        rngs=[np.random.default_rng(s.seed)], bound=s.descent.divergence_bound,
    )[0]


def converged_since(trace: Trace, loss_min: float, tol: float) -> int | None:
    """The update from which the training loss stays within ``tol`` above the minimum to the run's end, or None."""
    outside = np.flatnonzero(trace.train_loss > loss_min * (1.0 + tol))
    since = 0 if len(outside) == 0 else int(outside[-1]) + 1
    return None if since >= len(trace.train_loss) else since


def describe(trace: Trace, lr: float, n_iters: int, loss_min: float, tol: float) -> dict:
    out = {
        "lr": lr, "n_iters": n_iters, "w": float(trace.w[-1]), "b": float(trace.b[-1]),
        "train_loss": float(trace.train_loss[-1]), "diverged": trace.diverged,
        "diverged_at": trace.diverged_at or 0, "iterations_run": trace.iterations_run,
        "rising_at_end": bool(len(trace.train_loss) > 1 and trace.train_loss[-1] > trace.train_loss[-2]),
    }
    since = converged_since(trace, loss_min, tol) if not trace.diverged else None
    return {**out, "converged": since is not None, "converged_since": since if since is not None else 0}


def explorer_section(s: Settings, deps: Mapping[str, Any]) -> dict:
    e, d = s.explorer, s.descent
    ds = make_dataset(s)
    x, y = ds.x_train, ds.y_train
    n_train = len(x)
    eta_star, eig = lr_critical(x)
    w_star, b_star = closed_form(x, y)
    loss_min = mse(w_star, b_star, x, y)
    tol = e.converged_tol

    # A size that is not below the training set's is full batch, which the explorer offers anyway: the default
    # list stays valid for small data sets (settings validation bounds each size; the data decide which remain).
    sizes = [v for v in whole_numbers(e.batch_sizes, "explorer.batch_sizes", 10_000) if v < n_train]
    sizes = sorted((set(sizes) | {d.mini_batch.batch_size}) - {1, n_train})
    counts = whole_numbers(e.n_iters, "explorer.n_iters", 100_000)
    counts = sorted(set(counts) | {d.full_batch.n_iters, d.mini_batch.n_iters, d.stochastic.n_iters})
    n_max = counts[-1]
    # Every offered run's shuffles: the largest batch has the fewest updates per epoch, so the most epochs.
    orders = shuffle_orders(s.seed, n_train, max(epochs_needed(n_max, bs, n_train) for bs in [1, *sizes]))

    batch = {"full_batch": n_train, "mini_batch": d.mini_batch.batch_size, "stochastic": 1}
    defaults = {}
    for name in METHODS:
        m = getattr(d, name)
        defaults[name] = describe(run(ds, m.lr, m.n_iters, batch[name], s), m.lr, m.n_iters, loss_min, tol)
        defaults[name]["batch_size"] = batch[name]
    sto = d.stochastic
    defaults["full_batch_at_stochastic_lr"] = describe(run(ds, sto.lr, sto.n_iters, n_train, s), sto.lr,
                                                       sto.n_iters, loss_min, tol)
    # Either side of η*, the full-batch run of the default length: the prose's "just below / just above".
    near = {}
    for k, mult in zip(("below", "above"), NEAR_STAR):
        lr = float(f"{mult * eta_star:.3g}")
        near[k] = {**describe(run(ds, lr, d.full_batch.n_iters, n_train, s), lr, d.full_batch.n_iters, loss_min, tol),
                   "multiple": lr / eta_star}

    # The loss is an exact quadratic: L(θ) = L_min + (θ − θ*)ᵀ A (θ − θ*), A = H/2: its contours are ellipses.
    a_eig, a_vec = np.linalg.eigh(hessian(x) / 2.0)
    span_w = max(abs(ds.w0 - w_star), 1.0) * 1.4
    span_b = max(abs(ds.b0 - b_star), 1.0) * 1.4
    excess0 = mse(ds.w0, ds.b0, x, y) - loss_min
    view_w = [w_star - span_w, w_star + span_w]
    view_b = [b_star - span_b, b_star + span_b]
    x_lo, x_hi = float(np.min(ds.x)), float(np.max(ds.x))
    y_pad = 0.06 * float(np.ptp(ds.y))
    y_lo, y_hi = float(np.min(ds.y)) - y_pad, float(np.max(ds.y)) + y_pad

    data = {
        "x": x.tolist(), "y": y.tolist(), "x_test": ds.x_test.tolist(), "y_test": ds.y_test.tolist(),
        "orders": pack_orders(orders),
        "w0": ds.w0, "b0": ds.b0, "w_star": w_star, "b_star": b_star, "loss_min": loss_min,
        "lr_critical": eta_star, "lr_range": [e.lr_min_multiple * eta_star, e.lr_max_multiple * eta_star],
        "bound": d.divergence_bound, "tol": tol,
        "methods": {name: {"lr": getattr(d, name).lr, "iters": getattr(d, name).n_iters, "batch": batch[name]}
                    for name in METHODS},
        "batch_sizes": sizes, "counts": counts,
        "axes": {"eigenvalues": [float(v) for v in a_eig], "vectors": [[float(v) for v in col] for col in a_vec.T]},
        "levels": [float(excess0 * 4.0 ** k) for k in range(2, -6, -1)],
        "view": {"w": view_w, "b": view_b, "x": [x_lo, x_hi], "y": [y_lo, y_hi]},
        "ticks": {"w": nice_ticks(*view_w), "b": nice_ticks(*view_b), "x": nice_ticks(x_lo, x_hi),
                  "y": nice_ticks(y_lo, y_hi)},
    }
    text = f"window.{GLOBAL} = " + json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False) + ";\n"
    raw = text.encode("utf-8")
    return {
        "lr_critical": eta_star,
        "lr_range": data["lr_range"],
        "lr_range_multiples": [e.lr_min_multiple, e.lr_max_multiple],
        "stochastic_lr_multiple": sto.lr / eta_star,
        "hessian_eigenvalues": [float(v) for v in eig],
        "batch_sizes": sizes,
        "n_iters": counts,
        "n_train": n_train,
        "epochs_shipped": len(orders),
        "default": defaults,
        "near_star": near,
        "loss_min": loss_min,
        "converged_tol": tol,
        "data_bytes": len(raw),
        "data_gzip_bytes": len(gzip.compress(raw, compresslevel=9, mtime=0)),
        "_files": {DATA_FILE: text},
    }
