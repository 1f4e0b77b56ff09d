"""Mini-batch and stochastic descent: the notes' observation reproduced, explained and fixed."""

from __future__ import annotations

import numpy as np
import pytest
from part2_csv import load, metrics

from gdbook.core.data import make_dataset
from gdbook.chapters.stochastic.compute import mean_square, threshold
from gdbook.core.model import closed_form
from gdbook.settings import Settings


def test_stochastic_run_ends_above_its_start_and_the_fixes_do_not(results):
    sto, sgd = results["stochastic"]["sgd"], results["stochastic"]
    assert not sto["diverged"]
    assert sto["train_mse"] > sto["initial_train_mse"] == sgd["fixed"]["initial_train_mse"]
    assert sgd["ended_above_start"] is True
    for fix in ("fixed", "decay"):
        assert sgd[fix]["train_mse"] < sto["initial_train_mse"]
        assert sgd["repeats"][fix]["above_start"] == 0 and sgd["repeats"][fix]["diverged"] == 0
    rep = sgd["repeats"]["stochastic"]
    assert rep["above_start"] + rep["below_start"] + rep["diverged"] == rep["runs"]
    assert rep["above_start"] > 0


@pytest.mark.parametrize("key", ["fixed", "decay"])
def test_fix_metrics_recomputed_from_csv(built_site, results, key):
    data = load(built_site)
    g = results["stochastic"][key]
    assert g["train_mse"] == pytest.approx(metrics(g["w"], g["b"], *data["train"])["mse"], rel=1e-9)
    assert g["test_mse"] == pytest.approx(metrics(g["w"], g["b"], *data["test"])["mse"], rel=1e-9)
    assert g["r2_test"] == pytest.approx(metrics(g["w"], g["b"], *data["test"])["r2"], rel=1e-9)


def _train():
    ds = make_dataset(Settings())
    x, y = ds.x_train, ds.y_train
    return x, y, np.array(closed_form(x, y))


def test_mean_square_model_against_simulation():
    """The predicted stationary loss of with-replacement one-example descent matches a long simulation."""
    x, y, theta = _train()
    lr = 0.05
    radius, predicted = mean_square(x, y, theta, lr)
    assert radius < 1
    rng = np.random.default_rng(0)
    w, b = theta
    losses = []
    idx = rng.integers(0, len(x), size=60_000)
    for t, i in enumerate(idx):
        r = w * x[i] + b - y[i]
        w, b = w - lr * 2 * r * x[i], b - lr * 2 * r
        if t >= 10_000:
            losses.append(np.mean((w * x + b - y) ** 2))
    assert np.mean(losses) == pytest.approx(predicted, rel=0.05)


def test_threshold_separates_settling_from_not():
    x, y, theta = _train()
    eta = threshold(x, y, theta, hi=1.0)
    assert mean_square(x, y, theta, eta * 0.99)[0] < 1 < mean_square(x, y, theta, eta * 1.01)[0]


def test_page_keeps_updates_and_epochs_apart(built_site):
    html = (built_site / "part2" / "stochastic.html").read_text(encoding="utf-8")
    assert "updates per epoch" in html and "epochs" in html
