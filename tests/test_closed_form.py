"""Closed form: recomputed from dataset.csv with an independent solver; the normal equations derived and checked."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from part2_csv import load, lstsq, metrics, page_text

import gdbook.chapters.closed_form.compute as cfc
from gdbook.core.errors import BuildError
from gdbook.core.model import closed_form
from gdbook.settings import Settings


@pytest.fixture(scope="module")
def section():
    return cfc.closed_form_section(Settings(), {})


def test_normal_equations_match_lstsq_on_random_data():
    rng = np.random.default_rng(7)
    x = rng.uniform(-3, 5, 50)
    y = 1.5 * x - 4 + rng.normal(0, 2, 50)
    assert closed_form(x, y) == pytest.approx(lstsq(x, y), rel=1e-10)


def test_closed_form_recomputed_from_csv(built_site, results):
    data = load(built_site)
    w, b = lstsq(*data["train"])
    cf = results["closed_form"]
    assert cf["w"] == pytest.approx(w, rel=1e-9)
    assert cf["b"] == pytest.approx(b, rel=1e-9)
    for split in ("train", "test"):
        m = metrics(cf["w"], cf["b"], *data[split])
        assert cf[f"{split}_mse"] == pytest.approx(m["mse"], rel=1e-9)
        for k in ("mse", "rmse", "mae", "r2"):
            assert cf["metrics"][split][k] == pytest.approx(m[k], rel=1e-9), (split, k)


def test_csv_matches_dataset_section(built_site, results):
    data = load(built_site)
    d = results["dataset"]
    assert len(data["train"][0]) == d["n_train"] and len(data["test"][0]) == d["n_test"]
    assert d["n_train"] + d["n_test"] == d["n"]


def test_gauss_markov_erratum_is_on_the_errata_page(built_site):
    text = page_text(built_site, "reference/errata.html")
    assert "The closed form is not “the Gauss–Markov theorem”" in text


def test_closed_form_section_reports_the_fit(section):
    assert section["grad_rel"] < 1e-12
    assert section["lstsq_gap"] < 1e-12
    assert all(v > 0 for v in section["hessian_eig"])
    assert section["gauss_markov"]["ratio"] >= 1


def test_a_wrong_normal_equation_fails():
    L = cfc.loss()
    with pytest.raises(BuildError):
        cfc.equation(r"w\sum_{i=1}^{n} x_i^2 + b\,n", r"\sum_{i=1}^{n} x_i y_i", cfc.n / 2 * sp.diff(L, cfc.w), "wrong")


def test_standard_error_against_simulation(section):
    s = Settings()
    from gdbook.core.data import make_dataset

    ds = make_dataset(s)
    rng = np.random.default_rng(11)
    x = ds.x_train
    slopes = []
    for _ in range(3000):
        y = s.data.true_w * x + s.data.true_b + rng.normal(0, s.data.noise_std, len(x))
        slopes.append(closed_form(x, y)[0])
    assert np.std(slopes) == pytest.approx(section["se_w"], rel=0.05)
    assert np.mean(slopes) == pytest.approx(s.data.true_w, abs=4 * section["se_w"] / np.sqrt(3000))


def test_page_includes_the_real_source(built_site):
    text = page_text(built_site, "part2/closed-form.html")
    assert "w, b = np.linalg.solve(X.T @ X, X.T @ y)" in text and "--8<--" not in text
