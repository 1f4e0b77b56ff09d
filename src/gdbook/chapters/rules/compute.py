"""The rules of differentiation, each stated in LaTeX and derived step by step, every step checked by SymPy.

A rule's statement is checked against ``sympy.diff`` of its general form.
Its derivation is a chain of lines written as a textbook writes them, from
the limit of the difference quotient (or from rules already derived), each
line read back by SymPy and proved equal to the line before it
(:mod:`gdbook.core.proof`); where SymPy cannot decide a line in general
(an undefined ``f(x)`` under a limit, a sum up to a symbolic ``n``), it is
checked on concrete instances, which the page names.  Every worked example is
checked against ``sympy.diff``.  A table of standard derivatives follows,
each entry derived by a rule from entries before it.
"""

from __future__ import annotations

import sympy as sp

from gdbook.core import exercises
from gdbook.core.errors import BuildError
from gdbook.core.formula import checked
from gdbook.core.proof import Step, prove
from gdbook.settings import Settings

x = sp.Symbol("x", positive=True)
h = sp.Symbol("h", positive=True)
n = sp.Symbol("n", positive=True, integer=True)
r = sp.Symbol("r", real=True)  # a real exponent
c = sp.Symbol("c", real=True)
a = sp.Symbol("a", positive=True)
t = sp.Symbol("t")
f, g = sp.Function("f"), sp.Function("g")
SYMS = {"x": x, "h": h, "n": n, "r": r, "c": c, "a": a}
LIM = r"\lim_{h \to 0}"

# Concrete functions on which a step about undefined f and g is checked (SymPy cannot take the limit of f(x + h)).
PAIRS = ({f: sp.Lambda(t, sp.sin(t)), g: sp.Lambda(t, sp.exp(t))},
         {f: sp.Lambda(t, t**3), g: sp.Lambda(t, t**2 + 1)})
POWERS = tuple({n: k} for k in range(1, 7))  # the power rule's steps, checked for n = 1 … 6


def L(e) -> str:
    return sp.latex(e, ln_notation=True)


def _pairs_text(instances, only=None) -> str:
    """The concrete functions a rule's steps are checked with; ``only``: of these unspecified functions."""
    seen = []
    for inst in instances:
        text = ", ".join(rf"{sp.latex(k(x))} = {L(v(x))}" for k, v in inst.items() if only is None or k in only)
        if text not in seen:
            seen.append(text)
    return "; ".join(seen)


def _limits_note(checked_on: str) -> str:
    return (r"SymPy cannot take limits of functions it is not given, so each step is checked with given ones: "
            rf"\({checked_on}\).")


def rule(rid: str, name: str, lhs: str, rhs: str, truth: sp.Expr, words: str, proof: list[Step], *,
         example: tuple[str, str, sp.Expr, sp.Expr], instances=(), note: str = "", uses: str = "") -> dict:
    """A rule: its statement (checked against ``truth``), its derivation (every line checked) and an example."""
    statement = checked(rhs, truth, SYMS, what=f"rule '{name}'")
    lines = prove(proof, SYMS, what=f"rule '{name}'", instances=instances, end=truth)
    ex_lhs, ex_rhs, ex_fun, ex_derivative = example
    checked(ex_rhs, sp.diff(ex_fun, x), SYMS, what=f"rule '{name}', example")
    checked(ex_derivative, ex_fun, SYMS, what=f"rule '{name}', example's function")
    return {"id": rid, "name": name, "lhs": lhs, "rhs": statement, "words": words, "uses": uses,
            "proof": lines, "check_note": note,
            "example": {"function": ex_lhs, "derivative": ex_rhs}}


def rules() -> list[dict]:
    fx, gx = f(x), g(x)
    out = [
        rule("constant-rule", "Constant rule", r"\frac{d}{dx}\left[c\right]", "0", sp.Integer(0),
             "A constant does not change, so its rate of change is zero.",
             [Step(rf"{LIM} \frac{{c - c}}{{h}}", r"The difference quotient of the constant function: both values are \(c\)."),
              Step(rf"{LIM} 0", r"The top is zero for every \(h \ne 0\)."),
              Step("0", "The limit of zero is zero.")],
             example=(r"\frac{d}{dx}\left[42\right]", "0", sp.Integer(42) + 0 * x, "42")),
        rule("power-rule", "Power rule", r"\frac{d}{dx}\left[x^{n}\right]", r"n x^{n-1}", n * x ** (n - 1),
             "Bring the exponent down as a factor and lower the exponent by one. The derivation here is for whole "
             "numbers n = 1, 2, 3, …; further down the rule is extended to every real exponent.",
             [Step(rf"{LIM} \frac{{(x+h)^{{n}} - x^{{n}}}}{{h}}", "Start from the difference quotient."),
              Step(rf"{LIM} \frac{{\sum_{{k=0}}^{{n}} \binom{{n}}{{k}} x^{{n-k}} h^{{k}} - x^{{n}}}}{{h}}",
                   r"Expand \((x + h)^n\) with the binomial theorem."),
              Step(rf"{LIM} \frac{{\sum_{{k=1}}^{{n}} \binom{{n}}{{k}} x^{{n-k}} h^{{k}}}}{{h}}",
                   r"The \(k = 0\) term of the sum is \(x^n\), which cancels."),
              Step(rf"{LIM} \sum_{{k=1}}^{{n}} \binom{{n}}{{k}} x^{{n-k}} h^{{k-1}}",
                   r"Every remaining term has a factor \(h\): cancel it."),
              Step(rf"{LIM} \left(n x^{{n-1}} + \sum_{{k=2}}^{{n}} \binom{{n}}{{k}} x^{{n-k}} h^{{k-1}}\right)",
                   r"Take out the \(k = 1\) term, since \(\binom{n}{1} = n\)."),
              Step(r"n x^{n-1}", r"Every term left in the sum still has a factor \(h\), so it vanishes as \(h \to 0\).")],
             instances=POWERS,
             note=(r"The steps hold for every whole number \(n\); SymPy, which cannot expand \((x + h)^n\) for a "
                   rf"symbolic \(n\), checks each one for \(n = 1, \dots, {len(POWERS)}\)."),
             example=(r"\frac{d}{dx}\left[x^{7}\right]", r"7x^{6}", x**7, "x^{7}")),
        rule("constant-multiple-rule", "Constant multiple rule", r"\frac{d}{dx}\left[c\,f(x)\right]", r"c\,f'(x)",
             c * sp.diff(fx, x),
             "A constant factor stays in front; differentiate what it multiplies.",
             [Step(rf"{LIM} \frac{{c\,f(x+h) - c\,f(x)}}{{h}}", r"The difference quotient of \(c\,f\)."),
              Step(rf"{LIM} c \cdot \frac{{f(x+h) - f(x)}}{{h}}", r"Take the common factor \(c\) out."),
              Step(r"c\,f'(x)", r"What is left under the limit is the difference quotient of \(f\).")],
             instances=PAIRS, note=_limits_note(_pairs_text(PAIRS, only=(f,))),
             example=(r"\frac{d}{dx}\left[5x^{3}\right]", r"15x^{2}", 5 * x**3, "5x^{3}")),
        rule("sum-rule", "Sum rule", r"\frac{d}{dx}\left[f(x) + g(x)\right]", r"f'(x) + g'(x)",
             sp.diff(fx, x) + sp.diff(gx, x),
             "The derivative of a sum is the sum of the derivatives: differentiate term by term.",
             [Step(rf"{LIM} \frac{{f(x+h) + g(x+h) - f(x) - g(x)}}{{h}}", r"The difference quotient of \(f + g\)."),
              Step(rf"{LIM} \left(\frac{{f(x+h) - f(x)}}{{h}} + \frac{{g(x+h) - g(x)}}{{h}}\right)",
                   r"Regroup into the difference quotients of \(f\) and of \(g\)."),
              Step(r"f'(x) + g'(x)", "The limit of a sum is the sum of the limits.")],
             instances=PAIRS, note=_limits_note(_pairs_text(PAIRS)),
             example=(r"\frac{d}{dx}\left[x^{3} + x^{2}\right]", r"3x^{2} + 2x", x**3 + x**2, "x^{3} + x^{2}")),
        rule("product-rule", "Product rule", r"\frac{d}{dx}\left[f(x)\,g(x)\right]", r"f'(x)\,g(x) + f(x)\,g'(x)",
             sp.diff(fx * gx, x),
             "Derivative of the first times the second, plus the first times the derivative of the second.",
             [Step(rf"{LIM} \frac{{f(x+h)\,g(x+h) - f(x)\,g(x)}}{{h}}", r"The difference quotient of \(f g\)."),
              Step(rf"{LIM} \frac{{f(x+h)\,g(x+h) - f(x)\,g(x+h) + f(x)\,g(x+h) - f(x)\,g(x)}}{{h}}",
                   r"Subtract and add \(f(x)\,g(x + h)\): the value does not change."),
              Step(rf"{LIM} \left(\frac{{f(x+h) - f(x)}}{{h}}\,g(x+h) + f(x)\,\frac{{g(x+h) - g(x)}}{{h}}\right)",
                   "Group the four terms in two pairs, each with a difference quotient."),
              Step(r"f'(x)\,g(x) + f(x)\,g'(x)",
                   r"As \(h \to 0\) the quotients become \(f'(x)\) and \(g'(x)\), and \(g(x + h)\) becomes \(g(x)\).")],
             instances=PAIRS, note=_limits_note(_pairs_text(PAIRS)),
             example=(r"\frac{d}{dx}\left[x^{2} e^{x}\right]", r"2x e^{x} + x^{2} e^{x}", x**2 * sp.exp(x),
                      "x^{2} e^{x}")),
        rule("chain-rule", "Chain rule", r"\frac{d}{dx}\left[f(g(x))\right]", r"f'(g(x))\,g'(x)",
             sp.diff(f(gx), x),
             "Derivative of the outer function, taken at the inner one, times the derivative of the inner function.",
             [Step(rf"{LIM} \frac{{f(g(x+h)) - f(g(x))}}{{h}}", r"The difference quotient of \(f(g(x))\)."),
              Step(rf"{LIM} \frac{{f(g(x+h)) - f(g(x))}}{{g(x+h) - g(x)}} \cdot \frac{{g(x+h) - g(x)}}{{h}}",
                   r"Multiply and divide by \(g(x + h) - g(x)\), supposing it is not zero for small \(h\)."),
              Step(r"f'(g(x))\,g'(x)",
                   r"As \(h \to 0\), \(g(x + h) \to g(x)\): the first quotient is the difference quotient of \(f\) at "
                   r"\(g(x)\), the second that of \(g\) at \(x\).")],
             instances=({f: sp.Lambda(t, sp.sin(t)), g: sp.Lambda(t, t**2)},
                        {f: sp.Lambda(t, t**3), g: sp.Lambda(t, 2 * t + 1)}),
             note=_limits_note(r"f(x) = \sin(x), g(x) = x^{2}; f(x) = x^{3}, g(x) = 2x + 1"),
             example=(r"\frac{d}{dx}\left[(x^{2} + 1)^{3}\right]", r"3(x^{2} + 1)^{2} \cdot 2x", (x**2 + 1)**3,
                      "(x^{2} + 1)^{3}")),
        rule("exponential-rule", "Exponential", r"\frac{d}{dx}\left[e^{x}\right]", r"e^{x}", sp.exp(x),
             "eˣ is its own derivative: its slope everywhere equals its height. This is what singles out the "
             "number e: it is the base for which the limit of (eʰ − 1)/h is exactly 1.",
             [Step(rf"{LIM} \frac{{e^{{x+h}} - e^{{x}}}}{{h}}", r"The difference quotient of \(e^x\)."),
              Step(rf"{LIM} e^{{x}} \cdot \frac{{e^{{h}} - 1}}{{h}}", r"\(e^{x+h} = e^x e^h\): take \(e^x\) out."),
              Step(r"e^{x} \cdot 1", r"The limit of \((e^h - 1)/h\) as \(h \to 0\) is 1."),
              Step(r"e^{x}", "")],
             example=(r"\frac{d}{dx}\left[e^{3x}\right]", r"3e^{3x}", sp.exp(3 * x), "e^{3x}"),
             uses="the chain rule in the example"),
        rule("logarithm-rule", "Natural logarithm", r"\frac{d}{dx}\left[\ln x\right]", r"\frac{1}{x}", 1 / x,
             "The slope of ln x is one over x (for x > 0). No new limit is needed: ln x is the inverse of eˣ, "
             "so the exponential and chain rules give it.",
             [Step(r"\frac{e^{\ln x}}{e^{\ln x}} \cdot \frac{d}{dx}\left[\ln x\right]",
                   r"\(e^{\ln x} = x\), so this fraction is 1 times the derivative we want."),
              Step(r"\frac{1}{e^{\ln x}} \cdot \frac{d}{dx}\left[e^{\ln x}\right]",
                   r"Chain rule: the derivative of \(e^{\ln x}\) is \(e^{\ln x}\) times the derivative of \(\ln x\)."),
              Step(r"\frac{1}{x} \cdot \frac{d}{dx}\left[x\right]", r"\(e^{\ln x}\) is \(x\)."),
              Step(r"\frac{1}{x}", r"The derivative of \(x\) is 1 (the power rule with \(n = 1\)).")],
             example=(r"\frac{d}{dx}\left[\ln(x^{2} + 1)\right]", r"\frac{2x}{x^{2} + 1}", sp.log(x**2 + 1),
                      r"\ln(x^{2} + 1)")),
        rule("real-power-rule", "Power rule for every real exponent", r"\frac{d}{dx}\left[x^{r}\right]",
             r"r x^{r-1}", r * x ** (r - 1),
             "For x > 0 the power rule holds for every real exponent r, negative and fractional ones included.",
             [Step(r"\frac{d}{dx}\left[e^{r \ln x}\right]", r"\(x^r = e^{r \ln x}\) for \(x > 0\)."),
              Step(r"e^{r \ln x} \cdot \frac{r}{x}", r"Chain rule: outer \(e^u\), inner \(r \ln x\), whose derivative is \(r/x\)."),
              Step(r"x^{r} \cdot \frac{r}{x}", r"\(e^{r \ln x}\) is \(x^r\) again."),
              Step(r"r x^{r-1}", r"\(x^r/x = x^{r-1}\).")],
             example=(r"\frac{d}{dx}\left[\frac{1}{\sqrt{x}}\right]", r"-\frac{1}{2} x^{-3/2}", 1 / sp.sqrt(x),
                      r"\frac{1}{\sqrt{x}}")),
        rule("exponential-base-a", "Exponential with base a", r"\frac{d}{dx}\left[a^{x}\right]", r"a^{x} \ln a",
             a**x * sp.log(a),
             "aˣ = e^(x ln a), so the chain rule gives aˣ times ln a; a = e gives back eˣ.",
             [Step(r"\frac{d}{dx}\left[e^{x \ln a}\right]", r"\(a^x = e^{x \ln a}\) for \(a > 0\)."),
              Step(r"e^{x \ln a} \cdot \ln a", r"Chain rule: outer \(e^u\), inner \(x \ln a\), whose derivative is \(\ln a\)."),
              Step(r"a^{x} \ln a", r"\(e^{x \ln a}\) is \(a^x\) again.")],
             example=(r"\frac{d}{dx}\left[2^{x}\right]", r"2^{x} \ln 2", 2**x, "2^{x}")),
        rule("quotient-rule", "Quotient rule", r"\frac{d}{dx}\left[\frac{f(x)}{g(x)}\right]",
             r"\frac{f'(x)\,g(x) - f(x)\,g'(x)}{g(x)^{2}}", sp.diff(fx / gx, x),
             "Derivative of the top times the bottom, minus the top times the derivative of the bottom, all over the "
             "bottom squared. It needs no limit of its own: write f/g as f·g⁻¹.",
             [Step(r"\frac{d}{dx}\left[f(x)\,g(x)^{-1}\right]", r"Dividing by \(g\) is multiplying by \(g^{-1}\)."),
              Step(r"f'(x)\,g(x)^{-1} + f(x) \cdot \left(-g(x)^{-2}\,g'(x)\right)",
                   r"Product rule; the derivative of \(g^{-1}\) is \(-g^{-2} g'\) by the chain and power rules."),
              Step(r"\frac{f'(x)\,g(x)}{g(x)^{2}} - \frac{f(x)\,g'(x)}{g(x)^{2}}", r"Write both terms over \(g^2\)."),
              Step(r"\frac{f'(x)\,g(x) - f(x)\,g'(x)}{g(x)^{2}}", "Combine them.")],
             instances=PAIRS,
             note=rf"SymPy checks each step with given functions: \({_pairs_text(PAIRS)}\).",
             example=(r"\frac{d}{dx}\left[\frac{x}{x^{2} + 1}\right]", r"\frac{(x^{2} + 1) - x \cdot 2x}{(x^{2} + 1)^{2}}",
                      x / (x**2 + 1), r"\frac{x}{x^{2} + 1}")),
        rule("sine-rule", "Sine", r"\frac{d}{dx}\left[\sin x\right]", r"\cos x", sp.cos(x),
             "The slope of sin x is cos x (x in radians).",
             [Step(rf"{LIM} \frac{{\sin(x+h) - \sin(x)}}{{h}}", r"The difference quotient of \(\sin x\)."),
              Step(rf"{LIM} \frac{{\sin(x)\cos(h) + \cos(x)\sin(h) - \sin(x)}}{{h}}",
                   r"The addition formula \(\sin(x + h) = \sin x \cos h + \cos x \sin h\)."),
              Step(rf"{LIM} \left(\sin(x) \cdot \frac{{\cos(h) - 1}}{{h}} + \cos(x) \cdot \frac{{\sin(h)}}{{h}}\right)",
                   r"Group the terms with \(\sin x\) and with \(\cos x\)."),
              Step(r"\sin(x) \cdot 0 + \cos(x) \cdot 1", r"As \(h \to 0\), \((\cos h - 1)/h \to 0\) and \((\sin h)/h \to 1\)."),
              Step(r"\cos(x)", "")],
             example=(r"\frac{d}{dx}\left[\sin(2x)\right]", r"2\cos(2x)", sp.sin(2 * x), r"\sin(2x)")),
        rule("cosine-rule", "Cosine", r"\frac{d}{dx}\left[\cos x\right]", r"-\sin x", -sp.sin(x),
             "The slope of cos x is minus sin x (x in radians).",
             [Step(rf"{LIM} \frac{{\cos(x+h) - \cos(x)}}{{h}}", r"The difference quotient of \(\cos x\)."),
              Step(rf"{LIM} \frac{{\cos(x)\cos(h) - \sin(x)\sin(h) - \cos(x)}}{{h}}",
                   r"The addition formula \(\cos(x + h) = \cos x \cos h - \sin x \sin h\)."),
              Step(rf"{LIM} \left(\cos(x) \cdot \frac{{\cos(h) - 1}}{{h}} - \sin(x) \cdot \frac{{\sin(h)}}{{h}}\right)",
                   r"Group the terms with \(\cos x\) and with \(\sin x\)."),
              Step(r"\cos(x) \cdot 0 - \sin(x) \cdot 1", "The same two limits as for the sine."),
              Step(r"-\sin(x)", "")],
             example=(r"\frac{d}{dx}\left[\cos(x^{2})\right]", r"-2x\sin(x^{2})", sp.cos(x**2), r"\cos(x^{2})")),
    ]
    return out


def constant_from_power() -> list[dict]:
    """The constant rule from the power rule with n = 0 and the constant multiple rule (x ≠ 0)."""
    return prove([Step(r"\frac{d}{dx}\left[c \cdot x^{0}\right]", r"For \(x \ne 0\), \(c = c\,x^0\)."),
                  Step(r"c \cdot 0 \cdot x^{-1}", r"Constant multiple rule, then the power rule with \(r = 0\)."),
                  Step("0", "")], SYMS, what="the constant rule from the power rule", end=sp.Integer(0))


def table() -> list[dict]:
    """Standard derivatives, each derived by a rule from earlier ones and checked against sympy.diff."""
    base = {sp.sin(x): sp.cos(x), sp.cos(x): -sp.sin(x), sp.exp(x): sp.exp(x), sp.log(x): 1 / x}
    u = sp.Symbol("u")

    def quotient(p, q):
        return (d(p) * q - p * d(q)) / q**2

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

    entries = [
        (r"\sqrt{x}", r"\frac{1}{2\sqrt{x}}", x ** sp.Rational(1, 2), "power rule, r = 1/2", lambda: d(x ** sp.Rational(1, 2))),
        (r"\frac{1}{x}", r"-\frac{1}{x^{2}}", x**-1, "power rule, r = −1", lambda: d(x**-1)),
        (r"\tan x", r"\frac{1}{\cos^{2} x}", sp.tan(x), "quotient rule on sin x / cos x",
         lambda: quotient(sp.sin(x), sp.cos(x))),
        (r"\frac{1}{\cos x}", r"\frac{\sin x}{\cos^{2} x}", 1 / sp.cos(x), "quotient rule on 1 / cos x",
         lambda: quotient(sp.Integer(1), sp.cos(x))),
        (r"\log_{a} x", r"\frac{1}{x \ln a}", sp.log(x) / sp.log(a), "constant multiple of ln x (log_a x = ln x / ln a)",
         lambda: d(sp.log(x)) / sp.log(a)),
        (r"e^{cx}", r"c\,e^{cx}", sp.exp(c * x), "chain rule, inner cx", lambda: sp.exp(u).subs(u, c * x) * c),
        (r"x \ln x", r"\ln x + 1", x * sp.log(x), "product rule", lambda: d(x**1) * sp.log(x) + x * d(sp.log(x))),
        (r"\sin^{2} x", r"2\sin x \cos x", sp.sin(x)**2, "chain rule, outer u²", lambda: 2 * sp.sin(x) * d(sp.sin(x))),
        (r"\ln(\cos x)", r"-\tan x", sp.log(sp.cos(x)), "chain rule, outer ln u", lambda: d(sp.cos(x)) / sp.cos(x)),
        (r"\frac{1}{1 + e^{-x}}", r"\frac{e^{-x}}{(1 + e^{-x})^{2}}", (1 + sp.exp(-x))**-1,
         "chain rule, outer 1/u, inner 1 + e^(−x) (the logistic function)",
         lambda: -(1 + sp.exp(-x))**-2 * (-sp.exp(-x))),
    ]
    rows = []
    for fun_tex, d_tex, fun, how, derive in entries:
        got = derive()
        truth = sp.diff(fun, x)
        if sp.simplify(got - truth) != 0:
            raise BuildError(f"standard derivative of {fun}: derived {got}, sympy.diff gives {truth}")
        checked(fun_tex, fun, SYMS, what=f"table row {how}")
        rows.append({"function": fun_tex, "derivative": checked(d_tex, truth, SYMS, what=f"table row {how}"),
                     "how": how})
    return rows


def predict() -> dict:
    """The predict-then-check exercise: the sign of d/dx[x² e^(−x)] for large x."""
    fun = x**2 * sp.exp(-x)
    d = sp.diff(fun, x)
    zeros = sorted(z for z in sp.solve(sp.Eq(d, 0), x) if z.is_positive)
    at = zeros[-1] + 3
    return {"derivative": checked(r"x(2 - x)e^{-x}", d, SYMS, what="the predict exercise"),
            "negative_after": float(zeros[-1]), "check_at": float(at), "value_at": float(d.subs(x, at))}


def rules_section(s: Settings, deps: dict) -> dict:
    rs = rules()
    tab = table()
    return {
        "rules": rs,
        "n_rules": len(rs),
        "constant_from_power": constant_from_power(),
        "table": tab,
        "n_table": len(tab),
        "predict": predict(),
        "exercises": exercises.generate("rules", s.exercises.count, s.exercises.seed),
    }
