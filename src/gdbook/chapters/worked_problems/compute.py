"""The notes' three differentiation problems, every step checked by SymPy.

Each problem is a :class:`~gdbook.core.steps.Derivation`: the function as
stated, then the steps the notes take (rewrite, choose a rule, differentiate
each term, combine, simplify).  Where the notes' statement and their working
disagree, both readings are solved.  Every answer is also compared with a
central difference at a few points, and with the answer the notes give.
"""

from __future__ import annotations

import sympy as sp

from gdbook.core import exercises
from gdbook.core.steps import (A, Combine, D, Derivation, Diff, Let, M, P, Rewrite, Terms, equal, fd_table,
                                  tex, value)
from gdbook.core.errors import BuildError
from gdbook.settings import Settings

x = sp.Symbol("x", positive=True)
R = sp.Rational
POWER = "power rule with a constant multiple"


def problems() -> list[dict]:
    """The problems: id, title, the derivation, points for the finite-difference check, the notes' answer."""
    return [
        {
            "id": "diff-1",
            "title": "Problem 1: a polynomial",
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
            "notes_answer": A(2, M(-6, x), M(-15, x**2), M(-32, x**3), M(45, x**4)),
        },
        {
            "id": "diff-2",
            "title": "Problem 2 as stated: + 2x³",
            "derivation": Derivation("diff-2", x, A(D(1, x), D(3, x**2), M(2, x**3)), [
                Rewrite("Rewrite with negative exponents", "Writing 1/xⁿ as x to the power −n lets the power rule "
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
            "notes_answer": A(M(-1, D(1, x**2)), M(-1, D(6, x**3)), M(-1, D(6, x**4))),
        },
        {
            "id": "diff-2-notes",
            "title": "Problem 2 as the notes work it: + 2x⁻³",
            "derivation": Derivation("diff-2-notes", x, A(D(1, x), D(3, x**2), D(2, x**3)), [
                Rewrite("Rewrite with negative exponents", "Writing 1/xⁿ as x to the power −n lets the power rule "
                        "handle every term.", A(P(x, -1), M(3, P(x, -2)), M(2, P(x, -3)))),
                Terms("Differentiate term by term", "Power rule on each term: the exponent comes down as a factor "
                      "and drops by one.", (
                          (P(x, -1), M(-1, P(x, -2)), "power rule"),
                          (M(3, P(x, -2)), M(-6, P(x, -3)), POWER),
                          (M(2, P(x, -3)), M(-6, P(x, -4)), POWER),
                      )),
                Combine("Combine", "Add the derivatives of the terms.", "sum",
                        A(M(-1, P(x, -2)), M(-6, P(x, -3)), M(-6, P(x, -4)))),
                Rewrite("Back to fractions", "The same derivative, with the negative powers written as fractions.",
                        A(M(-1, D(1, x**2)), M(-1, D(6, x**3)), M(-1, D(6, x**4)))),
            ]),
            "points": [0.5, 1.0, 2.0],
            "notes_answer": A(M(-1, D(1, x**2)), M(-1, D(6, x**3)), M(-1, D(6, x**4))),
        },
        {
            "id": "diff-3",
            "title": "Problem 3 as the notes work it: the cube root of 3x² minus 1/√(5x)",
            "derivation": Derivation("diff-3", x, A(sp.root(M(3, x**2), 3, evaluate=False), M(-1, D(1, sp.sqrt(M(5, x), evaluate=False)))), [
                Rewrite("Rewrite the roots as powers", "A cube root is the power 1/3 and one over a square root "
                        "is the power −1/2.", A(P(M(3, x**2), R(1, 3)), M(-1, P(M(5, x), R(-1, 2))))),
                Rewrite("Split the powers of products", "(ab)ⁿ = aⁿbⁿ for positive a and b, so each term becomes "
                        "a constant times a power of x.",
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
            "notes_answer": A(D(M(2, sp.cbrt(3)), M(3, P(x, R(1, 3)))), D(1, M(2, sp.sqrt(5), P(x, R(3, 2))))),
        },
        {
            "id": "diff-3-literal",
            "title": "Problem 3 read literally: the cube root of (3x² − 1), divided by 5x",
            "derivation": Derivation("diff-3-literal", x, D(sp.root(A(M(3, x**2), -1), 3, evaluate=False), M(5, x)), [
                Let("Name the top and the bottom", "A quotient: call the top f and the bottom g.",
                    (("f", P(A(M(3, x**2), -1), R(1, 3))), ("g", M(5, x))),
                    outer=D(sp.Symbol("f"), sp.Symbol("g"))),
                Diff("Differentiate the top (chain rule)", "Outer function: the power 1/3; inner function: "
                     "3x² − 1, whose derivative is 6x.", "f",
                     M(R(1, 3), P(A(M(3, x**2), -1), R(-2, 3)), M(6, x))),
                Diff("Differentiate the bottom", "A constant times x.", "g", 5),
                Combine("Quotient rule", "Bottom times the derivative of the top, minus top times the derivative "
                        "of the bottom, all over the bottom squared.", "quotient",
                        D(A(M(M(5, x), M(2, x), P(A(M(3, x**2), -1), R(-2, 3))), M(-5, P(A(M(3, x**2), -1), R(1, 3)))),
                          P(M(5, x), 2))),
                Rewrite("Clear the negative power", "Multiply top and bottom by the power of (3x² − 1) that clears the negative exponent.",
                        D(A(M(10, x**2), M(-5, A(M(3, x**2), -1))), M(25, x**2, P(A(M(3, x**2), -1), R(2, 3))))),
                Rewrite("Simplify", "Expand the top and cancel the common factor 5.",
                        D(A(1, M(-1, x**2)), M(5, x**2, P(A(M(3, x**2), -1), R(2, 3))))),
            ]),
            "points": [1.0, 1.5, 2.0],
            "notes_answer": None,  # the notes never solve this reading
        },
    ]


def solve(problem: dict, settings: Settings) -> dict:
    d: Derivation = problem["derivation"]
    out = d.run()
    answer = sp.sympify(out["answer"], locals={"x": x})
    table = fd_table(d.function, answer, x, problem["points"],
                     settings.check.h, settings.check.rel_tol, problem["id"])
    notes = problem["notes_answer"]
    out.update({
        "id": problem["id"],
        "title": problem["title"],
        "function_str": str(value(d.function)),
        "fd": table,
        "max_fd_error": max(r["error"] for r in table),
        "notes_answer": None if notes is None else tex(notes),
        "notes_right": None if notes is None else bool(equal(notes, answer)),
        "n_steps": len(out["steps"]),
    })
    return out


def worked_problems_section(s: Settings, deps: dict) -> dict:
    probs = problems()  # looked up at call time: a test may inject a wrong step
    solved = {p["id"]: solve(p, s) for p in probs}
    ns = sp.Symbol("n", positive=True)
    wrong = M(ns, P(x, -ns - 1))  # what the notes write for d/dx x^(-n)
    right = M(-1, ns, P(x, -ns - 1))
    if equal(wrong, sp.diff(x**-ns, x)) or not equal(right, sp.diff(x**-ns, x)):
        raise BuildError("the power rule for negative exponents: expected the notes' sign to be wrong")
    wrong_rule, right_rule = tex(wrong), tex(right)
    p2, p2n, p3, p3l = solved["diff-2"], solved["diff-2-notes"], solved["diff-3"], solved["diff-3-literal"]
    if p2["notes_right"] or not p2n["notes_right"]:
        raise BuildError("problem 2: expected the notes' answer to fit the rewritten version (+2x^-3) only")
    errata = [
        {
            "title": "Power rule for negative exponents has the wrong sign",
            "where": "Part 1 c, Problem 2, step 2",
            "notes": r"\(\frac{d}{dx}\left[x^{-n}\right] = n x^{-n-1}\)",
            "correct": rf"\(\frac{{d}}{{dx}}\left[x^{{-n}}\right] = {right_rule}\)",
            "explanation": "The exponent −n comes down as the factor, with its minus sign. The notes' worked lines "
                           "do use the right sign (−1, −2, −3), so only the stated rule is wrong.",
            "link": "../part1/worked-problems.md#diff-2", "link_text": "Worked problems: problem 2",
        },
        {
            "title": "Problem 2: the statement and the working differ",
            "where": "Part 1 c, Problem 2",
            "notes": r"States \(y = 1/x + 3/x^2 + 2x^3\) and rewrites it as \(x^{-1} + 3x^{-2} + 2x^{-3}\).",
            "correct": rf"As stated, \(\frac{{dy}}{{dx}} = {p2['answer_latex']}\); as rewritten, "
                       rf"\(\frac{{dy}}{{dx}} = {p2n['answer_latex']}\).",
            "explanation": "The notes' answer is right for the rewritten function and wrong for the stated one. "
                           "The book solves both.",
            "link": "../part1/worked-problems.md#diff-2", "link_text": "Worked problems: problem 2",
        },
        {
            "title": "Problem 3: the statement is garbled",
            "where": "Part 1 c, Problem 3",
            "notes": r"States \(y = \sqrt[3]{(3x^2)-1}/5x\) but works with \(y = (3x^2)^{1/3} - 1/(5x)^{1/2}\).",
            "correct": rf"Read as the notes work it, \(\frac{{dy}}{{dx}} = {p3['answer_latex']}\); read literally, "
                       rf"\(y = {p3l['function']}\) and \(\frac{{dy}}{{dx}} = {p3l['answer_latex']}\).",
            "explanation": "The working has no square root in the statement and drops the \"− 1\" inside the cube root; "
                           "the two readings are different functions with different derivatives. The book solves both.",
            "link": "../part1/worked-problems.md#diff-3", "link_text": "Worked problems: problem 3",
        },
        {
            "title": "Problem 3: a double negative in the exponents",
            "where": "Part 1 c, Problem 3, step 1 (third line)",
            "notes": r"\(y = 3^{1/3} x^{2/3} - 5^{-(-1/2)} \cdot x^{-(-1/2)}\)",
            "correct": rf"\(y = {tex(next(p for p in probs if p['id'] == 'diff-3')['derivation'].steps[1].expr)}\)",
            "explanation": "−(−1/2) is +1/2, which would put √5·√x on top. One over √(5x) is 5 to the −1/2 times "
                           "x to the −1/2; the notes' next line has it right again.",
            "link": "../part1/worked-problems.md#diff-3", "link_text": "Worked problems: problem 3",
        },
    ]
    return {
        "problems": solved,
        "order": list(solved),
        "wrong_power_rule": wrong_rule,
        "right_power_rule": right_rule,
        "literal_domain": sp.latex(sp.sqrt(3) / 3),
        "h": s.check.h,
        "rel_tol": s.check.rel_tol,
        "errata": errata,
        "exercises": exercises.generate("worked", s.exercises.count, s.exercises.seed),
    }
