"""Partial derivatives: three worked problems, the gradient, and ∂L/∂w, ∂L/∂b of the loss.

Each partial derivative is a :class:`~gdbook.core.steps.Derivation` in
one variable with the other held constant, so every step is checked by SymPy
and a wrong step fails the build.  The bridge to Part 2 derives the gradient
of L(w, b) = (1/n) Σ (w xᵢ + b − yᵢ)² symbolically and checks it against
the model's own ``gradient`` on the book's data.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from gdbook.core import exercises, fmt, live, model
from gdbook.core.data import make_dataset
from gdbook.core.steps import (A, Combine, D, Derivation, Diff, Let, M, P, Rewrite, Terms, equal, fd_table, tex,
                                  value)
from gdbook.core.errors import BuildError
from gdbook.core.formula import checked
from gdbook.settings import Settings

x, y = sp.symbols("x y", positive=True)
u = sp.Symbol("u")
HELD = "the other variable is held constant"


def problems() -> list[dict]:
    """The partial-derivative problems: for each, a derivation in x and one in y."""
    z1 = A(M(2, x**2), M(-3, x, y), M(4, y**2))
    z2 = A(D(x**2, y), D(y**2, x))
    z2r = A(M(x**2, P(y, -1)), M(y**2, P(x, -1)))
    z3 = sp.exp(A(x**2, M(x, y)), evaluate=False)
    inner = A(x**2, M(x, y))
    return [
        {"id": "partial-1", "title": "Problem 1: a quadratic in x and y", "function": z1, "by": {
            "x": [Terms("Differentiate term by term, y constant", r"With \(y\) held constant, \(-3xy\) is a constant times \(x\) "
                        r"and \(4y^2\) is a constant.", ((M(2, x**2), M(4, x), "power rule"), (M(-3, x, y), M(-3, y), HELD),
                                                   (M(4, y**2), 0, "constant rule"))),
                  Combine("Combine", "Add the terms.", "sum", A(M(4, x), M(-3, y), 0)),
                  Rewrite("Simplify", "Drop the zero.", A(M(4, x), M(-3, y)))],
            "y": [Terms("Differentiate term by term, x constant", r"With \(x\) held constant, \(2x^2\) is a constant and \(-3xy\) "
                        r"is a constant times \(y\).", ((M(2, x**2), 0, "constant rule"), (M(-3, x, y), M(-3, x), HELD),
                                                   (M(4, y**2), M(8, y), "power rule"))),
                  Combine("Combine", "Add the terms.", "sum", A(0, M(-3, x), M(8, y))),
                  Rewrite("Simplify", "Drop the zero.", A(M(-3, x), M(8, y)))],
        }, "points": [(1.0, 2.0), (-1.5, 0.5), (2.0, -1.0)]},
        {"id": "partial-2", "title": "Problem 2: fractions in x and y", "function": z2, "by": {
            "x": [Rewrite("Rewrite with negative exponents", "Then the power rule applies to both terms.", z2r),
                  Terms("Differentiate term by term, y constant", r"\(y^{-1}\) and \(y^2\) are constants here.",
                        ((M(x**2, P(y, -1)), M(2, x, P(y, -1)), "power rule"),
                         (M(y**2, P(x, -1)), M(-1, y**2, P(x, -2)), "power rule"))),
                  Combine("Combine", "Add the terms.", "sum", A(M(2, x, P(y, -1)), M(-1, y**2, P(x, -2)))),
                  Rewrite("Back to fractions", "The same derivative as fractions.", A(D(M(2, x), y), M(-1, D(y**2, x**2))))],
            "y": [Rewrite("Rewrite with negative exponents", "Then the power rule applies to both terms.", z2r),
                  Terms("Differentiate term by term, x constant", r"\(x^2\) and \(x^{-1}\) are constants here.",
                        ((M(x**2, P(y, -1)), M(-1, x**2, P(y, -2)), "power rule"),
                         (M(y**2, P(x, -1)), M(2, y, P(x, -1)), "power rule"))),
                  Combine("Combine", "Add the terms.", "sum", A(M(-1, x**2, P(y, -2)), M(2, y, P(x, -1)))),
                  Rewrite("Back to fractions", "The same derivative as fractions.", A(M(-1, D(x**2, y**2)), D(M(2, y), x)))],
        }, "points": [(1.0, 2.0), (0.5, 1.5), (2.0, 3.0)]},
        {"id": "partial-3", "title": "Problem 3: an exponential (chain rule)", "function": z3, "by": {
            v: [Let("Name the inner function", r"The exponent is the inner function \(u\); the outer function is \(e^u\).",
                    (("u", inner),), outer=sp.exp(u)),
                Diff("Differentiate the outer function", r"\(e^u\) is its own derivative.", "z", sp.exp(u), var=u),
                Diff(f"Differentiate the inner function in {v}", f"\\({'y' if v == 'x' else 'x'}\\) is held constant.", "u",
                     A(M(2, x), y) if v == "x" else x),
                Combine("Chain rule", "Outer derivative (at u) times inner derivative.", "chain",
                        M(sp.exp(inner, evaluate=False), A(M(2, x), y)) if v == "x" else M(x, sp.exp(inner, evaluate=False)))]
            for v in ("x", "y")
        }, "points": [(0.5, 0.5), (1.0, -0.5), (-0.5, 1.0)]},
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
        by[v] = {**out, "fd": rows, "xy_decimals": fmt.decimals([c for pt in p["points"] for c in pt])}
    f = value(p["function"])
    gx, gy = (sp.sympify(by[v]["answer"], locals={"x": x, "y": y}) for v in ("x", "y"))
    return {
        "id": p["id"], "title": p["title"], "function": tex(p["function"]), "function_str": str(f),
        "by": by, "gradient_latex": rf"\left({by['x']['answer_latex']},\ {by['y']['answer_latex']}\right)",
        "_f": f, "_grad": (gx, gy),
    }


def mse_bridge(s: Settings) -> dict:
    """∂L/∂w and ∂L/∂b of L(w, b) = (1/n) Σ (w xᵢ + b − yᵢ)², by SymPy, checked on the data."""
    w, b = sp.symbols("w b", real=True)
    # Term by term on n = 3 symbolic points: sympy.diff against the textbook form (2/n) Σ (w xᵢ + b − yᵢ)·xᵢ.
    k = 3
    xs, ys = sp.symbols(f"x1:{k + 1}"), sp.symbols(f"y1:{k + 1}")
    Lk = sum((w * a + b - c) ** 2 for a, c in zip(xs, ys)) / k
    want_w = sp.Rational(2, k) * sum((w * a + b - c) * a for a, c in zip(xs, ys))
    want_b = sp.Rational(2, k) * sum((w * a + b - c) for a, c in zip(xs, ys))
    if sp.expand(sp.diff(Lk, w) - want_w) != 0 or sp.expand(sp.diff(Lk, b) - want_b) != 0:
        raise BuildError("the loss gradient (2/n) Σ (w xᵢ + b − yᵢ)xᵢ, (2/n) Σ (w xᵢ + b − yᵢ) does not match sympy.diff")
    # The chain rule on one term: ∂/∂w (w xᵢ + b − yᵢ)² = 2(w xᵢ + b − yᵢ)·xᵢ, the displayed form read back.
    xi, yi = sp.symbols("x_i y_i", real=True)
    syms = {"w": w, "b": b, "x_{i}": xi, "y_{i}": yi}
    term_w = checked(r"2(w x_i + b - y_i) x_i", sp.diff((w * xi + b - yi) ** 2, w), syms, what="∂/∂w of one term")
    term_b = checked(r"2(w x_i + b - y_i)", sp.diff((w * xi + b - yi) ** 2, b), syms, what="∂/∂b of one term")
    # On the data: the derived summand, averaged, against the model's vectorised gradient.
    ds = make_dataset(s)
    xt, yt = ds.x_train, ds.y_train
    gw = sp.lambdify((w, b, xi, yi), sp.diff((w * xi + b - yi) ** 2, w), "numpy")
    gb = sp.lambdify((w, b, xi, yi), sp.diff((w * xi + b - yi) ** 2, b), "numpy")
    dw_sym = float(np.mean(gw(ds.w0, ds.b0, xt, yt)))
    db_sym = float(np.mean(gb(ds.w0, ds.b0, xt, yt)))
    dw, db = model.gradient(ds.w0, ds.b0, xt, yt)
    for name, got, want in (("dw", dw_sym, dw), ("db", db_sym, db)):
        if abs(got - want) > 1e-12 * max(1.0, abs(want)):
            raise BuildError(f"the SymPy-derived {name} = {got!r} differs from model.gradient's {want!r}")
    return {
        "term_w": term_w, "term_b": term_b, "n_check": k,
        "n": len(xt), "w0": ds.w0, "b0": ds.b0, "dw_value": dw_sym, "db_value": db_sym,
        "dw_model": dw, "db_model": db, "max_diff": max(abs(dw_sym - dw), abs(db_sym - db)),
        "scale": max(abs(dw), abs(db), 1.0),
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
    x0, y0 = sp.Integer(1), sp.Integer(1)  # the point of the slice and of the labelled gradient
    at = {x: x0, y: y0}
    grad_at = (gx.subs(at), gy.subs(at))  # exact
    slice_f = sp.expand(f.subs(y, y0))
    slope = sp.diff(slice_f, x).subs(x, x0)
    if slope != grad_at[0]:
        raise BuildError(f"the slice's slope {slope} is not ∂z/∂x = {grad_at[0]} at ({x0}, {y0})")
    levels = np.linspace(0, float(np.max(fz(X, Y))), 14)  # the figure's contour levels
    form = sp.hessian(f, (x, y)) / 2  # z = θᵀ A θ: its contours are ellipses along A's eigenvectors
    if sp.expand(f - (sp.Matrix([[x, y]]) * form * sp.Matrix([x, y]))[0]) != 0:
        raise BuildError(f"the live gradient figure draws contours of a quadratic form; {f} is not one")
    a_eig, a_vec = np.linalg.eigh(np.array(form.tolist(), dtype=float))
    live_data = {
        "z": live.terms(f, x, y), "dzdx": live.terms(gx, x, y), "dzdy": live.terms(gy, x, y), "lim": lim,
        "start": [float(x0), float(y0)], "levels": [float(v) for v in levels[1:]],
        "form": {"eigenvalues": [float(v) for v in a_eig], "vectors": [[float(v) for v in c] for c in a_vec.T]},
        # the arrow's scale: the steepest gradient anywhere on the map is drawn 0.9·lim long
        "arrow_unit": float(np.max(np.hypot(fgx(X, Y), fgy(X, Y)))) / (0.9 * lim),
    }
    return {
        "_files": live.data_file("partial_derivatives", {"partial-derivatives-gradient": live_data}),
        "problems": {k: {kk: vv for kk, vv in v.items() if not kk.startswith("_")} for k, v in solved.items()},
        "order": list(solved),
        "point": {"x": float(x0), "y": float(y0), "z": float(f.subs(at)), "dzdx": float(grad_at[0]),
                  "dzdy": float(grad_at[1]), "grad_norm": float(sp.sqrt(grad_at[0]**2 + grad_at[1]**2)),
                  "grad_latex": rf"\left({sp.latex(grad_at[0])}, {sp.latex(grad_at[1])}\right)",
                  "norm_latex": sp.latex(sp.sqrt(grad_at[0]**2 + grad_at[1]**2))},
        "slice": {"y0": float(y0), "latex": sp.latex(slice_f, order="lex"),
                  "derivative": sp.latex(sp.diff(slice_f, x), order="lex"), "slope": float(slope)},
        "grid": {"lim": lim, "n_arrows": int(QX.size), "z_min": float(fz(X, Y).min()), "z_max": float(fz(X, Y).max())},
        "_surface": {"x": xs, "X": X, "Y": Y, "Z": fz(X, Y), "QX": QX, "QY": QY, "U": fgx(QX, QY), "V": fgy(QX, QY),
                     "slice_x": xs, "slice_z": fz(xs, float(y0))},
        "mse": mse_bridge(s),
        "exercises": exercises.generate("partial", s.exercises.count, s.exercises.seed),
        "h": s.check.h,
    }
