"""The data chapter: the published CSV reproduces the page's summaries and noise; the expected miss is checked."""

from __future__ import annotations

import numpy as np
import pytest
from part2_csv import load

import gdbook.chapters.dataset.compute as dsc
from gdbook.chapters.dataset.compute import dataset_section, split_summary
from gdbook.core.data import held_out_by_x, make_dataset
from gdbook.core.errors import BuildError
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


def test_noise_recomputed_from_csv(built_site, results):
    data = load(built_site)
    d = results["dataset"]
    for split in ("train", "test"):
        x, y = data[split]
        eps = y - (d["true_w"] * x + d["true_b"])
        assert d["noise"][split]["mean_sq"] == pytest.approx(np.mean(eps ** 2), rel=1e-12)
        assert d["noise"][split]["within_2"] == pytest.approx(np.mean(np.abs(eps) <= 2 * d["noise_std"]))
    assert d["split"]["noise_sq_test"] == pytest.approx(d["noise"]["test"]["mean_sq"], rel=1e-12)


def test_the_expected_miss_is_checked_and_a_wrong_one_fails(monkeypatch):
    assert dsc.expected_miss()["tex"].startswith(r"\sigma^2 +")
    # the noise's term dropped: SymPy's expectation disagrees
    wrong = dsc.checked_as

    def dropping_sigma(tex, equals, **kw):
        return wrong(tex.replace(r"\sigma^2 + ", ""), equals, **kw)

    monkeypatch.setattr(dsc, "checked_as", dropping_sigma)
    with pytest.raises(BuildError, match="expected squared miss"):
        dsc.expected_miss()


# --- the split ----------------------------------------------------------------------

def test_split_sizes_and_seed():
    s = Settings()
    ds = make_dataset(s)
    assert ds.is_test.sum() == s.n_test and (~ds.is_test).sum() == s.n_train
    other = make_dataset(from_mapping({"seed": 7}))
    assert not np.array_equal(other.is_test, ds.is_test)


def test_split_by_x_holds_out_the_largest():
    ds = make_dataset(Settings())
    m = held_out_by_x(ds)
    assert m.sum() == ds.is_test.sum()
    assert ds.x[m].min() >= ds.x[~m].max()
    out = split_summary(Settings())
    # the random split's test points cover the range of x; the sorted one does not
    assert out["test"]["x"]["min"] < out["sorted"]["test_x_min"]
    assert out["sorted"]["test_distance"] > out["test_distance"]


def test_csv_split_matches_results(built_site, results):
    data = load(built_site)
    assert len(data["test"][0]) == results["dataset"]["split"]["n_test"]
    assert np.mean(data["train"][0]) == pytest.approx(results["dataset"]["split"]["train"]["x"]["mean"], rel=1e-12)


def test_falling_line_is_written_as_people_write_it():
    d = dataset_section(from_mapping({"data": {"true_w": -1.5, "true_b": 0.0}}), {})
    assert d["line_tex"] == "-1.5x" and d["line_text"] == "−1.5x"


def test_split_figure_uses_two_marker_shapes(built_site):
    svg = (built_site / "img" / "dataset-split-light.svg").read_text(encoding="utf-8")
    # matplotlib writes one marker definition per distinct marker path
    assert svg.count("<defs>") >= 1 and svg.count('id="m') >= 2


@pytest.mark.parametrize("raw, named", [
    ({"data": {"noise_std": 0.0}}, "data.noise_std"),
    ({"data": {"n": 10, "test_fraction": 0.6}, "descent": {"mini_batch": {"batch_size": 2}}}, "training points"),
    ({"data": {"x_min": 999.0, "x_max": 1000.0}}, "condition number"),
])
def test_settings_part2_cannot_honour_are_refused_up_front(raw, named):
    from gdbook.core.limits import check_buildable
    from gdbook.settings import SettingsError

    with pytest.raises(SettingsError, match=named):
        check_buildable(from_mapping(raw))
    check_buildable(from_mapping({"data": {"x_min": 10.0, "x_max": 12.0}}))  # far from 0, but still buildable
