"""Full-batch gradient descent from the initial guess, and what it converges to.

``n_iters`` counts parameter updates; with the full batch one update is one
epoch (one pass over the training split).
"""

from __future__ import annotations

import numpy as np

from gdbook.core import fmt
from gdbook.core.data import make_dataset
from gdbook.core.descent import compared_with, describe_run, run
from gdbook.core.model import hessian
from gdbook.core.errors import BuildError
from gdbook.settings import Settings


def first_below(values: np.ndarray, level: float) -> int | None:
    """The first index from which ``values`` stays at or below ``level`` (None if never)."""
    above = np.flatnonzero(values > level)
    if len(above) == 0:
        return 0
    k = int(above[-1]) + 1
    return k if k < len(values) else None


def full_batch_section(s: Settings, deps: dict) -> dict:
    ds = make_dataset(s)
    cf = deps["closed_form"]
    m = s.descent.full_batch
    fb = describe_run(ds, run(ds, m, s.seed, s.descent.divergence_bound, full=True), m.lr, None)
    fb.update(compared_with(fb, cf))
    # Why it converges: the error θ − θ* shrinks by (I − η H) each update, H the
    # constant Hessian, so by a factor ρ = max |1 − η λ| over H's eigenvalues.
    lam = np.linalg.eigvalsh(hessian(ds.x_train))
    rho = float(np.max(np.abs(1.0 - fb["lr"] * lam)))
    d0 = float(np.hypot(ds.w0 - cf["w"], ds.b0 - cf["b"]))
    dist = float(np.hypot(fb["w"] - cf["w"], fb["b"] - cf["b"]))
    worst = max(fb["dist_w"], fb["dist_b"])
    tol = s.descent.tolerance
    if fb["diverged"]:
        raise BuildError(
            f"full-batch descent diverged at update {fb['n_iters']}: descent.full_batch.lr = {fb['lr']:g} is above "
            f"η* = 2/λmax = {2.0 / lam[-1]:.4g} for this data; lower it below {2.0 / lam[-1]:.4g}")
    if not worst <= tol:
        needed = int(np.ceil(np.log(tol / d0) / np.log(rho))) if 0 < rho < 1 and d0 > tol else None
        raise BuildError(
            f"full-batch descent ended {worst:.3g} from the closed form after {fb['n_iters']} updates, more than "
            f"descent.tolerance = {tol:g}: " + (
                f"raise descent.full_batch.n_iters to about {needed} (the error shrinks by {rho:.4g} per update)"
                if needed else f"descent.full_batch.lr = {fb['lr']:g} cannot get there"))
    loss = fb["_train_loss"]
    w_path = fb["_w"]
    fb.update({
        "tolerance": tol,
        "max_abs_diff": worst,
        "rho": rho,
        "dist0": d0,
        "dist": dist,
        "bound": rho ** fb["n_iters"] * d0,
        "lr_max": float(2.0 / lam[-1]),
        # after how many updates the loss is within 1 % of its minimum, and w within 0.01 of w*
        "updates_loss_1pct": first_below(loss, cf["train_mse"] * 1.01),
        "updates_w_001": first_below(np.abs(w_path - cf["w"]), 0.01),
        "loss_after_10": float(loss[min(10, len(loss) - 1)]),
        "w_after_10": float(w_path[min(10, len(w_path) - 1)]),
        "test_min": float(np.min(fb["_test_loss"])),
        "test_min_at": int(np.argmin(fb["_test_loss"])),
        "grad_start": float(np.hypot(fb["_dw"][0], fb["_db"][0])),
        "grad_end": float(np.hypot(fb["final_dw"], fb["final_db"])),
    })
    fb["errata"] = [
        {
            "title": "Gradients go to zero; it is the parameters that approach the analytical values",
            "where": "Part 2, Parameters tab (“Gradients Over Iterations”)",
            "notes": "“the gradient tunes towards the correct value (the analytical one) very quickly … the model "
                     "finds the correct parameters in the first handful of iterations.”",
            "correct": (
                f"The gradient (∂L/∂w, ∂L/∂b) falls from length {fmt.num(fb['grad_start'])} to "
                f"{fmt.sci(fb['grad_end'])}: it tends to zero, the condition of a minimum. The weight is what "
                f"approaches the analytical value {fmt.num(cf['w'])}. Nor does it take a handful of iterations: "
                f"with η = {fmt.num(fb['lr'])}, w is within 0.01 of it only after "
                f"{fmt.integer(fb['updates_w_001'])} updates (after 10 updates w = {fmt.num(fb['w_after_10'])}), "
                f"because the slow direction of the loss surface shrinks by only "
                f"{fmt.num(1 - fb['lr'] * float(lam[0]))} per update."
            ),
            "link": "../part2/full-batch.md", "link_text": "Full-batch gradient descent", "explanation": "",
        },
        {
            "title": "Final weight 2.9997 and bias −1.9518 cannot be checked",
            "where": "Part 2, Parameters tab",
            "notes": "“Final Weight: 2.9997, Final Bias: -1.9518”",
            "correct": (
                "The notes do not give their data, learning rate or split, so these numbers cannot be reproduced. "
                f"This book's full-batch run ends at w = {fmt.num(fb['w'], 6)}, b = {fmt.num(fb['b'], 6)}; the "
                f"least-squares fit of its training split is w = {fmt.num(cf['w'], 6)}, b = {fmt.num(cf['b'], 6)}. "
                "Neither is the true (3, −2): with noise, the best fit to a finite sample differs from the line "
                "the data came from."
            ),
            "link": "../part2/closed-form.md", "link_text": "Closed form", "explanation": "",
        },
        {
            "title": "The loss falls fast because of the step size and the curvature, not because the noise is small",
            "where": "Part 2, Loss tab",
            "notes": "“the MSE falls very rapidly, this is primarily due to the fact that our data is highly linear and "
                     "does not have much noise.”",
            "correct": (
                "The Hessian of the MSE, (2/n)·XᵀX, contains no y at all, so the rate at which descent closes in "
                f"on the minimum (a factor {fmt.num(rho)} per update here) is the same for any noise. The noise sets "
                f"where the loss stops: the minimum training MSE is {fmt.num(cf['train_mse'])}, close to the noise "
                f"variance σ² = {fmt.num(s.data.noise_std ** 2)}."
            ),
            "link": "../part2/full-batch.md", "link_text": "Full-batch gradient descent", "explanation": "",
        },
    ]
    return fb
