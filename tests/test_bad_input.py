"""Bad input at the command line: every setting, every way of getting it wrong.

For each setting listed by :func:`gdbook.settings.describe` the command line
gets a value of the wrong type and values just out of range; then the
inconsistent pairs, and settings files that are missing, unreadable or
malformed.  Each must stop ``gdbook build`` with exit code 2 and a message that
names the setting and what is allowed, before anything is built: ``site/``
stays byte-for-byte as it was.

Most cases call :func:`gdbook.cli.main` in-process (settings are validated
before the build, so this is exactly what the command does, without a
subprocess each); a handful run the real command against the built site.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any, get_type_hints

import pytest

from conftest import ROOT, run_gdbook
from gdbook import cli
from gdbook.settings import SETTINGS_ENV, Rule, Settings, describe


def digest(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def schema() -> dict[str, tuple[Any, Rule]]:
    """name → (type, rule) for every leaf setting, walked from the dataclasses themselves."""
    out: dict[str, tuple[Any, Rule]] = {}

    def walk(cls: type, prefix: str) -> None:
        hints = get_type_hints(cls)
        for f in fields(cls):
            name = f"{prefix}.{f.name}" if prefix else f.name
            if is_dataclass(hints[f.name]):
                walk(hints[f.name], name)
            else:
                out[name] = (hints[f.name], f.metadata["rule"])

    walk(Settings, "")
    return out


SCHEMA = schema()
ROWS = {row["name"]: row for row in describe()}


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return str(v)


def toml_for(values: dict[str, Any]) -> str:
    """A settings file setting the dotted names in ``values`` (top-level keys, like --settings accepts)."""
    top, tables = [], {}
    for name, v in values.items():
        table, _, key = name.rpartition(".")
        (tables.setdefault(table, []) if table else top).append(f"{key} = {toml_value(v)}")
    text = "\n".join(top) + "\n"
    for table, lines in tables.items():
        text += f"\n[{table}]\n" + "\n".join(lines) + "\n"
    return text


def wrong_types(tp: Any) -> list[Any]:
    if getattr(tp, "__origin__", None) is list:
        return ["0.5", 0.5, [], ["x"], [True]]
    if tp is int:
        return [2.5, "7", True]
    return ["x", True, [1.0]]


def out_of_range(tp: Any, rule: Rule) -> list[Any]:
    scalar = float if getattr(tp, "__origin__", None) is list else tp
    cases = []
    if rule.lo is not None:
        cases.append(rule.lo if rule.lo_open else (rule.lo - 1 if scalar is int else rule.lo - abs(rule.lo) - 1.0))
    if rule.hi is not None:
        cases.append(rule.hi if rule.hi_open else (rule.hi + 1 if scalar is int else rule.hi + abs(rule.hi) + 1.0))
    if scalar is float:
        cases.append(math.nan)
    return [[c] if scalar is not tp else c for c in cases]


def bounds(allowed: str) -> str:
    """The part of an 'allowed' text that states the range, e.g. 'in (0, 1]' or '>= 0'."""
    m = re.search(r"(in [\[(][^\])]*[\])]|[<>]=? ?\S+)$", allowed)
    return m.group(1) if m else allowed


CASES = [(name, "type", v) for name, (tp, _) in SCHEMA.items() for v in wrong_types(tp)]
CASES += [(name, "range", v) for name, (tp, rule) in SCHEMA.items() for v in out_of_range(tp, rule)]


@pytest.fixture
def site(tmp_path) -> Path:
    """A stand-in for a published site: the in-process cases must not touch it."""
    s = tmp_path / "site"
    (s / "part2").mkdir(parents=True)
    (s / "index.html").write_text("<p>the last good build</p>")
    (s / "part2" / "dataset.html").write_text("<p>a page</p>")
    return s


def run_main(tmp_path: Path, site: Path, text: str | bytes | None, capsys, monkeypatch, path: Path | None = None):
    monkeypatch.delenv(SETTINGS_ENV, raising=False)
    if path is None:
        path = tmp_path / "settings.toml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    before = digest(site)
    code = cli.main(["build", "--root", str(ROOT), "--site-dir", str(site), "--settings", str(path), "--quiet"])
    err = capsys.readouterr().err
    assert digest(site) == before, "the site changed"
    return code, err


def test_every_setting_has_cases():
    assert set(SCHEMA) == set(ROWS)
    for name in SCHEMA:
        assert any(c[0] == name and c[1] == "type" for c in CASES), name
        assert any(c[0] == name and c[1] == "range" for c in CASES), name


@pytest.mark.parametrize("name, kind, value", CASES, ids=[f"{n}-{k}-{v!r}" for n, k, v in CASES])
def test_bad_value_exits_2_naming_setting_and_rule(tmp_path, site, capsys, monkeypatch, name, kind, value):
    code, err = run_main(tmp_path, site, toml_for({name: value}), capsys, monkeypatch)
    assert code == 2, err
    assert f"'{name}" in err, err  # 'data.n' or, for a list item, 'divergence.lr_multiples[0]'
    assert bounds(ROWS[name]["allowed"]) in err, (ROWS[name]["allowed"], err)
    assert "Traceback" not in err


INCONSISTENT = [
    ({"data.x_min": 1.0, "data.x_max": 1.0}, "data.x_max", "greater than data.x_min"),
    ({"data.x_min": 2.0, "data.x_max": -2.0}, "data.x_max", "greater than data.x_min"),
    ({"data.n": 10, "data.test_fraction": 0.95}, "data.test_fraction", "at least 2"),
    ({"descent.mini_batch.batch_size": 161}, "descent.mini_batch.batch_size", "at most the training-set size, 160"),
    ({"data.n": 20, "descent.mini_batch.batch_size": 17}, "descent.mini_batch.batch_size", "at most the training-set size, 16"),
    ({"descent.stochastic.batch_size": 2}, "descent.stochastic.batch_size", "must be 1"),
]


@pytest.mark.parametrize("values, name, allowed", INCONSISTENT)
def test_inconsistent_pairs(tmp_path, site, capsys, monkeypatch, values, name, allowed):
    code, err = run_main(tmp_path, site, toml_for(values), capsys, monkeypatch)
    assert code == 2 and f"'{name}'" in err and allowed in err, err


@pytest.mark.parametrize("text, fragments", [
    ("seed = = 3\n", ["not valid TOML", "line 1"]),
    ("[data]\nn = 100\n[data]\nn = 200\n", ["not valid TOML"]),
    ("seed = 42\n[descent\n", ["not valid TOML"]),
    (b"seed = 42\n\xff\xfe\n", ["not valid TOML"]),  # not UTF-8: unreadable as TOML text
    ("speed = 3\n", ["'speed' is unknown", "allowed keys here are", "seed"]),
    ("[data]\nsize = 3\n", ["'data.size' is unknown", "allowed keys here are", "noise_std"]),
    ("data = 3\n", ["'data'", "a table"]),
    ("[tool.gdbook]\ndata = [1, 2]\n", ["'data'", "a table"]),
])
def test_malformed_settings_files(tmp_path, site, capsys, monkeypatch, text, fragments):
    code, err = run_main(tmp_path, site, text, capsys, monkeypatch)
    assert code == 2, err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


def test_missing_settings_file(tmp_path, site, capsys, monkeypatch):
    code, err = run_main(tmp_path, site, None, capsys, monkeypatch, path=tmp_path / "nope.toml")
    assert code == 2 and "nope.toml" in err and "does not exist" in err and "existing TOML file" in err, err


def test_a_folder_is_not_a_settings_file(tmp_path, site, capsys, monkeypatch):
    code, err = run_main(tmp_path, site, None, capsys, monkeypatch, path=tmp_path)
    assert code == 2 and "is a directory" in err and "pass a TOML file" in err and "does not exist" not in err, err


def test_bad_settings_from_the_environment(tmp_path, site, capsys, monkeypatch):
    bad = tmp_path / "env.toml"
    bad.write_text("seed = -1\n")
    monkeypatch.setenv(SETTINGS_ENV, str(bad))
    code = cli.main(["build", "--root", str(ROOT), "--site-dir", str(site), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "'seed'" in err and "[0, 4294967295]" in err, err


def test_root_without_mkdocs_yml(tmp_path, site, capsys):
    code = cli.main(["build", "--root", str(tmp_path), "--site-dir", str(site)])
    assert code == 2 and "mkdocs.yml" in capsys.readouterr().err


def test_unknown_option_is_exit_2(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["build", "--fast"])
    assert e.value.code == 2


# --- the real command, against the real built site --------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("text, fragments", [
    ("[data]\nn = 2.5\n", ["'data.n'", "an integer in [10, 10000]"]),
    ("[data]\nx_min = 5.0\nx_max = 1.0\n", ["'data.x_max'", "greater than data.x_min"]),
    ("[check]\nh = 1e-13\n", ["'check.h' = 1e-13", "at least"]),  # a refusal that depends on the data
    ("seed = \n", ["not valid TOML"]),
    (None, ["does not exist"]),
])
def test_command_line_exits_2_and_leaves_site_untouched(tmp_path, built_site, text, fragments):
    before = digest(built_site)
    path = tmp_path / "s.toml"
    if text is not None:
        path.write_text(text)
    proc = run_gdbook("build", "--site-dir", str(built_site), "--settings", str(path))
    assert proc.returncode == 2, proc.stderr
    for fragment in fragments:
        assert fragment in proc.stderr, (fragment, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert digest(built_site) == before
