"""Full-batch descent: metrics recomputed from dataset.csv; convergence to the closed form."""

from __future__ import annotations

import dataclasses

import pytest
from part2_csv import load, lstsq, metrics

from gdbook.chapters.closed_form.compute import closed_form_section
from gdbook.chapters.full_batch.compute import first_below, full_batch_section
from gdbook.core.errors import BuildError
from gdbook.settings import Settings

METHODS = ("full_batch", "mini_batch", "stochastic")


def run_of(results: dict, method: str) -> dict:
    """Full batch has its chapter; mini-batch and stochastic runs live in theirs."""
    return results["full_batch"] if method == "full_batch" else \
        results["stochastic"]["mini_batch" if method == "mini_batch" else "sgd"]


@pytest.mark.parametrize("method", METHODS)
def test_gd_metrics_recomputed_from_csv(built_site, results, method):
    data = load(built_site)
    g = run_of(results, method)
    train = metrics(g["w"], g["b"], *data["train"])
    test = metrics(g["w"], g["b"], *data["test"])
    assert g["train_mse"] == pytest.approx(train["mse"], rel=1e-9)
    assert g["test_mse"] == pytest.approx(test["mse"], rel=1e-9)
    assert g["r2_test"] == pytest.approx(test["r2"], rel=1e-9)
    for k in ("mse", "rmse", "mae", "r2"):
        assert g["metrics"]["train"][k] == pytest.approx(train[k], rel=1e-9)
        assert g["metrics"]["test"][k] == pytest.approx(test[k], rel=1e-9)


def test_required_keys(results):
    for method in METHODS:
        g = run_of(results, method)
        for k in ("lr", "n_iters", "w", "b", "train_mse", "test_mse", "r2_test"):
            assert k in g, (method, k)
    assert "batch_size" in run_of(results, "mini_batch") and "batch_size" in run_of(results, "stochastic")


def test_full_batch_ends_within_tolerance_of_closed_form(built_site, results):
    w, b = lstsq(*load(built_site)["train"])
    fb = results["full_batch"]
    tol = fb["tolerance"]
    assert abs(fb["w"] - w) <= tol and abs(fb["b"] - b) <= tol
    # and the theory's bound holds
    assert fb["dist"] <= fb["bound"]


def test_build_fails_when_descent_stops_short():
    s = Settings()
    short = dataclasses.replace(s.descent, full_batch=dataclasses.replace(s.descent.full_batch, n_iters=20))
    s = dataclasses.replace(s, descent=short)
    with pytest.raises(BuildError, match="descent.tolerance"):
        full_batch_section(s, {"closed_form": closed_form_section(s, {})})


def test_first_below():
    import numpy as np

    assert first_below(np.array([5.0, 3.0, 1.0, 2.0, 0.5, 0.4]), 1.5) == 4
    assert first_below(np.array([1.0, 0.5]), 2.0) == 0
    assert first_below(np.array([1.0, 3.0]), 2.0) is None


def test_updates_and_epochs(results):
    n_train = results["dataset"]["n_train"]
    for method in METHODS:
        g = run_of(results, method)
        bs = g.get("batch_size", n_train)
        assert g["epochs"] == pytest.approx(g["n_iters"] * bs / n_train)
