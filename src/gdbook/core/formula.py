"""Formulas as people write them, checked by SymPy.

The book shows mathematics in the order a textbook writes it,
``(f'g - fg')/g^2`` rather than SymPy's ``-f g' + g f'``.  So the author
writes the LaTeX, and :func:`checked` makes SymPy read it back and prove it
equal to what the book computed; a formula that says something else fails the
build.  :func:`identity` does the same for an equation whose two sides must
agree (a step of a derivation).

Reading LaTeX is SymPy's ``parse_latex``, with three readings it lacks:
``e`` is Euler's number; a prime on a function (``f'(x)``, ``g''(x)``) is its
derivative; and a known variable followed by brackets (``4x(3 - x^2)``)
multiplies rather than calls.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp
from sympy.core.function import AppliedUndef

from gdbook.core.errors import BuildError


def read(tex: str, symbols: Mapping[str, sp.Symbol] | None = None) -> sp.Basic:
    """The SymPy meaning of a LaTeX formula (an expression, or an ``Eq`` for ``a = b``)."""
    from sympy.parsing.latex import parse_latex

    try:
        expr = parse_latex(tex)
    except Exception as e:  # noqa: BLE001 - the parser raises several kinds
        raise BuildError(f"SymPy cannot read the formula {tex!r}: {type(e).__name__}: {e}") from None
    names = dict(symbols or {})
    return _meaning(expr, names)


def _meaning(expr: sp.Basic, names: dict[str, sp.Symbol]) -> sp.Basic:
    if isinstance(expr, sp.Symbol):
        if expr.name == "e" and "e" not in names:
            return sp.E
        return names.get(expr.name, expr)
    if isinstance(expr, AppliedUndef):
        name = type(expr).__name__
        args = [_meaning(a, names) for a in expr.args]
        base = name.rstrip("'")
        if base != name:  # f'(x): the derivative of f
            return sp.Derivative(sp.Function(base)(*args), args[0], len(name) - len(base))
        if name in names and len(args) == 1:  # x(3 - x^2): a product, not a call
            return names[name] * args[0]
        return sp.Function(name)(*args)
    if not expr.args:
        return expr
    return expr.func(*[_meaning(a, names) for a in expr.args])


def same(a: sp.Basic, b: sp.Basic) -> bool:
    """Exactly equal (never through floats): their difference simplifies to zero."""
    diff = sp.simplify(sp.expand(sp.sympify(a).doit() - sp.sympify(b).doit()))
    if diff == 0:
        return True
    try:
        return bool(diff.equals(0))
    except Exception:  # noqa: BLE001 - undecidable: not shown equal
        return False


def checked(tex: str, equals: sp.Basic, symbols: Mapping[str, sp.Symbol] | None = None, *, what: str = "") -> str:
    """``tex`` itself, once SymPy has read it as exactly ``equals``; else the build fails."""
    expr = read(tex, symbols)
    if isinstance(expr, sp.Eq):
        raise BuildError(f"{what or 'formula'}: {tex!r} is an equation; give one side, or use identity()")
    if not same(expr, equals):
        raise BuildError(f"{what or 'formula'}: {tex!r} reads as {expr}, which is not {sp.sympify(equals)}")
    return tex


def identity(tex: str, symbols: Mapping[str, sp.Symbol] | None = None, *, what: str = "") -> str:
    """An equation ``a = b`` (or a chain ``a = b = c``, split on ``=``) whose sides SymPy proves equal."""
    sides = [s for s in tex.split("=")]
    if len(sides) < 2:
        raise BuildError(f"{what or 'identity'}: {tex!r} has no '='")
    exprs = [read(s, symbols) for s in sides]
    for left, right, lt, rt in zip(exprs, exprs[1:], sides, sides[1:]):
        if not same(left, right):
            raise BuildError(f"{what or 'identity'}: {lt.strip()!r} = {rt.strip()!r} does not hold "
                             f"({left} is not {right})")
    return tex
