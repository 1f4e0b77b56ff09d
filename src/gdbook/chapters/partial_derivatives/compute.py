"""Partial derivatives: the notes' three problems, the gradient, and ∂L/∂w, ∂L/∂b of the MSE.

Each partial derivative is a :class:`~gdbook.core.steps.Derivation` in
one variable with the other held constant, so every step is checked by SymPy
and a wrong step fails the build.  The bridge to Part 2 derives the gradient
of L(w, b) = (1/n) Σ (w xᵢ + b − yᵢ)² symbolically and checks it against
the model's own ``gradient`` on the training data.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from gdbook.core import exercises, model
from gdbook.core.data import make_dataset
from gdbook.core.steps import (A, Combine, D, Derivation, Diff, Let, M, P, Rewrite, Terms, equal, fd_table, tex,
                                  value)
from gdbook.core.errors import BuildError
from gdbook.settings import Settings

x, y = sp.symbols("x y", positive=True)
u = sp.Symbol("u")
HELD = "the other variable is held constant"


def problems() -> list[dict]:
    """The notes' partial-derivative problems: for each, a derivation in x and one in y."""
    z1 = A(M(2, x**2), M(-3, x, y), M(4, y**2))
    z2 = A(D(x**2, y), D(y**2, x))
    z2r = A(M(x**2, P(y, -1)), M(y**2, P(x, -1)))
    z3 = sp.exp(A(x**2, M(x, y)), evaluate=False)
    inner = A(x**2, M(x, y))
    return [
        {"id": "partial-1", "title": "Problem 1: a quadratic in x and y", "function": z1, "by": {
            "x": [Terms("Differentiate term by term, y constant", "With y held constant, −3xy is a constant times x "
                        "and 4y² is a constant.", ((M(2, x**2), M(4, x), "power rule"), (M(-3, x, y), M(-3, y), HELD),
                                                   (M(4, y**2), 0, "constant rule"))),
                  Combine("Combine", "Add the terms.", "sum", A(M(4, x), M(-3, y), 0)),
                  Rewrite("Simplify", "Drop the zero.", A(M(4, x), M(-3, y)))],
            "y": [Terms("Differentiate term by term, x constant", "With x held constant, 2x² is a constant and −3xy "
                        "is a constant times y.", ((M(2, x**2), 0, "constant rule"), (M(-3, x, y), M(-3, x), HELD),
                                                   (M(4, y**2), M(8, y), "power rule"))),
                  Combine("Combine", "Add the terms.", "sum", A(0, M(-3, x), M(8, y))),
                  Rewrite("Simplify", "Drop the zero.", A(M(-3, x), M(8, y)))],
        }, "points": [(1.0, 2.0), (-1.5, 0.5), (2.0, -1.0)],
         "notes": {"x": 4 * x - 3 * y, "y": -3 * x + 8 * y}},
        {"id": "partial-2", "title": "Problem 2: fractions in x and y", "function": z2, "by": {
            "x": [Rewrite("Rewrite with negative exponents", "Then the power rule applies to both terms.", z2r),
                  Terms("Differentiate term by term, y constant", "y⁻¹ and y² are constants here.",
                        ((M(x**2, P(y, -1)), M(2, x, P(y, -1)), "power rule"),
                         (M(y**2, P(x, -1)), M(-1, y**2, P(x, -2)), "power rule"))),
                  Combine("Combine", "Add the terms.", "sum", A(M(2, x, P(y, -1)), M(-1, y**2, P(x, -2)))),
                  Rewrite("Back to fractions", "The same derivative as fractions.", A(D(M(2, x), y), M(-1, D(y**2, x**2))))],
            "y": [Rewrite("Rewrite with negative exponents", "Then the power rule applies to both terms.", z2r),
                  Terms("Differentiate term by term, x constant", "x² and x⁻¹ are constants here.",
                        ((M(x**2, P(y, -1)), M(-1, x**2, P(y, -2)), "power rule"),
                         (M(y**2, P(x, -1)), M(2, y, P(x, -1)), "power rule"))),
                  Combine("Combine", "Add the terms.", "sum", A(M(-1, x**2, P(y, -2)), M(2, y, P(x, -1)))),
                  Rewrite("Back to fractions", "The same derivative as fractions.", A(M(-1, D(x**2, y**2)), D(M(2, y), x)))],
        }, "points": [(1.0, 2.0), (0.5, 1.5), (2.0, 3.0)],
         "notes": {"x": 2 * x / y - y**2 / x**2, "y": -x**2 / y**2 + 2 * y / x}},
        {"id": "partial-3", "title": "Problem 3: an exponential (chain rule)", "function": z3, "by": {
            v: [Let("Name the inner function", "The exponent is the inner function u; the outer function is eᵘ.",
                    (("u", inner),), outer=sp.exp(u)),
                Diff("Differentiate the outer function", "eᵘ is its own derivative.", "z", sp.exp(u), var=u),
                Diff(f"Differentiate the inner function in {v}", f"{'y' if v == 'x' else 'x'} is held constant.", "u",
                     A(M(2, x), y) if v == "x" else x),
                Combine("Chain rule", "Outer derivative (at u) times inner derivative.", "chain",
                        M(sp.exp(inner, evaluate=False), A(M(2, x), y)) if v == "x" else M(x, sp.exp(inner, evaluate=False)))]
            for v in ("x", "y")
        }, "points": [(0.5, 0.5), (1.0, -0.5), (-0.5, 1.0)],
         "notes": {"x": (2 * x + y) * sp.exp(x**2 + x * y), "y": x * sp.exp(x**2 + x * y)}},
    ]


def solve(p: dict, s: Settings) -> dict:
    by = {}
    for v, var, other in (("x", x, y), ("y", y, x)):
        d = Derivation(p["id"], var, p["function"], p["by"][v], name="z", partial=True)
        out = d.run()
        answer = sp.sympify(out["answer"], locals={"x": x, "y": y})
        rows = []
        for px, py in p["points"]:
            at = {x: px, y: py}
            r = fd_table(p["function"], answer, var, [at[var]], s.check.h, s.check.rel_tol,
                         f"{p['id']} (∂/∂{v})", subs={other: at[other]})[0]
            rows.append({"x": px, "y": py, **{k: r[k] for k in ("exact", "fd", "error")}})
        by[v] = {**out, "fd": rows, "notes_right": bool(equal(p["notes"][v], answer))}
    f = value(p["function"])
    gx, gy = (sp.sympify(by[v]["answer"], locals={"x": x, "y": y}) for v in ("x", "y"))
    return {
        "id": p["id"], "title": p["title"], "function": tex(p["function"]), "function_str": str(f),
        "by": by, "notes_right": all(by[v]["notes_right"] for v in by), "gradient_latex": rf"\left({by['x']['answer_latex']},\ {by['y']['answer_latex']}\right)",
        "_f": f, "_grad": (gx, gy),
    }


def mse_bridge(s: Settings) -> dict:
    """∂L/∂w and ∂L/∂b of L(w, b) = (1/n) Σ (w xᵢ + b − yᵢ)², by SymPy, checked on the data."""
    w, b = sp.symbols("w b", real=True)
    n = sp.Symbol("n", positive=True, integer=True)
    i = sp.Idx("i")
    X, Y = sp.IndexedBase("x"), sp.IndexedBase("y")
    residual = w * X[i] + b - Y[i]
    L = sp.Sum(residual**2, (i, 1, n)) / n
    dLw = sp.diff(L, w)
    dLb = sp.diff(L, b)
    # The same on a small explicit case, term by term, against the textbook form (2/n) Σ (ŷᵢ − yᵢ)·xᵢ.
    k = 3
    xs, ys = sp.symbols(f"x1:{k + 1}"), sp.symbols(f"y1:{k + 1}")
    Lk = sum((w * a + b - c) ** 2 for a, c in zip(xs, ys)) / k
    want_w = sp.Rational(2, k) * sum((w * a + b - c) * a for a, c in zip(xs, ys))
    want_b = sp.Rational(2, k) * sum((w * a + b - c) for a, c in zip(xs, ys))
    if sp.expand(sp.diff(Lk, w) - want_w) != 0 or sp.expand(sp.diff(Lk, b) - want_b) != 0:
        raise BuildError("the MSE gradient (2/n) Σ (ŷᵢ − yᵢ)xᵢ, (2/n) Σ (ŷᵢ − yᵢ) does not match sympy.diff")
    # On the training data: the summed formula against the model's vectorised gradient.
    ds = make_dataset(s)
    xt, yt = ds.x_train, ds.y_train
    nt = len(xt)
    # A symbolic sum over every training point is slow: lambdify the summand's derivative instead.
    xi, yi = sp.symbols("x_i y_i")
    gw = sp.lambdify((w, b, xi, yi), sp.diff(residual.subs({X[i]: xi, Y[i]: yi}) ** 2, w), "numpy")
    gb = sp.lambdify((w, b, xi, yi), sp.diff(residual.subs({X[i]: xi, Y[i]: yi}) ** 2, b), "numpy")
    dw_sym = float(np.mean(gw(ds.w0, ds.b0, xt, yt)))
    db_sym = float(np.mean(gb(ds.w0, ds.b0, xt, yt)))
    dw, db = model.gradient(ds.w0, ds.b0, xt, yt)
    for name, a, c in (("dw", dw_sym, dw), ("db", db_sym, db)):
        if abs(a - c) > 1e-12 * max(1.0, abs(c)):
            raise BuildError(f"the SymPy-derived {name} = {a!r} differs from model.gradient's {c!r}")
    return {
        "loss": rf"L(w, b) = {sp.latex(L)}",
        "dw": rf"\frac{{\partial L}}{{\partial w}} = {sp.latex(dLw)}",
        "db": rf"\frac{{\partial L}}{{\partial b}} = {sp.latex(dLb)}",
        "check_w": rf"\frac{{\partial L}}{{\partial w}} = {sp.latex(want_w)}",
        "n_check": k,
        "n_train": nt, "w0": ds.w0, "b0": ds.b0, "dw_value": dw_sym, "db_value": db_sym,
        "dw_model": dw, "db_model": db, "max_diff": max(abs(dw_sym - dw), abs(db_sym - db)),
    }


def partial_derivatives_section(s: Settings, deps: dict) -> dict:
    solved = {p["id"]: solve(p, s) for p in problems()}
    p1 = solved["partial-1"]
    f, (gx, gy) = p1["_f"], p1["_grad"]
    # Figure data: the surface of problem 1 on a grid, its gradient at coarser points, one slice.
    lim = 2.0
    xs = np.linspace(-lim, lim, 121)
    fz = sp.lambdify((x, y), f, "numpy")
    fgx, fgy = sp.lambdify((x, y), gx, "numpy"), sp.lambdify((x, y), gy, "numpy")
    X, Y = np.meshgrid(xs, xs)
    Q = np.linspace(-1.5, 1.5, 5)
    QX, QY = np.meshgrid(Q, Q)
    y0, x0 = 1.0, 1.0
    slope = float(fgx(x0, y0))
    grad_at = [float(fgx(x0, y0)), float(fgy(x0, y0))]
    slice_f = sp.expand(f.subs(y, sp.nsimplify(y0)))
    return {
        "problems": {k: {kk: vv for kk, vv in v.items() if not kk.startswith("_")} for k, v in solved.items()},
        "order": list(solved),
        "point": {"x": x0, "y": y0, "z": float(fz(x0, y0)), "dzdx": slope, "dzdy": grad_at[1],
                  "grad_norm": float(np.hypot(*grad_at))},
        "slice": {"y0": y0, "latex": sp.latex(slice_f), "derivative": sp.latex(sp.diff(slice_f, x)),
                  "slope": float(sp.diff(slice_f, x).subs(x, x0))},
        "grid": {"lim": lim, "n_arrows": int(QX.size), "z_min": float(fz(X, Y).min()), "z_max": float(fz(X, Y).max())},
        "_surface": {"x": xs, "X": X, "Y": Y, "Z": fz(X, Y), "QX": QX, "QY": QY, "U": fgx(QX, QY), "V": fgy(QX, QY),
                     "slice_x": xs, "slice_z": fz(xs, y0)},
        "mse": mse_bridge(s),
        "exercises": exercises.generate("partial", s.exercises.count, s.exercises.seed),
        "h": s.check.h,
    }
