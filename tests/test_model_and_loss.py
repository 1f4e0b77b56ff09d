"""Model and loss: every formula checked by SymPy (and a wrong one failing), the code against SymPy, the metrics
against their formulas, the expected errors against a direct computation, and the page against dataset.csv."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from part2_csv import load, lstsq, metrics, page_text

import gdbook.chapters.model_and_loss.compute as mal
from gdbook.core.data import held_out_by_x, make_dataset
from gdbook.core.errors import BuildError
from gdbook.core.model import gradient, hessian, mse
from gdbook.core.notation import checked_sum
from gdbook.settings import Settings, from_mapping


@pytest.fixture(scope="module")
def section():
    return mal.model_and_loss_section(Settings(), {})


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


def test_formulas_are_written_in_textbook_order(section):
    f = section["formulas"]
    assert f["dw"] == r"\frac{2}{n}\sum_{i=1}^{n} (\hat y_i - y_i)\,x_i"
    assert f["db"] == r"\frac{2}{n}\sum_{i=1}^{n} (\hat y_i - y_i)"
    assert f["loss"] == r"\frac{1}{n}\sum_{i=1}^{n} (\hat y_i - y_i)^2"


@pytest.mark.parametrize("wrong", [
    r"\frac{1}{n}\sum_{i=1}^{n} (\hat y_i - y_i)\,x_i",   # the factor 2 lost
    r"\frac{2}{n}\sum_{i=1}^{n} (y_i - \hat y_i)\,x_i",   # the sign of the residual
    r"2\sum_{i=1}^{n} (\hat y_i - y_i)\,x_i",             # the 1/n lost
])
def test_a_wrong_gradient_formula_fails(wrong):
    L = mal.loss()
    with pytest.raises(BuildError):
        checked_sum(wrong, sp.diff(L, mal.w), mal.n, symbols=mal.BOUND, read_as=mal.HAT)


def test_a_wrong_gradient_in_the_code_fails_the_build(monkeypatch):
    monkeypatch.setattr(mal, "gradient", lambda w, b, x, y: (float(np.mean((w * x + b - y) * x)), 0.0))
    with pytest.raises(BuildError, match="disagree"):
        mal.model_and_loss_section(Settings(), {})


def test_a_metric_the_code_gets_wrong_fails_the_build(monkeypatch):
    real = mal.metrics

    def off(y, y_hat):
        m = real(y, y_hat)
        return {**m, "mae": m["mae"] * 1.01}

    monkeypatch.setattr(mal, "metrics", off)
    with pytest.raises(BuildError, match="mae formula"):
        mal.metric_formulas(np.array([0.1, 0.7, 1.3, 1.9]), np.array([0.0, 1.0, 2.5, 3.0]), 1.0, 0.2)


def test_code_agrees_with_sympy(section):
    assert section["check"]["worst_rel"] <= 1e-12
    assert section["metric_formulas"]["worst_rel"] <= 1e-12


def test_page_includes_the_module_source(built_site, root):
    src = (root / "src" / "gdbook" / "core" / "model.py").read_text(encoding="utf-8")
    assert "dw = 2.0 * np.mean(r * x)" in src
    text = page_text(built_site, "part2/model-and-loss.html")
    assert "dw = 2.0 * np.mean(r * x)" in text and "def mse(" in text
    assert "--8<--" not in text


# --- expected errors -------------------------------------------------------------------

def test_leverage_formula_against_the_matrix_form():
    rng = np.random.default_rng(4)
    x, x_new = rng.uniform(-1, 3, 25), rng.uniform(-2, 4, 7)
    A = np.column_stack([x, np.ones_like(x)])
    inv = np.linalg.inv(A.T @ A)
    direct = np.mean([np.array([v, 1.0]) @ inv @ np.array([v, 1.0]) for v in x_new])
    assert mal.leverage_mean(x, x_new) == pytest.approx(direct, rel=1e-12)


def test_expected_errors(section):
    h = section["how_low"]
    assert h["expected_train"] == pytest.approx(h["var"] * (h["n_train"] - 2) / h["n_train"])
    assert h["expected_train"] < h["var"] < h["expected_test"]
    sim = h["sim"]
    assert abs(sim["train_mean"] - h["expected_train"]) <= 5 * sim["train_se"]
    assert abs(sim["test_mean"] - h["expected_test"]) <= 5 * sim["test_se"]


def test_like_with_like_recomputed_from_csv(built_site, results):
    data = load(built_site)
    d, sp_ = results["dataset"], results["model_and_loss"]["split"]
    x = np.concatenate([data["train"][0], data["test"][0]])
    y = np.concatenate([data["train"][1], data["test"][1]])
    eps = y - (d["true_w"] * x + d["true_b"])
    test = np.arange(len(x)) >= len(data["train"][0])
    order = np.argsort(x, kind="stable")
    by_x = np.zeros(len(x), dtype=bool)
    by_x[order[len(x) - test.sum():]] = True
    for key, mask in (("random", test), ("sorted", by_x)):
        w, b = lstsq(x[~mask], y[~mask])
        assert sp_[key]["test_mse"] == pytest.approx(np.mean((w * x[mask] + b - y[mask]) ** 2), rel=1e-9)
        assert sp_[key]["truth_mse"] == pytest.approx(np.mean(eps[mask] ** 2), rel=1e-9)


def test_split_by_x_agrees_with_core():
    ds = make_dataset(Settings())
    m = held_out_by_x(ds)
    assert ds.x[m].min() >= ds.x[~m].max()


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


def test_least_squares_recomputed_from_csv(built_site, results):
    data = load(built_site)
    ls = results["model_and_loss"]["least_squares"]
    assert (ls["w"], ls["b"]) == pytest.approx(lstsq(*data["train"]), rel=1e-9)


def test_table_decimals_are_one_per_column(section):
    for split in ("train", "test"):
        for k, d in section["decimals"][split].items():
            assert 0 <= d <= 5, (split, k)


def test_figure_labels_keep_their_digits(built_site, results):
    """Shortening an SVG's coordinates must not round what its labels say."""
    svg = (built_site / "img" / "model-and-loss-lines-light.svg").read_text(encoding="utf-8")
    assert f"initial guess ŷ = {results['model_and_loss']['initial']['line_text']}" in svg
    from gdbook.book.drawing import compact_svg

    small = compact_svg(b'<path d="M 1.234567 0"/><text x="3.14159">w = 1.148</text>')
    assert small == b'<path d="M 1.23 0"/><text x="3.14">w = 1.148</text>'
