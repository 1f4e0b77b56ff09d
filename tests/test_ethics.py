"""The ethics chapter's demonstrations, recomputed independently."""

from __future__ import annotations

import numpy as np
import pytest

from gdbook.core import data as dataset
from gdbook.chapters.ethics import compute as ethics
from gdbook.settings import Settings, from_mapping


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
    # Above the cut the truth is steeper by HINGE·w, continuous at the cut.
    t = ethics.bent_truth(np.array([ethics.cut_point(s), s.data.x_max]), s)
    slope = (t[1] - t[0]) / (s.data.x_max - ethics.cut_point(s))
    assert slope == pytest.approx((1 + ethics.HINGE) * s.data.true_w)


def test_truncated_sample_is_worse_where_it_saw_nothing(section):
    t = section["truncation"]
    tr, ra = t["truncated"], t["random"]
    assert tr["n"] == ra["n"]
    assert tr["x_max_seen"] < t["cut"] <= ra["x_max_seen"]
    assert tr["test"]["above"]["mse"] > 5 * tr["test"]["below"]["mse"]
    assert tr["test"]["above"]["mean_error"] < 0  # it under-predicts the left-out part
    assert ra["test"]["above"]["mse"] < tr["test"]["above"]["mse"] / 5
    assert t["ratio_above_below"] == pytest.approx(tr["test"]["above"]["mse"] / tr["test"]["below"]["mse"])


def test_fits_agree_with_least_squares_and_scores_recompute(section):
    s = Settings()
    ds, y = ethics.bent_population(s)
    t = section["truncation"]
    mask = t["_mask_truncated"]
    w, b = lstsq(ds.x[mask], y[mask])
    assert (t["truncated"]["w_closed"], t["truncated"]["b_closed"]) == pytest.approx((w, b), rel=1e-9)
    assert t["truncated"]["gap"] < 1e-2  # descent with the book's budget is close to the exact fit
    xt, yt = ds.x[ds.is_test], y[ds.is_test]
    above = xt >= t["cut"]
    r = t["truncated"]["w"] * xt[above] + t["truncated"]["b"] - yt[above]
    assert t["truncated"]["test"]["above"]["mse"] == pytest.approx(np.mean(r**2), rel=1e-12)
    assert t["truncated"]["test"]["above"]["n"] == int(above.sum())


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


def test_errata_name_the_notes_and_carry_computed_numbers(section):
    errata = section["errata"]
    assert len(errata) == 3
    for item in errata:
        assert {"title", "where", "notes", "correct", "explanation", "link", "link_text"} <= set(item)
        assert item["link"].startswith("../part4/ethics.md#")
    from gdbook.core import fmt

    assert fmt.num(section["truncation"]["truncated"]["test"]["above"]["mse"]) in errata[0]["correct"]


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
