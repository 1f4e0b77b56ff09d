"""Gradient descent in three flavours: full batch, mini-batch and stochastic.

One loop serves all three: a *batch* of ``batch_size`` training examples
(all of them for full batch, one for stochastic) gives the gradient of one
*update*; an *epoch* is one pass over the shuffled training set.  The loss is
recorded on the whole train and test splits after every update so that the
three methods are compared on the same footing.

:func:`descend_many` runs several learning rates (or several seeds) side by
side, one row each, with the same arithmetic as :func:`descend`; the tests
check both, field by field and bit for bit, against the plain one-update-at-
a-time loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gdbook.core.data import fit_report
from gdbook.core.model import gradient, mse

CHUNK = 64  # updates between two vectorised loss evaluations, at most
CHUNK_VALUES = 4_000_000  # residuals held at once by a loss evaluation (32 MB): bounds memory for many runs on many points
_sum = np.add.reduce


@dataclass(frozen=True)
class Trace:
    w: np.ndarray  # w after 0, 1, ..., iterations_run updates
    b: np.ndarray
    dw: np.ndarray  # the (batch) gradient used by each update
    db: np.ndarray
    lr: np.ndarray  # the learning rate of each update (schedules vary it)
    train_loss: np.ndarray  # full-train-split MSE after 0, 1, ... updates
    test_loss: np.ndarray
    epoch: np.ndarray  # epoch of each update, from 0
    diverged: bool
    diverged_at: int | None  # the update after which the loss passed the bound

    @property
    def iterations_run(self) -> int:
        return len(self.dw)


def descend(
    x: np.ndarray,
    y: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    w0: float,
    b0: float,
    lr: float,
    n_iters: int,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    decay: float = 0.0,
    bound: float = 1e6,
) -> Trace:
    """Run ``n_iters`` updates of w ← w − η_t·dw, b ← b − η_t·db, η_t = lr/(1 + decay·t).

    ``batch_size=None`` (or n) is full batch.  The run stops early, marked
    diverged, at the first update after which the training loss is above
    ``bound`` (that update is kept) or is not a finite number (that update is
    dropped): NaN and inf never reach a result.
    """
    return descend_many(x, y, x_test, y_test, w0, b0, [lr], n_iters, batch_size,
                        None if rng is None else [rng], decay, bound)[0]


def descend_many(
    x: np.ndarray,
    y: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    w0: float,
    b0: float,
    lrs: Sequence[float],
    n_iters: int,
    batch_size: int | None = None,
    rngs: Sequence[np.random.Generator] | None = None,
    decay: float = 0.0,
    bound: float = 1e6,
) -> list[Trace]:
    """One :func:`descend` run per learning rate in ``lrs``, computed side by side.

    ``rngs`` holds one generator, whose batches every run shares, or one per
    run.  Each trace is exactly what ``descend`` gives for its learning rate
    and generator.
    """
    n = len(x)
    k = len(lrs)
    bs = n if batch_size is None else int(batch_size)
    if not 1 <= bs <= n:
        raise ValueError(f"batch_size must be between 1 and {n}, got {bs}")
    if bs < n and not rngs:
        raise ValueError("mini-batch and stochastic descent need a seeded rng")
    if rngs is not None and len(rngs) not in (1, k):
        raise ValueError(f"give one generator or one per run ({k}), not {len(rngs)}")
    lr = np.array(lrs, dtype=float)
    w, b = np.full(k, float(w0)), np.full(k, float(b0))
    steps: list[tuple] = []  # (w, b, dw, db, eta) after each update, each of shape (k,)
    epochs: list[int] = []
    train, test = [], []  # per chunk: (m, k) losses
    kept = np.full(k, -1)  # updates kept by each run once it has stopped; -1 while it runs
    diverged_at = np.zeros(k, dtype=int)
    pos, epoch, t = n, -1, 0  # pos = n forces a shuffle before the first batch
    span = max(1, min(CHUNK, CHUNK_VALUES // (k * (n + len(x_test)))))  # updates per loss evaluation
    # Only the gradient steps are sequential.  The losses of a chunk of updates
    # are computed together afterwards (the same arithmetic, row by row, as one
    # mse() call per update) and each run is cut at its first update that
    # passed the bound.  The rows of a (k, ·) array reduce exactly like k
    # separate 1-d arrays, so a run's numbers do not depend on its neighbours.
    with np.errstate(all="ignore"):
        while t < n_iters and np.any(kept < 0):
            first = len(steps)
            for t in range(t, min(t + span, n_iters)):
                if pos >= n:
                    epoch += 1
                    pos = 0
                    if bs < n:
                        order = np.array([g.permutation(n) for g in rngs])  # (1 or k, n)
                        x_epoch, y_epoch = x[order], y[order]
                    else:
                        x_epoch, y_epoch = x[None, :], y[None, :]  # full batch: every example, in order
                xb, yb = x_epoch[:, pos : pos + bs], y_epoch[:, pos : pos + bs]
                pos += bs
                eta = lr / (1.0 + decay * t)
                r = (w[:, None] * xb + b[:, None]) - yb
                # np.mean(a, axis=1) is exactly add.reduce(a, axis=1) / m, without mean's Python overhead
                m = xb.shape[1]  # bs, or fewer for the last batch of an epoch
                dw, db = 2.0 * (_sum(r * xb, axis=1) / m), 2.0 * (_sum(r, axis=1) / m)
                w, b = w - eta * dw, b - eta * db
                steps.append((w, b, dw, db, eta))
                epochs.append(epoch)
            t += 1
            chunk = np.array(steps[first:])  # (m, 5, k)
            W, B = chunk[:, 0, :, None], chunk[:, 1, :, None]
            r_train, r_test = W * x + B - y, W * x_test + B - y_test
            l_train, l_test = np.mean(r_train * r_train, axis=2), np.mean(r_test * r_test, axis=2)
            train.append(l_train), test.append(l_test)
            finite = np.isfinite(chunk).all(axis=1) & np.isfinite(l_train) & np.isfinite(l_test)
            bad = ~finite | (l_train > bound)  # (m, k)
            for j in np.flatnonzero((kept < 0) & bad.any(axis=0)):
                i = int(np.argmax(bad[:, j]))
                diverged_at[j] = first + i + 1
                kept[j] = first + i + (1 if finite[i, j] else 0)
    all_steps = np.array(steps).reshape(len(steps), 5, k)
    l_train0 = [mse(float(w0), float(b0), x, y)]
    l_test0 = [mse(float(w0), float(b0), x_test, y_test)]
    l_train, l_test = np.concatenate(train or [np.zeros((0, k))]), np.concatenate(test or [np.zeros((0, k))])
    traces = []
    for j in range(k):
        m = len(steps) if kept[j] < 0 else int(kept[j])
        s = all_steps[:m, :, j]
        traces.append(Trace(
            w=np.concatenate([[float(w0)], s[:, 0]]), b=np.concatenate([[float(b0)], s[:, 1]]),
            dw=s[:, 2].copy(), db=s[:, 3].copy(), lr=s[:, 4].copy(),
            train_loss=np.concatenate([l_train0, l_train[:m, j]]), test_loss=np.concatenate([l_test0, l_test[:m, j]]),
            epoch=np.array(epochs[:m], dtype=int),
            diverged=bool(kept[j] >= 0), diverged_at=int(diverged_at[j]) if kept[j] >= 0 else None,
        ))
    return traces


def run(ds, method, seed: int, bound: float, lr: float | None = None, decay: float = 0.0,
        full: bool | None = None) -> Trace:
    """One run of descent on the book's dataset, from its initial guess.

    ``method`` is a :class:`gdbook.settings.MethodSettings` (learning rate,
    updates, batch size); ``full`` (default: the batch is the whole training
    split) ignores its batch size.  Mini-batch shuffles come from
    ``default_rng(seed)``.
    """
    n_train = len(ds.x_train)
    if full is None:
        full = method.batch_size >= n_train
    return descend(
        ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.w0, ds.b0,
        lr=method.lr if lr is None else lr, n_iters=method.n_iters,
        batch_size=None if full else method.batch_size,
        rng=None if full else np.random.default_rng(seed),
        decay=decay, bound=bound,
    )


def describe_run(ds, t: Trace, lr: float, batch_size: int | None) -> dict:
    """What a run did, for results.json (public keys) and figures (``_`` keys: whole traces)."""

    n_train = len(ds.x_train)
    w, b = float(t.w[-1]), float(t.b[-1])
    rep = fit_report(ds, w, b)
    out = {
        "lr": lr,
        "n_iters": t.iterations_run,
        "w": w,
        "b": b,
        "train_mse": rep["train"]["mse"],
        "test_mse": rep["test"]["mse"],
        "r2_test": rep["test"]["r2"],
        "metrics": rep,
        "initial_train_mse": float(t.train_loss[0]),
        "max_train_mse": float(np.max(t.train_loss)),
        "diverged": bool(t.diverged),
        "final_dw": float(t.dw[-1]),
        "final_db": float(t.db[-1]),
        "epochs": float(t.iterations_run * (batch_size or n_train) / n_train),
        "updates_per_epoch": float(n_train / (batch_size or n_train)),
        "_w": t.w, "_b": t.b, "_dw": t.dw, "_db": t.db, "_lr": t.lr,
        "_train_loss": t.train_loss, "_test_loss": t.test_loss, "_epoch": t.epoch,
    }
    if batch_size is not None:
        out["batch_size"] = batch_size
    return out


def compared_with(run_: dict, cf: dict) -> dict:
    """How far a described run ends from the least-squares fit ``cf`` (``w``, ``b``, ``train_mse``)."""
    return {
        "dist_w": abs(run_["w"] - cf["w"]),
        "dist_b": abs(run_["b"] - cf["b"]),
        "excess_train_mse": run_["train_mse"] - cf["train_mse"],
    }
