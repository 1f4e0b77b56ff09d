"""Derivations a learner can follow, every step read back and checked by SymPy.

A proof is a chain of lines ``first = second = … = last``, each written by
the author in LaTeX with a reason (``Step("(x+h)^2 - x^2", "expand")``).  SymPy
reads every line on its own (:func:`gdbook.core.formula.read`) and proves each
line equal to the one before it, so a mistyped line fails the build: a check
that cannot fail (the same expression on both sides) is never made, because
the two sides are two separate readings of two different pieces of text.

* Two limits ``\\lim_{h \\to 0}`` in a row are compared by what is inside
  them (a wrong expression under a limit is caught even when its limit
  happens to be right); otherwise a limit is compared by its value.
* Where SymPy cannot decide a step in general (a limit of an undefined
  function ``f(x)``, a sum up to a symbolic ``n``), the step is checked on
  every one of the ``instances`` given: concrete functions for ``f`` and
  ``g``, concrete numbers for ``n``.  A step that cannot be decided and has
  no instances fails the build.
* ``start`` and ``end``, when given, tie the chain to what it proves: the
  first line must equal ``start`` and the last must equal ``end``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from gdbook.core.errors import BuildError
from gdbook.core.formula import read, same


@dataclass(frozen=True)
class Step:
    """One line of a derivation: its LaTeX (the expression after "="), and why it follows."""

    tex: str
    why: str = ""


def _subs_derivatives(e: sp.Basic) -> sp.Basic:
    """``Derivative(f(g(x)), g(x))`` (how ``f'(g(x))`` reads) → ``f'(u)`` at ``u = g(x)``."""
    def fix(d: sp.Derivative) -> sp.Basic:
        (var, count), = d.variable_count
        if isinstance(var, sp.Symbol):
            return d
        u = sp.Dummy("u")
        return sp.Subs(sp.Derivative(d.expr.subs(var, u), (u, count)), u, var)

    return e.replace(lambda a: isinstance(a, sp.Derivative), fix)


def _instance(e: sp.Basic, inst: Mapping[Any, Any]) -> sp.Basic:
    """``e`` with undefined functions replaced by concrete ones and symbols by values, then evaluated."""
    out = e
    for key, val in inst.items():
        if isinstance(key, sp.FunctionClass):
            out = out.replace(key, val)
    out = out.subs({k: v for k, v in inst.items() if not isinstance(k, sp.FunctionClass)})
    return out.doit()


def _undecided(e: sp.Basic) -> bool:
    return bool(e.atoms(AppliedUndef)) or bool(e.atoms(sp.Sum)) or bool(e.atoms(sp.Limit))


def _equal(a: sp.Basic, b: sp.Basic, instances: Sequence[Mapping[Any, Any]]) -> tuple[bool, str]:
    """(holds, how it was decided)."""
    if isinstance(a, sp.Limit) and isinstance(b, sp.Limit) and a.args[1:3] == b.args[1:3]:
        a, b = a.args[0], b.args[0]  # compare what is under the two limits
    if not (_undecided(a) or _undecided(b)) or not instances:
        try:
            if same(a, b):
                return True, "exactly"
        except Exception:  # noqa: BLE001 - undecidable in general: try the instances
            pass
        if not instances:
            return False, "exactly"
    for inst in instances:
        try:
            ok = same(_instance(a, inst), _instance(b, inst))
        except Exception:  # noqa: BLE001 - an instance SymPy cannot evaluate does not prove the step
            ok = False
        if not ok:
            shown = ", ".join(f"{k} = {v}" for k, v in inst.items())
            return False, f"for {shown}"
    return True, "on every instance"


def prove(steps: Sequence[Step], symbols: Mapping[str, sp.Symbol] | None = None, *, what: str,
          instances: Sequence[Mapping[Any, Any]] = (), start: Any = None, end: Any = None) -> list[dict]:
    """Check the chain ``steps[0] = steps[1] = …``; return the lines to show ({tex, why}).

    Fails the build naming ``what``, the step, its LaTeX and the reading that differs.
    """
    if len(steps) < 2:
        raise BuildError(f"{what}: a derivation needs at least two lines")
    exprs = [_subs_derivatives(read(s.tex, symbols)) for s in steps]
    for i, e in enumerate(exprs):
        if isinstance(e, sp.Eq):
            raise BuildError(f"{what}, step {i + 1}: {steps[i].tex!r} holds an '='; write one side per step")
    if start is not None:
        ok, how = _equal(_subs_derivatives(sp.sympify(start)), exprs[0], instances)
        if not ok:
            raise BuildError(f"{what}, step 1: {steps[0].tex!r} reads as {exprs[0]}, which is not {start} ({how})")
    for i in range(1, len(steps)):
        ok, how = _equal(exprs[i - 1], exprs[i], instances)
        if not ok:
            raise BuildError(f"{what}, step {i + 1} ({steps[i].why or 'no reason given'}): {steps[i].tex!r} "
                             f"is not equal to the line before it, {steps[i - 1].tex!r} ({exprs[i]} vs {exprs[i - 1]}, "
                             f"checked {how})")
    if end is not None:
        ok, how = _equal(exprs[-1], _subs_derivatives(sp.sympify(end)), instances)
        if not ok:
            raise BuildError(f"{what}, last step: {steps[-1].tex!r} reads as {exprs[-1]}, which is not {end} ({how})")
    return [{"tex": s.tex, "why": s.why} for s in steps]


def display(lines: Sequence[Mapping[str, str]], lhs: str = "") -> str:
    """The chain as one aligned display: ``lhs = first`` then ``= next`` on each following row."""
    rows = [rf"{lhs} &= {lines[0]['tex']}" if lhs else rf"&{lines[0]['tex']}"]
    rows += [rf"&= {line['tex']}" for line in lines[1:]]
    return r"\begin{aligned}" + r" \\[4pt] ".join(rows) + r"\end{aligned}"
