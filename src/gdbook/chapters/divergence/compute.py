"""Learning-rate divergence: the critical learning rate η* = 2/λ_max, predicted from the data.

The MSE of a linear model is quadratic in θ = (w, b) (:mod:`gdbook.core.quadratic`):

    L(θ) = L* + ½ (θ − θ*)ᵀ H (θ − θ*),   H = (2/n)·XᵀX,  X = [x, 1],

so one full-batch update is linear, θ_{t+1} − θ* = (I − η H)(θ_t − θ*), and
along each eigenvector v of H (eigenvalue λ) the error is multiplied by
1 − ηλ at every update.  It shrinks in every direction exactly when
0 < η < 2/λ_max = η*.  Between 1/λ_max and η* the factor along v_max is
negative (the parameters zigzag while converging); beyond η* it grows.

The loss is a sum of two squares, one per eigen-direction, each multiplied by
a fixed factor per update.  Below η* both shrink, so the loss falls at every
update from any start.  Above η* the steep one grows while (for η < 2/λ_min)
the flat one still shrinks: the loss rises from the first update only when
the start's steep component is large enough; otherwise it first falls, then
rises.  Each run's shape is predicted from its start and checked against the
run; a start chosen to fall first shows the other case.

Everything is computed on the training split, with the Hessian derived by
SymPy from the loss and checked against (2/n)·XᵀX; no run ever produces NaN
or inf (``descend`` stops a run once its loss passes the divergence bound).
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from gdbook.core import live, quadratic
from gdbook.core.data import make_dataset
from gdbook.core.descent import Trace, descend
from gdbook.core.errors import BuildError
from gdbook.core.formula import checked
from gdbook.core.model import closed_form, gradient, hessian
from gdbook.settings import Settings

REDUCTION = 1e-6  # "converged": the distance to θ* has shrunk by this factor
SWEEP_SPAN = quadratic.SWEEP_SPAN  # the sweep's learning rates, as multiples of η*
BISECT_STEPS = 60
OVERFLOW_ITERS = 100_000  # how long the "no bound" run may go before it overflows
LIVE_STEPS = 30  # updates the live eigen-direction figure runs
COUNTER_MULTIPLE = 1.1  # the learning rate of the falls-then-rises example, as a multiple of η*
COUNTER_TURN = 20  # the update at which its loss should stop falling
COUNTER_ITERS = 60  # its length
SCALINGS = ("raw", "centred", "standardised")


# --- the Hessian, derived ------------------------------------------------------

def derive_hessian() -> dict:
    """Hessian of L = (1/n) Σ (w·xᵢ + b − yᵢ)² by SymPy; the page's formulas checked against it."""
    i, n = sp.symbols("i n", integer=True, positive=True)
    x, y = sp.IndexedBase("x"), sp.IndexedBase("y")
    w, b = sp.symbols("w b", real=True)
    names = {"x_{i}": x[i], "y_{i}": y[i], "w": w, "b": b, "n": n, "i": i}
    loss = sp.Sum((w * x[i] + b - y[i]) ** 2, (i, 1, n)) / n
    H = sp.hessian(loss, (w, b)).applyfunc(lambda e: sp.simplify(e.doit()))
    if any(sym in H.free_symbols for sym in (w, b)) or y in H.free_symbols:
        raise BuildError(f"the derived Hessian should not depend on w, b or y, but has {sorted(map(str, H.free_symbols))}")
    eta, lam = sp.symbols("eta lambda", positive=True)
    stable = sp.solve_univariate_inequality(sp.Abs(1 - eta * lam) < 1, eta, relational=False)
    if stable != sp.Interval.open(0, 2 / lam):
        raise BuildError(f"the stability interval of η came out as {stable}, not (0, 2/λ)")
    # H = (2/n)·S with S = [[Σxᵢ², Σxᵢ], [Σxᵢ, n]]: each entry of the page's matrix checked.
    S = (H * n / 2).applyfunc(lambda e: sp.simplify(sp.expand(e)))
    if (H - 2 / n * S).applyfunc(sp.simplify) != sp.zeros(2, 2):
        raise BuildError("factoring 2/n out of the Hessian changed it")
    entries = [[r"\sum_{i=1}^{n} x_i^2", r"\sum_{i=1}^{n} x_i"], [r"\sum_{i=1}^{n} x_i", "n"]]
    for r in range(2):
        for c in range(2):
            checked(entries[r][c], S[r, c], names, what=f"Hessian entry ({r + 1}, {c + 1})")
    # The eigenvalues of H = 2·[[m₂, m₁], [m₁, 1]] (m₁ = x̄, m₂ = mean of x²), in a readable form.
    m1, m2 = sp.symbols("p q", positive=True)
    eig = sorted(sp.Matrix([[2 * m2, 2 * m1], [2 * m1, 2]]).eigenvals(), key=lambda e: str(e))
    shown = r"\overline{x^2} + 1 {sign} \sqrt{(\overline{x^2} - 1)^2 + 4\,\overline{x}^2}"
    for sign in ("+", "-"):
        readable = shown.replace("{sign}", sign).replace(r"\overline{x^2}", "q").replace(r"\overline{x}", "p")
        if not any(_same_expr(sp.sympify(_read(readable, {"p": m1, "q": m2})), e) for e in eig):
            raise BuildError(f"the eigenvalue {readable} is not one of SymPy's, {eig}")
    return {
        "loss_tex": checked(r"\frac{1}{n}\sum_{i=1}^{n}(w x_i + b - y_i)^2", loss, names),
        "entries_tex": entries,
        "stable_tex": sp.latex(stable).replace(r"\lambda", r"\lambda_{\max}"),
        "eig_tex": shown.replace("{sign}", r"\pm"),
        "_sym": {"H": H, "x": x, "i": i, "n": n},
    }


def _read(tex: str, names: dict):
    from gdbook.core.formula import read
    return read(tex, names)


def _same_expr(a, b) -> bool:
    from gdbook.core.formula import same
    return same(a, b)


def check_hessian(derived: dict, x_train: np.ndarray) -> float:
    """Evaluate the SymPy Hessian on the data; fail unless it equals (2/n)·XᵀX. Returns the largest gap."""
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


def first_step_tex() -> str:
    """2·(L(θ₁) − L(θ₀)) in the eigen-coordinates, checked: its sign says whether the first update raises the loss."""
    lmax, lmin, c0, d0, eta = sp.symbols("lambda_{max} lambda_{min} c_{0} d_{0} eta", real=True)
    excess = lambda t: sp.Rational(1, 2) * (lmax * c0**2 * (1 - eta * lmax) ** (2 * t)  # noqa: E731
                                            + lmin * d0**2 * (1 - eta * lmin) ** (2 * t))
    names = {"lambda_{max}": lmax, "lambda_{min}": lmin, "c_{0}": c0, "d_{0}": d0, "eta": eta}
    return checked(r"\lambda_{\max} c_0^2 \left((1 - \eta\lambda_{\max})^2 - 1\right)"
                   r" - \lambda_{\min} d_0^2 \left(1 - (1 - \eta\lambda_{\min})^2\right)",
                   2 * (excess(1) - excess(0)), names, what="the first update's change of the loss")


# --- one run and what it shows -------------------------------------------------

def run(x, y, w0: float, b0: float, lr: float, n_iters: int, bound: float) -> Trace:
    return descend(x, y, x, y, w0, b0, lr, n_iters, bound=bound)


def loss_turns(loss: np.ndarray) -> int:
    """How often the loss changes direction (rise ↔ fall), ignoring round-off-sized steps."""
    d = np.diff(loss)
    d = d[np.abs(d) > 1e-12 * np.maximum(np.abs(loss[1:]), 1.0)]
    return int(np.sum(np.sign(d[1:]) != np.sign(d[:-1])))


def sign_flips(c: np.ndarray) -> int:
    """Sign changes of a component, ignoring it once it is round-off (below 1e-12 of its start)."""
    c = c[np.abs(c) > 1e-12 * abs(c[0])]
    return int(np.sum(np.sign(c[1:]) != np.sign(c[:-1])))


def predicted_shape(q: quadratic.Quadratic, lr: float, c0: float, d0: float) -> dict:
    """How the loss moves from a start (c0, d0): 'falls', 'rises' or 'falls_then_rises' (with the turn).

    The excess loss is A·gᵗ + B·sᵗ (g, s the squared factors), a convex function of t: it falls at every
    update, rises at every update, or falls and then rises, and which one its first step and the factors say.
    """
    lmin, lmax = float(q.lam[0]), float(q.lam[1])
    g, s = (1.0 - lr * lmax) ** 2, (1.0 - lr * lmin) ** 2
    a, b = 0.5 * lmax * c0 * c0, 0.5 * lmin * d0 * d0
    first = a * (g - 1.0) + b * (s - 1.0)  # the change of the loss at the first update
    out = {"first_change": first, "turn": None, "ratio_needed": None}
    if g > 1.0 > s and b > 0:  # steep grows, flat shrinks: the steep component must be large enough to rise at once
        out["ratio_needed"] = math.sqrt(lmin * (1.0 - s) / (lmax * (g - 1.0)))
    if first >= 0.0:
        out["shape"] = "rises" if (g >= 1.0 or s >= 1.0) else "falls"  # first ≥ 0 with both shrinking: a zero start
    elif g <= 1.0 and s <= 1.0:
        out["shape"] = "falls"
    else:
        out["shape"] = "falls_then_rises"
        grow, shrink = (g, s) if g > 1.0 else (s, g)
        big, small = (a, b) if g > 1.0 else (b, a)
        # the first t with big·grow^t·(grow − 1) > small·shrink^t·(1 − shrink): the update after which the loss rises
        out["turn"] = int(math.floor(math.log(small * (1.0 - shrink) / (big * (grow - 1.0))) / math.log(grow / shrink))) + 1
    return out


def observed_shape(loss: np.ndarray) -> str:
    d = np.diff(loss)
    d = d[np.abs(d) > 1e-12 * np.maximum(np.abs(loss[1:]), 1.0)]  # round-off-sized steps say nothing
    if np.all(d <= 0):
        return "falls"
    if np.all(d >= 0):
        return "rises"
    turns = int(np.sum(np.sign(d[1:]) != np.sign(d[:-1])))
    return "falls_then_rises" if d[0] < 0 and turns == 1 else "other"


def describe_run(trace: Trace, lr: float, multiple: float, q: quadratic.Quadratic) -> dict:
    err = np.column_stack([trace.w, trace.b]) - q.theta_star
    top = err @ q.V[:, 1]  # component along v_max
    low = err @ q.V[:, 0]  # component along v_min
    lam = q.lam
    g = np.hypot(trace.dw, trace.db)
    shape = predicted_shape(q, lr, float(top[0]), float(low[0]))
    seen = observed_shape(trace.train_loss)
    expected = shape["shape"]
    if expected == "falls_then_rises" and shape["turn"] >= trace.iterations_run:
        expected = "falls"  # the run ends (or is stopped) before its turn
    if seen != expected:
        raise BuildError(f"the run at η = {lr:g} ({multiple:g}·η*) should have a loss that {expected}, "
                         f"but its loss {seen}")
    return {
        "multiple": float(multiple),
        "lr": float(lr),
        "diverged": bool(trace.diverged),
        "iterations_run": int(trace.iterations_run),
        "diverged_at": trace.diverged_at,
        "final_loss": None if trace.diverged else float(trace.train_loss[-1]),
        "last_loss": float(trace.train_loss[-1]),  # finite: the run stops once it passes the bound
        "initial_loss": float(trace.train_loss[0]),
        "final_w": None if trace.diverged else float(trace.w[-1]),
        "last_w": float(trace.w[-1]),
        "last_b": float(trace.b[-1]),
        "distance": float(np.hypot(*err[-1])),
        "distance0": float(np.hypot(*err[0])),
        "factor_max": float(1.0 - lr * lam[1]),
        "factor_min": float(1.0 - lr * lam[0]),
        "top_ratio_observed": float(top[1] / top[0]) if len(top) > 1 and top[0] != 0 else None,
        "low_ratio_observed": float(low[1] / low[0]) if len(low) > 1 and low[0] != 0 else None,
        "top_sign_flips": sign_flips(top),
        "loss_turns": loss_turns(trace.train_loss),
        "grad_ratio_last": float(g[-1] / g[-2]) if len(g) > 1 and g[-2] > 0 else None,
        "oscillates": bool(lr * lam[1] > 1.0),
        "shape": shape["shape"],
        "shape_in_run": seen,
        "turn": shape["turn"],
        "ratio_needed": shape["ratio_needed"],
        "_w": trace.w, "_b": trace.b, "_loss": trace.train_loss, "_top": top, "_low": low,
    }


def counter_example(x, y, q: quadratic.Quadratic, w0: float, b0: float, bound: float) -> dict:
    """A start whose loss falls first and then rises, above η*: a small component along v_max.

    The learning rate is COUNTER_MULTIPLE·η* when that keeps the flat direction shrinking (η < 2/λ_min),
    else there is no such start: above η* both directions grow and the loss rises from any start.
    """
    lmin, lmax = float(q.lam[0]), float(q.lam[1])
    kappa = lmax / lmin
    lr = COUNTER_MULTIPLE * q.lr_critical
    book = describe_run(run(x, y, w0, b0, lr, COUNTER_ITERS, bound), lr, COUNTER_MULTIPLE, q)
    out = {"multiple": COUNTER_MULTIPLE, "lr": lr, "exists": bool(COUNTER_MULTIPLE < kappa),
           "book": {k: v for k, v in book.items() if k in (
               "shape", "turn", "diverged", "diverged_at", "iterations_run", "ratio_needed", "_loss")}}
    if not out["exists"]:
        return out
    g, s = (1.0 - lr * lmax) ** 2, (1.0 - lr * lmin) ** 2
    d = float(np.hypot(*q.components(w0, b0)))  # as far from θ* as the book's start
    c_turn = math.sqrt(lmin * d * d * (1.0 - s) / (lmax * (g - 1.0) * (g / s) ** (COUNTER_TURN - 0.5))) if s > 0 else 0.0
    c = max(c_turn, 1e-6 * d)  # large enough to be more than round-off next to d
    w0, b0 = q.theta_star + c * q.V[:, 1] + d * q.V[:, 0]
    trace = run(x, y, float(w0), float(b0), lr, COUNTER_ITERS, bound)
    r = describe_run(trace, lr, COUNTER_MULTIPLE, q)
    if r["shape"] != "falls_then_rises" or r["turn"] >= r["iterations_run"]:
        raise BuildError(f"the falls-then-rises example at {COUNTER_MULTIPLE}·η* came out as {r['shape']} "
                         f"(turn {r['turn']}, {r['iterations_run']} updates)")
    lowest = int(np.argmin(trace.train_loss))
    if abs(lowest - r["turn"]) > 1:
        raise BuildError(f"the example's loss is lowest after update {lowest}, not {r['turn']} as predicted")
    out.update({k: v for k, v in r.items() if k in (
        "iterations_run", "diverged", "diverged_at", "initial_loss", "last_loss", "turn", "ratio_needed", "_loss")})
    excess = trace.train_loss - q.loss_star
    out.update(c0=c, d0=d, w0=float(w0), b0=float(b0), ratio=c / d, lowest_at=lowest,
               lowest_loss=float(trace.train_loss[lowest]), initial_excess=float(excess[0]),
               lowest_excess=float(excess[lowest]), last_excess=float(excess[-1]),
               drop=float(1.0 - excess[lowest] / excess[0]))
    return out


# --- the sweep and the observed boundary ----------------------------------------

def sweep(x, y, w0, b0, q: quadratic.Quadratic, points: int, n_iters: int, bound: float) -> dict:
    eta_star = q.lr_critical
    c0, d0 = q.components(w0, b0)
    lrs = eta_star * np.logspace(math.log10(SWEEP_SPAN[0]), math.log10(SWEEP_SPAN[1]), points)
    rows = []
    for lr in lrs:
        t = run(x, y, w0, b0, float(lr), n_iters, bound)
        rows.append((float(lr), t.diverged, float(t.train_loss[-1]), t.iterations_run))
    diverged = np.array([r[1] for r in rows])
    if not diverged.any() or diverged.all():  # gdbook.core.limits.check_buildable refuses such settings
        raise BuildError("the learning-rate sweep should contain both converging and diverging runs")
    first = int(np.argmax(diverged))
    monotone = bool(diverged[first:].all() and not diverged[:first].any())
    lo, hi = rows[first - 1][0], rows[first][0]
    for _ in range(BISECT_STEPS):  # the observed boundary, to many digits
        mid = math.sqrt(lo * hi)
        if run(x, y, w0, b0, mid, n_iters, bound).diverged:
            hi = mid
        else:
            lo = mid
    observed = math.sqrt(lo * hi)
    # The same boundary predicted from the eigen-decomposition.
    plo, phi = lo, hi * 2.0
    if quadratic.passes_bound(q, plo, n_iters, c0, d0, bound):
        plo = eta_star * SWEEP_SPAN[0]
    for _ in range(BISECT_STEPS):
        mid = math.sqrt(plo * phi)
        if quadratic.passes_bound(q, mid, n_iters, c0, d0, bound):
            phi = mid
        else:
            plo = mid
    predicted_finite = math.sqrt(plo * phi)
    ok = ~diverged
    return {
        "lr_min": float(lrs[0]), "lr_max": float(lrs[-1]), "points": points,
        "n_converged": int(np.sum(ok)), "n_diverged": int(np.sum(diverged)),
        "last_converged_lr": rows[first - 1][0], "first_diverged_lr": rows[first][0],
        "monotone": monotone,
        "observed_boundary": observed,
        "observed_ratio": observed / eta_star,
        "predicted_finite_boundary": predicted_finite,
        "growth_at_boundary": float(abs(1.0 - observed * q.lam[1])),
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
        "lr_critical": quadratic.critical_lr(lam),
        "lr_best": float(eta_best), "rate_best": float(rho_best),
        "iters_best": n_best, "iters_best_observed": observed(eta_best, (n_best or 0) + 50),
        "rate_book": float(rho_book), "iters_book": n_book,
        "iters_book_observed": observed(lr_book, n_book + 50) if n_book else None,
    }


# --- the section -------------------------------------------------------------------

def divergence_section(s: Settings, deps: dict) -> dict:
    ds = make_dataset(s)
    x, y = ds.x_train, ds.y_train
    bound = s.descent.divergence_bound
    n_iters = s.divergence.n_iters

    derived = derive_hessian()
    gap = check_hessian(derived, x)
    q = quadratic.of(x, y)
    lam, V = q.lam, q.V
    eta_star = q.lr_critical
    c0, d0 = q.components(ds.w0, ds.b0)

    # ∇L(θ) = H(θ − θ*) exactly, for a quadratic loss: the whole analysis rests on it.
    g0 = np.array(gradient(ds.w0, ds.b0, x, y))
    lin_gap = float(np.max(np.abs(g0 - hessian(x) @ (np.array([ds.w0, ds.b0]) - q.theta_star))))
    if not lin_gap <= 1e-9 * max(1.0, float(np.max(np.abs(g0)))):
        raise BuildError(f"∇L(θ₀) differs from H(θ₀ − θ*) by {lin_gap:g}: the gradient is not linear in θ")

    runs = [describe_run(run(x, y, ds.w0, ds.b0, m * eta_star, n_iters, bound), m * eta_star, m, q)
            for m in sorted(s.divergence.lr_multiples)]
    for r in runs:  # the prediction, checked: a run diverges exactly when the eigen-decomposition says so
        if r["diverged"] != quadratic.passes_bound(q, r["lr"], n_iters, c0, d0, bound):
            raise BuildError(f"the run at η = {r['lr']:g} ({r['multiple']:g}·η*) "
                             f"{'diverged' if r['diverged'] else 'did not diverge'}, against the prediction")

    far = runs[-1]
    overflow_at = None
    if far["multiple"] > 1.0:
        overflow = run(x, y, ds.w0, ds.b0, far["lr"], OVERFLOW_ITERS, float(np.finfo(float).max))
        overflow_at = overflow.diverged_at
    sw = sweep(x, y, ds.w0, ds.b0, q, s.divergence.sweep_points, n_iters, bound)
    counter = counter_example(x, y, q, ds.w0, ds.b0, bound)

    mean, std = float(np.mean(x)), float(np.std(x))
    lr_book = s.descent.full_batch.lr
    variants = [conditioning(xv, y, ds.w0, ds.b0, name, lr_book, bound)
                for name, xv in zip(SCALINGS, (x, x - mean, (x - mean) / std))]
    converged = [r["multiple"] for r in runs if not r["diverged"]]
    diverging = [r["multiple"] for r in runs if r["diverged"]]
    live_data = {  # the live eigen-direction figure runs descent itself (gdmath.descend) on these
        "x": x.tolist(), "y": y.tolist(), "w0": ds.w0, "b0": ds.b0, "bound": bound, "steps": LIVE_STEPS,
        "theta_star": [float(v) for v in q.theta_star], "loss_star": q.loss_star, "lam": [float(v) for v in lam],
        "v_max": [float(v) for v in V[:, 1]], "v_min": [float(v) for v in V[:, 0]], "lr_critical": eta_star,
        "range": [0.05, max(1.5, 1.1 * max(s.divergence.lr_multiples))],
        "start": max([m for m in s.divergence.lr_multiples if m < 1.0], default=0.9),
    }
    return {
        "_files": live.data_file("divergence", {"divergence-eigen": live_data}),
        "n_train": int(len(x)),
        "x_mean": mean,
        "x2_mean": float(np.mean(x * x)),
        "x_std": std,
        "hessian": hessian(x).tolist(),
        "hessian_eigenvalues": [float(v) for v in lam],
        "lam_min": float(lam[0]),
        "lam_max": float(lam[1]),
        "condition_number": float(lam[1] / lam[0]),
        "v_max": [float(v) for v in V[:, 1]],
        "v_min": [float(v) for v in V[:, 0]],
        "lr_critical": eta_star,
        "lr_oscillation": float(1.0 / lam[1]),
        "lr_best": float(2.0 / (lam[0] + lam[1])),
        "lr_flat_limit": float(2.0 / lam[0]),
        "rate_best": float((lam[1] - lam[0]) / (lam[1] + lam[0])),
        "lr_book": lr_book,
        "lr_book_ratio": lr_book / eta_star,
        "sympy_gap": gap,
        "linearity_gap": lin_gap,
        "derivation": {k: v for k, v in derived.items() if not k.startswith("_")},
        "first_step_tex": first_step_tex(),
        # the same checked formula on two lines, for narrow screens
        "first_step_display_tex": (r"\begin{aligned}&" + first_step_tex().replace(
            r"\right) - \lambda_{\min}", r"\right) \\ &\quad - \lambda_{\min}") + r" \;\ge\; 0,\end{aligned}"),
        "w_star": float(q.theta_star[0]), "b_star": float(q.theta_star[1]), "loss_star": q.loss_star,
        "c0_top": c0, "c0_low": d0,
        "start_ratio": abs(c0) / abs(d0) if d0 != 0 else None,
        "n_iters": n_iters,
        "bound": bound,
        "runs": runs,
        "any_converged": bool(converged),
        "any_diverged": bool(diverging),
        "largest_converged_multiple": max(converged, default=0.0),
        "smallest_diverged_multiple": min(diverging, default=0.0),
        "all_below_fall": all(r["shape"] == "falls" for r in runs if r["multiple"] < 1.0),
        "above_all_rise": all(r["shape"] == "rises" for r in runs if r["multiple"] > 1.0),
        "max_loss_turns": max(r["loss_turns"] for r in runs),
        "overflow": {"multiple": far["multiple"], "iteration": overflow_at},
        "counter": counter,
        "sweep": sw,
        "scaling": variants,
        "reduction": REDUCTION,
        # the exercises' states of the explorer, and the answer of the second
        "explorer": {"lr_09": 0.9 * eta_star, "lr_105": 1.05 * eta_star, "lr_best": float(2.0 / (lam[0] + lam[1])),
                     "growth_105": abs(1.0 - 1.05 * 2.0),
                     "updates_1000x": math.ceil(math.log(1e3) / math.log(abs(1.0 - 1.05 * 2.0)))},
    }
