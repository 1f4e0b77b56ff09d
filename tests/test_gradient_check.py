"""Gradient verification: the check is right, enforced where it means something, and able to fail."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from gdbook.chapters.gradient_check import compute as gc
from gdbook.core import gradcheck
from gdbook.core.data import make_dataset
from gdbook.core.errors import BuildError
from gdbook.core.formula import checked
from gdbook.core.model import closed_form, gradient
from gdbook.core.limits import check_buildable
from gdbook.settings import Settings, SettingsError, from_mapping

# The settings under which the old check (at the final point of descent) failed by construction.
CENTRED = {"data": {"x_min": -1.0, "x_max": 1.0, "true_w": 2.0, "true_b": 1.0}}
STEEP = {"seed": 13, "data": {"n": 300, "x_min": 0.0, "x_max": 5.0, "true_w": 25.0, "true_b": -40.0, "noise_std": 1.0}}


@pytest.fixture(scope="module")
def section() -> dict:
    return gc.gradient_check_section(Settings(), {})


def test_relative_error_definition():
    assert gradcheck.relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert gradcheck.relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert gradcheck.relative_error([3.0, 4.0], [0.0, 0.0]) == pytest.approx(1.0)
    assert gradcheck.relative_error([1.0, 0.0], [1.1, 0.0]) == pytest.approx(0.1 / 1.1)


def test_central_difference_matches_analytic_gradient_on_random_data():
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=50), rng.normal(size=50)
    for w, b in rng.normal(size=(5, 2)):
        num = gradcheck.central_gradient(w, b, x, y, 1e-5)
        assert gradcheck.relative_error(gradient(w, b, x, y), num) < 1e-8


@pytest.mark.parametrize("raw", [{}, CENTRED, STEEP, {"data": {"x_min": 10.0, "x_max": 12.0}}])
def test_the_roundoff_bound_holds(raw):
    """δL/h bounds the actual error of the central difference, near and far from the minimum, at any h."""
    ds = make_dataset(from_mapping(raw))
    x, y = ds.x_train, ds.y_train
    rng = np.random.default_rng(1)
    w_ls, b_ls = closed_form(x, y)
    for h in (1e-8, 1e-5, 1e-2):
        for _ in range(40):
            w, b = w_ls + rng.normal() * 10 ** rng.uniform(-6, 1), b_ls + rng.normal() * 10 ** rng.uniform(-6, 1)
            p = gradcheck.check(w, b, x, y, h)
            assert np.hypot(p["abs_error_dw"], p["abs_error_db"]) <= p["roundoff"], (h, w, b)


def test_checked_points_are_on_the_path_and_resolve_the_tolerance(section):
    s = Settings()
    _, trace = gc.descent_path(s)
    ts = [p["t"] for p in section["points"]]
    assert ts == sorted(set(ts)) and ts[0] == 0 and ts[-1] == section["path"]["last_resolved"]
    for p in section["points"]:
        assert (p["w"], p["b"]) == (trace.w[p["t"]], trace.b[p["t"]])
        assert p["rel_error"] <= section["rel_tol"]
        assert p["roundoff"] <= section["rel_tol"] * p["grad_norm"] / gradcheck.MARGIN
    # With the book's settings descent ends so close to the minimum that the check cannot resolve there.
    f = section["final"]
    assert not section["path"]["final_checked"] and not f["resolves"]
    assert f["roundoff"] > section["rel_tol"] * f["grad_norm"] / gradcheck.MARGIN


@pytest.mark.parametrize("raw", [CENTRED, STEEP])
def test_settings_whose_descent_ends_at_the_minimum_build(raw):
    """The old check divided round-off by a gradient of 10⁻¹⁵ at the final point and failed the build."""
    r = gc.gradient_check_section(from_mapping(raw), {})
    assert r["max_rel_error"] <= r["rel_tol"]
    assert not r["final"]["resolves"] and r["path"]["last_resolved"] < r["final"]["t"]


@pytest.mark.parametrize("mistake", gc.MISTAKES)
def test_a_sabotaged_gradient_fails_the_build(mistake):
    n = Settings().n_train
    with pytest.raises(BuildError, match="gradient check failed at update 0"):
        gc.gradient_check_section(Settings(), {}, grad=gc.wrong_gradient(mistake, n))


def test_dividing_by_n_minus_one_is_a_relative_error_of_one_over_n(section):
    """‖g·n/(n − 1) − g‖ / ‖g·n/(n − 1)‖ = 1/n: what the page says, and why large n lets it slip through."""
    n = Settings().n_train
    m = next(m for m in section["mistakes"] if m["mistake"] == "n_minus_one")
    assert m["rel_error"] == pytest.approx(1 / n, rel=1e-6) and m["caught"]
    loose = gc.gradient_check_section(from_mapping({"check": {"rel_tol": 0.01}}), {})
    assert not next(m for m in loose["mistakes"] if m["mistake"] == "n_minus_one")["caught"]


def test_a_step_or_tolerance_the_check_cannot_resolve_is_refused_before_the_build():
    with pytest.raises(SettingsError, match=r"'check.rel_tol' = 1e-15 is too tight"):
        check_buildable(from_mapping({"check": {"rel_tol": 1e-15}}))
    with pytest.raises(SettingsError, match=r"'check.h' = 1e-13 .* at least"):
        check_buildable(from_mapping({"check": {"h": 1e-13}}))
    check_buildable(from_mapping({"check": {"h": 1e-9}}))  # small, and still resolvable: accepted


def test_the_best_steps_are_derived_and_a_wrong_formula_fails():
    steps = gc.optimal_steps()
    exprs, names = steps["_exprs"], steps["_names"]
    # (3δ/m₃)^(1/3) minimises h²m₃/6 + δ/h: a check at one point, independent of SymPy's solve
    f = steps["_h"]["central"]
    h = f(1e-16, 1.0, 2.0)
    err = lambda hh: hh * hh * 2.0 / 6 + 1e-16 / hh  # noqa: E731
    assert err(h) < err(0.9 * h) and err(h) < err(1.1 * h)
    with pytest.raises(BuildError, match="which is not"):
        checked(r"\sqrt[3]{\frac{\delta}{m_3}}", exprs["central"]["h"], names)
    with pytest.raises(BuildError, match="which is not"):
        checked(r"\sqrt{\frac{2\delta}{m_2}}", exprs["forward"]["h"], names)  # the other round-off constant


def test_step_study_shows_the_predicted_slopes(section):
    st = section["study"]
    assert st["poly"]["slope_forward_truncation"] == pytest.approx(1.0, abs=0.05)
    assert st["poly"]["slope_central_truncation"] == pytest.approx(2.0, abs=0.05)
    assert st["mse"]["slope_forward_truncation"] == pytest.approx(1.0, abs=0.05)
    assert st["mse"]["slope_roundoff"] == pytest.approx(-1.0, abs=0.2)
    # The central difference of a quadratic has no truncation error: its best h is large.
    assert st["mse"]["central_best"]["h"] > 1e-3
    ratio = st["poly"]["central_best"]["h"] / st["poly"]["h_opt_central"]
    assert 0.1 < ratio < 10


def test_built_results_recomputed_from_dataset_csv(built_site, results):
    """The published check, redone from the published data with a formula written here."""
    g = results["gradient_check"]
    with open(built_site / "downloads" / "dataset.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["split"] == "train"]
    x = np.array([float(r["x"]) for r in rows])
    y = np.array([float(r["y"]) for r in rows])
    loss = lambda w, b: np.mean((w * x + b - y) ** 2)  # noqa: E731
    for p in g["points"]:
        assert p["rel_error"] <= g["rel_tol"]
        r = p["w"] * x + p["b"] - y
        assert p["dw_analytic"] == pytest.approx(2 * np.mean(r * x), rel=1e-12, abs=1e-15)
        assert p["db_analytic"] == pytest.approx(2 * np.mean(r), rel=1e-12, abs=1e-15)
        h = g["h"]
        dw = (loss(p["w"] + h, p["b"]) - loss(p["w"] - h, p["b"])) / (2 * h)
        assert dw == pytest.approx(p["dw_numeric"], rel=1e-6, abs=1e-10)
    html = (built_site / "part3" / "gradient-check.html").read_text(encoding="utf-8")
    assert "Verified: every relative error is at most" in html
