"""The train/test split: random, seeded, disjoint, and as published in dataset.csv."""

from __future__ import annotations

import numpy as np
import pytest
from part2_csv import load

from gdbook.compute.dataset import make_dataset
from gdbook.compute.split import split_section
from gdbook.settings import Settings, from_mapping


def test_split_sizes_and_seed():
    s = Settings()
    ds = make_dataset(s)
    assert ds.is_test.sum() == s.n_test and (~ds.is_test).sum() == s.n_train
    other = make_dataset(from_mapping({"seed": 7}))
    assert not np.array_equal(other.is_test, ds.is_test)


def test_split_is_not_ordered_by_x():
    out = split_section(Settings(), {})
    # the random split's test points cover the range of x; the sorted one does not
    assert out["test"]["x"]["min"] < out["sorted"]["test_x_min"]
    assert out["sorted"]["train_x_max"] <= out["sorted"]["test_x_min"]


def test_csv_split_matches_results(built_site, results):
    data = load(built_site)
    assert len(data["test"][0]) == results["split"]["n_test"]
    assert np.mean(data["train"][0]) == pytest.approx(results["split"]["train"]["x"]["mean"], rel=1e-12)


def test_split_figure_uses_two_marker_shapes(built_site):
    svg = (built_site / "img" / "split-scatter-light.svg").read_text(encoding="utf-8")
    # matplotlib writes one marker definition per distinct marker path
    assert svg.count("<defs>") >= 1 and svg.count('id="m') >= 2
