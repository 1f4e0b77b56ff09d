"""The initial guess: reproducible, and its metrics recomputed from dataset.csv."""

from __future__ import annotations

import pytest
from part2_csv import load, metrics

from gdbook.compute.dataset import make_dataset
from gdbook.settings import Settings, from_mapping


def test_initial_guess_is_seeded():
    a, b = make_dataset(Settings()), make_dataset(Settings())
    assert (a.w0, a.b0) == (b.w0, b.b0)
    c = make_dataset(from_mapping({"seed": 43}))
    assert (c.w0, c.b0) != (a.w0, a.b0)


def test_initial_metrics_recomputed_from_csv(built_site, results):
    data = load(built_site)
    g = results["initial"]
    for split in ("train", "test"):
        m = metrics(g["w"], g["b"], *data[split])
        assert g[f"{split}_mse"] == pytest.approx(m["mse"], rel=1e-9)
        for k in ("mse", "rmse", "mae", "r2"):
            assert g["metrics"][split][k] == pytest.approx(m[k], rel=1e-9)


def test_every_descent_run_starts_from_the_initial_guess(results):
    for g in results["gd"].values():
        if isinstance(g, dict) and "initial_train_mse" in g:
            assert g["initial_train_mse"] == pytest.approx(results["initial"]["train_mse"], rel=1e-12)
