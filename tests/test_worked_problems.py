"""Chapter 3 (worked problems), and every answer of Part 1 checked again: by SymPy from its function string, and by central differences."""

from __future__ import annotations

import dataclasses
import math
import re

import pytest
import sympy as sp

from gdbook.chapters.partial_derivatives import compute as partial_derivatives
from gdbook.chapters.worked_problems import compute as worked_problems
from gdbook.core import steps
from gdbook.core.steps import M, P
from gdbook.core.errors import BuildError
from gdbook.settings import Settings

IDS = ["diff-1", "diff-2", "diff-3", "diff-4", "partial-1", "partial-2", "partial-3"]
POINTS = [0.7, 1.3, 2.1]  # inside every domain (diff-4 needs 3x² ≠ 1)
H = 1e-6


def every_problem(wp: dict, pd: dict) -> dict:
    """Every problem of Part 1 by id: function, variables and answer (as the two chapters publish them)."""
    out: dict = {}
    for pid, p in wp["problems"].items():
        out[pid] = {"function": p["function_str"], "variables": ["x"], "answer": p["answer"],
                    "latex": p["answer_latex"]}
    for pid, p in pd["problems"].items():
        out[pid] = {"function": p["function_str"], "variables": ["x", "y"],
                    "answer": {v: p["by"][v]["answer"] for v in ("x", "y")},
                    "latex": {v: p["by"][v]["answer_latex"] for v in ("x", "y")}}
    return out


@pytest.fixture(scope="module")
def computed() -> dict:
    s = Settings()
    return every_problem(worked_problems.worked_problems_section(s, {}),
                         partial_derivatives.partial_derivatives_section(s, {}))


def _with_step(pid: str, index: int, new_step) -> list[dict]:
    probs = worked_problems.problems()
    for p in probs:
        if p["id"] == pid:
            d = p["derivation"]
            st = list(d.steps)
            st[index] = new_step(st[index])
            p["derivation"] = dataclasses.replace(d, steps=st)
    return probs


@pytest.mark.parametrize("pid,index,mutate,title", [
    # a wrong term derivative: d/dx[2x^3] claimed to be 6x^3
    ("diff-2", 1, lambda t: dataclasses.replace(t, terms=t.terms[:2] + ((M(2, worked_problems.x**3), M(6, worked_problems.x**3), "power rule"),)), "Differentiate term by term"),
    # a wrong rewrite: +2x^3 silently turned into +2x^-3
    ("diff-2", 0, lambda t: dataclasses.replace(t, expr=t.expr.func(*t.expr.args[:2], M(2, P(worked_problems.x, -3)), evaluate=False)), "Rewrite with negative exponents"),
    # a wrong combination: a sign dropped
    ("diff-1", 1, lambda t: dataclasses.replace(t, expr=t.expr + 12 * worked_problems.x), "Combine"),
    # a wrong simplification at the end
    ("diff-4", 5, lambda t: dataclasses.replace(t, expr=t.expr * 2), "Simplify"),
])
def test_a_wrong_step_fails_the_build_naming_problem_and_step(monkeypatch, pid, index, mutate, title):
    probs = _with_step(pid, index, mutate)
    monkeypatch.setattr(worked_problems, "problems", lambda: probs)
    with pytest.raises(BuildError) as e:
        worked_problems.worked_problems_section(Settings(), {})
    msg = str(e.value)
    assert f"problem '{pid}'" in msg and f"step {index + 1} ('{title}')" in msg, msg


def test_unmodified_problems_build():
    out = worked_problems.worked_problems_section(Settings(), {})
    assert list(out["problems"]) == IDS[:4]
    for p in out["problems"].values():
        assert p["n_steps"] >= 2 and p["max_fd_error"] < 1e-5


def test_problem_4_domain_and_points():
    out = worked_problems.worked_problems_section(Settings(), {})
    assert out["edge"] == pytest.approx(3 ** 0.5 / 3)
    assert out["fd_points_outside"] and min(r["at"] for r in out["problems"]["diff-4"]["fd"]) < 0


def _check_entry(pid: str, e: dict, positive: bool) -> None:
    names = e["variables"]
    syms = {v: sp.Symbol(v, positive=True) if positive else sp.Symbol(v) for v in names}
    f = sp.sympify(e["function"], locals=syms)
    answers = e["answer"] if isinstance(e["answer"], dict) else {names[0]: e["answer"]}
    assert set(answers) == set(names), pid
    for v, a in answers.items():
        ans = sp.sympify(a, locals=syms)
        assert sp.simplify(sp.diff(f, syms[v]) - ans) == 0, (pid, v)
        for px in POINTS:
            at = {syms[n]: px + 0.4 * k for k, n in enumerate(names)}
            g = sp.lambdify(syms[v], f.subs({s: val for s, val in at.items() if s != syms[v]}), "math")
            fd = (g(at[syms[v]] + H) - g(at[syms[v]] - H)) / (2 * H)
            exact = float(ans.subs(at))
            assert math.isclose(fd, exact, rel_tol=1e-6, abs_tol=1e-6), (pid, v, px, fd, exact)


@pytest.mark.parametrize("positive", [False, True])
def test_every_derivatives_entry_computed(computed, positive):
    assert list(computed) == IDS
    for pid, e in computed.items():
        assert isinstance(e["latex"], (str, dict)) and e["latex"]
        _check_entry(pid, e, positive)


def test_every_derivatives_entry_in_results_json(results):
    d = every_problem(results["worked_problems"], results["partial_derivatives"])
    assert sorted(d) == sorted(IDS)
    for pid, e in d.items():
        _check_entry(pid, e, positive=False)


def test_each_answer_sits_in_its_element_with_katex(built_site):
    for page, ids in (("part1/worked-problems.html", IDS[:4]), ("part1/partial-derivatives.html", IDS[4:])):
        html = (built_site / page).read_text(encoding="utf-8")
        for pid in ids:
            # a folded box (the reader opens it after trying the problem)
            m = re.search(rf'<details[^>]*id="answer-{pid}"[^>]*>(.*?)</details>', html, re.S)
            assert m, f"no element with id answer-{pid} in {page}"
            inner = m.group(1)
            assert 'class="katex"' in inner, f"answer-{pid} holds no math"


def test_worked_problems_page_shows_steps_and_checks(built_site, results):
    html = (built_site / "part1" / "worked-problems.html").read_text(encoding="utf-8")
    for p in results["worked_problems"]["problems"].values():
        for s in p["steps"]:
            assert f"Step {s['n']}: {s['title']}" in html
    assert html.count("symmetric difference quotient") >= 4
    assert "as the notes" not in html and "Problem 2 as" not in html
