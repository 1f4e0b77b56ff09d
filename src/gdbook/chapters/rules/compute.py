"""The rules of differentiation, each stated in LaTeX and proved or checked by SymPy.

For a rule about whole functions (sum, product, quotient, chain...) the proof
is an identity of difference quotients in general form, with undefined
functions f(x), g(x); SymPy checks the identity, and checks that its own
``diff`` of the general form agrees with the rule.  For a rule about one
function (xⁿ, eˣ, ln x, aˣ, sin x, cos x) SymPy takes the limit of the
difference quotient.  Every worked example is checked against ``sympy.diff``.
A table of standard derivatives then follows from the rules, each entry
derived by a rule from entries before it and checked against ``sympy.diff``.
"""

from __future__ import annotations

import sympy as sp

from gdbook.core import exercises
from gdbook.core.steps import A, D, M, tex
from gdbook.core.errors import BuildError
from gdbook.settings import Settings

x = sp.Symbol("x", positive=True)
h = sp.Symbol("h", positive=True)
n = sp.Symbol("n", real=True)
c = sp.Symbol("c", real=True)
a = sp.Symbol("a", positive=True)
f, g = sp.Function("f"), sp.Function("g")
F, G = f(x), g(x)
Fh, Gh = f(x + h), g(x + h)


def L(e) -> str:
    return sp.latex(e, ln_notation=True)


def dd(e) -> str:
    return rf"\frac{{d}}{{dx}}\left[{L(e)}\right]"


def _zero(e: sp.Expr) -> bool:
    return sp.simplify(sp.expand(e)) == 0


def _identity(name: str, lhs: sp.Expr, rhs: sp.Expr) -> dict:
    if not _zero(lhs - rhs):
        raise BuildError(f"rule '{name}': the difference-quotient identity does not hold")
    return {"kind": "identity", "latex": rf"{L(lhs)} = {L(rhs)}"}


def _limit(name: str, fun: sp.Expr, want: sp.Expr, q: sp.Expr | None = None) -> dict:
    """The limit of the difference quotient (or of ``q``, a form of it SymPy checks first)."""
    dq = (fun.subs(x, x + h) - fun) / h
    if q is None:
        q = dq
    elif not _zero(sp.expand_power_exp(dq - q)):
        raise BuildError(f"rule '{name}': {q} is not the difference quotient {dq}")
    got = sp.limit(q, h, 0)
    if not _zero(got - want):
        raise BuildError(f"rule '{name}': the limit of the difference quotient is {got}, not {want}")
    return {"kind": "limit", "latex": rf"\lim_{{h \to 0}} {L(q)} = {L(got)}"}


def _general(name: str, expr: sp.Expr, rule_rhs: sp.Expr) -> None:
    if not _zero((sp.diff(expr, x) - rule_rhs).doit()):
        raise BuildError(f"rule '{name}': sympy.diff of the general form disagrees with the rule")


def _example(name: str, fun: sp.Expr, worked: sp.Expr) -> dict:
    if not _zero(sp.diff(fun, x) - worked):
        raise BuildError(f"rule '{name}': the worked example {worked} is not d/dx {fun}")
    return {"function": L(fun), "derivative": L(worked)}


def rules() -> list[dict]:
    dF, dG = sp.diff(F, x), sp.diff(G, x)
    out = []

    def add(rid, name, in_notes, statement, words, proof, example):
        out.append({"id": rid, "name": name, "in_notes": in_notes, "latex": statement, "words": words,
                    "proof": proof, "example": example})

    # power rule: limit with symbolic n
    add("power-rule", "Power rule", True, rf"{dd(x**n)} = {L(n * x**(n - 1))}",
        "Bring the exponent down as a factor and lower the exponent by one. It holds for every real n "
        "(x > 0), negative and fractional exponents included.",
        _limit("power", x**n, n * x ** (n - 1)),
        _example("power", x**7, 7 * x**6))
    add("constant-rule", "Constant rule", True, rf"{dd(c)} = 0",
        "A constant does not change, so its rate of change is zero.",
        _limit("constant", c + 0 * x, sp.Integer(0)), _example("constant", sp.Integer(42) + 0 * x, sp.Integer(0)))
    _general("constant multiple", c * F, c * dF)
    add("constant-multiple-rule", "Constant multiple rule", True, rf"{dd(c * F)} = c\,{L(dF)}",
        "A constant factor stays in front; differentiate what it multiplies.",
        _identity("constant multiple", (c * Fh - c * F) / h, c * (Fh - F) / h),
        _example("constant multiple", 5 * sp.sin(x), 5 * sp.cos(x)))
    _general("sum", F + G, dF + dG)
    add("sum-rule", "Sum rule", True, rf"{dd(F + G)} = {L(dF + dG)}",
        "The derivative of a sum is the sum of the derivatives: differentiate term by term.",
        _identity("sum", ((Fh + Gh) - (F + G)) / h, (Fh - F) / h + (Gh - G) / h),
        _example("sum", x**3 + sp.exp(x), 3 * x**2 + sp.exp(x)))
    _general("product", F * G, F * dG + G * dF)
    add("product-rule", "Product rule", True, rf"{dd(F * G)} = {L(F * dG + G * dF)}",
        "First times the derivative of the second, plus second times the derivative of the first.",
        _identity("product", (Fh * Gh - F * G) / h, Fh * (Gh - G) / h + G * (Fh - F) / h),
        _example("product", x**2 * sp.sin(x), 2 * x * sp.sin(x) + x**2 * sp.cos(x)))
    quotient = D(A(M(G, dF), M(-1, F, dG)), G**2)  # shown as written, checked by value
    _general("quotient", F / G, quotient.doit())
    add("quotient-rule", "Quotient rule", True, rf"{dd(F / G)} = {tex(quotient)}",
        "Bottom times the derivative of the top, minus top times the derivative of the bottom, over the bottom squared.",
        _identity("quotient", (Fh / Gh - F / G) / h, (G * (Fh - F) / h - F * (Gh - G) / h) / (G * Gh)),
        _example("quotient", sp.sin(x) / x, (x * sp.cos(x) - sp.sin(x)) / x**2))
    fg = f(g(x))
    _general("chain", fg, sp.Subs(sp.Derivative(f(sp.Symbol("u")), sp.Symbol("u")), sp.Symbol("u"), G) * dG)
    add("chain-rule", "Chain rule", True, rf"{dd(fg)} = f'\left(g(x)\right)\,{L(dG)}",
        "Derivative of the outer function, evaluated at the inner one, times the derivative of the inner function.",
        _identity("chain", (f(Gh) - f(G)) / h, (f(Gh) - f(G)) / (Gh - G) * (Gh - G) / h),
        _example("chain", sp.exp(3 * x**2), 6 * x * sp.exp(3 * x**2)))
    add("exponential-rule", "Exponential", True, rf"{dd(sp.exp(x))} = {L(sp.exp(x))}",
        "eˣ is its own derivative: its slope everywhere equals its height.",
        _limit("exponential", sp.exp(x), sp.exp(x)), _example("exponential", sp.exp(x) + x, sp.exp(x) + 1))
    add("logarithm-rule", "Natural logarithm", False, rf"{dd(sp.log(x))} = {L(1 / x)}",
        "The slope of ln x is one over x (for x > 0).",
        _limit("logarithm", sp.log(x), 1 / x), _example("logarithm", sp.log(x**2), 2 / x))
    add("exponential-base-a", "Exponential with base a", False, rf"{dd(a**x)} = {L(a**x * sp.log(a))}",
        "aˣ = e^(x ln a), so the chain rule gives aˣ times ln a; a = e gives back eˣ.",
        _limit("a^x", a**x, a**x * sp.log(a), q=a**x * (a**h - 1) / h), _example("a^x", 2**x, 2**x * sp.log(2)))
    add("sine-rule", "Sine", False, rf"{dd(sp.sin(x))} = {L(sp.cos(x))}",
        "The slope of sin x is cos x (x in radians).",
        _limit("sine", sp.sin(x), sp.cos(x)), _example("sine", sp.sin(2 * x), 2 * sp.cos(2 * x)))
    add("cosine-rule", "Cosine", False, rf"{dd(sp.cos(x))} = {L(-sp.sin(x))}",
        "The slope of cos x is minus sin x (x in radians).",
        _limit("cosine", sp.cos(x), -sp.sin(x)), _example("cosine", sp.cos(x**2), -2 * x * sp.sin(x**2)))
    return out


def quotient_from_product_and_chain() -> str:
    """The quotient rule is not needed: f/g = f·g⁻¹, then product and chain rules."""
    u = sp.Symbol("u")
    inv = sp.diff(u**-1, u).subs(u, G) * sp.diff(G, x)  # chain rule on g^-1
    via = sp.diff(F, x) * G**-1 + F * inv  # product rule
    if not _zero(via - (G * sp.diff(F, x) - F * sp.diff(G, x)) / G**2):
        raise BuildError("the quotient rule does not follow from the product and chain rules")
    # F·inv is negative: show it as a subtraction.
    return rf"{dd(F * G**-1)} = {L(sp.diff(F, x) * G**-1)} - {L(-F * inv)} = {L(sp.together(via))}"


def table() -> list[dict]:
    """Standard derivatives, each derived by a rule from earlier ones and checked against sympy.diff."""
    base = {sp.sin(x): sp.cos(x), sp.cos(x): -sp.sin(x), sp.exp(x): sp.exp(x), sp.log(x): 1 / x}
    u = sp.Symbol("u")

    def quotient(p, q):
        return (q * d(p) - p * d(q)) / q**2

    def d(e):
        if e in base:
            return base[e]
        if e.is_number:
            return sp.Integer(0)
        if e == x:
            return sp.Integer(1)
        if e.is_Pow and e.base == x and e.exp.is_number:
            return e.exp * x ** (e.exp - 1)
        raise BuildError(f"no rule in the table for {e}")

    rows = []
    entries = [
        (x ** sp.Rational(1, 2), "power rule, n = 1/2", lambda: d(x ** sp.Rational(1, 2))),
        (x**-1, "power rule, n = −1", lambda: d(x**-1)),
        (sp.tan(x), "quotient rule on sin x / cos x", lambda: quotient(sp.sin(x), sp.cos(x))),
        (1 / sp.cos(x), "quotient rule on 1 / cos x", lambda: quotient(sp.Integer(1), sp.cos(x))),
        (a**x, "chain rule on e^(x ln a)", lambda: sp.exp(u).subs(u, x * sp.log(a)) * sp.log(a)),
        (sp.log(x) / sp.log(a), "constant multiple of ln x", lambda: d(sp.log(x)) / sp.log(a)),
        (sp.exp(c * x), "chain rule, inner cx", lambda: sp.exp(c * x) * c),
        (x * sp.log(x), "product rule", lambda: d(x**1) * sp.log(x) + x * d(sp.log(x))),
        (sp.sin(x)**2, "chain rule, outer u²", lambda: 2 * sp.sin(x) * d(sp.sin(x))),
        (sp.log(sp.cos(x)), "chain rule, outer ln u", lambda: d(sp.cos(x)) / sp.cos(x)),
        ((1 + sp.exp(-x))**-1, "chain rule, outer 1/u, inner 1 + e^(−x) (the logistic function)",
         lambda: -(1 + sp.exp(-x))**-2 * (-sp.exp(-x))),
    ]
    for fun, how, derive in entries:
        got = derive()
        if not _zero(got - sp.diff(fun, x)):
            raise BuildError(f"standard derivative of {fun}: derived {got}, sympy.diff gives {sp.diff(fun, x)}")
        rows.append({"function": L(fun), "derivative": L(sp.diff(fun, x)), "how": how})
    return rows


def rules_section(s: Settings, deps: dict) -> dict:
    rs = rules()
    tab = table()
    return {
        "rules": rs,
        "n_rules": len(rs),
        "n_in_notes": sum(r["in_notes"] for r in rs),
        "n_added": sum(not r["in_notes"] for r in rs),
        "quotient_derived": quotient_from_product_and_chain(),
        "table": tab,
        "n_table": len(tab),
        "errata": [{
            "title": "The list of differentiation formulas is incomplete",
            "where": "Part 1 b, \"How many differentiation formulas do we have\"",
            "notes": "Eight formulas: power, constant, constant multiple, sum, product, quotient, chain, eˣ.",
            "correct": "Those eight do not reach ln x, aˣ, sin x or cos x; the book adds them. Conversely the list is "
                       "longer than it needs to be: the quotient rule follows from the product and chain rules, and "
                       "the constant rule is the power rule with n = 0.",
            "explanation": "A few rules for combining functions plus the derivatives of a few basic functions "
                           "generate a whole table of standard derivatives; the rules chapter derives one.",
            "link": "../part1/rules.md#how-many-formulas-are-there", "link_text": "Rules of differentiation",
        }],
        "exercises": exercises.generate("rules", s.exercises.count, s.exercises.seed),
    }
