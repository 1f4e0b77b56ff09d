"""Why squared error: the likelihood derivation is checked (a wrong step fails), the numerical maximum is the
least-squares line, the constant model's minimisers are the mean and the median, and the noise shapes compare."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import gdbook.chapters.why_squared_error.compute as wse
from gdbook.core.errors import BuildError
from gdbook.core.model import closed_form, mse
from gdbook.settings import Settings, from_mapping


@pytest.fixture(scope="module")
def section():
    return wse.why_squared_error_section(Settings(), {})


def test_maximum_likelihood_is_least_squares(section):
    assert section["gap"] <= 1e-12
    assert section["ml"]["w"] == pytest.approx(section["w_star"], rel=1e-12)
    assert section["sigma2_hat"] == pytest.approx(section["l_star"], rel=1e-15)


@pytest.mark.parametrize("wrong", [
    r"-\frac{1}{2}\ln(2\pi\sigma^2) - \frac{(\hat y_i - y_i)^2}{\sigma^2}",      # the 2 under σ² lost
    r"-\ln(2\pi\sigma^2) - \frac{(\hat y_i - y_i)^2}{2\sigma^2}",                # the ½ of the log lost
])
def test_a_wrong_log_density_fails(wrong):
    with pytest.raises(BuildError):
        wse._check(wrong, sp.expand_log(sp.log(wse.density()), force=True), sums=False)


def test_a_wrong_noise_estimate_fails():
    L = sp.Sum((wse.YHAT - wse.Y) ** 2, (wse.I, 1, wse.n)) / wse.n
    with pytest.raises(BuildError):
        wse._check(r"\frac{1}{n - 2}\sum_{i=1}^{n} (\hat y_i - y_i)^2", L)


def test_newton_reaches_the_maximum_from_far_away():
    rng = np.random.default_rng(8)
    x = rng.uniform(5, 7, 60)
    y = -2 * x + 3 + rng.normal(0, 0.3, 60)
    out = wse.maximise(x, y, 40.0, -30.0)
    w, b = closed_form(x, y)
    assert out["w"] == pytest.approx(w, rel=1e-9) and out["b"] == pytest.approx(b, rel=1e-9)
    assert out["sigma2"] == pytest.approx(mse(w, b, x, y), rel=1e-9)


def test_constant_model_minimisers():
    y = np.array([3.0, -1.0, 0.5, 8.0, 2.0])
    k = wse.constant_model(y)
    cs = np.linspace(-2, 9, 11001)
    sq = [np.sum((y - c) ** 2) for c in cs]
    ab = [np.sum(np.abs(y - c)) for c in cs]
    assert cs[int(np.argmin(sq))] == pytest.approx(k["mean"], abs=1e-3)
    assert cs[int(np.argmin(ab))] == pytest.approx(k["median"], abs=1e-3)
    assert abs(k["mean_moved"]) > abs(k["median_moved"])


def test_noise_shapes_approach_theory():
    out = wse.noise_shapes(from_mapping({"data": {"n": 2000}}), 400)
    assert out["gauss"]["ratio"] == pytest.approx(out["theory_gauss"], rel=0.1)
    assert out["laplace"]["ratio"] == pytest.approx(out["theory_laplace"], rel=0.1)


def test_page_shows_the_derivation(built_site):
    from part2_csv import page_text

    text = page_text(built_site, "part2/why-squared-error.html")
    assert "maximum-likelihood line is the least-squares line" in text
