"""Chapter 1: tangent slopes, the one-parameter loss and the secant limit."""

from __future__ import annotations

import pytest

from gdbook.chapters.derivative import compute as derivative
from gdbook.chapters.derivative import figures as figs
from gdbook.settings import Settings


@pytest.fixture(scope="module")
def section():
    return derivative.derivative_section(Settings(), {})


def test_tangents_have_the_three_signs(section):
    ts = section["curve"]["tangents"]
    assert [t["sign"] for t in ts] == ["negative", "zero", "positive"]
    assert ts[0]["slope"] < 0 and ts[1]["slope"] == 0 and ts[2]["slope"] > 0


def test_secant_slopes_converge_linearly(section):
    rows = section["secant"]["rows"]
    errs = [abs(r["error"]) for r in rows]
    assert all(b < a for a, b in zip(errs, errs[1:]))
    assert errs[-1] < 1e-3
    # forward difference: error ≈ C·h, so error/h settles to a constant
    ratios = [r["error"] / r["h"] for r in rows[2:]]
    assert max(ratios) / min(ratios) < 1.1


def test_loss_tangents_say_which_way_to_move(section):
    pts = section["loss"]["points"]
    assert [p["move"] for p in pts] == ["increase w", "stay", "decrease w"]
    for p in pts:
        assert abs(p["slope"] - p["fd"]) < 1e-5
    assert section["loss"]["steeper_right"] == (abs(pts[2]["slope"]) > abs(pts[0]["slope"]))
    assert pts[1]["loss"] == pytest.approx(section["loss"]["min_loss"])


def test_alt_texts_come_from_the_data(section):
    r = {"derivative": section}
    assert "−1" in figs.tangents_alt(r) and "slope" in figs.tangents_alt(r)
    assert "parabola" in figs.loss_alt(r)
    assert "h = 0.5" in figs.secants_alt(r) and "h = 0.25" in figs.secants_alt(r)


def test_the_derivation_from_the_definition_is_checked_line_by_line(monkeypatch):
    from gdbook.core import proof
    from gdbook.core.errors import BuildError

    lines = derivative.curve_derivation()["lines"]
    assert len(lines) == 5 and all(line["tex"] for line in lines)
    real = proof.prove

    def broken(steps, *args, **kwargs):  # a wrong expansion: 3xh² written as 3xh
        steps = [proof.Step(s.tex.replace("3xh^{2}", "3xh"), s.why) for s in steps]
        return real(steps, *args, **kwargs)

    monkeypatch.setattr(derivative, "prove", broken)
    with pytest.raises(BuildError, match=r"the derivative of x³/3 − x, step 2"):
        derivative.curve_derivation()


def test_exercises_use_only_the_definition(section):
    for e in section["exercises"]:
        # the two values of f, then the limit of the difference quotient: no rule of differentiation
        assert e["steps"][0].startswith("f(") and r"\lim_{h \to 0}" in e["steps"][2]
        assert "power rule" not in " ".join(e["steps"])


def test_figures_have_light_and_dark(built_site):
    for name in ("derivative-tangents", "derivative-loss", "derivative-secants", "partial-derivatives-gradient", "partial-derivatives-slice"):
        for variant in ("light", "dark", "light-phone", "dark-phone"):
            assert (built_site / "img" / f"{name}-{variant}.svg").is_file()
    html = (built_site / "part1" / "derivative.html").read_text(encoding="utf-8")
    assert '<picture class="gd-light">' in html and '<picture class="gd-dark">' in html
