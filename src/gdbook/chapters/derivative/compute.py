"""What a derivative means: from secant slopes to the tangent, by the limit of the difference quotient.

* the derivative of the curve f(x) = x³/3 − x from its definition, every
  line of the derivation read back and checked by SymPy; the derivation also
  gives the exact error of a secant slope, x·h + h²/3;
* secant slopes at a = 3/2 as h shrinks, and that exact error beside them;
* tangent lines where the slope is negative, zero and positive (the zero is
  found by solving f'(x) = 0);
* the derivative of any quadratic from the definition, applied to the loss
  of the book's data as a function of the slope parameter w alone (the
  intercept held at its best value b*): the sign of dL/dw says which way to
  move w, its size how steep the loss is there.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from gdbook.core import exercises, fmt, live, model
from gdbook.core.data import make_dataset
from gdbook.core.errors import BuildError
from gdbook.core.formula import checked
from gdbook.core.proof import Step, prove
from gdbook.settings import Settings

x = sp.Symbol("x", real=True)
h = sp.Symbol("h", positive=True)
A, B, C, w = sp.symbols("A B C w", real=True)
SYMS = {"x": x, "h": h, "A": A, "B": B, "C": C, "w": w}
CURVE = x**3 / 3 - x
SECANT_AT = sp.Rational(3, 2)
SECANT_H = (1.0, 0.5, 0.25, 0.1, 0.01, 0.001, 0.0001)
SHOWN_SECANTS = (1.0, 0.5, 0.25)  # drawn in the figure; the table goes on to smaller h
LIM = r"\lim_{h \to 0}"


def curve_derivation() -> dict:
    """f'(x) for f(x) = x³/3 − x from the definition, and the exact error of the difference quotient."""
    lines = prove([
        Step(rf"{LIM} \frac{{\frac{{(x+h)^{{3}}}}{{3}} - (x+h) - \left(\frac{{x^{{3}}}}{{3}} - x\right)}}{{h}}",
             r"Put \(x + h\) and \(x\) into \(f\)."),
        Step(rf"{LIM} \frac{{\frac{{x^{{3}} + 3x^{{2}}h + 3xh^{{2}} + h^{{3}}}}{{3}} - x - h - \frac{{x^{{3}}}}{{3}} + x}}{{h}}",
             r"Expand \((x + h)^3 = x^3 + 3x^2h + 3xh^2 + h^3\) and remove the brackets."),
        Step(rf"{LIM} \frac{{x^{{2}}h + xh^{{2}} + \frac{{h^{{3}}}}{{3}} - h}}{{h}}",
             r"\(x^3/3\) cancels \(-x^3/3\), and \(x\) cancels \(-x\)."),
        Step(rf"{LIM} \left(x^{{2}} - 1 + xh + \frac{{h^{{2}}}}{{3}}\right)",
             r"Every term on top has a factor \(h\): cancel it."),
        Step(r"x^{2} - 1", r"As \(h\) goes to 0, \(xh\) and \(h^2/3\) go to 0."),
    ], SYMS, what="the derivative of x³/3 − x", start=sp.Limit((CURVE.subs(x, x + h) - CURVE) / h, h, 0),
        end=sp.diff(CURVE, x))
    error = checked(r"xh + \frac{h^{2}}{3}", (CURVE.subs(x, x + h) - CURVE) / h - sp.diff(CURVE, x), SYMS,
                    what="the error of the difference quotient of x³/3 − x")
    return {"function": checked(r"\frac{x^{3}}{3} - x", CURVE, SYMS), "lines": lines,
            "derivative": checked("x^{2} - 1", sp.diff(CURVE, x), SYMS), "error": error}


def quadratic_derivation() -> dict:
    """q'(w) = 2Aw + B for q(w) = Aw² + Bw + C, from the definition."""
    q = A * w**2 + B * w + C
    lines = prove([
        Step(rf"{LIM} \frac{{A \cdot (w+h)^{{2}} + B \cdot (w+h) + C - (Aw^{{2}} + Bw + C)}}{{h}}", r"Put \(w + h\) and \(w\) into \(L(w) = Aw^2 + Bw + C\)."),
        Step(rf"{LIM} \frac{{2Awh + Ah^{{2}} + Bh}}{{h}}", r"Expand \((w + h)^2 = w^2 + 2wh + h^2\); \(Aw^2\), \(Bw\) and \(C\) cancel."),
        Step(rf"{LIM} \left(2Aw + B + Ah\right)", r"Cancel the common factor \(h\)."),
        Step(r"2Aw + B", r"\(Ah\) goes to 0 with \(h\)."),
    ], SYMS, what="the derivative of a quadratic", start=sp.Limit((q.subs(w, w + h) - q) / h, h, 0),
        end=sp.diff(q, w))
    return {"function": checked("Aw^{2} + Bw + C", q, SYMS), "lines": lines,
            "derivative": checked("2Aw + B", sp.diff(q, w), SYMS)}


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
                    "line": sp.latex(sp.expand(f.subs(x, a) + m * (x - a)), order="lex")})
    return out


def loss_curve(s: Settings) -> dict:
    """L(w) = mean((w xᵢ + b* − yᵢ)²) on the book's data (its training split), a quadratic in w."""
    ds = make_dataset(s)
    xt, yt = ds.x_train, ds.y_train
    w_star, b_star = model.closed_form(xt, yt)
    qa, qb, qc = float(np.mean(xt * xt)), float(2 * np.mean(xt * (b_star - yt))), float(np.mean((b_star - yt) ** 2))
    spread = float(np.sqrt(np.mean((xt - xt.mean()) ** 2))) or 1.0
    step = 1.5 / spread  # w values one and a half "x spreads" either side of w*: visibly steep, on any data
    ws = [w_star - step, w_star, w_star + 1.5 * step]
    pts = []
    hh = s.check.h
    for k, wv in enumerate(ws):
        slope = 2 * qa * wv + qb  # q'(w) = 2Aw + B, the formula derived above
        dw, _ = model.gradient(wv, b_star, xt, yt)
        if abs(slope - dw) > 1e-9 * max(1.0, abs(dw)):
            raise BuildError(f"dL/dw at w = {wv!r}: 2Aw + B gives {slope!r}, the model's code {dw!r}")
        fd = (model.mse(wv + hh, b_star, xt, yt) - model.mse(wv - hh, b_star, xt, yt)) / (2 * hh)
        if abs(fd - dw) > s.check.rel_tol * max(1.0, abs(dw)):
            raise BuildError(f"dL/dw at w = {wv!r}: formula {dw!r}, central difference {fd!r}")
        flat = k == 1
        pts.append({"w": wv, "loss": model.mse(wv, b_star, xt, yt), "slope": 0.0 if flat else slope, "fd": fd,
                    "exact_zero": flat, "move": "stay" if flat else ("decrease w" if slope > 0 else "increase w")})
    if not (pts[0]["slope"] < 0 < pts[2]["slope"]):
        raise BuildError(f"the loss slopes left and right of w* are {pts[0]['slope']} and {pts[2]['slope']}")
    grid = np.linspace(w_star - 2 * step, w_star + 2 * step, 201)
    r = grid[:, None] * xt[None, :] + b_star - yt[None, :]
    return {"w_star": w_star, "b_star": b_star, "n": len(xt), "points": pts, "A": qa, "B": qb, "C": qc,
            "min_loss": model.mse(w_star, b_star, xt, yt),
            "steeper_right": abs(pts[2]["slope"]) > abs(pts[0]["slope"]),
            "h": hh,
            # The explorer's state, read from the URL hash: a fit started at the left point, b at b*.
            "explorer": f"method=full_batch&lr={s.descent.full_batch.lr:.6g}&iters={min(s.descent.full_batch.n_iters, 50)}"
                        f"&w0={ws[0]:.6g}&b0={b_star:.6g}",
            "_w": grid, "_loss": np.mean(r * r, axis=1)}


def secant_table(f: sp.Expr, a: sp.Expr) -> dict:
    exact = float(sp.diff(f, x).subs(x, a))
    err_exact = sp.lambdify(h, ((f.subs(x, x + h) - f) / h - sp.diff(f, x)).subs(x, a), "math")
    g = live.polynomial(live.coefficients(f, x))  # the live figure's arithmetic (gdmath.poly), bit for bit
    rows = []
    for hv in SECANT_H:
        q = (g(float(a) + hv) - g(float(a))) / hv
        rows.append({"h": hv, "quotient": q, "error": q - exact, "formula": float(err_exact(hv))})
    errs = [abs(r["error"]) for r in rows]
    if any(e2 >= e1 for e1, e2 in zip(errs, errs[1:])):
        raise BuildError(f"the secant slopes do not approach f'({a}) = {exact} as h shrinks: errors {errs}")
    left = -0.1  # a secant to the left of a: the exercise's question
    left_error = (g(float(a) + left) - g(float(a))) / left - exact
    worst = max(abs(r["error"] - r["formula"]) / r["formula"] for r in rows)
    return {"a": float(a), "a_latex": sp.latex(a), "fa": float(f.subs(x, a)), "exact": exact, "rows": rows,
            "exact_latex": sp.latex(sp.diff(f, x).subs(x, a)), "shown": list(SHOWN_SECANTS),
            "all_above": all(r["error"] > 0 for r in rows), "formula_rel_gap": worst,
            "left_h": left, "left_error": left_error, "left_below": left_error < 0,
            "smallest_h": SECANT_H[-1], "smallest_error": rows[-1]["error"],
            "h_decimals": fmt.decimals(SECANT_H)}  # one number of decimals down the table's h column


def secant_live(f: sp.Expr, a: sp.Expr) -> dict:
    """What the live secant figure computes from: f's coefficients, a, f'(a) and the range of h (the table's)."""
    return {"coefficients": live.coefficients(f, x), "a": float(a), "exact": float(sp.diff(f, x).subs(x, a)),
            "view": [0.3, 2.7], "h_range": [min(SECANT_H), max(SECANT_H)], "h_start": SHOWN_SECANTS[1]}


def derivative_section(s: Settings, deps: dict) -> dict:
    return {
        "_files": live.data_file("derivative", {"derivative-secants": secant_live(CURVE, SECANT_AT)}),
        "curve": {**curve_derivation(), "tangents": tangents(CURVE), "x_min": -2.2, "x_max": 2.6},
        "quadratic": quadratic_derivation(),
        "loss": loss_curve(s),
        "secant": secant_table(CURVE, SECANT_AT),
        "exercises": exercises.generate("derivative", s.exercises.count, s.exercises.seed),
    }
