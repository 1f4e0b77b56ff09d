"""The book's parameters: one schema, one loader, one validator.

Settings live in the ``[tool.gdbook]`` table of ``pyproject.toml`` (or in any
TOML file passed with ``--settings``/``GDBOOK_SETTINGS``; such a file may hold
the keys at its top level instead, if it has no ``[tool]`` table).  Every key is optional: a missing key takes the
default declared here.  A bad value raises :class:`SettingsError`, whose
message names the setting, the value and what is allowed.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, get_type_hints

SETTINGS_ENV = "GDBOOK_SETTINGS"


class SettingsError(ValueError):
    """A setting is missing, malformed, of the wrong type or out of range."""


@dataclass(frozen=True)
class Rule:
    """What a setting may be; ``text`` is what the error message calls allowed."""

    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    doc: str = ""
    min_len: int = 1
    why: str = ""  # why the range is what it is, when that is not obvious (said in the error message)

    def allowed(self, kind: str) -> str:
        if self.lo is None and self.hi is None:
            return kind
        if self.hi is None:
            return f"{kind} {'>' if self.lo_open else '>='} {_fmt(self.lo)}"
        if self.lo is None:
            return f"{kind} {'<' if self.hi_open else '<='} {_fmt(self.hi)}"
        left = "(" if self.lo_open else "["
        right = ")" if self.hi_open else "]"
        return f"{kind} in {left}{_fmt(self.lo)}, {_fmt(self.hi)}{right}"

    def holds(self, v: float) -> bool:
        if self.lo is not None and (v < self.lo or (self.lo_open and v == self.lo)):
            return False
        if self.hi is not None and (v > self.hi or (self.hi_open and v == self.hi)):
            return False
        return True


def _fmt(v: float | None) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def opt(default: Any, doc: str, lo=None, hi=None, lo_open=False, hi_open=False, min_len=1, why=""):
    rule = Rule(lo, hi, lo_open, hi_open, doc, min_len, why)
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata={"rule": rule})
    return field(default=default, metadata={"rule": rule})


@dataclass(frozen=True)
class DataSettings:
    n: int = opt(200, "number of (x, y) points generated", lo=10, hi=10_000,
                 why="a build stays within a few minutes and its figures light up to 10 000 points")
    true_w: float = opt(3.0, "true slope w of y = w·x + b + ε", lo=-1e3, hi=1e3)
    true_b: float = opt(-2.0, "true intercept b", lo=-1e3, hi=1e3)
    noise_std: float = opt(0.5, "standard deviation of the Gaussian noise ε", lo=0.0, hi=1e3)
    x_min: float = opt(0.0, "smallest x (x is uniform on [x_min, x_max])", lo=-1e3, hi=1e3)
    x_max: float = opt(2.0, "largest x", lo=-1e3, hi=1e3)
    test_fraction: float = opt(0.2, "share of points held out as the test split", lo=0.0, hi=1.0, lo_open=True, hi_open=True)


@dataclass(frozen=True)
class InitSettings:
    scale: float = opt(1.0, "standard deviation of the random initial w and b", lo=0.0, hi=1e3)


@dataclass(frozen=True)
class MethodSettings:
    lr: float = opt(0.1, "learning rate η", lo=0.0, hi=1e3, lo_open=True)
    n_iters: int = opt(500, "number of parameter updates", lo=1, hi=20_000,
                       why="every update is recorded and drawn; 20 000 keep a build within minutes")
    batch_size: int = opt(16, "examples per update (full batch ignores it)", lo=1, hi=10_000)


@dataclass(frozen=True)
class StochasticSettings(MethodSettings):
    # The chapter's run uses a step that settles; the case study repeats it with a step too large to.
    large_lr: float = opt(0.4, "the too-large learning rate of the stochastic chapter's case study (and the start "
                          "of its decaying step)", lo=0.0, hi=1e3, lo_open=True)


@dataclass(frozen=True)
class DescentSettings:
    full_batch: MethodSettings = field(default_factory=lambda: MethodSettings(lr=0.1, n_iters=500, batch_size=160))
    mini_batch: MethodSettings = field(default_factory=lambda: MethodSettings(lr=0.1, n_iters=500, batch_size=16))
    stochastic: StochasticSettings = field(default_factory=lambda: StochasticSettings(lr=0.05, n_iters=1000, batch_size=1))
    decay: float = opt(0.01, "decay k of the case study's decaying step, η_t = large_lr / (1 + k·t)", lo=0.0, hi=1e3)
    divergence_bound: float = opt(1e6, "a run counts as diverged once its loss passes this", lo=1.0, hi=1e100)
    tolerance: float = opt(1e-6, "full-batch descent counts as converged once |w − w*| and |b − b*| are both at most "
                           "this (w*, b*: the least-squares fit)", lo=0.0, hi=1e3, lo_open=True)
    repeats: int = opt(40, "stochastic runs, each with its own shuffle seed, behind the noise statistics", lo=1, hi=200,
                        why="each is a full stochastic run; 200 keep a build within minutes")


@dataclass(frozen=True)
class CheckSettings:
    h: float = opt(1e-5, "step of the central finite difference (near ε^(1/3) ≈ 6e-6, the usual choice)", lo=0.0, hi=1.0, lo_open=True)
    rel_tol: float = opt(1e-4, "largest relative gradient error the build accepts, at every checked point", lo=0.0, hi=1.0, lo_open=True)


@dataclass(frozen=True)
class DivergenceSettings:
    lr_multiples: list[float] = opt([0.5, 0.9, 1.1, 2.0], "learning rates of the divergence runs, as multiples of η*", lo=0.0, hi=1e3, lo_open=True)
    n_iters: int = opt(100, "updates per divergence run", lo=1, hi=2_000,
                       why="the sweep runs this many updates at every one of its learning rates")
    sweep_points: int = opt(60, "learning rates in the sweep (log grid)", lo=3, hi=200)


@dataclass(frozen=True)
class ExplorerSettings:
    lr_min_multiple: float = opt(0.01, "smallest learning rate of the explorer, as a multiple of η*", lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    lr_max_multiple: float = opt(3.0, "largest learning rate of the explorer, as a multiple of η*", lo=1.0, hi=100.0, lo_open=True)
    batch_sizes: list[int] = opt([2, 4, 8, 16, 32, 64], "mini-batch sizes the explorer offers (descent.mini_batch.batch_size is added; sizes not below the number of training points are left out: that is full batch)", lo=1, hi=10_000)
    n_iters: list[int] = opt([10, 20, 50, 100, 200, 500, 1000], "update counts the explorer offers (the methods' n_iters are added; the largest sets how many shuffles ship)", lo=1, hi=20_000)
    converged_tol: float = opt(0.01, "the explorer calls a run converged when its training loss is within this fraction above the least-squares minimum", lo=0.0, hi=10.0, lo_open=True)


@dataclass(frozen=True)
class ExerciseSettings:
    count: int = opt(4, "generated practice exercises per Part 1 chapter (each chapter adds its own questions)", lo=1, hi=20)
    seed: int = opt(2024, "seed of the exercise generator", lo=0, hi=2**32 - 1)


@dataclass(frozen=True)
class Settings:
    seed: int = opt(42, "seed of every random generator (np.random.default_rng)", lo=0, hi=2**32 - 1)
    data: DataSettings = field(default_factory=DataSettings)
    init: InitSettings = field(default_factory=InitSettings)
    descent: DescentSettings = field(default_factory=DescentSettings)
    check: CheckSettings = field(default_factory=CheckSettings)
    divergence: DivergenceSettings = field(default_factory=DivergenceSettings)
    explorer: ExplorerSettings = field(default_factory=ExplorerSettings)
    exercises: ExerciseSettings = field(default_factory=ExerciseSettings)

    @property
    def n_test(self) -> int:
        return n_test(self.data)

    @property
    def n_train(self) -> int:
        return self.data.n - self.n_test


def n_test(data: DataSettings) -> int:
    """Size of the test split: the test fraction of n, rounded, at least one."""
    return max(1, int(round(data.test_fraction * data.n)))


# --- loading -----------------------------------------------------------------

def _kind(tp: Any) -> str:
    return {int: "an integer", float: "a number", bool: "true or false"}.get(tp, "a list of numbers")


def _check_scalar(name: str, value: Any, tp: Any, rule: Rule) -> Any:
    kind = _kind(tp)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (tp is int and not isinstance(value, int)):
        raise SettingsError(f"setting '{name}' = {value!r} is not allowed: expected {rule.allowed(kind)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise SettingsError(f"setting '{name}' = {value!r} is not allowed: expected a finite {rule.allowed(kind)[2:]}")
    if not rule.holds(value):
        reason = f" ({rule.why})" if rule.why else ""
        raise SettingsError(f"setting '{name}' = {value!r} is out of range: allowed is {rule.allowed(kind)}{reason}")
    return float(value) if tp is float else value


def _build(cls: type, raw: Any, prefix: str) -> Any:
    if not isinstance(raw, dict):
        raise SettingsError(f"setting '{prefix or 'tool.gdbook'}' = {raw!r} is not allowed: expected a table")
    hints = get_type_hints(cls)
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        name = f"{prefix}.{unknown[0]}" if prefix else unknown[0]
        raise SettingsError(
            f"setting '{name}' is unknown: allowed keys here are {', '.join(sorted(known))}"
        )
    values: dict[str, Any] = {}
    default = cls()
    for key, f in known.items():
        name = f"{prefix}.{key}" if prefix else key
        tp = hints[key]
        if key not in raw:
            continue
        value = raw[key]
        if is_dataclass(tp):
            values[key] = _build_nested(tp, value, name, getattr(default, key))
        elif getattr(tp, "__origin__", None) is list:
            rule = f.metadata["rule"]
            item = tp.__args__[0]
            noun = "whole numbers" if item is int else "numbers"
            if not isinstance(value, list) or len(value) < rule.min_len:
                raise SettingsError(f"setting '{name}' = {value!r} is not allowed: expected a non-empty list of "
                                    f"{noun}, each {rule.allowed('a number')[2:]}")
            values[key] = [_check_scalar(f"{name}[{i}]", v, item, rule) for i, v in enumerate(value)]
        else:
            values[key] = _check_scalar(name, value, tp, f.metadata["rule"])
    return cls(**{**{k: getattr(default, k) for k in known}, **values})


def _build_nested(tp: type, value: Any, name: str, default: Any) -> Any:
    # A nested table overrides only the keys it names; the rest keep the
    # (possibly method-specific) default of the enclosing table.
    if not isinstance(value, dict):
        raise SettingsError(f"setting '{name}' = {value!r} is not allowed: expected a table")
    return _build(tp, {**_as_raw(default), **value}, name)


def _as_raw(obj: Any) -> Any:
    if is_dataclass(obj):
        return {f.name: _as_raw(getattr(obj, f.name)) for f in fields(obj)}
    return obj


def _check_consistency(s: Settings) -> None:
    d = s.data
    if d.x_min >= d.x_max:
        raise SettingsError(
            f"setting 'data.x_max' = {d.x_max!r} is not allowed: it must be greater than data.x_min = {d.x_min!r}"
        )
    if s.n_train < 2:
        raise SettingsError(
            f"setting 'data.test_fraction' = {d.test_fraction!r} is not allowed with data.n = {d.n}: "
            f"it leaves {s.n_train} training point(s); at least 2 are needed"
        )
    for method in ("mini_batch", "stochastic"):
        bs = getattr(s.descent, method).batch_size
        if bs > s.n_train:
            raise SettingsError(
                f"setting 'descent.{method}.batch_size' = {bs} is not allowed: it must be at most the "
                f"training-set size, {s.n_train} (data.n = {d.n} with data.test_fraction = {d.test_fraction})"
            )
    if s.descent.stochastic.batch_size != 1:
        raise SettingsError(
            f"setting 'descent.stochastic.batch_size' = {s.descent.stochastic.batch_size} is not allowed: "
            "stochastic descent uses one example per update, so it must be 1"
        )


def from_mapping(raw: dict) -> Settings:
    """Validate a mapping (the ``[tool.gdbook]`` table) into :class:`Settings`."""
    settings = _build(Settings, raw, "")
    _check_consistency(settings)
    return settings


def load(path: str | os.PathLike) -> Settings:
    """Load and validate the settings in the TOML file ``path``."""
    p = Path(path)
    if p.is_dir():
        raise SettingsError(f"settings file '{p}' is a directory: pass a TOML file")
    if not p.is_file():
        raise SettingsError(f"settings file '{p}' does not exist: pass an existing TOML file")
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise SettingsError(f"settings file '{p}' is not valid TOML: {e}") from None
    except OSError as e:
        raise SettingsError(f"settings file '{p}' cannot be read: {e.strerror}") from None
    return from_mapping(settings_table(doc, p))


def settings_table(doc: dict, p: Path) -> dict:
    """The book's table of a TOML document: ``[tool.gdbook]`` when there is a ``[tool]`` table, else the top level."""
    if "tool" not in doc:
        return doc
    known = {f.name for f in fields(Settings)}
    stray = sorted(k for k in doc if k in known)
    if stray:
        raise SettingsError(
            f"settings file '{p}' has the setting '{stray[0]}' at its top level beside a [tool] table, where it "
            f"would be ignored: in a file with a [tool] table the settings go in [tool.gdbook]")
    tool = doc["tool"]
    if not isinstance(tool, dict) or "gdbook" not in tool:
        others = ", ".join(f"[tool.{k}]" for k in tool) if isinstance(tool, dict) else "[tool]"
        raise SettingsError(
            f"settings file '{p}' has no [tool.gdbook] table (it has {others or 'an empty [tool]'}): add one "
            f"(an empty [tool.gdbook] builds the defaults), or pass a file with the settings at its top level")
    return tool["gdbook"]


def describe() -> list[dict]:
    """Every setting with its default, what is allowed and what it does (for the docs)."""
    rows: list[dict] = []

    def walk(cls: type, obj: Any, prefix: str) -> None:
        hints = get_type_hints(cls)
        for f in fields(cls):
            name = f"{prefix}.{f.name}" if prefix else f.name
            tp = hints[f.name]
            value = getattr(obj, f.name)
            if is_dataclass(tp):
                walk(tp, value, name)
                continue
            rule: Rule = f.metadata["rule"]
            if getattr(tp, "__origin__", None) is list:
                kind = "a list of whole numbers, each" if tp.__args__[0] is int else "a list of numbers, each"
            else:
                kind = _kind(tp)
            rows.append({"name": name, "default": value, "allowed": rule.allowed(kind), "doc": rule.doc})

    walk(Settings, Settings(), "")
    return rows


def as_dict(s: Settings) -> dict:
    return _as_raw(s)
