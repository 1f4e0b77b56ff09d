"""The data chapter: the published CSV reproduces the summary statistics on the page."""

from __future__ import annotations

import numpy as np
import pytest
from part2_csv import load

from gdbook.compute.dataset import make_dataset
from gdbook.settings import Settings


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
