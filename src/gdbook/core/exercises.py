"""A seeded generator of exercises for Part 1, with solutions checked by SymPy.

``generate(kind, count, seed)`` draws ``count`` distinct exercises for one
chapter (``kind`` is ``"derivative"``, ``"rules"``, ``"worked"`` or
``"partial"``) from ``rng = np.random.default_rng([seed, k])``, ``k`` fixed per
chapter, so the same settings always give the same exercises.

Every solution is worked by the rule it teaches (the product rule applied to
the two factors, the power rule applied term by term...) and then checked two
ways: against ``sympy.diff`` of the whole function, and against a central
difference at a point.  A solution that fails either check fails the build.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from gdbook.core.steps import M, P, tex
from gdbook.core.errors import BuildError
from gdbook.core.formula import checked, same

x, y = sp.symbols("x y", positive=True)
KINDS = {"derivative": 1, "rules": 2, "worked": 3, "partial": 4}
H = 1e-6


def L(e) -> str:
    return sp.latex(e, ln_notation=True)
TOL = 1e-5


def _nonzero(rng: np.random.Generator, lo: int, hi: int) -> int:
    while True:
        v = int(rng.integers(lo, hi + 1))
        if v != 0:
            return v


def _fd(f: sp.Expr, var: sp.Symbol, at: dict) -> float:
    g = sp.lambdify(var, f.subs({k: v for k, v in at.items() if k != var}), "math")
    a = at[var]
    return (g(a + H) - g(a - H)) / (2 * H)


def _check(kind: str, i: int, f: sp.Expr, var: sp.Symbol, answer: sp.Expr, at: dict) -> float:
    """The solution must equal sympy.diff and agree with a central difference at ``at``."""
    truth = sp.diff(f, var)
    if sp.simplify(answer - truth) != 0:
        raise BuildError(f"exercise {kind} {i}: the worked solution {answer} is not d/d{var} of {f} = {truth}")
    exact = float(answer.subs(at))
    fd = _fd(f, var, at)
    if not math.isfinite(exact) or abs(fd - exact) > TOL * max(1.0, abs(exact)):
        raise BuildError(f"exercise {kind} {i}: the solution gives {exact!r} at {at}, the central difference {fd!r}")
    return exact


# --- chapter 1: the derivative from its definition ----------------------------

def _derivative(rng: np.random.Generator, i: int) -> dict:
    """A quadratic's slope at a point from the limit of the difference quotient (no rules yet), its tangent
    line, and which way a minimiser should move."""
    from gdbook.core.proof import Step, prove

    a, b, c = _nonzero(rng, -3, 3), int(rng.integers(-5, 6)), int(rng.integers(-4, 5))
    x0 = int(rng.integers(-3, 4))
    h, X = sp.Symbol("h"), sp.Symbol("x")  # the point may be negative
    fX = a * X**2 + b * X + c
    f0 = fX.subs(X, x0)
    slope = 2 * a * x0 + b
    quotient = sp.expand(fX.subs(X, x0 + h) - f0)  # a h² + (2a x0 + b) h
    first = rf"\frac{{f({x0} + h) - f({x0})}}{{h}}".replace("+ -", "- ")
    # The printed lines are read back by SymPy and each proved equal to the one before (the first is f's own).
    lines = prove([Step(rf"\lim_{{h \to 0}} \frac{{{sp.latex(quotient, order='lex')}}}{{h}}", "expand, cancel"),
                   Step(rf"\lim_{{h \to 0}} \left({sp.latex(sp.Add(slope, a * h), order='lex')}\right)", "divide by h"),
                   Step(str(slope), "let h go to 0")], {"h": h}, what=f"exercise derivative {i}",
                  start=sp.Limit((fX.subs(X, x0 + h) - f0) / h, h, 0), end=sp.Integer(slope))
    _check("derivative", i, fX, X, sp.diff(fX, X), {X: sp.Integer(x0)})
    if sp.diff(fX, X).subs(X, x0) != slope:
        raise BuildError(f"exercise derivative {i}: f'({x0}) is not {slope}")
    tangent = sp.expand(f0 + slope * (X - x0))
    shifted = sp.expand(fX.subs(X, x0 + h))
    at_h = rf"f({x0} + h)".replace("+ -", "- ")
    point_slope = rf"{f0} + {slope}\,(x - {x0})".replace("+ -", "- ").replace("- -", "+ ")
    return {
        "question": rf"f(x) = {sp.latex(fX, order='lex')}",
        "at": str(x0),
        # what the limit needs first: the two values of f, the shifted one expanded
        "steps": [rf"f({x0}) = {f0}", rf"{at_h} = {sp.latex(shifted, order='lex')}",
                  rf"f'({x0}) = \lim_{{h \to 0}} {first}", *[f"= {line['tex']}" for line in lines],
                  rf"\text{{tangent line: }} y = f({x0}) + f'({x0})\,(x - {x0})".replace("- -", "+ ")
                  + rf" = {point_slope} = {sp.latex(tangent, order='lex')}"],
        "answer": str(slope),
        "slope_sign": "positive" if slope > 0 else "negative" if slope < 0 else "zero",
        "move": "decrease" if slope > 0 else "increase" if slope < 0 else "stay",
    }


# --- chapter 2: one rule per exercise ----------------------------------------

def _rules(rng: np.random.Generator, i: int) -> dict:
    rule = ["product", "quotient", "chain", "exponential", "logarithm", "trig"][i % 6]
    a, b = _nonzero(rng, -4, 4), _nonzero(rng, 1, 5)
    n = int(rng.integers(2, 5))
    if rule == "product":
        f, g = x**n, [sp.exp(b * x), sp.sin(b * x), sp.log(x)][int(rng.integers(0, 3))]
    elif rule == "quotient":
        f, g = a * x + b, x**2 + b
    elif rule == "chain":
        f, g = None, None
        inner = a * x**2 + b
        outer_n = n
    elif rule == "exponential":
        f, g = None, None
        inner = a * x + b
    elif rule == "logarithm":
        f, g = None, None
        inner = x**2 + b
    else:
        f, g = None, None
        inner = a * x
    if rule == "product":
        df, dg = sp.diff(f, x), sp.diff(g, x)
        fun, answer = f * g, df * g + f * dg
        # The terms in the rule's order, f'g then fg' (SymPy would sort them), read back by SymPy.
        second = L(f * dg)
        shown = checked(f"{L(df * g)} {'-' if second.startswith('-') else '+'} {second.lstrip('-')}", answer,
                        {"x": x}, what=f"rules exercise {i}")
        steps = [rf"f = {L(f)},\quad g = {L(g)}", rf"f' = {L(df)},\quad g' = {L(dg)}",
                 rf"(fg)' = f'g + fg' = {shown}"]
    elif rule == "quotient":
        df, dg = sp.diff(f, x), sp.diff(g, x)
        fun, answer = f / g, (df * g - f * dg) / g**2
        steps = [rf"f = {L(f)},\quad g = {L(g)}", rf"f' = {L(df)},\quad g' = {L(dg)}",
                 rf"\left(\frac{{f}}{{g}}\right)' = \frac{{f'g - fg'}}{{g^{{2}}}} = {L(sp.factor(answer))}"]
        answer = sp.factor(answer)
    else:
        u = sp.Symbol("u")
        if rule == "chain":
            outer = u**outer_n
        elif rule == "exponential":
            outer = sp.exp(u)
        elif rule == "logarithm":
            outer = sp.log(u)
        else:
            outer = [sp.sin(u), sp.cos(u)][int(rng.integers(0, 2))]
        d_outer, d_inner = sp.diff(outer, u), sp.diff(inner, x)
        fun = outer.subs(u, inner)
        if rule == "chain":  # written as people write it: −4x(3 − x²), the bracket kept as the inner function
            answer = sp.Mul(outer_n * sp.Poly(d_inner, x).LC(), x, inner ** (outer_n - 1))
        else:
            answer = d_outer.subs(u, inner) * d_inner
        steps = [rf"u = {L(inner)},\quad y = {L(outer)}",
                 rf"\frac{{dy}}{{du}} = {L(d_outer)},\quad \frac{{du}}{{dx}} = {L(d_inner)}",
                 rf"\frac{{dy}}{{dx}} = \frac{{dy}}{{du}}\cdot\frac{{du}}{{dx}} = {L(answer)}"]
    at = {x: sp.Rational(int(rng.integers(2, 9)), 4)}
    _check("rules", i, fun, x, answer, at)
    return {"question": rf"y = {L(fun)}", "ask": f"Differentiate (the {rule} rule{' and the chain rule' if rule in ('exponential', 'logarithm', 'trig') else ''}).",
            "steps": steps, "answer": shown if rule == "product" else L(answer), "rule": rule}


# --- chapter 3: sums of powers, negative and fractional exponents -------------

def _worked(rng: np.random.Generator, i: int) -> dict:
    exps = [sp.Integer(int(rng.integers(2, 6))), -sp.Integer(int(rng.integers(1, 4))),
            sp.Rational(int(rng.choice([1, 2, 4, 5])), 3) if i % 2 else sp.Rational(int(rng.choice([1, 3, 5])), 2)]
    coefs = [_nonzero(rng, -5, 5) for _ in exps]
    shown = []
    for c, e in zip(coefs, exps):
        if e < 0:
            shown.append(sp.Integer(c) / x ** (-e))  # c / x^k
        elif not e.is_Integer:
            shown.append(c * sp.root(x ** e.p, e.q))  # c times a root
        else:
            shown.append(c * x**e)
    fun = sum(shown)
    rewritten = [P(x, e) if c == 1 else M(c, P(x, e)) for c, e in zip(coefs, exps)]
    term_d = [c * e * x ** (e - 1) for c, e in zip(coefs, exps)]  # power rule with a constant multiple
    answer = sum(term_d)
    _check("worked", i, fun, x, answer, {x: sp.Rational(int(rng.integers(3, 12)), 4)})
    return {
        "question": rf"y = {L(fun)}",
        "ask": "Rewrite with exponents, differentiate term by term, and write the answer without negative exponents.",
        "steps": [r"y = " + tex(sp.Add(*rewritten, evaluate=False)),
                  *[rf"\frac{{d}}{{dx}}\left[{tex(t)}\right] = {L(d)}" for t, d in zip(rewritten, term_d)]],
        "answer": L(answer),
    }


# --- chapter 4: partial derivatives and the gradient --------------------------

def _partial(rng: np.random.Generator, i: int) -> dict:
    a, b, c = _nonzero(rng, -4, 4), _nonzero(rng, -4, 4), _nonzero(rng, -4, 4)
    m, n = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    z = [a * x**2 + b * x * y + c * y**2, a * x**m * y**n + b * x, sp.exp(a * x + b * y) + c * x * y,
         a * x / y + b * y**2, sp.sin(a * x) * y**n + b * y, (a * x + b * y + c) ** 2][i % 6]
    zx, zy = sp.diff(z, x), sp.diff(z, y)  # one variable at a time, the other held constant
    at = {x: sp.Rational(int(rng.integers(1, 5)), 2), y: sp.Rational(int(rng.integers(1, 5)), 2)}
    gx = _check("partial", i, z, x, zx, at)
    gy = _check("partial", i, z, y, zy, at)
    # The gradient's value at the point, exactly (never a float turned back into a number by nsimplify).
    ex, ey = sp.simplify(zx.subs(at)), sp.simplify(zy.subs(at))
    if not (same(ex, sp.diff(z, x).subs(at)) and same(ey, sp.diff(z, y).subs(at))):
        raise BuildError(f"exercise partial {i}: the gradient at {at} is not ({ex}, {ey})")
    return {
        "question": rf"z = {L(z)}",
        "ask": "Find both partial derivatives and the gradient at the point given.",
        "at": rf"\left({L(at[x])}, {L(at[y])}\right)",
        "steps": [rf"\frac{{\partial z}}{{\partial x}} = {L(zx)}",
                  rf"\frac{{\partial z}}{{\partial y}} = {L(zy)}",
                  rf"\nabla z\left({L(at[x])}, {L(at[y])}\right) = \left({L(ex)},\ {L(ey)}\right)"],
        "answer": rf"\left({L(ex)},\ {L(ey)}\right)",
        "gradient": [gx, gy],
    }


MAKERS = {"derivative": _derivative, "rules": _rules, "worked": _worked, "partial": _partial}


def generate(kind: str, count: int, seed: int) -> list[dict]:
    """``count`` distinct exercises of one chapter, numbered from 1."""
    if kind not in MAKERS:
        raise BuildError(f"unknown exercise kind '{kind}' (known: {', '.join(MAKERS)})")
    rng = np.random.default_rng([seed, KINDS[kind]])
    seen: set[str] = set()
    out: list[dict] = []
    tries = 0
    while len(out) < count:
        tries += 1
        if tries > 50 * count:
            raise BuildError(f"exercise generator '{kind}' could not find {count} distinct exercises")
        ex = MAKERS[kind](rng, len(out))
        if ex["question"] in seen:
            continue
        seen.add(ex["question"])
        out.append({"n": len(out) + 1, **ex})
    return out
