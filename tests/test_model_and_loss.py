"""Model and loss: sympy's derivation against the code, central differences, and the included source."""

from __future__ import annotations

import numpy as np
import pytest
from part2_csv import load, metrics, page_text

import gdbook.chapters.model_and_loss.compute as mal
from gdbook.core.data import make_dataset
from gdbook.core.errors import BuildError
from gdbook.core.model import gradient, hessian, mse
from gdbook.settings import Settings, from_mapping


def test_gradient_against_central_differences():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 2, 30), rng.normal(0, 1, 30)
    for w, b in [(0.3, -1.0), (2.0, 0.5)]:
        h = 1e-6
        dw = (mse(w + h, b, x, y) - mse(w - h, b, x, y)) / (2 * h)
        db = (mse(w, b + h, x, y) - mse(w, b - h, x, y)) / (2 * h)
        assert gradient(w, b, x, y) == pytest.approx((dw, db), rel=1e-6)
    H = hessian(x)
    assert H[1, 1] == pytest.approx(2.0) and H[0, 1] == pytest.approx(2 * x.mean())


def test_section_checks_pass():
    out = mal.model_and_loss_section(Settings(), {})
    assert out["worst_rel"] <= 1e-9
    assert "sum" in out["dw_tex"]


def test_a_wrong_gradient_fails_the_build(monkeypatch):
    monkeypatch.setattr(mal, "gradient", lambda w, b, x, y: (float(np.mean((w * x + b - y) * x)), 0.0))
    with pytest.raises(BuildError):
        mal.model_and_loss_section(Settings(), {})


def test_page_includes_the_module_source(built_site, root):
    src = (root / "src" / "gdbook" / "core" / "model.py").read_text(encoding="utf-8")
    assert "dw = 2.0 * np.mean(r * x)" in src
    text = page_text(built_site, "part2/model-and-loss.html")
    assert "dw = 2.0 * np.mean(r * x)" in text and "def mse(" in text
    assert "--8<--" not in text


# --- the initial guess -------------------------------------------------------------

def test_initial_guess_is_seeded():
    a, b = make_dataset(Settings()), make_dataset(Settings())
    assert (a.w0, a.b0) == (b.w0, b.b0)
    c = make_dataset(from_mapping({"seed": 43}))
    assert (c.w0, c.b0) != (a.w0, a.b0)


def test_initial_metrics_recomputed_from_csv(built_site, results):
    data = load(built_site)
    g = results["model_and_loss"]["initial"]
    for split in ("train", "test"):
        m = metrics(g["w"], g["b"], *data[split])
        assert g[f"{split}_mse"] == pytest.approx(m["mse"], rel=1e-9)
        for k in ("mse", "rmse", "mae", "r2"):
            assert g["metrics"][split][k] == pytest.approx(m[k], rel=1e-9)


def test_every_descent_run_starts_from_the_initial_guess(results):
    start = results["model_and_loss"]["initial"]["train_mse"]
    for g in (results["full_batch"], results["stochastic"]["mini_batch"], results["stochastic"]["sgd"]):
        assert g["initial_train_mse"] == pytest.approx(start, rel=1e-12)
