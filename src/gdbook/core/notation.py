"""Formulas as the book writes them: sums over the data points checked by SymPy, and lines written out.

The book writes a sum over the points as people write it,
``\\frac{2}{n}\\sum_{i=1}^{n} (\\hat y_i - y_i)\\,x_i``.  Two things stand
between that and :func:`gdbook.core.formula.checked`: SymPy's LaTeX reader
cannot read display notation such as ``\\hat y_i`` or ``\\bar x``, and a sum
up to a symbolic ``n`` cannot be expanded, so two sums are hard to prove
equal.  :func:`checked_sum` therefore

* renames display notation before reading (``read_as``: ``{"\\hat y_i": "h_i"}``),
  and binds each renamed symbol to what it means (``symbols``:
  ``{"h_{i}": w*x[i] + b}``): the renaming is explicit and the meaning is checked;
* reads ``x_i`` and ``y_i`` as SymPy's indexed ``x[i]``, ``y[i]``;
* sets ``n`` to 3, then 4, expands every sum, and proves the formula equal
  to the computed expression for that many points.

A formula that is wrong in its terms, its factors or its dependence on ``n``
fails at one of the sizes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import sympy as sp

from gdbook.core import fmt, formula

I = sp.Symbol("i")  # the summation index, as SymPy's LaTeX reader names it
XS, YS = sp.IndexedBase("x"), sp.IndexedBase("y")
SIZES = (3, 4)


def point(base: sp.IndexedBase) -> sp.Indexed:
    """The i-th entry of ``base`` (``x[i]``), with the reader's index."""
    return base[I]


def _text(tex: str, read_as: Mapping[str, str] | None) -> str:
    out = tex
    for shown, read in (read_as or {}).items():
        if shown not in out:
            raise ValueError(f"read_as: {shown!r} does not occur in {tex!r}")
        out = out.replace(shown, read)
    return out


def _names(n: sp.Symbol, k: int, symbols: Mapping[str, sp.Basic] | None) -> dict[str, sp.Basic]:
    names: dict[str, sp.Basic] = {"x_{i}": XS[I], "y_{i}": YS[I]}
    for name, value in (symbols or {}).items():
        names[name] = sp.sympify(value).subs(n, k)
    names["n"] = sp.Integer(k)
    return names


def checked_sum(tex: str, equals: sp.Basic | Callable[[int], sp.Basic], n: sp.Symbol, *,
                symbols: Mapping[str, sp.Basic] | None = None, read_as: Mapping[str, str] | None = None,
                sizes: Sequence[int] = SIZES, what: str = "") -> str:
    """``tex`` itself, once SymPy has proved it equal to ``equals`` on ``sizes`` symbolic points; else the build fails.

    ``equals`` is written with SymPy's ``Sum(..., (I, 1, n))`` over ``XS[I]``, ``YS[I]``, or is a function
    of the number of points giving the expression for that many (a matrix formula, say).
    """
    text = _text(tex, read_as)
    for k in sizes:
        target = equals(k) if callable(equals) else sp.sympify(equals).subs(n, k)
        formula.checked(text, target, _names(n, k, symbols), what=f"{what or 'formula'} (n = {k})")
    return tex


def identity_sum(tex: str, n: sp.Symbol, *, symbols: Mapping[str, sp.Basic] | None = None,
                 read_as: Mapping[str, str] | None = None, sizes: Sequence[int] = SIZES, what: str = "") -> str:
    """An equation (or chain ``a = b = c``) with sums, proved on ``sizes`` symbolic points."""
    text = _text(tex, read_as)
    for k in sizes:
        formula.identity(text, _names(n, k, symbols), what=f"{what or 'identity'} (n = {k})")
    return tex


def evaluate(tex: str, n: sp.Symbol, x: np.ndarray, y: np.ndarray, *, symbols: Mapping[str, sp.Basic] | None = None,
             read_as: Mapping[str, str] | None = None, at: Mapping[sp.Symbol, float] | None = None) -> float:
    """The formula's value on the points (x, y) (a few: every sum is expanded), for comparing with the code."""
    k = len(x)
    expr = formula.read(_text(tex, read_as), _names(n, k, symbols)).doit()
    values = {XS[j]: float(x[j - 1]) for j in range(1, k + 1)}
    values.update({YS[j]: float(y[j - 1]) for j in range(1, k + 1)})
    values.update(dict(at or {}))
    return float(sp.N(expr.subs(values)))


def checked_as(tex: str, equals: sp.Basic, *, symbols: Mapping[str, sp.Basic] | None = None,
               read_as: Mapping[str, str] | None = None, what: str = "") -> str:
    """:func:`gdbook.core.formula.checked` for a formula without sums, with display notation renamed first."""
    names = {"x_{i}": XS[I], "y_{i}": YS[I], **(symbols or {})}
    formula.checked(_text(tex, read_as), equals, names, what=what)
    return tex


def line_tex(w: float, b: float, sig: int = fmt.SIG, x: str = "x") -> str:
    """The line w·x + b as people write it: ``3x - 2``, ``-1.5x + 4``, ``0.5x`` (no ``+ 0``, no ``1x``)."""
    if w == 0:
        return fmt.tex(b, sig)
    slope = {1.0: "", -1.0: "-"}.get(float(w), fmt.tex(w, sig)) + x
    if b == 0:
        return slope
    return f"{slope} {'-' if b < 0 else '+'} {fmt.tex(abs(b), sig)}"


def line_text(w: float, b: float, sig: int = fmt.SIG, x: str = "x") -> str:
    """The same line in prose and figure labels: ``3x − 2`` (typographic minus)."""
    return line_tex(w, b, sig, x).replace("-", fmt.MINUS)


def decimals(values: Sequence[float], sig: int = 3, most: int = 6) -> int:
    """Decimals for a table column: ``sig`` significant figures for its smallest non-zero magnitude.

    One count for the whole column (the precision policy), chosen from the data so that a
    column of MSEs near 0.25 and one near 250 000 both read sensibly.
    """
    mags = [abs(float(v)) for v in values if v and np.isfinite(v)]
    if not mags:
        return 0
    return int(min(max(sig - 1 - int(np.floor(np.log10(min(mags)))), 0), most))
