"""The loss surface: the grid formula against the MSE, the Hessian and its eigenvalues, equal scales, centring."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import gdbook.chapters.loss_surface.compute as lsc
from gdbook.core.errors import BuildError
from gdbook.core.model import hessian, loss_grid, mse
from gdbook.core.notation import checked_sum
from gdbook.settings import Settings, from_mapping


@pytest.fixture(scope="module")
def section():
    return lsc.loss_surface_section(Settings(), {})


def test_loss_grid_equals_mse():
    rng = np.random.default_rng(5)
    for lo, hi in ((0, 2), (10, 12), (-1000, -999)):
        x = rng.uniform(lo, hi, 40)
        y = rng.normal(1, 2, 40) + 3 * x
        ws, bs = np.linspace(-1, 4, 7), np.linspace(-3, 1, 5)
        Z = loss_grid(x, y, ws, bs)
        for j, b in enumerate(bs):
            for i, w in enumerate(ws):
                assert Z[j, i] == pytest.approx(mse(w, b, x, y), rel=1e-9)


def test_surface_minimum_is_the_least_squares_point(results):
    ls, cf = results["loss_surface"], results["closed_form"]
    assert ls["w_star"] == pytest.approx(cf["w"], rel=1e-12) and ls["l_star"] == pytest.approx(cf["train_mse"])
    assert ls["grid_min_loss"] >= ls["l_star"] - 1e-12
    assert min(ls["lam_min"], ls["lam_max"]) > 0


def test_the_map_has_equal_scales(section):
    win = section["window"]
    assert win["w_max"] - win["w_min"] == pytest.approx(win["b_max"] - win["b_min"], rel=1e-12)
    for key in ("raw", "centred"):
        p = section["pair"][key]
        assert p["w_max"] - p["w_min"] == pytest.approx(p["b_max"] - p["b_min"], rel=1e-12)


def test_the_contour_figure_is_drawn_to_equal_scales_without_paths(section):
    import matplotlib

    matplotlib.use("Agg")
    from gdbook.chapters.loss_surface import CHAPTER, figures
    from gdbook.core.plotting import LIGHT

    with matplotlib.rc_context(LIGHT.rc()):
        fig = figures.contours({"loss_surface": section}, LIGHT)
    assert fig.axes[0].get_aspect() == 1.0
    assert all(f.depends == ("loss_surface",) for f in CHAPTER.figures)  # no descent results: no paths


def test_eigenvalues_against_numpy(section):
    lam = np.linalg.eigvalsh(np.array(section["h"]))
    assert (section["lam_min"], section["lam_max"]) == pytest.approx(tuple(lam), rel=1e-12)
    m = section["means"]
    p, xb = m["x2"], m["x"]
    root = np.sqrt((p - 1) ** 2 + 4 * xb * xb)
    assert section["lam_min"] == pytest.approx(p + 1 - root, rel=1e-9)
    assert section["cond"] == pytest.approx(lam[1] / lam[0], rel=1e-12)


def test_a_wrong_hessian_entry_fails():
    L = lsc.loss()
    with pytest.raises(BuildError):
        checked_sum(r"\frac{1}{n}\sum_{i=1}^{n} x_i^2", sp.diff(L, lsc.w, lsc.w), lsc.n)


def test_centring_brings_the_condition_number_to_the_variance_ratio():
    s = from_mapping({"data": {"x_min": 10.0, "x_max": 12.0}})
    out = lsc.loss_surface_section(s, {})
    var = out["centred"]["var"]
    assert out["centred"]["cond"] == pytest.approx(max(var, 1) / min(var, 1), rel=1e-9)
    assert out["cond"] > 1e4 and out["cond_large"] and out["cond_drop"] > 1e3


def test_gradient_is_h_times_the_offset(section):
    assert section["grad0_h_rel"] <= 1e-12
    assert section["quad_rel"] <= 1e-12
