"""descend() computes each update's losses in vectorised chunks; this checks it against the plain definition.

The reference below is the loop as the book describes it: one batch, one
update, then the loss on both splits, one update at a time, with overflow
trapped.  Every field of the trace must be bit-for-bit the same, diverging
runs and chunk boundaries included.
"""

from __future__ import annotations

import numpy as np
import pytest

from gdbook.core import descent
from gdbook.core.model import gradient, mse


def reference(x, y, x_test, y_test, w0, b0, lr, n_iters, batch_size=None, rng=None, decay=0.0, bound=1e6):
    n = len(x)
    bs = n if batch_size is None else batch_size
    w, b = float(w0), float(b0)
    ws, bs_, dws, dbs, lrs, epochs = [w], [b], [], [], [], []
    train, test = [mse(w, b, x, y)], [mse(w, b, x_test, y_test)]
    order, pos, epoch, diverged_at = np.arange(n), n, -1, None
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        for t in range(n_iters):
            if pos >= n:
                epoch, pos = epoch + 1, 0
                if bs < n:
                    order = rng.permutation(n)
            idx = order[pos:pos + bs]
            pos += bs
            eta = lr / (1.0 + decay * t)
            try:
                dw, db = gradient(w, b, x[idx], y[idx])
                w_new, b_new = w - eta * dw, b - eta * db
                lt, lv = mse(w_new, b_new, x, y), mse(w_new, b_new, x_test, y_test)
            except FloatingPointError:
                diverged_at = t + 1
                break
            w, b = w_new, b_new
            ws.append(w), bs_.append(b), dws.append(dw), dbs.append(db), lrs.append(eta), epochs.append(epoch)
            train.append(lt), test.append(lv)
            if not lt <= bound:
                diverged_at = t + 1
                break
    return {"w": ws, "b": bs_, "dw": dws, "db": dbs, "lr": lrs, "epoch": epochs,
            "train_loss": train, "test_loss": test, "diverged_at": diverged_at}


DATA = np.random.default_rng(3)
X = DATA.uniform(-1, 6, 120)
Y = 1.7 * X - 2 + DATA.normal(0, 0.8, 120)
XT = DATA.uniform(-1, 6, 30)
YT = 1.7 * XT - 2 + DATA.normal(0, 0.8, 30)


@pytest.mark.parametrize("lr", [0.003, 0.05, 0.09, 0.2, 0.6, 5.0])
@pytest.mark.parametrize("batch_size", [None, 1, 7, 119])
@pytest.mark.parametrize("n_iters", [1, descent.CHUNK - 1, descent.CHUNK, descent.CHUNK + 1, 300])
@pytest.mark.parametrize("bound", [1e6, np.inf])
def test_chunked_descent_is_the_plain_loop(lr, batch_size, n_iters, bound):
    kw = dict(batch_size=batch_size, decay=0.01 if batch_size == 1 else 0.0, bound=bound)
    got = descent.descend(X, Y, XT, YT, 3.0, -1.0, lr, n_iters, rng=np.random.default_rng(5), **kw)
    want = reference(X, Y, XT, YT, 3.0, -1.0, lr, n_iters, rng=np.random.default_rng(5), **kw)
    assert got.diverged_at == want["diverged_at"]
    assert got.diverged == (want["diverged_at"] is not None)
    for field in ("w", "b", "dw", "db", "lr", "epoch", "train_loss", "test_loss"):
        assert np.array_equal(getattr(got, field), np.array(want[field])), field
    assert np.all(np.isfinite(got.train_loss)) and np.all(np.isfinite(got.w))


def test_the_cases_include_both_kinds_of_divergence():
    # bound 1e6: stops on the bound (update kept); no bound: stops on overflow (update dropped)
    on_bound = reference(X, Y, XT, YT, 3.0, -1.0, 5.0, 300, bound=1e6)
    on_overflow = reference(X, Y, XT, YT, 3.0, -1.0, 5.0, 300, bound=np.inf)
    assert on_bound["diverged_at"] == len(on_bound["dw"])
    assert on_overflow["diverged_at"] == len(on_overflow["dw"]) + 1


@pytest.mark.parametrize("batch_size", [None, 1, 7])
def test_runs_side_by_side_are_the_runs_one_at_a_time(batch_size):
    lrs = [0.003, 0.05, 0.2, 0.6, 5.0]  # converging, slow and diverging runs in one call
    shared = descent.descend_many(X, Y, XT, YT, 3.0, -1.0, lrs, 200, batch_size, [np.random.default_rng(5)])
    own = descent.descend_many(X, Y, XT, YT, 3.0, -1.0, [0.05] * 3, 200, batch_size,
                               [np.random.default_rng(s) for s in (5, 6, 7)])
    for lr, got in zip(lrs, shared):
        want = reference(X, Y, XT, YT, 3.0, -1.0, lr, 200, batch_size, np.random.default_rng(5))
        assert got.diverged_at == want["diverged_at"]
        assert np.array_equal(got.w, want["w"]) and np.array_equal(got.train_loss, want["train_loss"])
    for seed, got in zip((5, 6, 7), own):
        want = reference(X, Y, XT, YT, 3.0, -1.0, 0.05, 200, batch_size, np.random.default_rng(seed))
        assert np.array_equal(got.b, want["b"]) and np.array_equal(got.test_loss, want["test_loss"])
    if batch_size is not None:  # different generators really give different runs
        assert not np.array_equal(own[0].w, own[1].w)


@pytest.mark.parametrize("values", [1, 700, 5_000])
def test_memory_bound_shortens_the_chunks_and_changes_no_bit(monkeypatch, values):
    """Many runs on many points evaluate their losses in fewer updates at a time (bounded memory); same numbers."""
    monkeypatch.setattr(descent, "CHUNK_VALUES", values)
    lrs = [0.003, 0.05, 0.6, 5.0]
    runs = descent.descend_many(X, Y, XT, YT, 3.0, -1.0, lrs, 150, 7, [np.random.default_rng(5)])
    for lr, got in zip(lrs, runs):
        want = reference(X, Y, XT, YT, 3.0, -1.0, lr, 150, 7, np.random.default_rng(5))
        assert got.diverged_at == want["diverged_at"]
        for field in ("w", "b", "dw", "db", "train_loss", "test_loss", "epoch"):
            assert np.array_equal(getattr(got, field), np.array(want[field])), field
