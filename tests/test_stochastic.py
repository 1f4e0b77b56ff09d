"""Mini-batch and stochastic descent: runs recomputed from the CSV, the mean-square model against simulation,
one example's step derived and checked, and the chapter's states (settled, still descending, no resting level,
diverged) under other settings."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from part2_csv import load, metrics, page_text

from gdbook.chapters.closed_form.compute import closed_form_section
from gdbook.chapters.stochastic.compute import (
    _operators, _pieces, expected_excess, one_example_step, radius, resting_excess, stochastic_section, threshold)
from gdbook.core.data import make_dataset
from gdbook.core.errors import BuildError
from gdbook.core.formula import checked
from gdbook.core.model import closed_form
from gdbook.settings import Settings, from_mapping


def section(raw: dict) -> dict:
    s = from_mapping(raw)
    return stochastic_section(s, {"closed_form": closed_form_section(s, {})})


def _train():
    ds = make_dataset(Settings())
    x, y = ds.x_train, ds.y_train
    return ds, x, y, np.array(closed_form(x, y))


# --- the book's runs ------------------------------------------------------------------------------

def test_the_chapter_run_settles_and_the_large_step_reproduces_a_run_ending_above_its_start(results):
    sg = results["stochastic"]
    sgd, large = sg["sgd"], sg["large"]
    assert sgd["status"] == "settled" and not sgd["diverged"] and sgd["train_mse"] < sgd["initial_train_mse"]
    assert sgd["lr"] < sg["eta_ms"] < large["lr"] < sg["lr_star"]  # safe for full batch, not for one example
    assert large["status"] == "unstable" and large["ends_above_start"] and large["train_mse"] > large["initial_train_mse"]
    for key in ("stochastic", "large", "decay"):
        rep = sg["repeats"][key]
        assert rep["above_start"] + rep["below_start"] + rep["diverged"] == rep["runs"]
    assert sg["repeats"]["large"]["above_start"] > 0
    assert sg["repeats"]["stochastic"]["above_start"] == 0 == sg["repeats"]["stochastic"]["diverged"]
    # the shuffled runs rest near where the model (fresh random batches) says
    assert 0.5 < sg["average"]["excess_ratio"] < 2


@pytest.mark.parametrize("key", ["sgd", "mini_batch", "large", "decay"])
def test_run_metrics_recomputed_from_csv(built_site, results, key):
    data = load(built_site)
    g = results["stochastic"][key]
    assert g["train_mse"] == pytest.approx(metrics(g["w"], g["b"], *data["train"])["mse"], rel=1e-9)
    assert g["test_mse"] == pytest.approx(metrics(g["w"], g["b"], *data["test"])["mse"], rel=1e-9)
    assert g["r2_test"] == pytest.approx(metrics(g["w"], g["b"], *data["test"])["r2"], rel=1e-9)


def test_one_example_shares_recomputed_from_csv(built_site, results):
    """At η = 0.4: the residual changes sign on 75.6 % of the training points and grows on 37.5 %."""
    x = load(built_site)["train"][0]
    one = results["stochastic"]["one_example"]
    lr = one["at_large"]["lr"]
    factor = 1 - 2 * lr * (1 + x * x)
    assert one["at_large"]["sign"] == pytest.approx(np.mean(factor < 0))
    assert one["at_large"]["grow"] == pytest.approx(np.mean(factor < -1))
    assert (one["at_large"]["sign"], one["at_large"]["grow"]) == (pytest.approx(0.75625), pytest.approx(0.375))


def test_the_comparison_per_example_seen(results):
    sg = results["stochastic"]
    n = sg["n_train"]
    assert sg["compare_examples"] == n and sg["compare_is_epoch"]
    for key, bs in (("full_batch", n), ("mini_batch", sg["mini_batch"]["batch_size"]), ("stochastic", 1)):
        assert sg["compare"][key]["updates"] == n // bs
    assert sg["compare_fastest"] == min(sg["compare"], key=lambda k: sg["compare"][k]["loss"])


def test_page_keeps_updates_and_epochs_apart(built_site):
    text = page_text(built_site, "part2/stochastic.html")
    assert "updates per epoch" in text and "examples seen" in text
    assert "with replacement" in text  # the model's assumption is said, next to the runs that shuffle


# --- the mean-square model --------------------------------------------------------------------------

def _simulate(x, y, w0, b0, lr, batch, steps, runs, rng):
    """Descent with every batch drawn afresh (a random subset of ``batch`` distinct examples): the model's assumption."""
    n = len(x)
    w, b = np.full(runs, w0), np.full(runs, b0)
    for _ in range(steps):
        idx = rng.integers(0, n, (runs, 1)) if batch == 1 else np.argsort(rng.random((runs, n)), axis=1)[:, :batch]
        xb, yb = x[idx], y[idx]
        r = w[:, None] * xb + b[:, None] - yb
        w, b = w - lr * 2 * np.mean(r * xb, axis=1), b - lr * 2 * np.mean(r, axis=1)
    return np.mean((w[:, None] * x + b[:, None] - y) ** 2, axis=1)


@pytest.mark.parametrize("batch, lr, steps", [(1, 0.05, 300), (1, 0.2, 60), (16, 0.1, 150)])
def test_the_model_predicts_the_expected_loss_of_fresh_random_batches(batch, lr, steps):
    ds, x, y, theta = _train()
    ops = _operators(_pieces(x, y, theta, batch))
    e0 = np.array([ds.w0, ds.b0]) - theta
    loss_star = float(np.mean((theta[0] * x + theta[1] - y) ** 2))
    predicted = loss_star + expected_excess(ops, np.full(steps, lr), e0)[-1]
    losses = _simulate(x, y, ds.w0, ds.b0, lr, batch, steps, 20_000 if batch == 1 else 4_000, np.random.default_rng(0))
    se = np.std(losses) / np.sqrt(len(losses))
    assert abs(np.mean(losses) - predicted) < 4 * se + 1e-3 * predicted


def test_the_resting_level_is_the_long_run_of_the_recursion():
    ds, x, y, theta = _train()
    ops = _operators(_pieces(x, y, theta, 1))
    rest = resting_excess(ops, 0.05)
    long = expected_excess(ops, np.full(5000, 0.05), np.array([ds.w0, ds.b0]) - theta)[-1]
    assert long == pytest.approx(rest, rel=1e-9)


def test_full_batch_has_no_noise_in_the_model():
    ds, x, y, theta = _train()
    ops = _operators(_pieces(x, y, theta, len(x)))
    assert resting_excess(ops, 0.1) == pytest.approx(0.0, abs=1e-20)


def test_threshold_separates_settling_from_not():
    ds, x, y, theta = _train()
    ops = _operators(_pieces(x, y, theta, 1))
    eta = threshold(ops, hi=1.0)
    assert radius(ops, eta * 0.99) < 1 < radius(ops, eta * 1.01)
    assert resting_excess(ops, eta * 1.01) is None


# --- one example's step -----------------------------------------------------------------------------

def test_one_step_residual_is_derived_and_the_two_thresholds_are_told_apart():
    one = one_example_step()
    assert one["sign_tex"] == r"\frac{1}{2(1 + x_i^2)}" and one["grow_tex"] == r"\frac{1}{1 + x_i^2}"
    # the factor from a direct substitution, independently of the module
    w, b, x, y, eta = sp.symbols("w b x y eta", real=True)
    r = w * x + b - y
    new = (w - eta * 2 * r * x) * x + (b - eta * 2 * r) - y
    assert sp.simplify(new - r * (1 - 2 * eta * (1 + x**2))) == 0
    # the old, wrong statement "overshoots once η > 1/(x² + 1)" is the growth threshold, not the sign change
    xi, e = sp.symbols("x_i eta", real=True)
    with pytest.raises(BuildError):
        checked(r"\frac{1}{x_i^2 + 1}", sp.solve(sp.Eq(1 - 2 * e * (1 + xi**2), 0), e)[0], {"x_{i}": xi})


# --- other settings ---------------------------------------------------------------------------------

def test_runs_that_diverge_are_said_to_and_leave_the_per_example_race():
    sg = section({"seed": 9, "descent": {"mini_batch": {"lr": 1.5, "batch_size": 4}, "stochastic": {"lr": 1.0}}})
    assert sg["sgd"]["status"] == "diverged" and sg["mini_batch"]["status"] == "diverged"
    assert sg["compare_fastest"] == "full_batch" and sg["compare_examples"] == sg["n_train"]
    assert not sg["compare"]["stochastic"]["reached"] and sg["compare"]["stochastic"]["loss"] is None
    assert sg["average"] is None


def test_a_small_step_on_ill_conditioned_data_is_still_descending():
    sg = section({"data": {"x_min": 10.0, "x_max": 12.0},
                  "descent": {"mini_batch": {"lr": 0.004}, "stochastic": {"lr": 0.002}}})
    assert sg["sgd"]["status"] == "descending" and sg["sgd"]["rest_loss"] is not None
    assert sg["large"]["diverged"] and sg["decay"]["status"] == "diverged"


def test_nearly_noise_free_data_rest_nearly_at_the_minimum():
    """Noise-free data are refused up front (nothing to estimate the noise from); at the least noise allowed the
    resting level of stochastic descent sits about σ² above the minimum, as the model says."""
    from gdbook.core.limits import check_buildable
    from gdbook.settings import SettingsError

    with pytest.raises(SettingsError, match=r"'data.noise_std' = 0.0 is not allowed"):
        check_buildable(from_mapping({"data": {"noise_std": 0.0}}))
    sg = section({"data": {"noise_std": 1e-8}})
    assert sg["sgd"]["status"] == "settled" and 0 < sg["sgd"]["rest_excess"] < 1e-15
