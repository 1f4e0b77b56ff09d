"""Gradient verification: the check is right, enforced, and able to fail."""

from __future__ import annotations

import csv
import dataclasses

import numpy as np
import pytest

from gdbook.chapters.gradient_check import compute as gc
from gdbook.core.model import gradient
from gdbook.core.errors import BuildError
from gdbook.settings import Settings


@pytest.fixture(scope="module")
def section() -> dict:
    return gc.gradient_check_section(Settings(), {})


def test_relative_error_definition():
    assert gc.relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert gc.relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert gc.relative_error([3.0, 4.0], [0.0, 0.0]) == pytest.approx(1.0)
    assert gc.relative_error([1.0, 0.0], [1.1, 0.0]) == pytest.approx(0.1 / 1.1)


def test_central_difference_matches_analytic_gradient_on_random_data():
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=50), rng.normal(size=50)
    for w, b in rng.normal(size=(5, 2)):
        num = gc.central_gradient(w, b, x, y, 1e-5)
        assert gc.relative_error(gradient(w, b, x, y), num) < 1e-8


def test_every_point_meets_the_stated_tolerance(section):
    assert [p["label"] for p in section["points"]] == ["initial guess", "midway point", "final point"]
    for p in section["points"]:
        assert p["rel_error"] <= section["rel_tol"]
        assert p["rel_error"] == pytest.approx(
            gc.relative_error([p["dw_analytic"], p["db_analytic"]], [p["dw_numeric"], p["db_numeric"]]))


def test_a_sabotaged_gradient_fails_the_build():
    def dropped_two(w, b, x, y):
        dw, db = gradient(w, b, x, y)
        return dw / 2, db / 2

    with pytest.raises(BuildError, match="gradient check failed at the initial guess"):
        gc.gradient_check_section(Settings(), {}, grad=dropped_two)


def test_the_subtlest_mistake_fails_the_build_too():
    n_minus_one = next(m for m in gc.sabotaged(Settings()) if "n − 1" in m["mistake"])
    assert n_minus_one["rel_error"] > Settings().check.rel_tol

    def divided_by_n_minus_one(w, b, x, y):
        n = len(x)
        dw, db = gradient(w, b, x, y)
        return dw * n / (n - 1), db * n / (n - 1)

    with pytest.raises(BuildError, match="relative error"):
        gc.gradient_check_section(Settings(), {}, grad=divided_by_n_minus_one)


def test_a_tolerance_too_tight_to_meet_fails_the_build():
    s = Settings()
    tight = dataclasses.replace(s, check=dataclasses.replace(s.check, rel_tol=1e-15))
    with pytest.raises(BuildError, match="check.rel_tol"):
        gc.gradient_check_section(tight, {})


def test_step_study_shows_the_predicted_slopes(section):
    st = section["study"]
    assert st["poly"]["slope_forward_truncation"] == pytest.approx(1.0, abs=0.05)
    assert st["poly"]["slope_central_truncation"] == pytest.approx(2.0, abs=0.05)
    assert st["mse"]["slope_forward_truncation"] == pytest.approx(1.0, abs=0.05)
    assert st["mse"]["slope_roundoff"] == pytest.approx(-1.0, abs=0.2)
    # The central difference of a quadratic has no truncation error: its best h is large.
    assert st["mse"]["central_best"]["h"] > 1e-3
    # For the polynomial the observed optimum is near (3ε|f|/|f'''|)^(1/3).
    ratio = st["poly"]["central_best"]["h"] / st["poly"]["h_opt_central"]
    assert 0.1 < ratio < 10


def test_built_results_recomputed_from_dataset_csv(built_site, results):
    """The published check, redone from the published data with a formula written here."""
    g = results["gradient_check"]
    with open(built_site / "downloads" / "dataset.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["split"] == "train"]
    x = np.array([float(r["x"]) for r in rows])
    y = np.array([float(r["y"]) for r in rows])
    for p in g["points"]:
        assert set(p) >= {"w", "b", "dw_analytic", "dw_numeric", "db_analytic", "db_numeric", "rel_error"}
        assert p["rel_error"] <= g["rel_tol"]
        r = p["w"] * x + p["b"] - y
        assert p["dw_analytic"] == pytest.approx(2 * np.mean(r * x), rel=1e-12, abs=1e-15)
        assert p["db_analytic"] == pytest.approx(2 * np.mean(r), rel=1e-12, abs=1e-15)
        loss = lambda w, b: np.mean((w * x + b - y) ** 2)  # noqa: E731
        h = g["h"]
        dw = (loss(p["w"] + h, p["b"]) - loss(p["w"] - h, p["b"])) / (2 * h)
        assert dw == pytest.approx(p["dw_numeric"], rel=1e-6, abs=1e-10)
