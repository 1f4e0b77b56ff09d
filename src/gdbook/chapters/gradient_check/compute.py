"""Gradient verification: the analytic gradient of the MSE against finite differences.

The analytic gradient (:func:`gdbook.core.model.gradient`) is compared with
the central difference

    ∂L/∂w ≈ (L(w + h, b) − L(w − h, b)) / (2h)

at three parameter points: the initial guess, the midpoint between it and the
final full-batch point, and that final point.  The relative error
‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖) at every point must be at
most ``settings.check.rel_tol``, or the build fails: the tick on the page is
earned, not printed.

The step-size study shows why h matters.  A finite difference carries two
errors: truncation (h·f''/2 for the forward difference, h²·f'''/6 for the
central one) and round-off (about ε·|f|/h, ε the machine epsilon).  The MSE of
a linear model is quadratic in (w, b), so its third derivative is zero and the
central difference has no truncation error at all; a function with a non-zero
third derivative (the polynomial of the notes' Problem 1) shows the h² slope.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy as sp

from gdbook.core import fmt
from gdbook.core.data import make_dataset
from gdbook.core.descent import descend
from gdbook.core.model import gradient, mse
from gdbook.core.errors import BuildError
from gdbook.settings import Settings

EPS = float(np.finfo(float).eps)

# The notes' Part 1, Problem 1: a function whose third derivative is not zero.
POLY = "4 + 2*x - 3*x**2 - 5*x**3 - 8*x**4 + 9*x**5"
POLY_X0 = 1.0  # where its derivative is checked
# The notes' printout (analytic gradient, printed difference), quoted to compute their relative size.
NOTES_DW = (-0.01393659, 1.64e-09)
NOTES_DB = (0.09257254, 1.21e-09)
H_GRID = 10.0 ** np.arange(-14.0, 0.01, 0.25)  # step sizes of the study, 1e-14 … 1

Gradient = Callable[[float, float, np.ndarray, np.ndarray], tuple[float, float]]


def central_gradient(w: float, b: float, x: np.ndarray, y: np.ndarray, h: float) -> tuple[float, float]:
    """(∂L/∂w, ∂L/∂b) of the MSE by central differences with step h."""
    dw = (mse(w + h, b, x, y) - mse(w - h, b, x, y)) / (2.0 * h)
    db = (mse(w, b + h, x, y) - mse(w, b - h, x, y)) / (2.0 * h)
    return dw, db


def forward_gradient(w: float, b: float, x: np.ndarray, y: np.ndarray, h: float) -> tuple[float, float]:
    """(∂L/∂w, ∂L/∂b) of the MSE by forward differences with step h."""
    base = mse(w, b, x, y)
    return (mse(w + h, b, x, y) - base) / h, (mse(w, b + h, x, y) - base) / h


def relative_error(a: np.ndarray, n: np.ndarray) -> float:
    """‖a − n‖ / max(‖a‖, ‖n‖); 0 when both are exactly zero."""
    a, n = np.asarray(a, float), np.asarray(n, float)
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(n)))
    return 0.0 if scale == 0.0 else float(np.linalg.norm(a - n)) / scale


def check_point(label: str, w: float, b: float, x: np.ndarray, y: np.ndarray, h: float,
                grad: Gradient = gradient) -> dict:
    dw_a, db_a = grad(w, b, x, y)
    dw_n, db_n = central_gradient(w, b, x, y, h)
    loss = mse(w, b, x, y)
    return {
        "label": label,
        "w": float(w), "b": float(b), "loss": loss,
        "dw_analytic": float(dw_a), "dw_numeric": float(dw_n),
        "db_analytic": float(db_a), "db_numeric": float(db_n),
        "abs_error_dw": abs(dw_a - dw_n), "abs_error_db": abs(db_a - db_n),
        "grad_norm": float(np.hypot(dw_a, db_a)),
        # What a central difference can resolve at all: about ε·|L|/h.
        "roundoff_floor": EPS * loss / h,
        "rel_error": relative_error([dw_a, db_a], [dw_n, db_n]),
    }


def enforce(points: list[dict], rel_tol: float, h: float) -> None:
    """Fail the build when any point's relative error exceeds the tolerance."""
    for p in points:
        if not p["rel_error"] <= rel_tol:
            hint = ""
            if p["grad_norm"] < 1e3 * p["roundoff_floor"]:
                hint = (f" The gradient there is tiny (‖∇L‖ = {p['grad_norm']:.3g}, against a round-off floor "
                        f"ε·L/h = {p['roundoff_floor']:.3g}), so the relative error measures round-off: "
                        "check a point farther from the minimum or use a larger check.h.")
            raise BuildError(
                f"gradient check failed at the {p['label']} (w = {p['w']:.6g}, b = {p['b']:.6g}): relative error "
                f"{p['rel_error']:.3g} > check.rel_tol = {rel_tol:g} with h = {h:g}; analytic "
                f"(dw, db) = ({p['dw_analytic']:.10g}, {p['db_analytic']:.10g}), central difference "
                f"({p['dw_numeric']:.10g}, {p['db_numeric']:.10g}).{hint}"
            )


def check_points(s: Settings, grad: Gradient = gradient) -> list[dict]:
    """The check at the initial guess, the midway point and the final full-batch point."""
    ds = make_dataset(s)
    fb = s.descent.full_batch
    trace = descend(ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.w0, ds.b0, fb.lr, fb.n_iters,
                    bound=s.descent.divergence_bound)
    wf, bf = float(trace.w[-1]), float(trace.b[-1])
    where = [
        ("initial guess", ds.w0, ds.b0),
        ("midway point", (ds.w0 + wf) / 2.0, (ds.b0 + bf) / 2.0),
        ("final point", wf, bf),
    ]
    return [check_point(label, w, b, ds.x_train, ds.y_train, s.check.h, grad) for label, w, b in where]


def sabotaged(s: Settings) -> list[dict]:
    """Relative errors of four plausible mistakes at the initial guess: what the check catches."""
    ds = make_dataset(s)
    x, y, w, b = ds.x_train, ds.y_train, ds.w0, ds.b0
    n = len(x)

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

    mistakes = [
        ("the factor 2 of the chain rule dropped", no_two),
        ("dividing by n − 1 instead of n", n_minus_one),
        ("the inner derivative x dropped from ∂L/∂w", no_x),
        ("the sign flipped (y − ŷ instead of ŷ − y)", sign),
    ]
    out = []
    for name, g in mistakes:
        p = check_point("initial guess", w, b, x, y, s.check.h, g)
        out.append({"mistake": name, "rel_error": p["rel_error"]})
    return out


def _slope(h: np.ndarray, err: np.ndarray, lo: float, hi: float) -> float:
    """Least-squares slope of log10(err) against log10(h) for lo ≤ h ≤ hi (non-zero errors)."""
    m = (h >= lo) & (h <= hi) & (err > 0)
    return float(np.polyfit(np.log10(h[m]), np.log10(err[m]), 1)[0])


def _observed_best(h: np.ndarray, err: np.ndarray) -> dict:
    """The grid step with the smallest error (the smallest h among ties, e.g. several exact zeros)."""
    i = int(np.argmin(err))
    return {"h": float(h[i]), "error": float(err[i])}


def step_study(s: Settings) -> dict:
    """Error of forward and central differences against h, for the MSE and for the polynomial."""
    ds = make_dataset(s)
    x, y, w, b = ds.x_train, ds.y_train, ds.w0, ds.b0
    h = H_GRID
    # MSE, the w component at the initial guess.
    exact = gradient(w, b, x, y)[0]
    loss = mse(w, b, x, y)
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

    h_opt_fwd_poly = 2.0 * np.sqrt(EPS * abs(fx0) / abs(f2))
    h_opt_cen_poly = (3.0 * EPS * abs(fx0) / abs(f3)) ** (1.0 / 3.0)
    h_opt_fwd_mse = 2.0 * np.sqrt(EPS * loss / l_ww)
    per_decade = round(1.0 / float(np.log10(h[1] / h[0])))
    off = [abs(float(np.log10(best["h"] / pred))) * per_decade for best, pred in (
        (_observed_best(h, pfwd), h_opt_fwd_poly), (_observed_best(h, pcen), h_opt_cen_poly),
        (_observed_best(h, fwd), h_opt_fwd_mse))]
    return {
        "eps": EPS,
        "steps_per_decade": per_decade,
        "max_grid_steps_off": max(off),
        "eps_cbrt": EPS ** (1.0 / 3.0),
        "eps_sqrt": EPS ** 0.5,
        "h_min": float(h[0]), "h_max": float(h[-1]), "h_count": len(h),
        "mse": {
            "w": w, "b": b, "loss": loss, "dw": exact, "l_ww": l_ww,
            "forward_best": _observed_best(h, fwd),
            "central_best": _observed_best(h, cen),
            "central_zeros": int(np.sum(cen == 0.0)),
            "h_opt_forward": float(h_opt_fwd_mse),
            "slope_forward_truncation": _slope(h, fwd, 1e-5, 1e-1),
            "slope_roundoff": _slope(h, cen, 1e-13, 1e-6),
        },
        "poly": {
            "f_tex": sp.latex(f), "d1_tex": sp.latex(d1), "d3_tex": sp.latex(d3),
            "x0": x0, "f": fx0, "d1": f1, "d2": f2, "d3": f3,
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
    points = check_points(s, grad)
    enforce(points, s.check.rel_tol, s.check.h)
    mistakes = sabotaged(s)
    worst = max(points, key=lambda p: p["rel_error"])
    study = step_study(s)
    result = {
        "h": s.check.h,
        "rel_tol": s.check.rel_tol,
        "passed": True,  # enforce() raised otherwise
        "points": points,
        "max_rel_error": worst["rel_error"],
        "worst_point": worst["label"],
        "max_abs_error": max(max(p["abs_error_dw"], p["abs_error_db"]) for p in points),
        "mistakes": mistakes,
        "min_mistake_rel_error": min(m["rel_error"] for m in mistakes),
        "study": study,
        "errata": errata(s, points, study),
    }
    return result


def errata(s: Settings, points: list[dict], study: dict) -> list[dict]:
    p0, pf = points[0], points[-1]
    return [
        {
            "title": "The gradient check: at which point, with which h, against which tolerance?",
            "where": "Part 2, “Gradient Verification” tab",
            "notes": "Analytical dw −0.01393659, numerical −0.01393659, “Difference: 1.64e-09”; the same for db; "
                     "then “✓ Gradients verified!”.",
            "correct": (
                f"The notes never say at which (w, b) the gradients were taken, which finite difference or step h "
                f"was used, or what difference would have failed. A difference is only meaningful relative to the "
                f"gradient's size: here the check is made at three stated points with the central difference and "
                f"h = {fmt.num(s.check.h)}, and the build fails if the relative error exceeds "
                f"{fmt.num(s.check.rel_tol)}. The relative errors are {fmt.sci(p0['rel_error'])} at the initial "
                f"guess and {fmt.sci(pf['rel_error'])} at the final point, where the gradient itself is only "
                f"{fmt.sci(pf['grad_norm'])}."
            ),
            "explanation": (
                f"Taken relative to the printed gradients, the notes' differences are "
                f"{fmt.sci(NOTES_DW[1] / abs(NOTES_DW[0]))} for dw and {fmt.sci(NOTES_DB[1] / abs(NOTES_DB[0]))} "
                f"for db: small, but a verdict needs a stated tolerance. And the same absolute difference at the "
                f"final point, where ‖∇L‖ = {fmt.sci(pf['grad_norm'])}, would be a relative error of "
                f"{fmt.sci(NOTES_DW[1] / pf['grad_norm'])}: an absolute difference cannot tell a good gradient "
                f"from a bad one."
            ),
            "link": "../part3/gradient-check.md",
            "link_text": "Gradient verification",
        },
    ]
