"""Learning-rate divergence: η* = 2/λ_max, predicted from the data, and the runs that bear it out."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from gdbook.chapters.divergence import compute as dv
from gdbook.core.errors import BuildError
from gdbook.settings import Settings


def train_split(site):
    with open(site / "downloads" / "dataset.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["split"] == "train"]
    return np.array([float(r["x"]) for r in rows]), np.array([float(r["y"]) for r in rows])


def plain_descent(x, y, w, b, lr, n_iters, bound=1e6):
    """Full-batch gradient descent written out here, independently of gdbook."""
    for t in range(n_iters):
        r = w * x + b - y
        w, b = w - lr * 2 * np.mean(r * x), b - lr * 2 * np.mean(r)
        loss = np.mean((w * x + b - y) ** 2)
        if loss > bound:
            return w, b, loss, t + 1
    return w, b, loss, None


@pytest.fixture(scope="module")
def section() -> dict:
    return dv.divergence_section(Settings(), {})


def test_lr_critical_is_two_over_the_largest_eigenvalue_of_an_independent_hessian(built_site, results):
    x, _ = train_split(built_site)
    X = np.column_stack([np.ones_like(x), x])
    H = 2.0 / len(x) * X.T @ X
    lam = np.linalg.eigvalsh(H)
    d = results["divergence"]
    assert d["lr_critical"] == pytest.approx(2.0 / lam[-1], rel=1e-12)
    assert sorted(d["hessian_eigenvalues"]) == pytest.approx(sorted(lam), rel=1e-12)


def test_just_below_converges_and_just_above_diverges(built_site, results):
    x, y = train_split(built_site)
    d = results["divergence"]
    eta = d["lr_critical"]
    w0, b0 = results["gradient_check"]["points"][0]["w"], results["gradient_check"]["points"][0]["b"]
    w_ls, b_ls = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]
    w, b, _, diverged_at = plain_descent(x, y, w0, b0, 0.9 * eta, 2000)
    assert diverged_at is None
    assert (w, b) == pytest.approx((w_ls, b_ls), abs=1e-8)
    _, _, loss, diverged_at = plain_descent(x, y, w0, b0, 1.1 * eta, d["n_iters"])
    assert diverged_at is not None and loss > 1e6
    # And the book's own runs say the same.
    by_multiple = {r["multiple"]: r for r in d["runs"]}
    if 0.9 in by_multiple and 1.1 in by_multiple:
        assert not by_multiple[0.9]["diverged"] and by_multiple[1.1]["diverged"]
        assert by_multiple[1.1]["diverged_at"] == diverged_at


def test_runs_report_divergence_without_nan(results):
    d = results["divergence"]
    for r in d["runs"]:
        assert set(r) >= {"lr", "diverged", "iterations_run", "final_loss"}
        assert r["diverged"] == (r["multiple"] > 1.0)
        if r["diverged"]:
            assert r["final_loss"] is None and r["diverged_at"] == r["iterations_run"]
            assert r["last_loss"] > d["bound"]
        else:
            assert r["final_loss"] >= d["loss_star"] - 1e-12
    json.dumps(d, allow_nan=False)


def test_observed_boundary_sits_just_above_the_prediction(section):
    sw = section["sweep"]
    assert sw["monotone"]
    assert section["lr_critical"] < sw["observed_boundary"] < 1.1 * section["lr_critical"]
    assert sw["predicted_finite_boundary"] == pytest.approx(sw["observed_boundary"], rel=1e-6)
    assert sw["last_converged_lr"] < sw["observed_boundary"] < sw["first_diverged_lr"]


def test_eigen_factors_are_observed(section):
    for r in section["runs"]:
        assert r["top_ratio_observed"] == pytest.approx(r["factor_max"], abs=1e-9)
        assert r["low_ratio_observed"] == pytest.approx(r["factor_min"], abs=1e-9)
        # Sign flips along v_max exactly when η > 1/λ_max.
        assert (r["top_sign_flips"] == r["iterations_run"]) == r["oscillates"]


def test_scaling_improves_conditioning(section):
    raw, centred, standard = section["scaling"]
    assert raw["kappa"] > centred["kappa"] > standard["kappa"] == pytest.approx(1.0)
    assert standard["lr_critical"] > raw["lr_critical"]
    assert standard["iters_best_observed"] == 1
    for v in section["scaling"]:
        assert v["iters_best_observed"] <= v["iters_best"]


def test_a_wrong_hessian_fails_the_build():
    derived = dv.derive_hessian()
    x = np.random.default_rng(0).uniform(0, 2, size=30)
    assert dv.check_hessian(derived, x) < 1e-12
    wrong = {**derived, "_sym": {**derived["_sym"], "H": 2 * derived["_sym"]["H"]}}
    with pytest.raises(BuildError, match="differs"):
        dv.check_hessian(wrong, x)
