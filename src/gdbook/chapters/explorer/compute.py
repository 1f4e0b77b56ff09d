"""The gradient explorer: every run its controls allow, computed ahead for a page with no server.

The controls are a learning rate on a log grid (through the full-batch η of
the settings, from well below to well above the critical η* = 2/λ_max of the
Hessian), a method (full batch, mini-batch of a chosen size, stochastic) and a
number of updates.  A run of N updates is the first N updates of the longest
run (the same seeded generator draws the same batches), so one run per
(learning rate, method, batch size) covers every update count.

What ships is compact: traces are kept at a shared set of update indices
(every count the reader can pick is among them, so each end point is exact)
and quantised to integers, delta-coded; the numbers the summary line shows
are formatted here by :mod:`gdbook.fmt`, from the unrounded run, so they are
the numbers results.json holds.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from gdbook.core.data import make_dataset
from gdbook.core.descent import Trace, descend, descend_many
from gdbook.core.model import closed_form, hessian, mse
from gdbook.core.fmt import integer, num
from gdbook.core.errors import BuildError
from gdbook.settings import Settings

Q_PARAM = 1000  # w and b ship in units of 0.001
Q_LOSS = 1000  # log10 of the loss ships in units of 0.001
DATA_FILE = "explorer/data.js"
GLOBAL = "GDBOOK_EXPLORER"


def lr_critical(x_train: np.ndarray) -> tuple[float, np.ndarray]:
    """η* = 2/λ_max of the MSE's Hessian (2/n)·XᵀX over the training split, and its eigenvalues."""
    eig = np.linalg.eigvalsh(hessian(x_train))
    return 2.0 / float(eig[-1]), eig


def lr_grid(anchor: float, eta_star: float, lo: float, hi: float, per_decade: int, extra: list[float]) -> list[float]:
    """anchor·10^(k/per_decade) for every integer k with lo·η* ≤ lr ≤ hi·η*, and ``extra`` (the methods' own η).

    An extra learning rate takes the place of the grid point nearest to it
    when that is less than half a step away (and not the anchor), so the
    slider has no two positions that are almost the same.
    """
    k_lo = math.ceil(per_decade * math.log10(lo * eta_star / anchor) - 1e-9)
    k_hi = math.floor(per_decade * math.log10(hi * eta_star / anchor) + 1e-9)
    grid = [anchor * 10.0 ** (k / per_decade) for k in range(min(k_lo, 0), max(k_hi, 0) + 1)]
    for lr in extra:
        if any(abs(lr - g) <= 1e-9 * g for g in grid):
            continue
        near = min(grid, key=lambda g: abs(math.log10(lr / g)))
        if near != anchor and abs(math.log10(lr / near)) < 0.5 / per_decade and near not in extra:
            grid.remove(near)
        grid.append(lr)
    return sorted(grid)


def whole_numbers(values: list[float], name: str, hi: int) -> list[int]:
    out = []
    for v in values:
        if v != int(v) or not 1 <= v <= hi:
            raise BuildError(f"setting '{name}' holds {v!r}: each must be a whole number from 1 to {hi}")
        out.append(int(v))
    return out


def view_indices(counts: list[int], per_view: int) -> list[int]:
    """Update indices kept in the traces: about ``per_view`` evenly spread over [0, N] for every count N."""
    keep: set[int] = set()
    for n in counts:
        step = max(1, n / per_view)
        keep.update(int(round(j * step)) for j in range(int(n / step) + 1))
        keep.add(n)
    return sorted(keep)


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


def _delta(values: np.ndarray, scale: float) -> list[int]:
    q = np.rint(values * scale).astype(np.int64)
    return [int(q[0])] + [int(v) for v in np.diff(q)]


def state_at(trace: Trace, n: int, loss_min: float, tol: float) -> dict:
    """What the summary line says after ``n`` updates of this run."""
    if trace.diverged and trace.diverged_at <= n:
        return {"state": "diverged", "at": trace.diverged_at, "at_text": integer(trace.diverged_at)}
    w, b, loss = float(trace.w[n]), float(trace.b[n]), float(trace.train_loss[n])
    outside = np.flatnonzero(trace.train_loss[: n + 1] > loss_min * (1.0 + tol))
    since = 0 if len(outside) == 0 else int(outside[-1]) + 1  # within tol from this update to n
    if since > n:
        return {"state": "running", "w": w, "b": b, "train_loss": loss}
    return {"state": "converged", "w": w, "b": b, "train_loss": loss, "since": since}


def run_methods(s: Settings, batch_sizes: list[int], n_train: int) -> list[dict]:
    """The method choices: full batch, one mini-batch per size, stochastic."""
    out = [{"key": "full", "label": "full batch", "batch_size": n_train}]
    out += [{"key": f"mini{bs}", "label": f"mini-batch of {bs}", "batch_size": bs} for bs in batch_sizes]
    out.append({"key": "sgd", "label": "stochastic", "batch_size": 1})
    return out


def run(ds: Any, lr: float, n_iters: int, batch_size: int, s: Settings) -> Trace:
    """One run, exactly as the regression chapters call ``descend`` (fresh generator seeded with the book's seed)."""
    return run_many(ds, [lr], n_iters, batch_size, s)[0]


def run_many(ds: Any, lrs: list[float], n_iters: int, batch_size: int, s: Settings) -> list[Trace]:
    """:func:`run` for every learning rate in ``lrs``, side by side (they draw the same batches)."""
    n_train = int(np.sum(~ds.is_test))
    return descend_many(
        ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.w0, ds.b0, lrs, n_iters,
        batch_size=None if batch_size >= n_train else batch_size,
        rngs=[np.random.default_rng(s.seed)], bound=s.descent.divergence_bound,
    )


def explorer_section(s: Settings, deps: Mapping[str, Any]) -> dict:
    e = s.explorer
    ds = make_dataset(s)
    x, y = ds.x_train, ds.y_train
    n_train = len(x)
    eta_star, eig = lr_critical(x)
    w_star, b_star = closed_form(x, y)
    loss_min = mse(w_star, b_star, x, y)
    methods_cfg = s.descent
    lrs = lr_grid(methods_cfg.full_batch.lr, eta_star, e.lr_min_multiple, e.lr_max_multiple, e.lr_steps_per_decade,
                  [methods_cfg.mini_batch.lr, methods_cfg.stochastic.lr])
    sizes = whole_numbers(e.batch_sizes, "explorer.batch_sizes", n_train - 1)
    sizes = sorted((set(sizes) | {methods_cfg.mini_batch.batch_size}) - {1, n_train})
    counts = whole_numbers(e.n_iters, "explorer.n_iters", 100_000)
    counts = sorted(set(counts) | {methods_cfg.full_batch.n_iters, methods_cfg.mini_batch.n_iters,
                                   methods_cfg.stochastic.n_iters})
    n_max = counts[-1]
    keep = np.array(view_indices(counts, e.points_per_view))
    methods = run_methods(s, sizes, n_train)

    runs: dict[str, list[dict]] = {}
    defaults: dict[str, dict] = {}
    n_diverged = 0
    default_n = methods_cfg.full_batch.n_iters
    first_diverged: dict[str, dict] = {}  # per method: the smallest grid learning rate that diverges
    first_converged: dict[str, dict] = {}  # the smallest that converges in the default number of updates
    for m in methods:
        runs[m["key"]] = []
        for lr, tr in zip(lrs, run_many(ds, lrs, n_max, m["batch_size"], s)):
            last = tr.iterations_run
            idx = keep[keep <= last]
            if idx[-1] != last:
                idx = np.append(idx, last)
            states = []
            for n in counts:
                st = state_at(tr, min(n, last), loss_min, e.converged_tol)
                if st["state"] != "diverged":
                    st = {**st, "w": num(st["w"]), "b": num(st["b"]), "loss": num(st.pop("train_loss"))}
                    if "since" in st:
                        st["since_text"] = integer(st["since"])
                states.append(st)
            runs[m["key"]].append({
                "last": last,
                "diverged_at": tr.diverged_at or 0,
                "w": _delta(tr.w[idx], Q_PARAM),
                "b": _delta(tr.b[idx], Q_PARAM),
                "loss": _delta(np.log10(tr.train_loss[idx]), Q_LOSS),
                "states": states,
            })
            n_diverged += tr.diverged
            if tr.diverged and m["key"] not in first_diverged:
                first_diverged[m["key"]] = {"lr": lr, "multiple": lr / eta_star, "at": tr.diverged_at}
            if m["key"] not in first_converged and states[counts.index(default_n)]["state"] == "converged":
                first_converged[m["key"]] = {"lr": lr, "multiple": lr / eta_star}
    sto = methods_cfg.stochastic
    full_at_sto = run(ds, sto.lr, sto.n_iters, n_train, s)
    for name in ("full_batch", "mini_batch", "stochastic"):
        ms = getattr(methods_cfg, name)
        tr = run(ds, ms.lr, ms.n_iters, n_train if name == "full_batch" else ms.batch_size, s)
        defaults[name] = {
            "lr": ms.lr, "n_iters": ms.n_iters, "batch_size": n_train if name == "full_batch" else ms.batch_size,
            "w": float(tr.w[-1]), "b": float(tr.b[-1]), "train_loss": float(tr.train_loss[-1]),
            "diverged": tr.diverged, "iterations_run": tr.iterations_run,
        }

    defaults["full_batch_at_stochastic_lr"] = {
        "lr": sto.lr, "n_iters": sto.n_iters, "w": float(full_at_sto.w[-1]), "b": float(full_at_sto.b[-1]),
        "train_loss": float(full_at_sto.train_loss[-1]), "diverged": full_at_sto.diverged,
    }

    # The loss is an exact quadratic: L(θ) = L_min + (θ − θ*)ᵀ A (θ − θ*), A = H/2.
    a_eig, a_vec = np.linalg.eigh(hessian(x) / 2.0)
    # The contour view: the minimum, the initial guess and a margin around both.
    span_w = max(abs(ds.w0 - w_star), 1.0) * 1.4
    span_b = max(abs(ds.b0 - b_star), 1.0) * 1.4
    loss0 = mse(ds.w0, ds.b0, x, y)
    excess0 = loss0 - loss_min
    levels = [float(excess0 * 4.0 ** k) for k in range(2, -6, -1)]
    lr_index = lrs.index(methods_cfg.full_batch.lr)
    view_w = [w_star - span_w, w_star + span_w]
    view_b = [b_star - span_b, b_star + span_b]
    x_lo, x_hi = float(np.min(ds.x)), float(np.max(ds.x))
    y_pad = 0.06 * float(np.ptp(ds.y))
    y_lo, y_hi = float(np.min(ds.y)) - y_pad, float(np.max(ds.y)) + y_pad

    data = {
        "lr": [float(f"{lr:.6g}") for lr in lrs],
        "lr_text": [num(lr, 3) for lr in lrs],
        "lr_multiple_text": [num(lr / eta_star, 3) for lr in lrs],
        "lr_critical": eta_star,
        "lr_critical_text": num(eta_star, 3),
        "methods": [{"key": m["key"], "label": m["label"], "batch_size": m["batch_size"]} for m in methods],
        "batch_sizes": sizes,
        "counts": counts,
        "keep": [int(i) for i in keep],
        "q_param": Q_PARAM,
        "q_loss": Q_LOSS,
        "runs": runs,
        "defaults": {"lr_index": lr_index, "method": "full", "batch_size": methods_cfg.mini_batch.batch_size,
                     "n_iters": methods_cfg.full_batch.n_iters},
        "loss_min": loss_min,
        "loss_min_text": num(loss_min),
        "bound_text": num(s.descent.divergence_bound),
        "tol_text": num(100 * e.converged_tol),
        "w_star": w_star, "b_star": b_star, "w0": ds.w0, "b0": ds.b0,
        "w_star_text": num(w_star), "b_star_text": num(b_star),
        "axes": {"eigenvalues": [float(v) for v in a_eig], "vectors": [[float(v) for v in col] for col in a_vec.T]},
        "view": {"w": view_w, "b": view_b, "x": [x_lo, x_hi], "y": [y_lo, y_hi]},
        "ticks": {"w": nice_ticks(*view_w), "b": nice_ticks(*view_b), "x": nice_ticks(x_lo, x_hi),
                  "y": nice_ticks(y_lo, y_hi),
                  "n": [[[v, integer(v)] for v in (0, n // 2, n)] if n % 2 == 0 else [[0, "0"], [n, integer(n)]]
                        for n in counts]},
        "count_text": [integer(n) for n in counts],
        "levels": levels,
        "points": {
            "x": [round(float(v), 3) for v in ds.x], "y": [round(float(v), 3) for v in ds.y],
            "test": [int(t) for t in ds.is_test],
        },
    }
    text = f"window.{GLOBAL} = " + json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False) + ";\n"
    return {
        "lr_critical": eta_star,
        "stochastic_lr_multiple": sto.lr / eta_star,
        "hessian_eigenvalues": [float(v) for v in eig],
        "learning_rates": lrs,
        "lr_multiples": [lr / eta_star for lr in lrs],
        "batch_sizes": sizes,
        "n_iters": counts,
        "n_methods": len(methods),
        "n_runs": len(methods) * len(lrs),
        "n_diverged": int(n_diverged),
        "first_diverged": first_diverged,
        "first_converged": first_converged,
        "default": defaults,
        "loss_min": loss_min,
        "data_bytes": len(text.encode("utf-8")),
        "data_gzip_bytes": len(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)),
        "_files": {DATA_FILE: text},
    }
