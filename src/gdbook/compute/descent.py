"""Gradient descent in three flavours: full batch, mini-batch and stochastic.

One loop serves all three: a *batch* of ``batch_size`` training examples
(all of them for full batch, one for stochastic) gives the gradient of one
*update*; an *epoch* is one pass over the shuffled training set.  The loss is
recorded on the whole train and test splits after every update so that the
three methods are compared on the same footing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdbook.compute.model import gradient, mse


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
    diverged, as soon as the training loss is above ``bound``; checking before
    the numbers can overflow keeps NaN and inf out of every result.
    """
    n = len(x)
    bs = n if batch_size is None else int(batch_size)
    if not 1 <= bs <= n:
        raise ValueError(f"batch_size must be between 1 and {n}, got {bs}")
    if bs < n and rng is None:
        raise ValueError("mini-batch and stochastic descent need a seeded rng")
    w, b = float(w0), float(b0)
    ws, bs_, dws, dbs, lrs, epochs = [w], [b], [], [], [], []
    train, test = [mse(w, b, x, y)], [mse(w, b, x_test, y_test)]
    order = np.arange(n)
    pos, epoch = n, -1  # forces a shuffle before the first batch
    diverged_at = None
    # Overflow and NaN are divergence; underflow (a tiny value rounding to 0) is not.
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        for t in range(n_iters):
            if pos >= n:
                epoch += 1
                pos = 0
                if bs < n:
                    order = rng.permutation(n)
            idx = order[pos : pos + bs]
            pos += bs
            eta = lr / (1.0 + decay * t)
            try:
                dw, db = gradient(w, b, x[idx], y[idx])
                w_new, b_new = w - eta * dw, b - eta * db
                loss_train, loss_test = mse(w_new, b_new, x, y), mse(w_new, b_new, x_test, y_test)
            except FloatingPointError:
                # Only reachable with a huge bound: overflow is divergence too.
                diverged_at = t + 1
                break
            w, b = w_new, b_new
            ws.append(w), bs_.append(b), dws.append(dw), dbs.append(db), lrs.append(eta), epochs.append(epoch)
            train.append(loss_train)
            test.append(loss_test)
            if not loss_train <= bound:
                diverged_at = t + 1
                break
    return Trace(
        w=np.array(ws), b=np.array(bs_), dw=np.array(dws), db=np.array(dbs), lr=np.array(lrs),
        train_loss=np.array(train), test_loss=np.array(test), epoch=np.array(epochs, dtype=int),
        diverged=diverged_at is not None, diverged_at=diverged_at,
    )
