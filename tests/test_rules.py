"""Chapter 2: rules of differentiation, their SymPy proofs and the table of standard derivatives."""

from __future__ import annotations

import pytest
import sympy as sp

from gdbook.chapters.rules import compute as rules
from gdbook.core.errors import BuildError
from gdbook.settings import Settings


@pytest.fixture(scope="module")
def section():
    return rules.rules_section(Settings(), {})


def test_every_rule_is_derived_step_by_step(section):
    ids = [r["id"] for r in section["rules"]]
    for rid in ("power-rule", "constant-rule", "constant-multiple-rule", "sum-rule", "product-rule", "quotient-rule",
                "chain-rule", "exponential-rule", "logarithm-rule", "real-power-rule", "exponential-base-a",
                "sine-rule", "cosine-rule"):
        assert rid in ids
    for r in section["rules"]:
        assert len(r["proof"]) >= 3 and r["words"] and r["example"]["derivative"]
        # no step repeats the line before it: each is a different piece of text SymPy read on its own
        assert all(a["tex"] != b["tex"] for a, b in zip(r["proof"], r["proof"][1:]))
    quotient = next(r for r in section["rules"] if r["id"] == "quotient-rule")
    assert quotient["rhs"] == r"\frac{f'(x)\,g(x) - f(x)\,g'(x)}{g(x)^{2}}"


def _broken_rules(monkeypatch, find: str, replace: str):
    real = rules.prove

    def broken(steps, *args, **kwargs):
        return real([rules.Step(s.tex.replace(find, replace), s.why) for s in steps], *args, **kwargs)

    monkeypatch.setattr(rules, "prove", broken)


@pytest.mark.parametrize("find,replace,rule,step", [
    # the chain rule's key step: multiply and divide by g(x+h) − g(x); dividing by h twice is wrong
    (r"\cdot \frac{g(x+h) - g(x)}{h}", r"\cdot \frac{g(x+h) - g(x)}{h^{2}}", "Chain rule", 2),
    # the binomial theorem with a wrong power of h
    (r"x^{n-k} h^{k} - x^{n}", r"x^{n-k} h^{k+1} - x^{n}", "Power rule", 2),
    # the product rule's add-and-subtract with a wrong sign
    (r"- f(x)\,g(x+h) + f(x)\,g(x+h)", r"- f(x)\,g(x+h) - f(x)\,g(x+h)", "Product rule", 2),
    # the sine's addition formula with the wrong sign
    (r"\sin(x)\cos(h) + \cos(x)\sin(h)", r"\sin(x)\cos(h) - \cos(x)\sin(h)", "Sine", 2),
])
def test_a_wrong_step_fails_the_build(monkeypatch, find, replace, rule, step):
    _broken_rules(monkeypatch, find, replace)
    with pytest.raises(BuildError, match=rf"rule '{rule}', step {step}"):
        rules.rules()


def test_a_wrong_statement_or_example_fails():
    with pytest.raises(BuildError, match="rule 'x'"):
        rules.rule("x", "x", "", r"-f'(x)\,g(x) + f(x)\,g'(x)", sp.diff(rules.f(rules.x) / rules.g(rules.x), rules.x),
                   "", [rules.Step("0"), rules.Step("0")], example=("", "1", rules.x, "x"))
    with pytest.raises(BuildError, match="example"):
        rules.rule("x", "x", "", "0", sp.Integer(0), "", [rules.Step(r"\lim_{h \to 0} 0"), rules.Step("0")],
                   example=("", "3x^{3}", rules.x**3, "x^{3}"))


def test_table_rows_agree_with_sympy(section):
    assert len(section["table"]) >= 10
    assert "quotient" in " ".join(t["how"] for t in section["table"])


def test_rules_page(built_site, results):
    html = (built_site / "part1" / "rules.html").read_text(encoding="utf-8")
    for r in results["rules"]["rules"]:
        assert f'id="{r["id"]}"' in html
    assert 'id="how-many-rules-do-you-need"' in html
    assert "Not in the original notes" not in html
