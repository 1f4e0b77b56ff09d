"""What a derivative means: tangent slopes, a one-parameter loss, and the secant limit.

* a curve f(x) = x³/3 − x with its tangent lines where the slope is negative,
  zero and positive (the zero is found by solving f'(x) = 0);
* the training loss as a function of the weight alone, L(w) = MSE(w, b*) with
  the intercept held at its least-squares value b*, and its tangents: the sign
  of dL/dw says which way to move w, the size how steep the loss is;
* the difference quotient (f(a + h) − f(a)) / h as h shrinks, converging to f'(a).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from gdbook.core import exercises, model
from gdbook.core.data import make_dataset
from gdbook.core.errors import BuildError
from gdbook.settings import Settings

x = sp.Symbol("x", real=True)
CURVE = x**3 / 3 - x
SECANT_AT = sp.Rational(3, 2)
SECANT_H = (1.0, 0.5, 0.1, 0.01, 0.001, 0.0001)


def tangents(f: sp.Expr) -> list[dict]:
    df = sp.diff(f, x)
    crit = sorted(r for r in sp.solve(sp.Eq(df, 0), x) if r.is_real)
    if not crit:
        raise BuildError(f"the curve {f} has no point of zero slope")
    flat = crit[-1]  # the local minimum
    points = [("negative", sp.Integer(0)), ("zero", flat), ("positive", flat + sp.Rational(4, 5))]
    out = []
    for sign, a in points:
        m = df.subs(x, a)
        got = "positive" if m > 0 else "negative" if m < 0 else "zero"
        if got != sign:
            raise BuildError(f"the tangent at x = {a} was meant to have {sign} slope, but f'({a}) = {m}")
        out.append({"sign": sign, "x": float(a), "y": float(f.subs(x, a)), "slope": float(m),
                    "x_latex": sp.latex(a), "slope_latex": sp.latex(m),
                    "line": sp.latex(sp.expand(f.subs(x, a) + m * (x - a)))})
    return out


def loss_curve(s: Settings) -> dict:
    ds = make_dataset(s)
    xt, yt = ds.x_train, ds.y_train
    w_star, b_star = model.closed_form(xt, yt)
    ws = [w_star - 2.0, w_star, w_star + 1.5]
    pts = []
    h = s.check.h
    for w in ws:
        dw, _ = model.gradient(w, b_star, xt, yt)
        if w == w_star and abs(dw) < 1e-9:
            dw = 0.0  # the closed-form minimum: the slope is zero up to rounding (~1e-15)
        fd = (model.mse(w + h, b_star, xt, yt) - model.mse(w - h, b_star, xt, yt)) / (2 * h)
        if abs(fd - dw) > s.check.rel_tol * max(1.0, abs(dw)) + 1e-7:
            raise BuildError(f"dL/dw at w = {w!r}: formula {dw!r}, central difference {fd!r}")
        pts.append({"w": w, "loss": model.mse(w, b_star, xt, yt), "slope": dw, "fd": fd,
                    "move": "decrease w" if dw > 1e-9 else "increase w" if dw < -1e-9 else "stay"})
    grid = np.linspace(w_star - 3.0, w_star + 3.0, 201)
    r = grid[:, None] * xt[None, :] + b_star - yt[None, :]
    return {"w_star": w_star, "b_star": b_star, "n_train": len(xt), "points": pts,
            "min_loss": model.mse(w_star, b_star, xt, yt),
            "_w": grid, "_loss": np.mean(r * r, axis=1)}


def secant_table(f: sp.Expr, a: sp.Expr) -> dict:
    exact = float(sp.diff(f, x).subs(x, a))
    g = sp.lambdify(x, f, "math")
    rows = []
    for h in SECANT_H:
        q = (g(float(a) + h) - g(float(a))) / h
        rows.append({"h": h, "quotient": q, "error": abs(q - exact)})
    errs = [r["error"] for r in rows]
    if any(e2 >= e1 for e1, e2 in zip(errs, errs[1:])):
        raise BuildError(f"the secant slopes do not approach f'({a}) = {exact} as h shrinks: errors {errs}")
    return {"a": float(a), "a_latex": sp.latex(a), "fa": float(f.subs(x, a)), "exact": exact, "rows": rows,
            "exact_latex": sp.latex(sp.diff(f, x).subs(x, a)),
            "limit_latex": sp.latex(sp.limit((f.subs(x, a + sp.Symbol("h")) - f.subs(x, a)) / sp.Symbol("h"), sp.Symbol("h"), 0))}


def derivative_section(s: Settings, deps: dict) -> dict:
    return {
        "curve": {"latex": sp.latex(CURVE), "derivative": sp.latex(sp.diff(CURVE, x)),
                  "tangents": tangents(CURVE), "x_min": -2.2, "x_max": 2.6},
        "loss": loss_curve(s),
        "secant": secant_table(CURVE, SECANT_AT),
        "exercises": exercises.generate("derivative", s.exercises.count, s.exercises.seed),
        "errata": [{
            "title": "Which way to move the weight",
            "where": "Part 1 a, interpreting dy/dx",
            "notes": "\"The sign tells me which direction to move the weights, either left or right on the curve.\"",
            "correct": "Move against the sign: w ← w − η·dL/dw. A positive slope means the loss rises to the right, "
                       "so w should decrease; a negative slope means w should increase. A zero slope marks a flat "
                       "point, which may be a minimum, a maximum or neither.",
            "explanation": "The notes' statement is not wrong, but it leaves out the direction, which is the whole point "
                           "of gradient descent.",
            "link": "../part1/derivative.md#the-derivative-of-a-loss", "link_text": "What a derivative means",
        }],
    }
