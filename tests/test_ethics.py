"""The ethics chapter's demonstrations, recomputed independently."""

from __future__ import annotations

import numpy as np
import pytest

import json

from gdbook.book.generate import public_view as ethics_public
from gdbook.chapters.ethics import compute as ethics
from gdbook.core import data as dataset
from gdbook.core.limits import check_buildable
from gdbook.settings import Settings, SettingsError, from_mapping


@pytest.fixture(scope="module")
def section():
    return ethics.ethics_section(Settings(), {})


def lstsq(x, y):
    return np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]


def test_bent_population_keeps_the_books_data_below_the_cut():
    s = Settings()
    ds, y = ethics.bent_population(s)
    below = ds.x < ethics.cut_point(s)
    assert np.array_equal(y[below], ds.y[below])
    above = ~below
    assert np.all(y[above] > ds.y[above])
    # Above the cut the truth is steeper by the bend, continuous at the cut.
    t = ethics.bent_truth(np.array([ethics.cut_point(s), s.data.x_max]), s)
    slope = (t[1] - t[0]) / (s.data.x_max - ethics.cut_point(s))
    assert slope == pytest.approx(s.data.true_w + ethics.bend(s)) and ethics.bend(s) > 0


@pytest.mark.parametrize("raw", [{"data": {"true_w": -1.5, "noise_std": 2.0}}, {"data": {"true_w": 0.0}},
                                 {"data": {"true_w": 1.0, "noise_std": 0.0}}])
def test_the_bend_is_upwards_and_visible_whatever_the_slope(raw):
    s = from_mapping(raw)
    width = s.data.x_max - s.data.x_min
    assert ethics.bend(s) >= max(abs(s.data.true_w), 4 * s.data.noise_std / width, 1 / width)
    r = ethics.ethics_section(s, {})
    json.dumps(ethics_public(r), allow_nan=False)


def test_truncated_sample_is_worse_where_it_saw_nothing(section):
    t = section["truncation"]
    tr, ra = t["truncated"], t["random"]
    assert tr["n"] == ra["n"]
    assert tr["x_max_seen"] < t["cut"] <= ra["x_max_seen"]
    assert tr["test"]["above"]["mse"] > 5 * tr["test"]["below"]["mse"]
    assert section["truncation"]["below_under_noise"] == (tr["test"]["below"]["mse"] < Settings().data.noise_std ** 2)
    assert tr["test"]["above"]["mean_error"] < 0  # it under-predicts the left-out part
    assert ra["test"]["above"]["mse"] < tr["test"]["above"]["mse"] / 5
    assert t["ratio_above_below"] == pytest.approx(tr["test"]["above"]["mse"] / tr["test"]["below"]["mse"])


def test_fits_are_least_squares_and_scores_recompute(section):
    s = Settings()
    ds, y = ethics.bent_population(s)
    t = section["truncation"]
    for name in ("truncated", "random"):
        mask = t[f"_mask_{name}"]
        assert (t[name]["w"], t[name]["b"]) == pytest.approx(tuple(lstsq(ds.x[mask], y[mask])), rel=1e-9)
    xt, yt = ds.x[ds.is_test], y[ds.is_test]
    above = xt >= t["cut"]
    r = t["truncated"]["w"] * xt[above] + t["truncated"]["b"] - yt[above]
    assert t["truncated"]["test"]["above"]["mse"] == pytest.approx(np.mean(r**2), rel=1e-12)
    assert t["truncated"]["test"]["above"]["n"] == int(above.sum())


def test_the_range_the_model_was_fitted_on_and_the_test_points_outside_it(section):
    ds = dataset.make_dataset(Settings())
    e = section["errors"]
    assert (e["x_train_min"], e["x_train_max"]) == (ds.x_train.min(), ds.x_train.max())
    outside = ds.x_test[(ds.x_test < ds.x_train.min()) | (ds.x_test > ds.x_train.max())]
    assert e["x_outside"] == sorted(outside.tolist()) and e["n_outside"] == len(outside)
    assert e["worst_outside"] == (e["x_worst"] in e["x_outside"])
    # σ² is a floor for the expected error only: this test MSE is below it, the training MSE near σ²(n − 2)/n
    assert e["expected_train_mse"] == pytest.approx(e["noise_var"] * (ds.x_train.size - 2) / ds.x_train.size)


def test_residual_structure_shows_the_bend_but_not_the_line(section):
    e = section["explain"]
    lin, bent = e["linear"], e["bent"]
    # Noise alone: every bin mean within 3 standard errors; the bend: far outside.
    assert lin["largest_bin_mean"] < 3 * lin["largest_bin_se"]
    assert bent["largest_bin_mean"] > 5 * bent["largest_bin_se"]
    assert bent["test"]["r2"] > 0.9  # ...which R² does not reveal
    mid = bent["bins"][len(bent["bins"]) // 2]["mean"]
    assert mid > 0 and bent["bins"][0]["mean"] < 0 and bent["bins"][-1]["mean"] < 0
    assert sum(b["n"] for b in bent["bins"]) == Settings().data.n


def test_data_without_any_spread_are_refused():
    with pytest.raises(SettingsError, match=r"'data.noise_std' = 0.0 is not allowed"):
        check_buildable(from_mapping({"data": {"true_w": 0.0, "noise_std": 0.0}}))


def test_leave_one_out_influence_recomputed():
    s = from_mapping({"data": {"n": 30}})
    got = ethics.influence_demo(s)
    ds = dataset.make_dataset(s)
    x, y = ds.x_train, ds.y_train
    w, b = lstsq(x, y)
    dws = [abs(lstsq(np.delete(x, i), np.delete(y, i))[0] - w) for i in range(len(x))]
    assert got["max_dw"] == pytest.approx(max(dws), rel=1e-8)
    assert got["x_most"] == x[int(np.argmax(dws))]


def test_error_quantiles(section):
    e = section["errors"]
    assert 0 < e["median"] <= e["q90"] <= e["max"]
    assert 0 <= e["share_beyond_2rmse"] <= 1


def test_ethics_page(built_site, results):
    html = (built_site / "part4" / "ethics.html").read_text(encoding="utf-8")
    for anchor in ("bias-in-data-generation", "privacy-of-real-data", "transparency-and-explainability",
                   "responsible-use", "mitigating-the-harm-of-prediction-errors", "references"):
        assert f'id="{anchor}"' in html, anchor
    for fig in ("ethics-truncation", "ethics-error-by-region", "ethics-residuals"):
        assert f"{fig}-light.svg" in html and f"{fig}-dark.svg" in html
    for cite in ("Barocas", "Mitchell", "Gebru", "Dwork", "Rudin"):
        assert cite in html
    from gdbook.core import fmt

    assert fmt.num(results["ethics"]["truncation"]["truncated"]["test"]["above"]["mse"]) in html
    errata = (built_site / "reference" / "errata.html").read_text(encoding="utf-8")
    assert "A model does not just inherit the bias of its data" in errata
    assert fmt.num(results["ethics"]["truncation"]["truncated"]["test"]["above"]["mse"]) in errata
    # the chapters' errata come in reading order: the gradient check's before the divergence's, before ethics'
    order = [errata.index(t) for t in ("at which point, with which step", "where large begins",
                                        "The test split is not a validation set", "inherit the bias")]
    assert order == sorted(order)
