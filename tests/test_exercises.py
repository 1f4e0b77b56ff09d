"""The seeded exercise generator: count, reproducibility, distinctness, checked solutions."""

from __future__ import annotations

import pytest
import sympy as sp

from gdbook.core import exercises
from gdbook.core.errors import BuildError

KINDS = list(exercises.MAKERS)


@pytest.mark.parametrize("kind", KINDS)
def test_count_distinct_and_reproducible(kind):
    a = exercises.generate(kind, 12, 7)
    assert [e["n"] for e in a] == list(range(1, 13))
    assert len({e["question"] for e in a}) == 12
    assert a == exercises.generate(kind, 12, 7)
    assert a != exercises.generate(kind, 12, 8)
    for e in a:
        assert e["steps"] and e["answer"]


def test_a_wrong_solution_fails():
    x = exercises.x
    with pytest.raises(BuildError, match="is not d/dx"):
        exercises._check("rules", 3, sp.sin(x) * x, x, sp.cos(x), {x: 1})
    exercises._check("rules", 3, sp.sin(x) * x, x, sp.sin(x) + x * sp.cos(x), {x: 1})


def test_unknown_kind():
    with pytest.raises(BuildError, match="unknown exercise kind"):
        exercises.generate("nope", 3, 1)


def test_every_chapter_page_has_its_exercises(results, built_site):
    for key, page in (("derivative", "derivative"), ("rules", "rules"), ("worked_problems", "worked-problems"),
                      ("partial_derivatives", "partial-derivatives")):
        ex = results[key]["exercises"]
        assert len(ex) == results["settings"]["exercises"]["count"] >= 3
        html = (built_site / "part1" / f"{page}.html").read_text(encoding="utf-8")
        assert html.count("<details class=\"success\"") >= len(ex), page
        assert f"Exercise {len(ex)}." in html
