"""Learning-rate divergence: η* = 2/λmax, predicted from the data, and the runs that bear it out."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from gdbook.chapters.divergence import compute as dv
from gdbook.core import quadratic
from gdbook.core.errors import BuildError
from gdbook.core.formula import checked
from gdbook.core.limits import check_buildable
from gdbook.settings import Settings, SettingsError, from_mapping


def train_split(site):
    with open(site / "downloads" / "dataset.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["split"] == "train"]
    return np.array([float(r["x"]) for r in rows]), np.array([float(r["y"]) for r in rows])


def plain_descent(x, y, w, b, lr, n_iters, bound=1e6):
    """Full-batch gradient descent written out here, independently of gdbook: (w, b, losses, diverged_at)."""
    losses = [np.mean((w * x + b - y) ** 2)]
    for t in range(n_iters):
        r = w * x + b - y
        w, b = w - lr * 2 * np.mean(r * x), b - lr * 2 * np.mean(r)
        losses.append(np.mean((w * x + b - y) ** 2))
        if losses[-1] > bound:
            return w, b, np.array(losses), t + 1
    return w, b, np.array(losses), None


@pytest.fixture(scope="module")
def section() -> dict:
    return dv.divergence_section(Settings(), {})


def test_eta_star_is_two_over_the_largest_eigenvalue_of_an_independent_hessian(built_site, results):
    """The one test of η* = 2/λmax (gdbook.core.quadratic, which every chapter that needs η* uses)."""
    x, _ = train_split(built_site)
    X = np.column_stack([np.ones_like(x), x])
    lam = np.linalg.eigvalsh(2.0 / len(x) * X.T @ X)
    d = results["divergence"]
    assert d["lr_critical"] == pytest.approx(2.0 / lam[-1], rel=1e-12)
    assert sorted(d["hessian_eigenvalues"]) == pytest.approx(sorted(lam), rel=1e-12)
    assert quadratic.critical_lr(lam) == 2.0 / lam[-1]


def test_just_below_converges_and_just_above_diverges(built_site, results):
    x, y = train_split(built_site)
    d = results["divergence"]
    eta = d["lr_critical"]
    w0, b0 = results["gradient_check"]["points"][0]["w"], results["gradient_check"]["points"][0]["b"]
    w_ls, b_ls = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]
    w, b, _, diverged_at = plain_descent(x, y, w0, b0, 0.9 * eta, 2000)
    assert diverged_at is None
    assert (w, b) == pytest.approx((w_ls, b_ls), abs=1e-8)
    _, _, losses, diverged_at = plain_descent(x, y, w0, b0, 1.1 * eta, d["n_iters"])
    assert diverged_at is not None and losses[-1] > 1e6
    by_multiple = {r["multiple"]: r for r in d["runs"]}
    assert not by_multiple[0.9]["diverged"] and by_multiple[1.1]["diverged_at"] == diverged_at


def test_runs_report_divergence_without_nan(results):
    d = results["divergence"]
    for r in d["runs"]:
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
        assert (r["top_sign_flips"] == r["iterations_run"]) == r["oscillates"]


@pytest.mark.parametrize("seed", range(6))
def test_the_shape_of_the_loss_is_predicted_from_the_start(seed):
    """Falls, rises, or falls then rises: the prediction against a plain descent from random starts and rates."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 3, 40)
    y = 2 * x - 1 + rng.normal(0, 0.3, 40)
    q = quadratic.of(x, y)
    for _ in range(20):
        c, d = rng.normal(size=2) * 10.0 ** rng.uniform(-4, 0, size=2)
        multiple = rng.uniform(0.2, 1.6)
        w0, b0 = q.theta_star + c * q.V[:, 1] + d * q.V[:, 0]
        lr = multiple * q.lr_critical
        predicted = dv.predicted_shape(q, lr, c, d)
        _, _, losses, _ = plain_descent(x, y, w0, b0, lr, 200, bound=1e300)
        if predicted["shape"] == "falls_then_rises" and predicted["turn"] < 200:
            assert int(np.argmin(losses)) in (predicted["turn"] - 1, predicted["turn"], predicted["turn"] + 1)
            assert np.all(np.diff(losses[: predicted["turn"] - 1]) < 0) and np.all(np.diff(losses[predicted["turn"] + 1:]) > 0)
        elif predicted["shape"] == "falls":
            assert multiple < 1 or predicted["turn"] is None
            assert np.all(np.diff(losses) <= 1e-12 * losses[:-1])
        else:
            assert predicted["shape"] == "rises" and np.all(np.diff(losses) >= 0)


def test_the_book_start_rises_at_once_and_the_example_falls_first(built_site, section):
    x, y = train_split(built_site)
    c = section["counter"]
    assert c["exists"] and c["book"]["shape"] == "rises"
    _, _, losses, _ = plain_descent(x, y, c["w0"], c["b0"], c["lr"], c["iterations_run"], bound=section["bound"])
    assert int(np.argmin(losses)) == c["lowest_at"] and 0 < c["lowest_at"] < len(losses) - 1
    assert losses[-1] > losses[0]
    assert c["ratio"] < c["ratio_needed"] < section["start_ratio"]


def test_scaling_improves_conditioning(section):
    raw, centred, standard = section["scaling"]
    assert raw["kappa"] > centred["kappa"] > standard["kappa"] == pytest.approx(1.0)
    assert standard["lr_critical"] > raw["lr_critical"]
    assert standard["iters_best_observed"] == 1
    for v in section["scaling"]:
        assert v["iters_best_observed"] <= v["iters_best"]


def test_a_wrong_hessian_or_formula_fails_the_build():
    derived = dv.derive_hessian()
    x = np.random.default_rng(0).uniform(0, 2, size=30)
    assert dv.check_hessian(derived, x) < 1e-12
    wrong = {**derived, "_sym": {**derived["_sym"], "H": 2 * derived["_sym"]["H"]}}
    with pytest.raises(BuildError, match="differs"):
        dv.check_hessian(wrong, x)
    sym = derived["_sym"]
    names = {"x_{i}": sym["x"][sym["i"]], "n": sym["n"], "i": sym["i"]}
    with pytest.raises(BuildError, match="which is not"):  # a Hessian entry with the wrong power
        checked(r"\sum_{i=1}^{n} x_i^3", sym["H"][0, 0] * sym["n"] / 2, names)


def test_settings_under_which_nothing_could_diverge_are_refused():
    with pytest.raises(SettingsError, match=r"'divergence.n_iters' = 1 is too small .*raise divergence.n_iters"):
        check_buildable(from_mapping({"divergence": {"n_iters": 1}, "descent": {"divergence_bound": 1e100}}))
    with pytest.raises(SettingsError, match=r"'descent.divergence_bound' = 1.0 is too low"):
        check_buildable(from_mapping({"descent": {"divergence_bound": 1.0}}))
