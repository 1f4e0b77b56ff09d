"""Settings: validated on load, with messages that name the setting, the value and what is allowed."""

from __future__ import annotations

import pytest

from gdbook.settings import Settings, SettingsError, describe, from_mapping, load


def test_defaults_match_pyproject(root):
    s = load(root / "pyproject.toml")
    assert s.seed == 42 and s.data.true_w == 3.0 and s.data.true_b == -2.0
    assert s.n_train + s.n_test == s.data.n


@pytest.mark.parametrize(
    "raw, names",
    [
        ({"seed": "42"}, ["seed", "'42'", "an integer"]),
        ({"seed": True}, ["seed", "True", "an integer"]),
        ({"seed": -1}, ["seed", "-1", "[0, 4294967295]"]),
        ({"data": {"n": 2.5}}, ["data.n", "2.5", "an integer"]),
        ({"data": {"test_fraction": 1.0}}, ["data.test_fraction", "1.0", "(0, 1)"]),
        ({"data": {"test_fraction": 0}}, ["data.test_fraction", "0", "(0, 1)"]),
        ({"data": {"noise_std": float("nan")}}, ["data.noise_std", "nan", "finite"]),
        ({"data": {"x_min": 3.0, "x_max": 1.0}}, ["data.x_max", "1.0", "greater than data.x_min"]),
        ({"descent": {"mini_batch": {"batch_size": 500}}}, ["descent.mini_batch.batch_size", "500", "at most", "160"]),
        ({"descent": {"stochastic": {"batch_size": 4}}}, ["descent.stochastic.batch_size", "4", "must be 1"]),
        ({"descent": {"full_batch": {"lr": 0}}}, ["descent.full_batch.lr", "0", "> 0" if False else "(0, 1000]"]),
        ({"descent": {"full_batch": "fast"}}, ["descent.full_batch", "'fast'", "a table"]),
        ({"divergence": {"lr_multiples": []}}, ["divergence.lr_multiples", "[]", "list"]),
        ({"divergence": {"lr_multiples": [0.5, "x"]}}, ["divergence.lr_multiples[1]", "'x'"]),
        ({"data": {"size": 3}}, ["data.size", "unknown", "allowed keys", "n, noise_std"]),
        ({"speed": 3}, ["speed", "unknown"]),
    ],
)
def test_bad_values_name_setting_value_and_rule(raw, names):
    with pytest.raises(SettingsError) as e:
        from_mapping(raw)
    for fragment in names:
        assert fragment in str(e.value), (fragment, str(e.value))


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        load(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("seed = = 3\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load(bad)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SettingsError, match="bin.toml"):
        load(binary)


def test_plain_file_and_partial_tables(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text("seed = 7\n[descent.mini_batch]\nlr = 0.05\n")
    s = load(f)
    assert s.seed == 7 and s.descent.mini_batch.lr == 0.05
    # keys a table leaves out keep that method's own defaults
    assert s.descent.mini_batch.batch_size == Settings().descent.mini_batch.batch_size


def test_every_setting_is_documented():
    rows = describe()
    assert len(rows) > 20
    for row in rows:
        assert row["doc"] and row["allowed"], row
