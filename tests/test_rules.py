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


def test_every_rule_of_the_notes_and_the_added_ones(section):
    ids = {r["id"] for r in section["rules"]}
    for rid in ("power-rule", "constant-rule", "constant-multiple-rule", "sum-rule", "product-rule", "quotient-rule",
                "chain-rule", "exponential-rule", "logarithm-rule", "exponential-base-a", "sine-rule", "cosine-rule"):
        assert rid in ids
    assert section["n_in_notes"] == 8
    for r in section["rules"]:
        assert r["proof"]["kind"] in ("identity", "limit") and r["proof"]["latex"]
        assert r["words"] and r["example"]["derivative"]


def test_a_false_identity_or_limit_fails():
    x, h = rules.x, rules.h
    with pytest.raises(BuildError, match="identity does not hold"):
        rules._identity("product", (rules.Fh * rules.Gh - rules.F * rules.G) / h, (rules.Fh - rules.F) / h * rules.G)
    with pytest.raises(BuildError, match="limit of the difference quotient"):
        rules._limit("sine", sp.sin(x), -sp.cos(x))
    with pytest.raises(BuildError, match="worked example"):
        rules._example("power", x**3, 3 * x**3)


def test_table_rows_agree_with_sympy(section):
    assert len(section["table"]) >= 10
    assert "quotient" in " ".join(t["how"] for t in section["table"])


def test_rules_page(built_site, results):
    html = (built_site / "part1" / "rules.html").read_text(encoding="utf-8")
    for r in results["rules"]["rules"]:
        assert f'id="{r["id"]}"' in html
    assert 'id="how-many-formulas-are-there"' in html
