"""The data chapter: the published CSV reproduces the summary statistics on the page."""

from __future__ import annotations

import numpy as np
import pytest
from part2_csv import load

from gdbook.chapters.dataset.compute import split_summary
from gdbook.core.data import make_dataset
from gdbook.settings import Settings, from_mapping


def test_dataset_is_reproducible():
    a, b = make_dataset(Settings()), make_dataset(Settings())
    assert np.array_equal(a.x, b.x) and np.array_equal(a.y, b.y) and np.array_equal(a.is_test, b.is_test)


def test_summary_recomputed_from_csv(built_site, results):
    data = load(built_site)
    x = np.concatenate([data["train"][0], data["test"][0]])
    y = np.concatenate([data["train"][1], data["test"][1]])
    d = results["dataset"]
    assert len(x) == d["n"]
    for name, v in (("x", x), ("y", y)):
        assert d[name]["mean"] == pytest.approx(np.mean(v), rel=1e-12)
        assert d[name]["std"] == pytest.approx(np.std(v, ddof=1), rel=1e-12)
        assert d[name]["min"] == np.min(v) and d[name]["max"] == np.max(v)
    assert d["x_min"] <= x.min() and x.max() <= d["x_max"]


# --- the split ----------------------------------------------------------------------

def test_split_sizes_and_seed():
    s = Settings()
    ds = make_dataset(s)
    assert ds.is_test.sum() == s.n_test and (~ds.is_test).sum() == s.n_train
    other = make_dataset(from_mapping({"seed": 7}))
    assert not np.array_equal(other.is_test, ds.is_test)


def test_split_is_not_ordered_by_x():
    out = split_summary(Settings())
    # the random split's test points cover the range of x; the sorted one does not
    assert out["test"]["x"]["min"] < out["sorted"]["test_x_min"]
    assert out["sorted"]["train_x_max"] <= out["sorted"]["test_x_min"]


def test_csv_split_matches_results(built_site, results):
    data = load(built_site)
    assert len(data["test"][0]) == results["dataset"]["split"]["n_test"]
    assert np.mean(data["train"][0]) == pytest.approx(results["dataset"]["split"]["train"]["x"]["mean"], rel=1e-12)


def test_split_figure_uses_two_marker_shapes(built_site):
    svg = (built_site / "img" / "dataset-split-light.svg").read_text(encoding="utf-8")
    # matplotlib writes one marker definition per distinct marker path
    assert svg.count("<defs>") >= 1 and svg.count('id="m') >= 2
