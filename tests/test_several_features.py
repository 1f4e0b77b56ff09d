"""Several features: the vector formulas checked by SymPy, the fit against lstsq, vector-form descent."""

from __future__ import annotations

import numpy as np
import pytest
from part2_csv import page_text

import gdbook.chapters.several_features.compute as sfc
from gdbook.core.errors import BuildError
from gdbook.core.notation import checked_sum
from gdbook.settings import Settings, from_mapping


@pytest.fixture(scope="module")
def section():
    return sfc.several_features_section(Settings(), {})


def test_fit_matches_lstsq_and_descent(section):
    assert section["lstsq_gap"] <= 1e-12
    assert section["gd_gap"] <= 1e-9
    assert np.allclose(section["theta"], section["theta_gd"], rtol=1e-9)


def test_omitted_variable_decomposition_is_exact(section):
    assert section["slope_alone"] == pytest.approx(section["slope_predicted"], rel=1e-12)


def test_a_wrong_component_formula_fails():
    import sympy as sp

    yhat = sfc.w1 * sfc.X1[sfc.I] + sfc.w2 * sfc.X2[sfc.I] + sfc.b
    L = sp.Sum((yhat - sfc.YS[sfc.I]) ** 2, (sfc.I, 1, sfc.n)) / sfc.n
    with pytest.raises(BuildError):
        checked_sum(r"\frac{2}{n}\sum_{i=1}^{n} (\hat y_i - y_i)\,x_{ij}", sp.diff(L, sfc.w1), sfc.n,
                    symbols={"h_{i}": yhat, "z_{i}": sfc.X2[sfc.I]}, read_as={r"\hat y_i": "h_i", "x_{ij}": "z_i"})


def test_descend_reaches_lstsq_on_its_own():
    rng = np.random.default_rng(2)
    X = np.column_stack([rng.normal(size=(80, 3)), np.ones(80)])
    y = X @ np.array([1.0, -2.0, 0.5, 3.0]) + rng.normal(0, 0.1, 80)
    lam = np.linalg.eigvalsh(2 / 80 * X.T @ X)
    theta = sfc.descend(X, y, 1 / lam[-1], 2000)
    assert theta == pytest.approx(np.linalg.lstsq(X, y, rcond=None)[0], rel=1e-8)


def test_far_x_needs_standardising():
    out = sfc.several_features_section(from_mapping({"data": {"x_min": 10.0, "x_max": 12.0}}), {})
    assert out["cond"] > 1e4 and out["z_cond"] < 20 and out["gd_gap"] <= 1e-8


def test_page_includes_the_descent_source(built_site):
    text = page_text(built_site, "part2/several-features.html")
    assert "grad = 2.0 / len(y) * X.T @ (X @ theta - y)" in text and "--8<--" not in text
