"""Chapter 4: partial derivatives, the gradient and the MSE bridge to Part 2."""

from __future__ import annotations

import dataclasses

import pytest

from gdbook.chapters.partial_derivatives import compute as pdm
from gdbook.core.steps import A, M
from gdbook.core.errors import BuildError
from gdbook.settings import Settings


@pytest.fixture(scope="module")
def section():
    return pdm.partial_derivatives_section(Settings(), {})


def test_three_problems_in_both_variables(section):
    assert list(section["problems"]) == ["partial-1", "partial-2", "partial-3"]
    for p in section["problems"].values():
        for v in ("x", "y"):
            assert p["by"][v]["steps"]
            assert all(r["error"] < 1e-5 for r in p["by"][v]["fd"])


def test_a_wrong_partial_step_fails(monkeypatch):
    probs = pdm.problems()
    st = list(probs[0]["by"]["y"])
    st[2] = dataclasses.replace(st[2], expr=A(M(-3, pdm.x), M(4, pdm.y)))  # 8y halved
    probs[0]["by"]["y"] = st
    monkeypatch.setattr(pdm, "problems", lambda: probs)
    with pytest.raises(BuildError, match=r"problem 'partial-1', step 3 \('Simplify'\)"):
        pdm.partial_derivatives_section(Settings(), {})


def test_mse_gradient_matches_the_model(section):
    m = section["mse"]
    assert m["max_diff"] < 1e-12 * m["scale"]
    assert m["dw_value"] == pytest.approx(m["dw_model"])


def test_gradient_point_and_slice(section):
    pt = section["point"]
    assert section["slice"]["slope"] == pytest.approx(pt["dzdx"])
    assert section["_surface"]["U"].shape == section["_surface"]["QX"].shape
    assert pt["grad_latex"] == r"\left(1, 5\right)" and pt["norm_latex"] == r"\sqrt{26}"


def test_exercise_gradients_are_exact_not_floats():
    from gdbook.core import exercises

    for e in exercises.generate("partial", 12, 2024):
        assert "." not in e["answer"], e["answer"]  # exact: integers, fractions, e^…, never a decimal
    # the audited case: z = e^(ax + by) + cxy has a gradient with e⁵ in it, printed as such
    tex = [e["answer"] for e in exercises.generate("partial", 12, 2024) if "e^" in e["answer"]]
    assert tex and all("238" not in t for t in tex)


def test_partial_page_links_to_part2(built_site):
    html = (built_site / "part1" / "partial-derivatives.html").read_text(encoding="utf-8")
    assert "model-and-loss.html" in html
