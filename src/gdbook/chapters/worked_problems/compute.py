"""Four worked differentiation problems, every step checked by SymPy.

Each problem is a :class:`~gdbook.core.steps.Derivation`: the function as
stated, then the steps of the routine (rewrite, choose a rule, differentiate
each term, combine, simplify), each checked.  Every answer is also compared
with a symmetric difference quotient at a few points.
"""

from __future__ import annotations

import sympy as sp

from gdbook.core import exercises, fmt
from gdbook.core.steps import (A, Combine, D, Derivation, Diff, Let, M, P, Rewrite, Terms, equal, fd_table,
                                  tex, value)
from gdbook.core.errors import BuildError
from gdbook.core.formula import checked
from gdbook.settings import Settings

x = sp.Symbol("x", positive=True)
R = sp.Rational
POWER = "power rule with a constant multiple"


def problems() -> list[dict]:
    """The problems: id, title, the derivation, and the points of the numerical check."""
    return [
        {
            "id": "diff-1",
            "title": "Problem 1: a polynomial", "ask": "Differentiate",
            "derivation": Derivation("diff-1", x, A(4, M(2, x), M(-3, x**2), M(-5, x**3), M(-8, x**4), M(9, x**5)), [
                Terms("Differentiate term by term", "The sum rule lets us differentiate each term on its own. "
                      "A constant has derivative zero; each power of x loses one from its exponent, "
                      "which comes down as a factor (the constant in front stays).", (
                          (4, 0, "constant rule"),
                          (M(2, x), 2, POWER),
                          (M(-3, x**2), M(-6, x), POWER),
                          (M(-5, x**3), M(-15, x**2), POWER),
                          (M(-8, x**4), M(-32, x**3), POWER),
                          (M(9, x**5), M(45, x**4), POWER),
                      )),
                Combine("Combine", "Add the derivatives of the terms.", "sum",
                        A(2, M(-6, x), M(-15, x**2), M(-32, x**3), M(45, x**4))),
            ]),
            "points": [-1.0, 0.5, 1.5],
        },
        {
            "id": "diff-2",
            "title": "Problem 2: negative powers", "ask": "Differentiate",
            "derivation": Derivation("diff-2", x, A(D(1, x), D(3, x**2), M(2, x**3)), [
                Rewrite("Rewrite with negative exponents", r"Writing \(1/x^n\) as \(x^{-n}\) lets the power rule "
                        "handle every term.", A(P(x, -1), M(3, P(x, -2)), M(2, x**3))),
                Terms("Differentiate term by term", "Power rule on each term: the exponent comes down as a factor "
                      "and drops by one, negative exponents included.", (
                          (P(x, -1), M(-1, P(x, -2)), "power rule"),
                          (M(3, P(x, -2)), M(-6, P(x, -3)), POWER),
                          (M(2, x**3), M(6, x**2), POWER),
                      )),
                Combine("Combine", "Add the derivatives of the terms.", "sum",
                        A(M(-1, P(x, -2)), M(-6, P(x, -3)), M(6, x**2))),
                Rewrite("Back to fractions", "The same derivative, with the negative powers written as fractions.",
                        A(M(-1, D(1, x**2)), M(-1, D(6, x**3)), M(6, x**2))),
            ]),
            "points": [0.5, 1.0, 2.0],
        },
        {
            "id": "diff-3",
            "title": "Problem 3: roots as powers", "ask": "Differentiate, for x > 0,",
            "derivation": Derivation("diff-3", x, A(sp.root(M(3, x**2), 3, evaluate=False), M(-1, D(1, sp.sqrt(M(5, x), evaluate=False)))), [
                Rewrite("Rewrite the roots as powers", "A cube root is the power 1/3 and one over a square root "
                        "is the power −1/2.", A(P(M(3, x**2), R(1, 3)), M(-1, P(M(5, x), R(-1, 2))))),
                Rewrite("Split the powers of products", r"\((ab)^n = a^n b^n\) for positive \(a\) and \(b\), so each term becomes "
                        r"a constant times a power of \(x\).",
                        A(M(P(3, R(1, 3)), P(x, R(2, 3))), M(-1, P(5, R(-1, 2)), P(x, R(-1, 2))))),
                Terms("Differentiate term by term", "Power rule with fractional exponents: 2/3 comes down and "
                      "drops to −1/3; −1/2 comes down and drops to −3/2.", (
                          (M(P(3, R(1, 3)), P(x, R(2, 3))), M(R(2, 3), P(3, R(1, 3)), P(x, R(-1, 3))), POWER),
                          (M(-1, P(5, R(-1, 2)), P(x, R(-1, 2))), M(R(1, 2), P(5, R(-1, 2)), P(x, R(-3, 2))), POWER),
                      )),
                Combine("Combine", "Add the derivatives of the terms.", "sum",
                        A(M(R(2, 3), P(3, R(1, 3)), P(x, R(-1, 3))), M(R(1, 2), P(5, R(-1, 2)), P(x, R(-3, 2))))),
                Rewrite("Write with roots", "The same derivative with the powers written as roots and fractions.",
                        A(D(M(2, sp.cbrt(3)), M(3, sp.cbrt(x))), D(1, M(2, sp.sqrt(5), x**R(3, 2))))),
            ]),
            "points": [0.5, 1.0, 2.0],
        },
        {
            "id": "diff-4",
            "title": "Problem 4: a quotient with a root inside", "ask": "Differentiate",
            "derivation": Derivation("diff-4", x, D(sp.root(A(M(3, x**2), -1), 3, evaluate=False), M(5, x)), [
                Let("Name the top and the bottom", "A quotient: call the top f and the bottom g.",
                    (("f", P(A(M(3, x**2), -1), R(1, 3))), ("g", M(5, x))),
                    outer=D(sp.Symbol("f"), sp.Symbol("g"))),
                Diff("Differentiate the top (chain rule)", "Outer function: the power 1/3; inner function: "
                     r"\(3x^2 - 1\), whose derivative is \(6x\).", "f",
                     M(R(1, 3), P(A(M(3, x**2), -1), R(-2, 3)), M(6, x))),
                Diff("Differentiate the bottom", "A constant times x.", "g", 5),
                Combine("Quotient rule", "Bottom times the derivative of the top, minus top times the derivative "
                        "of the bottom, all over the bottom squared.", "quotient",
                        D(A(M(M(5, x), M(2, x), P(A(M(3, x**2), -1), R(-2, 3))), M(-5, P(A(M(3, x**2), -1), R(1, 3)))),
                          P(M(5, x), 2))),
                Rewrite("Clear the negative power", r"Multiply top and bottom by \((3x^2 - 1)^{2/3}\), which clears the negative exponent.",
                        D(A(M(10, x**2), M(-5, A(M(3, x**2), -1))), M(25, x**2, P(A(M(3, x**2), -1), R(2, 3))))),
                Rewrite("Simplify", "Expand the top and cancel the common factor 5.",
                        D(A(1, M(-1, x**2)), M(5, x**2, P(A(M(3, x**2), -1), R(2, 3))))),
            ]),
            "points": [-1.5, 1.0, 2.0],  # both signs: y is odd
        },
    ]


def solve(problem: dict, settings: Settings) -> dict:
    d: Derivation = problem["derivation"]
    out = d.run()
    answer = sp.sympify(out["answer"], locals={"x": x})
    table = fd_table(d.function, answer, x, problem["points"],
                     settings.check.h, settings.check.rel_tol, problem["id"])
    out.update({
        "id": problem["id"],
        "title": problem["title"],
        "ask": problem["ask"],
        "function_str": str(value(d.function)),
        "fd": table,
        "at_decimals": fmt.decimals([r["at"] for r in table]),  # one number of decimals down the x column
        "max_fd_error": max(r["error"] for r in table),
        "n_steps": len(out["steps"]),
    })
    return out


def worked_problems_section(s: Settings, deps: dict) -> dict:
    probs = problems()  # looked up at call time: a test may inject a wrong step
    solved = {p["id"]: solve(p, s) for p in probs}
    # Problem 4 needs 3x² − 1 ≠ 0: its derivative has (3x² − 1)^(2/3) below the line.
    edge = sp.solve(sp.Eq(3 * sp.Symbol("t")**2 - 1, 0))
    edge = max(edge)
    if not equal(edge, sp.sqrt(3) / 3):
        raise BuildError(f"problem 4: 3x² − 1 = 0 at x = ±{edge}, expected ±√3/3")
    return {
        "problems": solved,
        "order": list(solved),
        "edge_latex": checked(r"\frac{\sqrt{3}}{3}", edge),
        "edge": float(edge),
        "negative_power_rule": checked(r"-n x^{-n-1}", sp.diff(x ** -sp.Symbol("n", positive=True), x),
                                       {"x": x, "n": sp.Symbol("n", positive=True)}, what="the power rule for x^(-n)"),
        "fd_points_outside": all(abs(r["at"]) > float(edge) for r in solved["diff-4"]["fd"]),
        "h": s.check.h,
        "rel_tol": s.check.rel_tol,
        "exercises": exercises.generate("worked", s.exercises.count, s.exercises.seed),
    }
