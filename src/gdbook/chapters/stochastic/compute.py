"""Mini-batch and stochastic descent: cheap noisy updates, where they rest, and a step too large to rest.

What the chapter computes, all on the training split:

* the chapter's mini-batch and stochastic runs, and a fair comparison with full
  batch per epoch (per example seen);
* the spread of the examples' own gradients at the least-squares point θ*
  (their mean is the full gradient, zero there; their spread is the noise);
* the mean-square model of the runs: with each update's batch drawn afresh at
  random, the mean and second moment of the error θ − θ* obey an exact affine
  recursion, which gives the expected training loss after every update, the
  level it rests at, and the learning rate ηₘₛ above which it has none.  The
  runs themselves shuffle once per epoch (the batches of an epoch are disjoint),
  so the model is compared with the average of repeated runs, not assumed;
* for one example, the residual after one step, r(1 − 2η(1 + x²)), derived and
  checked with SymPy: it changes sign once η > 1/(2(1 + x²)) and grows once
  η > 1/(1 + x²);
* the case study: the same stochastic run with a step too large
  (``descent.stochastic.large_lr``), a decaying step from it, and how often each
  ends above its start or diverges over many shuffles.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from gdbook.core import fmt
from gdbook.core.data import make_dataset
from gdbook.core.descent import compared_with, descend_many, describe_run, run
from gdbook.core.formula import checked, identity
from gdbook.core.model import hessian
from gdbook.core.paths import quadratic
from gdbook.settings import Settings

SETTLED = 0.10  # a run has settled once its expected excess loss is within this fraction of where it rests


# --- the mean-square model ------------------------------------------------------------------------

def _pieces(x: np.ndarray, y: np.ndarray, theta: np.ndarray, batch_size: int) -> dict:
    """The data of the model: per-example curvature Gᵢ = 2aᵢaᵢᵀ and gradient gᵢ = 2aᵢrᵢ at θ* (aᵢ = (xᵢ, 1)),
    and f, the variance factor of the mean of a random batch of B distinct examples out of n."""
    a = np.column_stack([x, np.ones_like(x)])
    r = a @ theta - y
    n = len(x)
    G = 2 * a[:, :, None] * a[:, None, :]
    g = 2 * a * r[:, None]
    f = (n - batch_size) / (batch_size * (n - 1)) if n > 1 else 0.0
    return {"G": G, "g": g, "H": G.mean(axis=0), "f": f}


def _operators(p: dict) -> dict:
    """The recursion's pieces as matrices on vec C (row-major 2×2): C⁺ = (I − η L1 + η² L2) C + η² (X m + q)."""
    H, G, g, f = p["H"], p["G"], p["g"], p["f"]
    L1, L2, X = np.zeros((4, 4)), np.zeros((4, 4)), np.zeros((4, 2))
    for k in range(4):
        E = np.zeros(4)
        E[k] = 1.0
        C = E.reshape(2, 2)
        L1[:, k] = (H @ C + C @ H).reshape(4)
        L2[:, k] = ((1 - f) * H @ C @ H + f * np.einsum("nij,jk,nkl->il", G, C, G) / len(G)).reshape(4)
    for k in range(2):
        m = np.eye(2)[k]
        Gm = G @ m  # (n, 2)
        X[:, k] = (f * (np.einsum("ni,nj->ij", Gm, g) + np.einsum("ni,nj->ij", g, Gm)) / len(G)).reshape(4)
    q = (f * np.einsum("ni,nj->ij", g, g) / len(G)).reshape(4)
    return {"H": H, "L1": L1, "L2": L2, "X": X, "q": q}


def radius(ops: dict, lr: float) -> float:
    """Spectral radius of the second-moment map: below 1, the expected loss rests at a finite level."""
    L = np.eye(4) - lr * ops["L1"] + lr**2 * ops["L2"]
    return float(np.max(np.abs(np.linalg.eigvals(L))))


def resting_excess(ops: dict, lr: float) -> float | None:
    """E[L] − L* where the iterates rest (the model's fixed point with mean error zero); None if there is none."""
    if radius(ops, lr) >= 1.0:
        return None
    L = np.eye(4) - lr * ops["L1"] + lr**2 * ops["L2"]
    C = np.linalg.solve(np.eye(4) - L, lr**2 * ops["q"]).reshape(2, 2)
    return float(0.5 * np.trace(ops["H"] @ C))


def expected_excess(ops: dict, lrs: np.ndarray, e0: np.ndarray, cap: float = 1e200) -> np.ndarray:
    """E[L(θₜ)] − L* after t = 0, 1, … updates with learning rates ``lrs`` (one per update), from the error e0.

    Once it passes ``cap`` the rest is left as NaN (the model has no finite prediction worth drawing).
    """
    H, L1, L2, X, q = ops["H"], ops["L1"], ops["L2"], ops["X"], ops["q"]
    m, C = e0.astype(float).copy(), np.outer(e0, e0).reshape(4)
    out = np.full(len(lrs) + 1, np.nan)
    out[0] = 0.5 * float(np.trace(H @ C.reshape(2, 2)))
    for t, lr in enumerate(lrs, start=1):
        C = C - lr * (L1 @ C) + lr * lr * (L2 @ C + X @ m + q)
        m = m - lr * (H @ m)
        out[t] = 0.5 * (H[0, 0] * C[0] + H[0, 1] * (C[1] + C[2]) + H[1, 1] * C[3])
        if not abs(out[t]) < cap:
            out[t] = np.nan
            break
    return out


def threshold(ops: dict, hi: float) -> float:
    """ηₘₛ: the learning rate at which the radius reaches 1 (bisection on (0, hi])."""
    lo = 0.0
    if radius(ops, hi) < 1.0:
        return hi
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if radius(ops, mid) < 1.0:
            lo = mid
        else:
            hi = mid
    return lo


def settled_from(expected: np.ndarray, rest: float | None, scale: float) -> int | None:
    """The first update from which the expected excess stays within SETTLED of its resting level (None if never)."""
    if rest is None:
        return None
    ok = np.isfinite(expected) & (np.abs(expected - rest) <= SETTLED * rest + 1e-12 * scale)
    bad = np.flatnonzero(~ok)
    if len(bad) == 0:
        return 0
    k = int(bad[-1]) + 1
    return k if k < len(expected) else None


# --- one example's step ---------------------------------------------------------------------------

def one_example_step() -> dict:
    """The residual of one example after one step on its own loss, derived and checked by SymPy."""
    w, b, x, y, eta = sp.symbols("w b x_i y_i eta", real=True)
    r = w * x + b - y
    names = {"w": w, "b": b, "x_{i}": x, "y_{i}": y, "eta": eta, "r_{i}": r}
    loss = r**2
    dw, db = sp.diff(loss, w), sp.diff(loss, b)
    new_r = (w - eta * dw) * x + (b - eta * db) - y
    phi = 1 - 2 * eta * (1 + x**2)
    sign_at = sp.solve(sp.Eq(phi, 0), eta)
    grow_at = sp.solve(sp.Eq(phi, -1), eta)
    if len(sign_at) != 1 or len(grow_at) != 1 or sp.diff(phi, eta).is_negative is not True:
        raise AssertionError("the one-step factor is not a single decreasing line in η")
    out = {
        "dw_tex": checked(r"2 r_i x_i", dw, names, what="∂ℓᵢ/∂w"),
        "db_tex": checked(r"2 r_i", db, names, what="∂ℓᵢ/∂b"),
        "new_r_tex": checked(r"(w - 2\eta r_i x_i) x_i + (b - 2\eta r_i) - y_i", new_r, names, what="the new residual"),
        # the three lines of the displayed derivation, each equal to the next (and the first to the definition)
        "chain": identity(r"(w - 2\eta r_i x_i) x_i + (b - 2\eta r_i) - y_i = r_i - 2\eta r_i (x_i^2 + 1)"
                          r" = r_i (1 - 2\eta(1 + x_i^2))", names, what="the new residual, simplified").split(" = "),
        "factor_tex": checked(r"1 - 2\eta(1 + x_i^2)", phi, names, what="the one-step factor"),
        "sign_tex": checked(r"\frac{1}{2(1 + x_i^2)}", sign_at[0], names, what="sign change"),
        "grow_tex": checked(r"\frac{1}{1 + x_i^2}", grow_at[0], names, what="growth"),
    }
    if out["chain"][0] != out["new_r_tex"]:  # the chain starts from the residual checked against the definition
        raise AssertionError("the displayed chain does not start from the checked new residual")
    return out


# --- runs -----------------------------------------------------------------------------------------

def repeat_stats(ds, m, seeds, bound, lr, decay) -> dict:
    """``len(seeds)`` runs of ``m`` at ``lr``, each with its own shuffle seed: how they end."""
    runs = descend_many(ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.w0, ds.b0, [lr] * len(seeds), m.n_iters,
                        m.batch_size, [np.random.default_rng(seed) for seed in seeds], decay, bound)
    start = float(runs[0].train_loss[0])
    finals = np.array([float(t.train_loss[-1]) for t in runs if not t.diverged])
    diverged = sum(t.diverged for t in runs)
    out = {
        "runs": len(seeds),
        "diverged": int(diverged),
        "above_start": int(np.sum(finals > start)),
        "below_start": int(np.sum(finals <= start)),
        "median_final": float(np.median(finals)) if len(finals) else None,
        "max_final": float(np.max(finals)) if len(finals) else None,
        "_mean_loss": None,
    }
    if diverged == 0:  # the average over shuffles, update by update: what the model predicts
        out["_mean_loss"] = np.mean([t.train_loss for t in runs], axis=0)
    return out


def at_examples(run_: dict, examples: float, n_train: int) -> float:
    """The training loss of a run after it has used ``examples`` examples (its last update within them)."""
    per = run_.get("batch_size", n_train)
    k = min(int(examples // per), len(run_["_train_loss"]) - 1)
    return float(run_["_train_loss"][k])


def noisy_status(g: dict, rest: float | None, settle: int | None) -> str:
    if g["diverged"]:
        return "diverged"
    if rest is None:
        return "unstable"
    return "settled" if settle is not None else "descending"


def describe_noisy(ds, m, seed, bound, lr, decay, ops, theta, loss_star, batch_size) -> dict:
    tr = run(ds, m, seed, bound, lr=lr, decay=decay, full=False)
    g = describe_run(ds, tr, lr, batch_size)
    e0 = np.array([ds.w0, ds.b0]) - theta
    expected = expected_excess(ops, lr / (1.0 + decay * np.arange(m.n_iters)), e0)
    rest = resting_excess(ops, lr) if decay == 0 else None
    settle = settled_from(expected, rest, float(expected[0]))
    g.update({
        "decay": decay,
        "final_lr": float(tr.lr[-1]),
        "schedule_final_lr": float(lr / (1.0 + decay * (m.n_iters - 1))),
        "n_iters_set": int(m.n_iters),
        "diverged_at": tr.diverged_at,
        "radius": radius(ops, lr),
        "rest_excess": rest,
        "rest_loss": None if rest is None else loss_star + rest,
        "rest_over_min": None if rest is None else rest / loss_star if loss_star > 0 else None,
        "settled_from": settle,
        "status": noisy_status(g, rest, settle),
        "ends_above_start": bool(g["train_mse"] > g["initial_train_mse"]),
        "expected_final": float(loss_star + expected[-1]) if np.isfinite(expected[-1]) else None,
        "_expected": loss_star + expected,
    })
    half = g["_train_loss"][len(g["_train_loss"]) // 2:]
    g["last_half"] = {
        "from_update": int(len(g["_train_loss"]) // 2),
        "mean": float(np.mean(half)),
        "median": float(np.median(half)),
        "min": float(np.min(half)),
        "max": float(np.max(half)),
        "share_above_start": float(np.mean(half > g["initial_train_mse"])),
    }
    return g


def stochastic_section(s: Settings, deps: dict) -> dict:
    ds = make_dataset(s)
    cf = deps["closed_form"]
    x, y = ds.x_train, ds.y_train
    n_train = len(x)
    theta = np.array([cf["w"], cf["b"]])
    loss_star = float(cf["train_mse"])
    bound = s.descent.divergence_bound
    st, mb = s.descent.stochastic, s.descent.mini_batch
    lam = np.linalg.eigvalsh(hessian(x))
    eta_star = float(2.0 / lam[1])

    ops1 = _operators(_pieces(x, y, theta, 1))
    opsb = _operators(_pieces(x, y, theta, mb.batch_size))
    sgd = describe_noisy(ds, st, s.seed, bound, st.lr, 0.0, ops1, theta, loss_star, 1)
    mini = describe_noisy(ds, mb, s.seed, bound, mb.lr, 0.0, opsb, theta, loss_star, mb.batch_size)
    large = describe_noisy(ds, st, s.seed, bound, st.large_lr, 0.0, ops1, theta, loss_star, 1)
    decay = describe_noisy(ds, st, s.seed, bound, st.large_lr, s.descent.decay, ops1, theta, loss_star, 1)
    for g in (sgd, mini, large, decay):
        g.update(compared_with(g, cf))
    decay["status"] = "diverged" if decay["diverged"] else "decaying"  # no fixed step, so no resting level

    # The full-batch run, by the same rule as the full-batch chapter (read from its results would also do,
    # but this chapter's comparison needs only its losses): one update = one epoch.
    fb_tr = run(ds, s.descent.full_batch, s.seed, bound, full=True)
    full = describe_run(ds, fb_tr, s.descent.full_batch.lr, None)
    full["diverged_at"] = fb_tr.diverged_at

    # A fair comparison: the loss of each method after the same number of examples seen (one epoch, or what the
    # shortest run that did not diverge saw); a run that diverged before then has no loss to compare.
    runs = {"full_batch": full, "mini_batch": mini, "stochastic": sgd}
    examples_seen = {k: g["n_iters"] * g.get("batch_size", n_train) for k, g in runs.items()}
    alive = [k for k, g in runs.items() if not g["diverged"]]
    common = min([n_train] + [examples_seen[k] for k in alive])
    compare = {}
    for k, g in runs.items():
        per = g.get("batch_size", n_train)
        reached = examples_seen[k] >= common
        compare[k] = {
            "lr": g["lr"],
            "batch_size": per,
            "updates": int(common // per),
            "reached": bool(reached),
            "loss": at_examples(g, common, n_train) if reached else None,
            "examples": int(examples_seen[k]),
            "epochs": g["epochs"],
            "final": g["train_mse"],
            "diverged": g["diverged"],
        }
    ranked = [k for k in runs if compare[k]["loss"] is not None]
    fastest = min(ranked, key=lambda k: compare[k]["loss"]) if ranked else None

    # One example's gradient at θ*: their mean is the full gradient (zero), their spread is the noise.
    r = theta[0] * x + theta[1] - y
    dw_i, db_i = 2 * r * x, 2 * r
    noise_free = bool(np.max(np.abs(r)) <= 1e-9 * (1.0 + np.max(np.abs(y))))  # the line fits every point
    sign_at = 1.0 / (2.0 * (1.0 + x * x))
    grow_at = 1.0 / (1.0 + x * x)

    def shares(lr: float) -> dict:
        return {"lr": float(lr), "sign": float(np.mean(lr > sign_at)), "grow": float(np.mean(lr > grow_at))}

    seeds = [s.seed + k for k in range(s.descent.repeats)]
    repeats = {
        "seeds_from": seeds[0], "seeds_to": seeds[-1], "runs": len(seeds),
        "stochastic": repeat_stats(ds, st, seeds, bound, st.lr, 0.0),
        "large": repeat_stats(ds, st, seeds, bound, st.large_lr, 0.0),
        "decay": repeat_stats(ds, st, seeds, bound, st.large_lr, s.descent.decay),
    }
    rs = repeats["stochastic"]
    mean_loss = rs.pop("_mean_loss")
    for key in ("large", "decay"):
        repeats[key].pop("_mean_loss")
    avg = None
    if mean_loss is not None and sgd["rest_loss"] is not None and sgd["settled_from"] is not None and not noise_free:
        tail = mean_loss[sgd["settled_from"]:]
        avg = {
            "from_update": int(sgd["settled_from"]),
            "mean": float(np.mean(tail)),
            # how the shuffled runs' resting excess compares with the model's (with fresh random batches)
            "excess_ratio": float((np.mean(tail) - loss_star) / sgd["rest_excess"]) if sgd["rest_excess"] > 0 else None,
        }

    # one number of decimals per table column (fmt.fixed with these)
    cols = {
        "lr": fmt.decimals([g["lr"] for g in runs.values()]),
        "per_epoch": fmt.decimals([g["updates_per_epoch"] for g in runs.values()]),
        "epochs": fmt.decimals([g["epochs"] for g in runs.values()]),
        "loss": fmt.decimals([c["loss"] for c in compare.values()] + [c["final"] for c in compare.values()]),
        "median": fmt.decimals([repeats[k]["median_final"] for k in ("stochastic", "large", "decay")]),
    }

    eta_ms = threshold(ops1, eta_star)
    e0 = np.array([ds.w0, ds.b0]) - theta
    double_b = min(2 * mb.batch_size, n_train)
    ops2b = _operators(_pieces(x, y, theta, double_b))
    exercises = {
        "half_lr": {"lr": st.lr / 2, "rest_excess": resting_excess(ops1, st.lr / 2)},
        "double_batch": {"batch_size": double_b, "lr": mb.lr, "rest_excess": resting_excess(ops2b, mb.lr)},
        "below_ms": {"lr": 0.9 * eta_ms, "rest_excess": resting_excess(ops1, 0.9 * eta_ms),
                     "radius": radius(ops1, 0.9 * eta_ms)},
        "above_ms": {"lr": 1.1 * eta_ms, "radius": radius(ops1, 1.1 * eta_ms)},
    }
    return {
        "n_train": n_train,
        "sgd": sgd,
        "mini_batch": mini,
        "large": large,
        "decay": decay,
        "full_batch": {k: full[k] for k in ("lr", "n_iters", "train_mse", "initial_train_mse", "diverged",
                                             "diverged_at", "epochs", "updates_per_epoch")},
        "settled_within": SETTLED,
        "decimals": cols,
        "compare": compare,
        "compare_examples": int(common),
        "compare_is_epoch": bool(common == n_train),
        "compare_fastest": fastest,
        "lr_star": eta_star,
        "eta_ms": eta_ms,
        "eta_ms_ratio": eta_ms / eta_star,
        "min_train_mse": loss_star,
        # the line fits every training point (noise-free data): no example's gradient is left at θ*
        "noise_free": noise_free,
        "start_distance": float(np.hypot(*e0)),
        "per_example": {
            "dw_mean": float(np.mean(dw_i)), "db_mean": float(np.mean(db_i)),
            "dw_std": float(np.std(dw_i)), "db_std": float(np.std(db_i)),
            "step_w_std": float(st.lr * np.std(dw_i)), "step_b_std": float(st.lr * np.std(db_i)),
            "large_step_w_std": float(st.large_lr * np.std(dw_i)), "large_step_b_std": float(st.large_lr * np.std(db_i)),
            "mean_scale": float(np.mean(np.abs(dw_i)) + np.mean(np.abs(db_i))),
        },
        "one_example": one_example_step() | {
            "sign_min": float(np.min(sign_at)), "sign_max": float(np.max(sign_at)),
            "grow_min": float(np.min(grow_at)), "grow_max": float(np.max(grow_at)),
            "at_lr": shares(st.lr), "at_large": shares(st.large_lr),
            # the x beyond which one step at the large η flips (grows) the residual: |x| > √(1/(2η) − 1), √(1/η − 1)
            "x_sign": float(np.sqrt(max(0.0, 1 / (2 * st.large_lr) - 1))),
            "x_grow": float(np.sqrt(max(0.0, 1 / st.large_lr - 1))),
        },
        "repeats": repeats,
        "average": avg,
        "hessian_eig": [float(v) for v in lam],
        "large_vs_ms": st.large_lr / eta_ms,
        "exercises": exercises,
        "_x": x,
        "_quad": quadratic(x, y),
        "_theta": theta,
        "_mean_loss": mean_loss,
        "_full": full,
    }
