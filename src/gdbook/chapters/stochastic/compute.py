"""Why stochastic descent can end above where it started, and the fix.

Evidence, all on the training split:

* at the least-squares point θ* the full gradient is zero, but the gradient of
  a single example is not: its spread is what keeps stochastic descent moving;
* a one-example step with x overshoots that example's own minimum once
  η > 1/(x² + 1), so with a large η some steps throw the iterate outwards;
* the mean-square recursion of stochastic descent (examples drawn at random)
  gives, for each η, the expected loss the iterates settle around — finite below
  a threshold η_ms, unbounded above it;
* repeated runs with different shuffles show how often a run ends above its
  starting loss, for the notes' too-large step and for the two fixes.
"""

from __future__ import annotations

import numpy as np

from gdbook.core import fmt
from gdbook.core.data import make_dataset
from gdbook.core.descent import compared_with, descend_many, describe_run, run
from gdbook.core.model import hessian
from gdbook.settings import Settings


def mean_square(x: np.ndarray, y: np.ndarray, theta: np.ndarray, lr: float) -> tuple[float, float]:
    """Spectral radius of the second-moment recursion of one-example descent, and its stationary mean loss.

    With δ = θ − θ* and an example i drawn at random, δ ← (I − 2η aᵢaᵢᵀ) δ − 2η aᵢ rᵢ, aᵢ = (xᵢ, 1),
    rᵢ the residual at θ*.  Because Σ aᵢ rᵢ = 0 (the normal equations), C = E[δδᵀ] obeys
    C ← mean_i (I − 2η aᵢaᵢᵀ) C (I − 2η aᵢaᵢᵀ) + 4η² mean_i rᵢ² aᵢaᵢᵀ.  It settles iff the
    radius is below 1; then E[L] = L* + ½ tr(H C).  (Runs shuffle without replacement, so
    this is the with-replacement model of them.)
    """
    A = np.column_stack([x, np.ones_like(x)])
    r = A @ theta - y
    P = np.eye(2)[None] - 2 * lr * A[:, :, None] * A[:, None, :]
    M = np.einsum("nij,nkl->ikjl", P, P).reshape(4, 4) / len(x)
    Q = 4 * lr**2 * np.einsum("n,ni,nj->ij", r * r, A, A) / len(x)
    radius = float(np.max(np.abs(np.linalg.eigvals(M))))
    if radius >= 1.0:
        return radius, float("inf")
    C = np.linalg.solve(np.eye(4) - M, Q.reshape(4)).reshape(2, 2)
    return radius, float(np.mean(r * r) + 0.5 * np.trace(hessian(x) @ C))


def threshold(x: np.ndarray, y: np.ndarray, theta: np.ndarray, hi: float) -> float:
    """The learning rate at which the mean-square radius reaches 1 (bisection on (0, hi])."""
    lo = 0.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if mean_square(x, y, theta, mid)[0] < 1.0:
            lo = mid
        else:
            hi = mid
    return lo


def repeat_stats(ds, m, seeds, bound, lr, decay) -> dict:
    finals, diverged = [], 0
    # One run per seed, side by side: each is exactly run(ds, m, seed, ..., full=False).
    runs = descend_many(ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.w0, ds.b0, [lr] * len(seeds), m.n_iters,
                        m.batch_size, [np.random.default_rng(seed) for seed in seeds], decay, bound)
    for t in runs:
        if t.diverged:
            diverged += 1
        else:
            finals.append(float(t.train_loss[-1]))
    start = float(t.train_loss[0])
    finals = np.array(finals)
    return {
        "runs": len(seeds),
        "diverged": diverged,
        "above_start": int(np.sum(finals > start)),
        "below_start": int(np.sum(finals <= start)),
        "median_final": float(np.median(finals)) if len(finals) else None,
        "max_final": float(np.max(finals)) if len(finals) else None,
    }


def stochastic_section(s: Settings, deps: dict) -> dict:
    ds = make_dataset(s)
    cf = deps["closed_form"]
    gd = {}
    for name, key in (("mini_batch", "mini_batch"), ("stochastic", "sgd")):
        m = getattr(s.descent, name)
        gd[key] = describe_run(ds, run(ds, m, s.seed, s.descent.divergence_bound, full=False), m.lr, m.batch_size)
        gd[key].update(compared_with(gd[key], cf))
    x, y = ds.x_train, ds.y_train
    theta = np.array([cf["w"], cf["b"]])
    st = s.descent.stochastic
    bound = s.descent.divergence_bound

    # per-example gradients at θ*: their mean is the (zero) full gradient
    r = theta[0] * x + theta[1] - y
    dw_i, db_i = 2 * r * x, 2 * r
    full_lr_max = float(2.0 / np.linalg.eigvalsh(hessian(x))[-1])
    over = 1.0 / (x * x + 1.0)  # a one-example step on example i overshoots its own minimum above this η
    eta_ms = threshold(x, y, theta, hi=full_lr_max)

    def predicted(lr):
        rad, loss = mean_square(x, y, theta, lr)
        return {"lr": lr, "radius": rad, "settles": bool(rad < 1.0),
                "mean_loss": loss if np.isfinite(loss) else None}

    fixes = {}
    for key, lr, decay in (("fixed", s.descent.fixed_lr, 0.0), ("decay", st.lr, s.descent.decay)):
        t = run(ds, st, s.seed, bound, lr=lr, decay=decay, full=False)
        d = describe_run(ds, t, lr, st.batch_size)
        d["decay"] = decay
        d["final_lr"] = float(t.lr[-1])
        fixes[key] = d

    seeds = [s.seed + k for k in range(s.descent.repeats)]
    repeats = {
        "seeds_from": seeds[0], "seeds_to": seeds[-1], "runs": len(seeds),
        "stochastic": repeat_stats(ds, st, seeds, bound, st.lr, 0.0),
        "fixed": repeat_stats(ds, st, seeds, bound, s.descent.fixed_lr, 0.0),
        "decay": repeat_stats(ds, st, seeds, bound, st.lr, s.descent.decay),
    }

    sto = gd["sgd"]
    loss = sto["_train_loss"]
    half = loss[len(loss) // 2:]
    last = {
        "from_update": int(len(loss) // 2),
        "share_above_start": float(np.mean(half > loss[0])),
        "median": float(np.median(half)),
        "max": float(np.max(half)),
        "min": float(np.min(half)),
    }
    ended_above = sto["train_mse"] > sto["initial_train_mse"]
    rep = repeats["stochastic"]
    out = {
        "mini_batch": gd["mini_batch"],
        "sgd": gd["sgd"],
        "per_example": {
            "dw_mean": float(np.mean(dw_i)), "db_mean": float(np.mean(db_i)),
            "dw_std": float(np.std(dw_i)), "db_std": float(np.std(db_i)),
            "dw_max": float(np.max(np.abs(dw_i))), "db_max": float(np.max(np.abs(db_i))),
            "step_w_std": float(st.lr * np.std(dw_i)), "step_b_std": float(st.lr * np.std(db_i)),
        },
        "overshoot_lr_min": float(np.min(over)),
        "overshoot_lr_max": float(np.max(over)),
        "overshoot_share": float(np.mean(st.lr > over)),
        "full_lr_max": full_lr_max,
        "eta_ms": eta_ms,
        "predicted": {
            "stochastic": predicted(st.lr),
            "fixed": predicted(s.descent.fixed_lr),
            "mini_lr": predicted(gd["mini_batch"]["lr"]),
        },
        "min_train_mse": cf["train_mse"],
        "ended_above_start": bool(ended_above),
        "last_half": last,
        "fixed": fixes["fixed"],
        "decay": fixes["decay"],
        "repeats": repeats,
        "_over": over,
        "_x": x,
    }
    fx, dc = fixes["fixed"], fixes["decay"]
    out["errata"] = [
        {
            "title": "Mini-batch descent ends far below its start, near the minimum",
            "where": "Part 2, Loss tab (mini batch)",
            "notes": "“mini batch is a bit noisier than the full batch, but still results in a lower MSE than our starting.”",
            "correct": (
                f"True, but an understatement: mini-batch descent (batches of {gd['mini_batch']['batch_size']}, η = "
                f"{fmt.num(gd['mini_batch']['lr'])}) ends at training MSE {fmt.num(gd['mini_batch']['train_mse'])} against "
                f"{fmt.num(gd['mini_batch']['initial_train_mse'])} at the start and {fmt.num(cf['train_mse'])} at the minimum, "
                f"{fmt.pct(gd['mini_batch']['excess_train_mse'] / cf['train_mse'])} above it."
            ),
            "link": "../part2/stochastic.md", "link_text": "Mini-batch and stochastic descent", "explanation": "",
        },
{
        "title": "Stochastic descent: one noisy run, and no local minima to settle on",
        "where": "Part 2, Loss tab (stochastic)",
        "notes": "“stochastic is so noisy that we actually result in a higher MSE than we started with … the learning "
                 "rate for the stochastic descent is too high for it to settle on a global/local minima.”",
        "correct": (
            f"The learning rate is the cause, but two things need saying. The MSE of a line is a convex bowl with "
            f"one minimum (Hessian eigenvalues {fmt.num(cf['hessian_eig'][0])} and {fmt.num(cf['hessian_eig'][1])}, "
            f"both positive): there are no local minima. And one run's last value is one draw from a noisy process: "
            f"with η = {fmt.num(st.lr)} and {fmt.integer(st.n_iters)} updates, {rep['above_start']} of "
            f"{rep['runs']} shuffles end above the start, {rep['diverged']} diverge and the rest end below. "
            f"A step this large overshoots on every example with x > {fmt.num(float(np.sqrt(1 / st.lr - 1)))}; "
            f"above η ≈ {fmt.num(eta_ms)} the expected loss of the iterates has no finite level. With η = "
            f"{fmt.num(fx['lr'])} the run ends at {fmt.num(fx['train_mse'])}; with η decaying as η/(1 + "
            f"{fmt.num(dc['decay'])}·t) at {fmt.num(dc['train_mse'])} (minimum {fmt.num(cf['train_mse'])})."
        ),
        "link": "../part2/stochastic.md", "link_text": "Mini-batch and stochastic descent", "explanation": "",
    }]
    return out
