"""Full-batch gradient descent from the initial guess: what it did, and why, under any accepted settings.

``n_iters`` counts parameter updates; with the full batch one update is one
epoch (one pass over the training split).

The run ends in one of four ways, and the chapter says which (``status``):

* ``converged``: both parameters within ``descent.tolerance`` of least squares;
* ``not_yet``: the error shrinks every update (ρ < 1) but has not reached the
  tolerance; the number of updates it would need follows from ρ;
* ``growing``: η ≥ η* = 2/λmax, so the error cannot shrink, but the loss has
  not yet passed ``descent.divergence_bound``;
* ``diverged``: the loss passed the bound and the run was stopped.

Why: the loss is quadratic, so its gradient at θ is H(θ − θ*) with the constant
Hessian H, and an update multiplies the error e = θ − θ* by I − ηH.  Along the
eigenvector of eigenvalue λ that is a factor 1 − ηλ, and the error's length
shrinks at least by ρ = max |1 − ηλ| per update: ‖eₜ‖ ≤ ρᵗ‖e₀‖.  The build checks
the run against that theory update by update; a disagreement is a bug.
"""

from __future__ import annotations

import math
from dataclasses import fields

import numpy as np
import sympy as sp

from gdbook.core import fmt
from gdbook.core.data import make_dataset
from gdbook.core.descent import compared_with, describe_run, run
from gdbook.core.errors import BuildError
from gdbook.core.formula import checked, identity
from gdbook.core.model import gradient, hessian
from gdbook.core.paths import quadratic
from gdbook.core.rounding import descent_floor
from gdbook.settings import MethodSettings, Settings

EPS = float(np.finfo(float).eps)


def first_below(values: np.ndarray, level: float) -> int | None:
    """The first index from which ``values`` stays at or below ``level`` (None if never)."""
    above = np.flatnonzero(values > level)
    if len(above) == 0:
        return 0
    k = int(above[-1]) + 1
    return k if k < len(values) else None


def updates_needed(rho: float, d0: float, tol: float) -> int | None:
    """The fewest updates t with ρᵗ·d₀ ≤ tol: what the bound guarantees (None when ρ ≥ 1)."""
    if not 0 <= rho < 1:
        return None
    if d0 <= tol:
        return 0
    if rho == 0:
        return 1
    return int(math.ceil(math.log(tol / d0) / math.log(rho)))


def predicted_crossing(lam: np.ndarray, c0: np.ndarray, lr: float, loss_star: float, bound: float,
                       limit: int) -> int | None:
    """The first update after which L* + ½ Σ λₖ cₖ² (1 − ηλₖ)²ᵗ passes ``bound`` (None within ``limit``)."""
    t = np.arange(1, limit + 1)
    with np.errstate(over="ignore"):
        excess = 0.5 * np.sum(lam[:, None] * (c0[:, None] ** 2) * np.abs(1 - lr * lam[:, None]) ** (2 * t), axis=0)
    over = np.flatnonzero(loss_star + excess > bound)
    return int(t[over[0]]) if len(over) else None


def n_iters_limit() -> int:
    """The most updates ``descent.*.n_iters`` accepts (the settings' own rule)."""
    rule = next(f for f in fields(MethodSettings) if f.name == "n_iters").metadata["rule"]
    return int(rule.hi)


def derivation() -> dict:
    """The error recursion, each displayed formula read back by SymPy and proved equal to what it claims."""
    eta, H, e, lam, c = sp.symbols("eta H e_t lambda_k c_k")
    names = {"eta": eta, "H": H, "e_{t}": e, "I": sp.Integer(1), "lambda_{k}": lam, "c_{k}": c}
    # e_{t+1} = e_t − η·(gradient) with gradient H e_t; the identity matrix I reads as 1 (every product is H·vector)
    step = identity(r"e_t - \eta H e_t = (I - \eta H) e_t", names, what="error recursion")
    names["c"] = c
    along = identity(r"c - \eta\lambda_k c = (1 - \eta\lambda_k) c", names, what="one eigen-direction")
    rho, t, d0 = sp.symbols("rho t d_0", positive=True)
    lo, hi = sp.symbols("lambda_min lambda_max", positive=True)
    extremes = {"lambda_{min}": lo, "lambda_{max}": hi}
    best = sp.solve(sp.Eq(1 - eta * lo, -(1 - eta * hi)), eta)[0]  # where the two factors have the same size
    return {
        # one eigen-direction's share of the loss after t updates, from its share at the start (c_k: the start's component)
        "term_tex": checked(r"\frac{1}{2} \lambda_k c_k^2 (1 - \eta\lambda_k)^{2t}",
                            sp.Rational(1, 2) * lam * ((1 - eta * lam) ** t * c) ** 2,
                            {"eta": eta, "lambda_{k}": lam, "c_{k}": c, "t": t}, what="the loss of one direction"),
        "best_lr_tex": checked(r"\frac{2}{\lambda_{\min} + \lambda_{\max}}", best, extremes, what="the best η"),
        "best_rho_tex": checked(r"\frac{\kappa - 1}{\kappa + 1}", 1 - best * lo, {"kappa": hi / lo}, what="the best ρ"),
        "step_tex": step,
        "along_tex": along,
        "bound_tex": checked(r"\rho^{t} d_0", rho**t * d0, {"rho": rho, "t": t, "d_{0}": d0}, what="the bound"),
        "lr_star_tex": checked(r"\frac{2}{\lambda_{\max}}", 2 / sp.Symbol("lambda_{max}"), what="η*"),
    }


def exercises(lam: np.ndarray, c0: np.ndarray, d0: float, loss_star: float, bound: float, tol: float,
              limit: int) -> dict:
    """The numbers behind the chapter's predict-then-check questions, each from λmin and λmax."""
    star = 2.0 / lam[1]

    def rho_at(lr: float) -> float:
        return float(max(abs(1 - lr * lam[0]), abs(1 - lr * lam[1])))

    best = 2.0 / (lam[0] + lam[1])  # the η that balances the two directions: |1 − ηλmin| = |1 − ηλmax|
    out = {}
    for key, lr in (("lr_09", 0.9 * star), ("lr_11", 1.1 * star), ("lr_best", best), ("lr_half", 0.5 * star)):
        rho = rho_at(lr)
        out[key] = {
            "lr": float(lr),
            "rho": rho,
            "factor_fast": float(1 - lr * lam[1]),
            "factor_slow": float(1 - lr * lam[0]),
            "needed": updates_needed(rho, d0, tol),
            "crossing": predicted_crossing(lam, c0, lr, loss_star, bound, limit) if rho >= 1 else None,
        }
    out["rho_best_formula"] = float((lam[1] - lam[0]) / (lam[1] + lam[0]))  # (κ − 1)/(κ + 1)
    return out


def full_batch_section(s: Settings, deps: dict) -> dict:
    ds = make_dataset(s)
    cf = deps["closed_form"]
    m = s.descent.full_batch
    bound_loss = s.descent.divergence_bound
    tr = run(ds, m, s.seed, bound_loss, full=True)
    fb = describe_run(ds, tr, m.lr, None)
    fb.update(compared_with(fb, cf))
    x, y = ds.x_train, ds.y_train
    H = hessian(x)
    lam, V = np.linalg.eigh(H)  # ascending: λmin, λmax
    lr = float(m.lr)
    theta_star = np.array([cf["w"], cf["b"]])
    err = np.column_stack([tr.w, tr.b]) - theta_star  # e_t, one row per update
    d0 = float(np.hypot(*err[0]))
    dist = float(np.hypot(*err[-1]))
    rho_slow, rho_fast = abs(1 - lr * lam[0]), abs(1 - lr * lam[1])
    rho = max(rho_slow, rho_fast)
    kappa = float(lam[1] / lam[0])
    tol = s.descent.tolerance
    worst = max(fb["dist_w"], fb["dist_b"])
    scale = max(1.0, float(np.max(np.abs(theta_star))), abs(ds.w0), abs(ds.b0))

    # The theory, checked on this run: e_{t+1} = (I − ηH) e_t at every update, to within rounding.  A gradient
    # is a mean of terms as large as |x|·(|w x| + |b| + |y|), each rounded; θ* itself is rounded, by up to about κ
    # times the rounding of the data.  A few dozen ulps of those sizes is rounding; anything more is a bug.
    xm, ym = float(np.max(np.abs(x))), float(np.max(np.abs(y)))
    aw, ab = np.abs(tr.w), np.abs(tr.b)
    g_size = 2 * (1 + xm) * (aw * xm + ab + ym)  # the size of the terms of each update's gradient
    slack = 64 * EPS * (lr * g_size[:-1] + aw[:-1] + ab[:-1] + kappa * scale)
    A = np.eye(2) - lr * H
    theory_gap = np.hypot(*(err[1:] - err[:-1] @ A.T).T) if len(err) > 1 else np.zeros(0)
    if np.any(theory_gap > slack):
        k = int(np.argmax(theory_gap / slack))
        raise BuildError(f"full-batch descent: update {k + 1} moved the error by {theory_gap[k]:.3g} more than "
                         f"(I − ηH)e predicts (rounding allows {slack[k]:.3g}): the update and the theory disagree")

    if tr.diverged:
        status = "diverged"
    elif rho >= 1:
        status = "growing"
    elif worst <= tol:
        status = "converged"
    else:
        status = "not_yet"

    bound = rho ** fb["n_iters"] * d0 if rho < 1 else None
    floor = descent_floor(x, y, cf["w"], cf["b"], ds.w0, ds.b0)
    if bound is not None and not dist <= bound + floor:
        raise BuildError(f"full-batch descent ended {dist:.3g} from least squares, beyond the bound ρᵗ·d₀ = {bound:.3g} "
                         f"(ρ = {rho:.6g}, t = {fb['n_iters']}): the run and the theory disagree")
    needed = updates_needed(rho, d0, tol)
    if status == "not_yet" and needed is not None and needed <= fb["n_iters"]:
        raise BuildError(f"full-batch descent ended {worst:.3g} from least squares after {fb['n_iters']} updates, but "
                         f"ρᵗ·d₀ ≤ descent.tolerance = {tol:g} from update {needed} on: the run and the theory disagree")

    c0 = V.T @ err[0]  # the start's error along the eigenvectors (slow, fast)
    limit = n_iters_limit()
    crossing = predicted_crossing(lam, c0, lr, cf["train_mse"], bound_loss, limit) if rho >= 1 else None
    loss, test = fb["_train_loss"], fb["_test_loss"]
    rises = int(np.sum(np.diff(loss) > 1e-12 * np.maximum(loss[:-1], 1.0)))
    last = len(loss) - 1
    test_min_at = int(np.argmin(test))
    grads = np.hypot(fb["_dw"], fb["_db"])
    g0 = np.hypot(*gradient(ds.w0, ds.b0, x, y))
    fb.update({
        "status": status,
        "converged": status == "converged",
        "n_iters_set": int(m.n_iters),
        "diverged_at": tr.diverged_at,
        "predicted_diverged_at": crossing,
        "crossing_as_predicted": crossing is not None and crossing == tr.diverged_at,
        "divergence_bound": bound_loss,
        "tolerance": tol,
        "max_abs_diff": worst,
        "lam_min": float(lam[0]),
        "lam_max": float(lam[1]),
        "kappa": kappa,
        "lr_star": float(2.0 / lam[1]),
        "lr_zigzag": float(1.0 / lam[1]),
        "lr_ratio": lr / float(2.0 / lam[1]),
        "zigzag": bool(lr * lam[1] > 1),
        "rho": rho,
        "rho_slow": rho_slow,
        "rho_fast": rho_fast,
        "factor_fast": float(1 - lr * lam[1]),
        "factor_slow": float(1 - lr * lam[0]),
        "slow_limits": bool(rho_slow >= rho_fast),
        "dist0": d0,
        "dist_max": float(np.max(np.hypot(err[:, 0], err[:, 1]))),
        "w_start": float(ds.w0),
        "b_start": float(ds.b0),
        "rounding_floor": float(floor),
        "dist": dist,
        "dist_ratio": dist / d0 if d0 > 0 else 1.0,
        "bound": bound,
        "updates_needed": needed,
        "updates_more": None if needed is None else max(0, needed - fb["n_iters"]),
        "n_iters_limit": limit,
        "needed_within_limit": needed is not None and needed <= limit,
        "c0_slow": float(c0[0]),
        "c0_fast": float(c0[1]),
        "theory_gap_max": float(np.max(theory_gap)) if len(theory_gap) else 0.0,
        "updates_loss_1pct": first_below(loss, cf["train_mse"] * 1.01),
        "updates_w_001": first_below(np.abs(fb["_w"] - cf["w"]), 0.01),
        "loss_rises": rises,
        "w_after_10": float(tr.w[min(10, len(tr.w) - 1)]),
        "after_10": min(10, len(tr.w) - 1),
        "loss_final_over_start": float(loss[-1] / loss[0]),
        "test_below_train": bool(fb["test_mse"] < fb["train_mse"]),
        "test_min": float(test[test_min_at]),
        "test_min_at": test_min_at,
        # a dip: the test MSE was lower on the way than at the end, by more than rounding
        "test_dip": bool(status in ("converged", "not_yet") and 0 < test_min_at < last
                         and test[-1] - test[test_min_at] > 1e-9 * test[-1]),
        "grad_start": float(g0),
        "grad_end": float(np.hypot(*gradient(fb["w"], fb["b"], x, y))),
        "grad_end_ratio": float(np.hypot(*gradient(fb["w"], fb["b"], x, y)) / g0) if g0 > 0 else 0.0,
        "sigma2": float(s.data.noise_std ** 2),
        "exercises": exercises(lam, c0, d0, cf["train_mse"], bound_loss, tol, limit),
        "derivation": derivation(),
        "decimals": {"w": fmt.decimals([fb["w"], cf["w"]]), "b": fmt.decimals([fb["b"], cf["b"]])},
        "_grad": grads,
        "_err": err,
        "_quad": quadratic(x, y),
        "_eigvec": V,
    })
    return fb
