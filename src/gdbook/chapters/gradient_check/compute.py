"""Gradient verification: the analytic gradient of the MSE against central differences.

The analytic gradient (:func:`gdbook.core.model.gradient`) is compared with
the central difference (:mod:`gdbook.core.gradcheck`) at points on the path
of the book's full-batch descent: the initial guess, the last point of the
path at which the check can still resolve its tolerance, and the point of
the path halfway (in updates) between them.

*Where* matters.  The relative error divides the discrepancy by the size of
the gradient; near the minimum the gradient tends to zero while rounding in
the difference does not, so there the relative error measures rounding over
almost nothing, and a gradient that is wrong by any factor is zero there too.
A point is checked only where rounding can use at most a tenth of the
tolerance (:func:`gdbook.core.gradcheck.resolves`); the path's final point is
reported with what it would take, and checked only if it qualifies.  The
relative error at every checked point must be at most ``check.rel_tol``, or
the build fails; settings whose step h cannot resolve the tolerance even at
the initial guess are refused before the build (``gdbook.core.limits``).

The step-size study shows why h matters: truncation (h·|f″|/2 forward,
h²·|f‴|/6 central) against rounding (2δ/h forward, δ/h central, δ the rounding
of one evaluation of f).  The MSE is quadratic in (w, b), so its third
derivative is zero and the central difference has no truncation error; a
polynomial with a non-zero third derivative shows the h² slope.  The best h of
each rule is derived with SymPy and the page's formulas are checked against it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy as sp

from gdbook.core import gradcheck
from gdbook.core.data import make_dataset
from gdbook.core.descent import descend
from gdbook.core.errors import BuildError
from gdbook.core.formula import checked
from gdbook.core.gradcheck import EPS, central_gradient, relative_error
from gdbook.core.model import gradient, mse
from gdbook.settings import Settings

# A function whose third derivative is not zero (Part 1 works with it).
POLY = "9*x**5 - 8*x**4 - 5*x**3 - 3*x**2 + 2*x + 4"
POLY_X0 = 1.0  # where its derivative is checked
H_GRID = 10.0 ** np.arange(-14.0, 0.01, 0.25)  # step sizes of the study, 1e-14 … 1

Gradient = Callable[[float, float, np.ndarray, np.ndarray], tuple[float, float]]

# Four plausible mistakes in a hand-derived gradient (the page names them).
MISTAKES = ("no_two", "n_minus_one", "no_x", "sign")


def forward_gradient(w: float, b: float, x: np.ndarray, y: np.ndarray, h: float) -> tuple[float, float]:
    """(∂L/∂w, ∂L/∂b) of the MSE by forward differences with step h."""
    base = mse(w, b, x, y)
    return (mse(w + h, b, x, y) - base) / h, (mse(w, b + h, x, y) - base) / h


# --- where to check -------------------------------------------------------------------

def descent_path(s: Settings):
    """The book's full-batch run (η and updates of descent.full_batch) and the point after its last update."""
    ds = make_dataset(s)
    fb = s.descent.full_batch
    trace = descend(ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.w0, ds.b0, fb.lr, fb.n_iters,
                    bound=s.descent.divergence_bound)
    return ds, trace


def last_resolved(ds, trace, h: float, rel_tol: float) -> int:
    """The last update t such that the check resolves the tolerance at every point of the path up to t."""
    x, y = ds.x_train, ds.y_train
    t_last = -1
    for t in range(len(trace.w)):
        w, b = float(trace.w[t]), float(trace.b[t])
        g = float(np.hypot(*gradient(w, b, x, y)))
        if not gradcheck.resolves(g, gradcheck.roundoff_bound(w, b, x, y, h), rel_tol):
            break
        t_last = t
    return t_last


def check_points(s: Settings, grad: Gradient = gradient) -> tuple[list[dict], dict, dict]:
    """The checked points (initial guess, halfway, last resolvable), the final point, and the path."""
    ds, trace = descent_path(s)
    x, y, h = ds.x_train, ds.y_train, s.check.h
    t_last = last_resolved(ds, trace, h, s.check.rel_tol)
    if t_last < 0:  # gdbook.core.limits.check_buildable refuses such settings: reaching here is a bug
        raise BuildError(f"check.h = {h:g} cannot resolve check.rel_tol = {s.check.rel_tol:g} even at the "
                         "initial guess; gdbook.core.limits.check_buildable should have refused these settings")
    points = []
    for t in sorted({0, t_last // 2, t_last}):
        p = gradcheck.check(float(trace.w[t]), float(trace.b[t]), x, y, h, grad)
        points.append({"t": t, **p})
    t_final = len(trace.w) - 1
    final = gradcheck.check(float(trace.w[t_final]), float(trace.b[t_final]), x, y, h, grad)
    final.update(
        t=t_final,
        resolves=bool(gradcheck.resolves(final["grad_norm"], final["roundoff"], s.check.rel_tol)),
        exact_zero=final["grad_norm"] == 0.0,
        # rounding's share of a relative error there (None where the gradient is exactly zero)
        roundoff_ratio=None if final["grad_norm"] == 0.0 else final["roundoff"] / final["grad_norm"],
    )
    path = {"lr": s.descent.full_batch.lr, "updates": int(trace.iterations_run), "diverged": bool(trace.diverged),
            "last_resolved": t_last, "final_checked": t_last == t_final,
            "h_min": gradcheck.smallest_h(ds.w0, ds.b0, x, y, s.check.rel_tol)}
    return points, final, path


def enforce(points: list[dict], rel_tol: float, h: float) -> None:
    """Fail the build when any checked point's relative error exceeds the tolerance."""
    for p in points:
        if not p["rel_error"] <= rel_tol:
            raise BuildError(
                f"gradient check failed at update {p['t']} of the descent path (w = {p['w']:.6g}, b = {p['b']:.6g}): "
                f"relative error {p['rel_error']:.3g} > check.rel_tol = {rel_tol:g} with h = {h:g}; analytic "
                f"(dw, db) = ({p['dw_analytic']:.10g}, {p['db_analytic']:.10g}), central difference "
                f"({p['dw_numeric']:.10g}, {p['db_numeric']:.10g})"
            )


# --- what the check catches ---------------------------------------------------------

def wrong_gradient(mistake: str, n: int) -> Gradient:
    """One of :data:`MISTAKES`, as a gradient function."""
    def no_two(w, b, x, y):
        dw, db = gradient(w, b, x, y)
        return dw / 2.0, db / 2.0

    def n_minus_one(w, b, x, y):
        dw, db = gradient(w, b, x, y)
        return dw * n / (n - 1), db * n / (n - 1)

    def no_x(w, b, x, y):
        r = w * x + b - y
        return 2.0 * float(np.mean(r)), 2.0 * float(np.mean(r))

    def sign(w, b, x, y):
        dw, db = gradient(w, b, x, y)
        return -dw, -db

    return {"no_two": no_two, "n_minus_one": n_minus_one, "no_x": no_x, "sign": sign}[mistake]


def sabotaged(s: Settings) -> list[dict]:
    """Relative errors of the four mistakes at the initial guess: what the check catches."""
    ds = make_dataset(s)
    x, y = ds.x_train, ds.y_train
    out = []
    for m in MISTAKES:
        p = gradcheck.check(ds.w0, ds.b0, x, y, s.check.h, wrong_gradient(m, len(x)))
        out.append({"mistake": m, "rel_error": p["rel_error"], "caught": bool(p["rel_error"] > s.check.rel_tol)})
    return out


# --- the step size ------------------------------------------------------------------

def optimal_steps() -> dict:
    """The best h of each difference rule, by SymPy: minimise truncation + rounding.

    δ is the rounding error of one evaluation of f, m₂ = |f″(x)|, m₃ = |f‴(x)|.
    Forward: E(h) = h·m₂/2 + 2δ/h.  Central: E(h) = h²·m₃/6 + δ/h.
    """
    h, delta, m2, m3 = sp.symbols("h delta m_2 m_3", positive=True)
    names = {"delta": delta, "m_{2}": m2, "m_{3}": m3, "h": h}  # as the LaTeX reader names them
    out = {}
    for rule, err in (("forward", h * m2 / 2 + 2 * delta / h), ("central", h**2 * m3 / 6 + delta / h)):
        roots = [r for r in sp.solve(sp.diff(err, h), h) if r.is_positive]
        if len(roots) != 1 or not sp.simplify(sp.diff(err, h, 2).subs(h, roots[0])).is_positive:
            raise BuildError(f"the {rule} difference's error should have one minimum in h > 0, found {roots}")
        out[rule] = {"h": roots[0], "error": sp.simplify(err.subs(h, roots[0])), "model": err}
    return {
        "forward_model_tex": checked(r"\frac{h}{2} m_2 + \frac{2\delta}{h}", out["forward"]["model"], names),
        "central_model_tex": checked(r"\frac{h^2}{6} m_3 + \frac{\delta}{h}", out["central"]["model"], names),
        "forward_h_tex": checked(r"2\sqrt{\frac{\delta}{m_2}}", out["forward"]["h"], names),
        "central_h_tex": checked(r"\sqrt[3]{\frac{3\delta}{m_3}}", out["central"]["h"], names),
        "forward_error_tex": checked(r"2\sqrt{\delta m_2}", out["forward"]["error"], names),
        "central_error_tex": checked(r"\frac{1}{2}\sqrt[3]{9 m_3 \delta^2}", out["central"]["error"], names),
        "_h": {k: sp.lambdify((delta, m2, m3), v["h"], "math") for k, v in out.items()},
        "_exprs": out, "_names": names,  # for the tests: a wrong formula must fail against these
    }


def _slope(h: np.ndarray, err: np.ndarray, lo: float, hi: float) -> float:
    """Least-squares slope of log10(err) against log10(h) for lo ≤ h ≤ hi (non-zero errors)."""
    m = (h >= lo) & (h <= hi) & (err > 0)
    return float(np.polyfit(np.log10(h[m]), np.log10(err[m]), 1)[0])


def _observed_best(h: np.ndarray, err: np.ndarray) -> dict:
    """The grid step with the smallest error (the smallest h among ties, e.g. several exact zeros)."""
    i = int(np.argmin(err))
    return {"h": float(h[i]), "error": float(err[i])}


def step_study(s: Settings, best_h: dict) -> dict:
    """Error of forward and central differences against h, for the MSE and for the polynomial."""
    ds = make_dataset(s)
    x, y, w, b = ds.x_train, ds.y_train, ds.w0, ds.b0
    h = H_GRID
    # MSE, the w component at the initial guess.
    exact = gradient(w, b, x, y)[0]
    loss = mse(w, b, x, y)
    delta = gradcheck.loss_rounding(w, b, x, y)
    l_ww = 2.0 * float(np.mean(x * x))  # ∂²L/∂w², from the Hessian (2/n)·XᵀX
    fwd = np.array([abs(forward_gradient(w, b, x, y, hh)[0] - exact) for hh in h])
    cen = np.array([abs(central_gradient(w, b, x, y, hh)[0] - exact) for hh in h])

    # The polynomial: value and derivatives by sympy, evaluated in float64.
    xs = sp.Symbol("x")
    f = sp.sympify(POLY, locals={"x": xs})
    d1, d2, d3 = (sp.diff(f, xs, k) for k in (1, 2, 3))
    f_num = sp.lambdify(xs, f, "math")
    x0 = POLY_X0
    fx0, f1, f2, f3 = (float(e.subs(xs, x0)) for e in (f, d1, d2, d3))
    pfwd = np.array([abs((f_num(x0 + hh) - f_num(x0)) / hh - f1) for hh in h])
    pcen = np.array([abs((f_num(x0 + hh) - f_num(x0 - hh)) / (2 * hh) - f1) for hh in h])
    p_delta = EPS * abs(fx0)  # the rounding of one evaluation of the polynomial, about ε·|f|

    h_opt_fwd_poly = best_h["forward"](p_delta, abs(f2), abs(f3))
    h_opt_cen_poly = best_h["central"](p_delta, abs(f2), abs(f3))
    h_opt_fwd_mse = best_h["forward"](delta, l_ww, 1.0)
    per_decade = round(1.0 / float(np.log10(h[1] / h[0])))
    off = [abs(float(np.log10(best["h"] / pred))) * per_decade for best, pred in (
        (_observed_best(h, pfwd), h_opt_fwd_poly), (_observed_best(h, pcen), h_opt_cen_poly),
        (_observed_best(h, fwd), h_opt_fwd_mse))]
    xs_tex = sp.latex(f, order="lex")
    return {
        "eps": EPS,
        "steps_per_decade": per_decade,
        "max_grid_steps_off": max(off),
        "eps_cbrt": EPS ** (1.0 / 3.0),
        "h_min": float(h[0]), "h_max": float(h[-1]), "h_count": len(h),
        "mse": {
            "w": w, "b": b, "loss": loss, "dw": exact, "l_ww": l_ww, "delta": delta,
            "delta_over_eps_loss": delta / (EPS * loss),
            "forward_best": _observed_best(h, fwd),
            "central_best": _observed_best(h, cen),
            "central_zeros": int(np.sum(cen == 0.0)),
            "central_max_error": float(np.max(cen)),
            "h_opt_forward": float(h_opt_fwd_mse),
            "slope_forward_truncation": _slope(h, fwd, 1e-5, 1e-1),
            "slope_roundoff": _slope(h, cen, 1e-13, 1e-6),
        },
        "poly": {
            "f_tex": xs_tex, "x0": x0, "f": fx0, "d1": f1, "d2": f2, "d3": f3, "delta": p_delta,
            "forward_best": _observed_best(h, pfwd),
            "central_best": _observed_best(h, pcen),
            "h_opt_forward": float(h_opt_fwd_poly),
            "h_opt_central": float(h_opt_cen_poly),
            "slope_forward_truncation": _slope(h, pfwd, 1e-5, 1e-2),
            "slope_central_truncation": _slope(h, pcen, 1e-3, 1e-1),
            "slope_roundoff": _slope(h, pcen, 1e-13, 1e-9),
        },
        "_h": h, "_mse_forward": fwd, "_mse_central": cen,
        "_poly_forward": pfwd, "_poly_central": pcen,
    }


def gradient_check_section(s: Settings, deps: dict, grad: Gradient = gradient) -> dict:
    points, final, path = check_points(s, grad)
    enforce(points, s.check.rel_tol, s.check.h)
    mistakes = sabotaged(s)
    worst = max(points, key=lambda p: p["rel_error"])
    steps = optimal_steps()
    study = step_study(s, steps["_h"])
    caught = [m for m in mistakes if m["caught"]]
    return {
        "h": s.check.h,
        "rel_tol": s.check.rel_tol,
        "margin": gradcheck.MARGIN,
        "path": path,
        "points": points,
        "final": final,
        "max_rel_error": worst["rel_error"],
        "worst_t": worst["t"],
        "max_abs_error": max(max(p["abs_error_dw"], p["abs_error_db"]) for p in points),
        "max_roundoff_share": max(p["roundoff"] / p["grad_norm"] for p in points),
        # the measured discrepancy as a share of the round-off bound (the bound holds if below 1)
        "max_error_share": max(float(np.hypot(p["abs_error_dw"], p["abs_error_db"])) / p["roundoff"]
                               for p in points if p["roundoff"] > 0),
        "mistakes": mistakes,
        "n_caught": len(caught),
        "min_mistake_rel_error": min(m["rel_error"] for m in mistakes),
        "derivation": {k: v for k, v in steps.items() if not k.startswith("_")},
        "study": study,
    }
