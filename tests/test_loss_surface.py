"""The loss surface: the grid formula against the MSE, and its minimum."""

from __future__ import annotations

import numpy as np
import pytest

from gdbook.chapters.loss_surface.compute import loss_grid
from gdbook.core.model import mse


def test_loss_grid_equals_mse():
    rng = np.random.default_rng(5)
    x, y = rng.uniform(0, 2, 40), rng.normal(1, 2, 40)
    ws, bs = np.linspace(-1, 4, 7), np.linspace(-3, 1, 5)
    Z = loss_grid(x, y, ws, bs)
    for j, b in enumerate(bs):
        for i, w in enumerate(ws):
            assert Z[j, i] == pytest.approx(mse(w, b, x, y), rel=1e-12)


def test_surface_minimum_is_near_the_closed_form(results):
    ls, cf = results["loss_surface"], results["closed_form"]
    assert ls["grid_min_loss"] >= cf["train_mse"] - 1e-12
    assert abs(ls["grid_min_w"] - cf["w"]) <= (ls["w_max"] - ls["w_min"]) / (ls["grid"] - 1)
    assert abs(ls["grid_min_b"] - cf["b"]) <= (ls["b_max"] - ls["b_min"]) / (ls["grid"] - 1)
    assert min(ls["eig"]) > 0
