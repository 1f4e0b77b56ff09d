"""Verified derivations: a derivation is a list of steps, and SymPy checks every one.

A :class:`Derivation` starts from a function of one variable (the others, if
any, are held constant) and walks through steps:

* :class:`Rewrite` — the same expression in another form (checked: equal to
  the current function, or to the current derivative once there is one);
* :class:`Let` — names parts of the function (``u``, ``f``, ``g``); checked:
  putting the parts back gives the function;
* :class:`Diff` — the derivative of one part or one term (checked against
  ``sympy.diff``);
* :class:`Terms` — the sum rule: the terms add up to the function and each
  claimed term derivative is right;
* :class:`Combine` — puts the pieces together by a rule (sum, product,
  quotient, chain); checked against the rule's formula applied to the pieces
  already verified.

When the last step is done the current derivative must equal ``sympy.diff``
of the function.  A step that fails raises :class:`~gdbook.registry.BuildError`
naming the problem, the step's number and title, and what is wrong.

Expressions meant for display may hold ``UnevaluatedExpr`` (to show
``x^{-1}`` rather than ``1/x``) and unevaluated ``Add``/``Mul`` (to keep the
order of terms); the checks always compare their ``doit()`` values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter

from gdbook.core.errors import BuildError

U = sp.UnevaluatedExpr


# --- building display expressions -------------------------------------------

def M(*args: Any) -> sp.Expr:
    """A product kept as written."""
    return sp.Mul(*[sp.sympify(a) for a in args], evaluate=False)


def A(*args: Any) -> sp.Expr:
    """A sum kept as written (terms in this order)."""
    return sp.Add(*[sp.sympify(a) for a in args], evaluate=False)


def P(base: Any, exp: Any) -> sp.Expr:
    """``base**exp`` shown with its exponent as written (``x^{-1}``, ``x^{2/3}``)."""
    e = sp.Rational(exp) if isinstance(exp, (int, str)) else sp.sympify(exp)
    return sp.Pow(sp.sympify(base), U(e), evaluate=False)


def D(num: Any, den: Any) -> sp.Expr:
    """A fraction kept as written."""
    return M(num, sp.Pow(sp.sympify(den), -1, evaluate=False))


def value(e: Any) -> sp.Expr:
    """The mathematical value of a display expression."""
    return sp.sympify(e).doit()


class _Printer(LatexPrinter):
    """SymPy's LaTeX printer, taught to print products kept as written.

    An unevaluated ``Mul`` holding ``den**-1`` prints as a fraction, and two
    factors that would otherwise run together as digits (``5 x 2 x``) get a
    ``\\cdot`` between them.  Evaluated expressions print as SymPy prints them.
    """

    def _print_Mul(self, expr: sp.Mul) -> str:
        if sp.Mul(*expr.args) == expr and not any(isinstance(a, (sp.Mul, sp.Add)) for a in expr.args):
            return super()._print_Mul(expr)
        num = [a for a in expr.args if not (a.is_Pow and a.exp == -1)]
        den = [a.base for a in expr.args if a.is_Pow and a.exp == -1]
        sign = ""
        if num and num[0] == -1:
            sign, num = "- ", num[1:]
        if den:
            top = self._print(sp.Mul(*num, evaluate=False)) if num else "1"
            bottom = self._print(sp.Mul(*den, evaluate=False)) if len(den) > 1 else self._print(den[0])
            return rf"{sign}\frac{{{top}}}{{{bottom}}}"
        parts: list[str] = []
        for a in num:
            t = self._print(a)
            if isinstance(a, sp.Add):
                t = rf"\left({t}\right)"
            if parts and (t[:1].isdigit() or t.startswith("-") or t.startswith(r"\frac")):
                parts.append(r"\cdot")
            parts.append(t)
        return sign + " ".join(parts)


def tex(e: Any) -> str:
    """LaTeX of a display expression, terms in the order written."""
    return _Printer({"order": "none", "ln_notation": True}).doprint(sp.sympify(e))


def label(text: str) -> sp.Symbol:
    """A symbol that prints as the given LaTeX (\\frac{dy}{dx}, f')."""
    return sp.Symbol(text)


def equal(a: Any, b: Any) -> bool:
    """True only if SymPy proves a − b = 0."""
    d = sp.simplify(value(a) - value(b))
    if d == 0:
        return True
    return sp.simplify(sp.expand(sp.powsimp(sp.radsimp(d), force=False))) == 0


def aligned(lines: Sequence[str]) -> str:
    """Equations ``lhs = rhs`` stacked and aligned at their equals signs."""
    if len(lines) == 1:
        return lines[0]
    rows = [line.replace(" = ", " &= ", 1) for line in lines]
    return r"\begin{aligned}" + r" \\[6pt] ".join(rows) + r"\end{aligned}"


def d_of(var: sp.Symbol, partial: bool) -> str:
    return rf"\frac{{\partial}}{{\partial {sp.latex(var)}}}" if partial else rf"\frac{{d}}{{d{sp.latex(var)}}}"


# --- steps -------------------------------------------------------------------

@dataclass(frozen=True)
class Rewrite:
    title: str
    why: str
    expr: Any


@dataclass(frozen=True)
class Let:
    title: str
    why: str
    parts: tuple[tuple[str, Any], ...]  # (name, expression)
    outer: Any = None  # the function in terms of the parts, e.g. e^u


@dataclass(frozen=True)
class Diff:
    title: str
    why: str
    of: str  # the name of a part defined by Let
    result: Any
    var: Any = None  # default: the derivation's variable


@dataclass(frozen=True)
class Terms:
    title: str
    why: str
    terms: tuple[tuple[Any, Any, str], ...]  # (term, its derivative, rule used)


@dataclass(frozen=True)
class Combine:
    title: str
    why: str
    rule: str  # "sum", "product", "quotient", "chain"
    expr: Any


Step = Rewrite | Let | Diff | Terms | Combine


@dataclass
class _State:
    function: Any
    derivative: Any = None
    parts: dict[str, Any] = field(default_factory=dict)  # name -> expression (display)
    derivs: dict[str, Any] = field(default_factory=dict)  # name -> verified derivative
    term_derivs: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Derivation:
    """The derivative of ``function`` with respect to ``var``, step by step."""

    problem: str
    var: sp.Symbol
    function: Any  # the function as stated (display form)
    steps: Sequence[Step]
    name: str = "y"  # the function's letter
    partial: bool = False

    def _fail(self, i: int, step: Step, msg: str) -> BuildError:
        return BuildError(f"problem '{self.problem}', step {i} ('{step.title}'): {msg}")

    @property
    def d_label(self) -> str:
        v = sp.latex(self.var)
        if self.partial:
            return rf"\frac{{\partial {self.name}}}{{\partial {v}}}"
        return rf"\frac{{d{self.name}}}{{d{v}}}"

    def run(self) -> dict:
        """Check every step; return the derivation as JSON-able data for the page."""
        st = _State(function=self.function)
        shown: list[dict] = []
        x = self.var
        dx = d_of(x, self.partial)
        for i, step in enumerate(self.steps, start=1):
            lines: list[str] = []
            if isinstance(step, Rewrite):
                if st.derivative is None:
                    if not equal(step.expr, st.function):
                        raise self._fail(i, step, f"{self.name} = {value(step.expr)} is not equal to {self.name} = {value(st.function)}")
                    st.function = step.expr
                    lines.append(f"{self.name} = {tex(step.expr)}")
                else:
                    if not equal(step.expr, st.derivative):
                        raise self._fail(i, step, f"{value(step.expr)} is not equal to the derivative so far, {value(st.derivative)}")
                    st.derivative = step.expr
                    lines.append(f"{self.d_label} = {tex(step.expr)}")
            elif isinstance(step, Let):
                subs = {}
                for name, expr in step.parts:
                    st.parts[name] = expr
                    subs[sp.Symbol(name)] = value(expr)
                    lines.append(f"{name} = {tex(expr)}")
                if step.outer is not None:
                    if not equal(value(step.outer).subs(subs), st.function):
                        raise self._fail(i, step, f"{self.name} = {step.outer} with {', '.join(f'{k} = {v}' for k, v in subs.items())} "
                                                  f"is not {value(st.function)}")
                    lines.append(f"{self.name} = {tex(step.outer)}")
                    st.parts[self.name] = step.outer
            elif isinstance(step, Diff):
                if step.of not in st.parts:
                    raise self._fail(i, step, f"'{step.of}' has not been defined by an earlier step")
                var = step.var if step.var is not None else x
                truth = sp.diff(value(st.parts[step.of]), var)
                if not equal(step.result, truth):
                    raise self._fail(i, step, f"the derivative of {step.of} = {value(st.parts[step.of])} with respect to {var} "
                                              f"is {sp.simplify(truth)}, not {value(step.result)}")
                st.derivs[step.of] = step.result
                partial = self.partial or var != x
                lines.append(rf"{d_of(var, partial)}\left[{tex(st.parts[step.of])}\right] = {tex(step.result)}")
            elif isinstance(step, Terms):
                total = sp.Add(*[value(t) for t, _, _ in step.terms])
                if not equal(total, st.function):
                    raise self._fail(i, step, f"the terms add up to {total}, not to {self.name} = {value(st.function)}")
                st.term_derivs = []
                for t, dt, _rule in step.terms:
                    truth = sp.diff(value(t), x)
                    if not equal(dt, truth):
                        raise self._fail(i, step, f"d/d{x} of {value(t)} is {sp.simplify(truth)}, not {value(dt)}")
                    st.term_derivs.append(dt)
                    lines.append(rf"{dx}\left[{tex(t)}\right] = {tex(dt)}")
            elif isinstance(step, Combine):
                formula = self._formula(i, step, st)
                if not equal(step.expr, formula):
                    raise self._fail(i, step, f"the {step.rule} rule gives {sp.simplify(formula)}, not {value(step.expr)}")
                st.derivative = step.expr
                lines.append(f"{self.d_label} = {tex(step.expr)}")
            else:  # pragma: no cover - the Step union is closed
                raise self._fail(i, step, f"unknown kind of step {type(step).__name__}")
            shown.append({"n": i, "title": step.title, "why": step.why, "lines": lines, "latex": aligned(lines)})
        if st.derivative is None:
            raise BuildError(f"problem '{self.problem}': the derivation never reaches a derivative")
        truth = sp.diff(value(self.function), x)
        if not equal(st.derivative, truth):
            raise BuildError(f"problem '{self.problem}', step {len(self.steps)} ('{self.steps[-1].title}'): the final answer "
                             f"{value(st.derivative)} is not the derivative {sp.simplify(truth)}")
        return {
            "var": str(x),
            "label": self.d_label,
            "function": tex(self.function),
            "steps": shown,
            "answer": str(value(st.derivative)),
            "answer_latex": tex(st.derivative),
        }

    def _formula(self, i: int, step: Combine, st: _State) -> sp.Expr:
        def need(*names: str) -> list[sp.Expr]:
            missing = [n for n in names if n not in st.derivs]
            if missing:
                raise self._fail(i, step, f"the {step.rule} rule needs the derivative of {', '.join(missing)} from an earlier step")
            return [value(st.parts[n]) for n in names] + [value(st.derivs[n]) for n in names]

        if step.rule == "sum":
            if not st.term_derivs:
                raise self._fail(i, step, "the sum rule needs a term-by-term step before it")
            return sp.Add(*[value(d) for d in st.term_derivs])
        if step.rule == "product":
            f, g, df, dg = need("f", "g")
            return f * dg + g * df
        if step.rule == "quotient":
            f, g, df, dg = need("f", "g")
            return (g * df - f * dg) / g**2
        if step.rule == "chain":
            # outer is the function written in u; its derivative in u was checked by a Diff step.
            if self.name not in st.derivs or "u" not in st.derivs:
                raise self._fail(i, step, f"the chain rule needs d{self.name}/du and du/d{self.var} from earlier steps")
            u = value(st.parts["u"])
            return value(st.derivs[self.name]).subs(sp.Symbol("u"), u) * value(st.derivs["u"])
        raise self._fail(i, step, f"unknown rule '{step.rule}'")


def central_difference(f: sp.Expr, var: sp.Symbol, at: float, h: float, subs: dict | None = None) -> float:
    """(f(a + h) − f(a − h)) / 2h in floating point."""
    g = sp.lambdify(var, value(f).subs(subs or {}), "math")
    return (g(at + h) - g(at - h)) / (2 * h)


def fd_table(f: Any, answer: Any, var: sp.Symbol, points: Sequence[float], h: float, rel_tol: float,
             problem: str, subs: dict | None = None) -> list[dict]:
    """The answer against a central difference at a few points; a mismatch fails the build."""
    exact = sp.lambdify(var, value(answer).subs(subs or {}), "math")
    rows = []
    for a in points:
        fd = central_difference(f, var, a, h, subs)
        ex = float(exact(a))
        err = abs(fd - ex)
        if err > rel_tol * max(1.0, abs(ex)):
            raise BuildError(f"problem '{problem}': the answer {value(answer)} gives {ex!r} at {var} = {a}, "
                             f"but the central difference gives {fd!r}")
        rows.append({"at": float(a), "exact": ex, "fd": float(fd), "error": float(err)})
    return rows
