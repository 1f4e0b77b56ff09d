"""Data for the figures a reader controls, computed in the browser by ``docs/assets/javascripts/gdmath.js``.

A chapter whose figure is live returns, from its section, ``"_files":
live.data_file(<chapter>, {<figure name>: {...}})``; the page places the figure
with ``{{ figure(name, caption, live="<chapter>") }}`` and
``docs/assets/javascripts/live.js`` draws it from that data.  Only what the
browser should not redo ships: coefficients SymPy found, eigen-decompositions,
a data set; the browser computes the rest, and tests/test_interactive.py holds
its numbers equal to gdbook's.
"""

from __future__ import annotations

import json
from typing import Any

import sympy as sp

from gdbook.core.errors import BuildError

GLOBAL = "GDBOOK_LIVE"


def data_file(chapter: str, figures: dict[str, Any]) -> dict[str, str]:
    """``{"<chapter>/live.js": script}``: the script adds each figure's data to ``window.GDBOOK_LIVE``."""
    body = json.dumps(figures, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    text = (f"(function (d) {{ var g = window.{GLOBAL} = window.{GLOBAL} || {{}}; "
            f"for (var k in d) g[k] = d[k]; }})({body});\n")
    return {f"{chapter}/live.js": text}


def coefficients(expr: sp.Expr, var: sp.Symbol) -> list[float]:
    """c₀, c₁, …, c_d of a polynomial in ``var`` (for gdmath.poly, Horner's rule)."""
    poly = sp.Poly(sp.expand(expr), var)
    if poly.free_symbols - {var}:
        raise BuildError(f"{expr} is not a polynomial in {var} alone")
    return [float(c) for c in reversed(poly.all_coeffs())]


def terms(expr: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> list[list[float]]:
    """[[coefficient, power of x, power of y], …] of a polynomial in x and y (for gdmath.poly2)."""
    poly = sp.Poly(sp.expand(expr), x, y)
    return [[float(c), int(px), int(py)] for (px, py), c in poly.terms()]


def polynomial(coefficients: list[float]):
    """The polynomial c₀ + c₁x + … as a function, by Horner's rule: exactly gdmath.poly's operations, so the
    book's numbers and the browser's are the same to the last bit."""
    def p(v: float) -> float:
        s = coefficients[-1]
        for c in reversed(coefficients[:-1]):
            s = s * v + c
        return s

    return p
