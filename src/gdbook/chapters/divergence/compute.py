"""Learning-rate divergence: the critical learning rate η* = 2/λ_max, predicted from the data.

The MSE of a linear model is quadratic in θ = (w, b):

    L(θ) = L* + ½ (θ − θ*)ᵀ H (θ − θ*),   H = (2/n)·XᵀX,  X = [x, 1],

so its gradient is ∇L(θ) = H (θ − θ*) and one full-batch update is linear:

    θ_{t+1} − θ* = (I − η H)(θ_t − θ*).

Along each eigenvector v_i of H (eigenvalue λ_i) the error is multiplied by
1 − η λ_i at every update.  It shrinks for every i exactly when
|1 − η λ_i| < 1 for all i, that is 0 < η < 2/λ_max = η*.  Between 1/λ_max and
η* the factor along v_max is negative: the component flips sign each update
(the parameters zigzag) while still shrinking; beyond η* it grows.

Everything here is computed on the training split, from
:func:`gdbook.core.model.hessian` and :func:`gdbook.core.descent.descend`;
the Hessian is also derived with sympy from the loss and checked against that
formula.  No run ever produces NaN or inf: ``descend`` stops a run as soon as
its loss passes ``settings.descent.divergence_bound``.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from gdbook.core import fmt
from gdbook.core.data import make_dataset
from gdbook.core.descent import Trace, descend
from gdbook.core.model import closed_form, gradient, hessian, mse
from gdbook.core.errors import BuildError
from gdbook.settings import Settings

REDUCTION = 1e-6  # "converged": the distance to θ* has shrunk by this factor
SWEEP_SPAN = (1e-2, 1e1)  # the sweep's learning rates run from η*·1e-2 to η*·10
BISECT_STEPS = 60
OVERFLOW_ITERS = 100_000  # how long the "no bound" run may go before it overflows


# --- the Hessian, derived ------------------------------------------------------

def derive_hessian() -> dict:
    """Hessian of L = (1/n) Σ (w·xᵢ + b − yᵢ)² by sympy, with the stability interval of η."""
    i, n = sp.symbols("i n", integer=True, positive=True)
    x, y = sp.IndexedBase("x"), sp.IndexedBase("y")
    w, b = sp.symbols("w b", real=True)
    loss = sp.Sum((w * x[i] + b - y[i]) ** 2, (i, 1, n)) / n
    grad = [sp.diff(loss, v) for v in (w, b)]
    H = sp.hessian(loss, (w, b)).applyfunc(lambda e: sp.simplify(e.doit()))
    depends = sorted(str(sym) for sym in H.free_symbols)
    if any(sym in H.free_symbols for sym in (w, b)) or y in H.free_symbols:
        raise BuildError(f"the derived Hessian should not depend on w, b or y, but has {depends}")
    eta, lam = sp.symbols("eta lambda", positive=True)
    stable = sp.solve_univariate_inequality(sp.Abs(1 - eta * lam) < 1, eta, relational=False)
    if stable != sp.Interval.open(0, 2 / lam):
        raise BuildError(f"the stability interval of η came out as {stable}, not (0, 2/λ)")
    # H = (2/n)·S with S = [[Σxᵢ², Σxᵢ], [Σxᵢ, n]]: shown factored, checked to be the same matrix.
    S = (H * n / 2).applyfunc(lambda e: sp.simplify(sp.expand(e)))
    if (H - 2 / n * S).applyfunc(sp.simplify) != sp.zeros(2, 2):
        raise BuildError("factoring 2/n out of the Hessian changed it")
    m1, m2 = sp.symbols(r"\overline{x} \overline{x^2}", positive=True)
    eig = list(sp.Matrix([[2 * m2, 2 * m1], [2 * m1, 2]]).eigenvals())
    # The eigenvalues in a readable form, checked against sympy's.
    root = sp.sqrt((m2 - 1) ** 2 + 4 * m1**2)
    readable = [m2 + 1 - root, m2 + 1 + root]
    for e in eig:
        if not any(sp.simplify(e - r) == 0 for r in readable):
            raise BuildError(f"the eigenvalue {e} is not of the form x̄² + 1 ± √((x̄² − 1)² + 4x̄²)")
    return {
        "_sym": {"H": H, "x": x, "i": i, "n": n},
        "loss_tex": sp.latex(loss),
        "dw_tex": sp.latex(grad[0]),
        "db_tex": sp.latex(grad[1]),
        "hessian_tex": sp.latex(H),
        # Extra row spacing: sums with limits in a matrix otherwise touch.
        "hessian_factored_tex": r"\frac{2}{n}" + sp.latex(S).replace("\\\\", "\\\\[0.8em]"),
        "stable_tex": sp.latex(stable).replace(r"\lambda", r"\lambda_{\max}"),
        "eig_tex": sp.latex(m2 + 1) + r" \pm " + sp.latex(root),
    }


def check_hessian(derived: dict, x_train: np.ndarray) -> float:
    """Evaluate the sympy Hessian on the data; fail unless it equals (2/n)·XᵀX. Returns the largest gap."""
    sym = derived["_sym"]
    xi = sp.Symbol("xi")

    def evaluate(expr: sp.Expr) -> float:
        def numeric_sum(s: sp.Sum) -> sp.Float:
            summand = s.function.subs(sym["x"][sym["i"]], xi)
            f = sp.lambdify(xi, summand, "numpy")
            return sp.Float(float(np.sum(np.broadcast_to(f(x_train), x_train.shape))), 30)

        e = expr.replace(lambda a: isinstance(a, sp.Sum), numeric_sum)
        return float(e.subs(sym["n"], len(x_train)))

    H_sym = np.array([[evaluate(sym["H"][r, c]) for c in range(2)] for r in range(2)])
    H_num = hessian(x_train)
    gap = float(np.max(np.abs(H_sym - H_num)))
    if not gap <= 1e-12 * float(np.max(np.abs(H_num))):
        raise BuildError(f"sympy's Hessian {H_sym.tolist()} differs from (2/n)·XᵀX {H_num.tolist()} by {gap:g}")
    return gap


# --- one run and what it shows -------------------------------------------------

def run(ds, lr: float, n_iters: int, bound: float) -> Trace:
    return descend(ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.w0, ds.b0, lr, n_iters, bound=bound)


def loss_turns(loss: np.ndarray) -> int:
    """How often the loss changes direction (rise ↔ fall), ignoring round-off-sized steps."""
    d = np.diff(loss)
    d = d[np.abs(d) > 1e-12 * np.maximum(np.abs(loss[1:]), 1.0)]
    return int(np.sum(np.sign(d[1:]) != np.sign(d[:-1])))


def sign_flips(c: np.ndarray) -> int:
    """Sign changes of a component, ignoring it once it is round-off (below 1e-12 of its start)."""
    c = c[np.abs(c) > 1e-12 * abs(c[0])]
    return int(np.sum(np.sign(c[1:]) != np.sign(c[:-1])))


def describe_run(trace: Trace, lr: float, multiple: float, lam: np.ndarray, V: np.ndarray,
                 theta_star: np.ndarray, loss_star: float) -> dict:
    err = np.column_stack([trace.w, trace.b]) - theta_star
    top = err @ V[:, 1]  # component along v_max
    low = err @ V[:, 0]  # component along v_min
    final_loss = None if trace.diverged else float(trace.train_loss[-1])
    g = np.hypot(trace.dw, trace.db)
    out = {
        "multiple": float(multiple),
        "lr": float(lr),
        "diverged": bool(trace.diverged),
        "iterations_run": int(trace.iterations_run),
        "diverged_at": trace.diverged_at,
        "final_loss": final_loss,
        "last_loss": float(trace.train_loss[-1]),  # finite: the run stops once it passes the bound
        "initial_loss": float(trace.train_loss[0]),
        "final_w": None if trace.diverged else float(trace.w[-1]),
        "final_b": None if trace.diverged else float(trace.b[-1]),
        "last_w": float(trace.w[-1]),
        "last_b": float(trace.b[-1]),
        "excess_loss": None if trace.diverged else float(trace.train_loss[-1] - loss_star),
        "distance": float(np.hypot(*err[-1])),
        "distance0": float(np.hypot(*err[0])),
        "factor_max": float(1.0 - lr * lam[1]),
        "factor_min": float(1.0 - lr * lam[0]),
        "rate": float(max(abs(1.0 - lr * lam[1]), abs(1.0 - lr * lam[0]))),
        "top_ratio_observed": float(top[1] / top[0]) if len(top) > 1 else None,
        "low_ratio_observed": float(low[1] / low[0]) if len(low) > 1 else None,
        "top_sign_flips": sign_flips(top),
        "loss_turns": loss_turns(trace.train_loss),
        "grad_ratio_last": float(g[-1] / g[-2]) if len(g) > 1 else None,
        "oscillates": bool(lr * lam[1] > 1.0),
        "_w": trace.w, "_b": trace.b, "_loss": trace.train_loss, "_top": top, "_low": low,
    }
    return out


# --- the sweep and the observed boundary ----------------------------------------

def passes_bound(lr: float, n_iters: int, lam: np.ndarray, c0: np.ndarray, loss_star: float, bound: float) -> bool:
    """Whether the predicted loss after n_iters updates, L* + ½ Σ λᵢ cᵢ² (1 − η λᵢ)^(2N), exceeds the bound.

    Compared in logarithms, so that no power overflows (and no warning is silenced).
    """
    logs = [math.log(0.5 * float(l) * float(c) ** 2) + 2 * n_iters * math.log(abs(1.0 - lr * float(l)))
            for l, c in zip(lam, c0) if c != 0.0 and lr * float(l) != 1.0]
    if not logs:
        return loss_star > bound
    top = max(logs)
    log_excess = top + math.log(sum(math.exp(v - top) for v in logs))
    return bound <= loss_star or log_excess > math.log(bound - loss_star)


def sweep(ds, eta_star: float, points: int, n_iters: int, bound: float, lam, c0, loss_star) -> dict:
    lrs = eta_star * np.logspace(math.log10(SWEEP_SPAN[0]), math.log10(SWEEP_SPAN[1]), points)
    rows = []
    for lr in lrs:
        t = run(ds, float(lr), n_iters, bound)
        rows.append((float(lr), t.diverged, float(t.train_loss[-1]), t.iterations_run))
    diverged = np.array([r[1] for r in rows])
    if not diverged.any() or diverged.all():
        raise BuildError("the learning-rate sweep should contain both converging and diverging runs; "
                         "widen it (divergence.sweep_points) or check descent.divergence_bound")
    first = int(np.argmax(diverged))
    monotone = bool(diverged[first:].all() and not diverged[:first].any())
    lo, hi = rows[first - 1][0], rows[first][0]
    for _ in range(BISECT_STEPS):  # the observed boundary, to many digits
        mid = math.sqrt(lo * hi)
        if run(ds, mid, n_iters, bound).diverged:
            hi = mid
        else:
            lo = mid
    observed = math.sqrt(lo * hi)
    # The same boundary predicted from the eigen-decomposition: where the predicted loss after
    # N updates reaches the bound (the loss only grows there, so checking the end is enough).
    plo, phi = eta_star, hi * 2.0
    for _ in range(BISECT_STEPS):
        mid = math.sqrt(plo * phi)
        if passes_bound(mid, n_iters, lam, c0, loss_star, bound):
            phi = mid
        else:
            plo = mid
    predicted_finite = math.sqrt(plo * phi)
    return {
        "lr_min": float(lrs[0]), "lr_max": float(lrs[-1]), "points": points,
        "n_converged": int(np.sum(~diverged)), "n_diverged": int(np.sum(diverged)),
        "last_converged_lr": rows[first - 1][0], "first_diverged_lr": rows[first][0],
        "monotone": monotone,
        "observed_boundary": observed,
        "observed_ratio": observed / eta_star,
        "predicted_finite_boundary": predicted_finite,
        "growth_at_boundary": float(abs(1.0 - observed * lam[1])),
        "prediction_gap": abs(predicted_finite - observed) / observed,
        "best_grid_lr": rows[int(np.argmin([r[2] if not r[1] else np.inf for r in rows]))][0],
        "_lr": np.array([r[0] for r in rows]),
        "_diverged": diverged,
        "_last_loss": np.array([r[2] for r in rows]),  # for diverged runs: the loss that passed the bound
        "_iterations": np.array([r[3] for r in rows]),
    }


# --- centring and scaling x ------------------------------------------------------

def conditioning(x: np.ndarray, y: np.ndarray, w0: float, b0: float, name: str, lr_book: float,
                 bound: float) -> dict:
    """λ_min, λ_max, κ, η*, the fastest η and the updates it needs, for x as given."""
    lam = np.linalg.eigvalsh(hessian(x))
    kappa = float(lam[1] / lam[0])
    eta_best = 2.0 / (lam[0] + lam[1])
    rho_best = (kappa - 1.0) / (kappa + 1.0)
    rho_book = max(abs(1.0 - lr_book * lam[0]), abs(1.0 - lr_book * lam[1]))

    def needed(rho: float) -> int | None:
        if rho >= 1.0:
            return None
        if rho < 1e-12:
            return 1
        return int(math.ceil(math.log(REDUCTION) / math.log(rho)))

    def observed(lr: float, limit: int) -> int | None:
        """Updates until ‖θ_t − θ*‖ ≤ REDUCTION·‖θ_0 − θ*‖, by actually descending."""
        t = descend(x, y, x, y, w0, b0, lr, limit, bound=bound)
        ws, bs = closed_form(x, y)
        d = np.hypot(t.w - ws, t.b - bs)
        hit = np.nonzero(d <= REDUCTION * d[0])[0]
        return int(hit[0]) if len(hit) else None

    n_best = needed(rho_best)
    n_book = needed(rho_book)
    return {
        "name": name,
        "lam_min": float(lam[0]), "lam_max": float(lam[1]), "kappa": kappa,
        "lr_critical": float(2.0 / lam[1]),
        "lr_best": float(eta_best), "rate_best": float(rho_best),
        "iters_best": n_best, "iters_best_observed": observed(eta_best, (n_best or 0) + 50),
        "rate_book": float(rho_book), "iters_book": n_book,
        "iters_book_observed": observed(lr_book, (n_book or 0) + 50) if n_book else None,
    }


# --- the section -------------------------------------------------------------------

def divergence_section(s: Settings, deps: dict) -> dict:
    ds = make_dataset(s)
    x, y = ds.x_train, ds.y_train
    bound = s.descent.divergence_bound
    n_iters = s.divergence.n_iters

    derived = derive_hessian()
    gap = check_hessian(derived, x)
    H = hessian(x)
    lam, V = np.linalg.eigh(H)
    if V[0, 1] < 0:  # a fixed orientation for v_max, so the page's signs do not flip between builds
        V[:, 1] *= -1
    if V[0, 0] < 0:
        V[:, 0] *= -1
    eta_star = float(2.0 / lam[1])
    w_star, b_star = closed_form(x, y)
    theta_star = np.array([w_star, b_star])
    loss_star = mse(w_star, b_star, x, y)
    c0 = V.T @ (np.array([ds.w0, ds.b0]) - theta_star)

    # ∇L(θ) = H(θ − θ*) exactly, for a quadratic loss: the whole analysis rests on it.
    g0 = np.array(gradient(ds.w0, ds.b0, x, y))
    lin_gap = float(np.max(np.abs(g0 - H @ (np.array([ds.w0, ds.b0]) - theta_star))))
    if not lin_gap <= 1e-9 * max(1.0, float(np.max(np.abs(g0)))):
        raise BuildError(f"∇L(θ₀) differs from H(θ₀ − θ*) by {lin_gap:g}: the gradient is not linear in θ")

    runs = [describe_run(run(ds, m * eta_star, n_iters, bound), m * eta_star, m, lam, V, theta_star, loss_star)
            for m in s.divergence.lr_multiples]
    for r in runs:  # the prediction, checked: every run below η* converges, every run above diverges
        predicted_diverge = passes_bound(r["lr"], n_iters, lam, c0, loss_star, bound)
        if r["diverged"] != predicted_diverge:
            raise BuildError(f"the run at η = {r['lr']:g} ({r['multiple']:g}·η*) "
                             f"{'diverged' if r['diverged'] else 'did not diverge'}, against the prediction")

    far = max(runs, key=lambda r: r["lr"])
    overflow = run(ds, far["lr"], OVERFLOW_ITERS, float(np.finfo(float).max))
    sw = sweep(ds, eta_star, s.divergence.sweep_points, n_iters, bound, lam, c0, loss_star)

    mean, std = float(np.mean(x)), float(np.std(x))
    variants = [
        conditioning(x, y, ds.w0, ds.b0, "raw x", s.descent.full_batch.lr, bound),
        conditioning(x - mean, y, ds.w0, ds.b0, "centred x − x̄", s.descent.full_batch.lr, bound),
        conditioning((x - mean) / std, y, ds.w0, ds.b0, "standardised (x − x̄)/s", s.descent.full_batch.lr, bound),
    ]

    result = {
        "n_train": int(len(x)),
        "x_mean": float(np.mean(x)),
        "x2_mean": float(np.mean(x * x)),
        "x_std": std,
        "hessian": H.tolist(),
        "hessian_eigenvalues": [float(v) for v in lam],
        "lam_min": float(lam[0]),
        "lam_max": float(lam[1]),
        "condition_number": float(lam[1] / lam[0]),
        "v_max": [float(v) for v in V[:, 1]],
        "v_min": [float(v) for v in V[:, 0]],
        "lr_critical": eta_star,
        "lr_oscillation": float(1.0 / lam[1]),
        "lr_best": float(2.0 / (lam[0] + lam[1])),
        "rate_best": float((lam[1] - lam[0]) / (lam[1] + lam[0])),
        "lr_book": s.descent.full_batch.lr,
        "lr_book_ratio": s.descent.full_batch.lr / eta_star,
        "sympy_gap": gap,
        "linearity_gap": lin_gap,
        "derivation": {k: v for k, v in derived.items() if not k.startswith("_")},
        "w_star": w_star, "b_star": b_star, "loss_star": loss_star,
        "c0_top": float(c0[1]), "c0_low": float(c0[0]),
        "n_iters": n_iters,
        "bound": bound,
        "runs": runs,
        "largest_converged_multiple": max((q["multiple"] for q in runs if not q["diverged"]), default=None),
        "smallest_diverged_multiple": min((q["multiple"] for q in runs if q["diverged"]), default=None),
        "max_loss_turns": max(q["loss_turns"] for q in runs),
        "overflow": {
            "lr": far["lr"], "multiple": far["multiple"],
            "iteration": overflow.diverged_at,
            "last_loss": float(overflow.train_loss[-1]),
        },
        "sweep": sw,
        "scaling": variants,
        "reduction": REDUCTION,
    }
    result["errata"] = [{k: _markdown_safe(v) for k, v in e.items()} for e in errata(result)]
    return result


def _markdown_safe(text: str) -> str:
    """The errata page renders these strings as markdown: η* and θ* must not start emphasis."""
    return text.replace("*", "\\*") if not text.startswith("../") else text


def errata(r: dict) -> list[dict]:
    runs = sorted(r["runs"], key=lambda q: q["lr"])
    above = [q for q in runs if q["diverged"]]
    far = runs[-1]
    link = "../part3/divergence.md"
    items = [
        {
            "title": "“Large” learning rates: where large begins",
            "where": "Part 2, “Gradient Explosion Demonstration”",
            "notes": "“What happens when the learning rate is too large?” (the learning rate of the demo is "
                     "not given, nor where “too large” begins).",
            "correct": (
                f"Full-batch descent on this training set converges for every η below "
                f"η* = 2/λ_max = {fmt.num(r['lr_critical'])} and diverges above it, where λ_max = "
                f"{fmt.num(r['lam_max'])} is the largest eigenvalue of the Hessian (2/n)·XᵀX. The book's own "
                f"η = {fmt.num(r['lr_book'])} is {fmt.num(r['lr_book_ratio'], 3)}·η*."
            ),
            "explanation": (
                f"Each update multiplies the error along the Hessian's top eigenvector by 1 − η·λ_max; its "
                f"size is below 1 exactly when η < 2/λ_max. Above 1/λ_max = {fmt.num(r['lr_oscillation'])} the "
                f"factor is negative and w and b zigzag, but still converge."
            ),
            "link": link + "#the-critical-learning-rate", "link_text": "Learning-rate divergence",
        },
    ]
    if above:
        first = above[0]
        items.append({
            "title": "Large learning rates do not reach the solution faster",
            "where": "Part 2, “Gradient Explosion Demonstration”",
            "notes": "“Large learning values allow the model to move more quickly towards the correct solution, "
                     "however it can also cause it to overshoot … because we don't have enough resolution in the "
                     "step size”.",
            "correct": (
                f"Faster only up to η = 2/(λ_min + λ_max) = {fmt.num(r['lr_best'])}; past it a larger η is slower, "
                f"and past η* = {fmt.num(r['lr_critical'])} descent never gets there: at "
                f"{fmt.num(first['multiple'], 3)}·η* the distance along the steepest direction grows by a factor "
                f"{fmt.num(abs(first['factor_max']), 3)} every update and the loss passed the bound at update "
                f"{first['diverged_at']}. Nor is it a matter of resolution: the step η·∇L shrinks by itself near the "
                f"minimum; what decides is whether η·λ_max is below 2."
            ),
            "explanation": (
                f"The slowest factor max(|1 − ηλ_min|, |1 − ηλ_max|) is smallest, {fmt.num(r['rate_best'], 3)}, "
                f"at η = 2/(λ_min + λ_max); on either side of it convergence is slower."
            ),
            "link": link + "#why-it-diverges-the-eigen-directions", "link_text": "Learning-rate divergence",
        })
    most = max(q["loss_turns"] for q in runs)
    turns = ("the loss never changed direction in any of the runs" if most == 0 else
             f"the loss changed direction at most {most} time{'s' if most > 1 else ''} in any run")
    items.append({
        "title": "The loss does not oscillate, and never needs to reach infinity or NaN",
        "where": "Part 2, “Gradient Explosion Demonstration”, observations",
        "notes": "“Loss may oscillate wildly or diverge to infinity (NaN)”.",
        "correct": (
            f"For full-batch descent on this quadratic loss, {turns}: below η* it falls at every update, and "
            f"above it, it grows once the steepest direction dominates. What swings is w and b (the component along "
            f"the steepest direction changed sign {far['top_sign_flips']} times in {far['iterations_run']} updates "
            f"at {fmt.num(far['multiple'], 3)}·η*). With a bound check the run stops as soon as the loss passes "
            f"{fmt.num(r['bound'])} (update {far['diverged_at']}), so no NaN or inf is ever produced; without it, "
            f"the loss would overflow at update {r['overflow']['iteration']}."
        ),
        "explanation": (
            "The loss minus its minimum is ½(λ_max·c² + λ_min·d²), a sum of squares of the error's components "
            "along the eigenvectors; each is multiplied by a fixed factor at every update, so the loss cannot "
            "swing up and down the way the parameters do."
        ),
        "link": link + "#runs-at-multiples-of-the-critical-rate", "link_text": "Learning-rate divergence",
    })
    items.append({
        "title": "“Gradient explosion” is the wrong name for this",
        "where": "Part 2, “Gradient Explosion Demonstration” (title)",
        "notes": "The demo is called a gradient explosion.",
        "correct": (
            f"The iterates diverge because the step is too large for the curvature: each update multiplies the "
            f"error along the top eigenvector by 1 − η·λ_max ({fmt.num(far['factor_max'], 3)} at "
            f"{fmt.num(far['multiple'], 3)}·η*), and the gradient H(θ − θ*) merely follows (its norm grew by "
            f"{fmt.num(far['grad_ratio_last'], 3)} in the last update). The exploding-gradient problem of deep "
            f"networks is something else: gradients that grow as they are multiplied through many layers, at any "
            f"step size. A one-layer linear model has no layers to multiply through."
        ),
        "explanation": (
            f"Below η* the same gradient formula gives gradients that shrink at every update (by a factor "
            f"{fmt.num(runs[0]['grad_ratio_last'], 3)} per update at {fmt.num(runs[0]['multiple'], 3)}·η*): "
            f"nothing about the gradient itself is unstable."
        ) if not runs[0]["diverged"] else "",
        "link": link + "#why-it-diverges-the-eigen-directions", "link_text": "Learning-rate divergence",
    })
    return items
