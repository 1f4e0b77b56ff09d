"""Settings: defaults, partial tables and documentation.

Bad values, inconsistent pairs and bad files are tested once, through the command line, in
tests/test_bad_input.py; data-dependent refusals (gdbook.core.limits.check_buildable) with the chapter they protect.
"""

from __future__ import annotations

from gdbook.settings import Settings, describe, load


def test_defaults_match_pyproject(root):
    s = load(root / "pyproject.toml")
    assert s.seed == 42 and s.data.true_w == 3.0 and s.data.true_b == -2.0
    assert s.n_train + s.n_test == s.data.n


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
