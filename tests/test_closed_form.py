"""Closed form: recomputed from dataset.csv with an independent solver."""

from __future__ import annotations

import numpy as np
import pytest
from part2_csv import load, lstsq, metrics, page_text

from gdbook.chapters.closed_form.compute import closed_form_section
from gdbook.core.model import closed_form
from gdbook.settings import Settings


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


def test_gauss_markov_erratum_is_recorded(results):
    titles = [e["title"] for e in results["errata"] if e["chapter"] == "closed_form"]
    assert any("Gauss" in t for t in titles)


def test_closed_form_section_reports_the_fit():
    out = closed_form_section(Settings(), {})
    assert out["grad_norm"] < 1e-10
    assert out["lstsq_diff"] < 1e-10
    assert all(v > 0 for v in out["hessian_eig"])


def test_page_includes_the_real_source(built_site):
    text = page_text(built_site, "part2/closed-form.html")
    assert "w, b = np.linalg.solve(X.T @ X, X.T @ y)" in text and "--8<--" not in text
