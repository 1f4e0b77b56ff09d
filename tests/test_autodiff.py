"""From the chain rule to automatic differentiation: a backward pass on the book's loss."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdbook.chapters.autodiff import compute as autodiff
from gdbook.core import model
from gdbook.core.errors import BuildError
from gdbook.settings import Settings, from_mapping


@pytest.fixture(scope="module")
def section():
    return autodiff.autodiff_section(Settings(), {})


def test_value_differentiates_like_the_rules():
    x = autodiff.Value(1.5)
    y = (x * x * 3.0 - x + 2.0) ** 3  # d/dx = 3(3x² − x + 2)²(6x − 1)
    y.backward()
    assert x.grad == pytest.approx(3 * (3 * 1.5**2 - 1.5 + 2) ** 2 * (6 * 1.5 - 1), rel=1e-12)


def test_backward_pass_is_the_books_gradient(section):
    assert section["gap"] <= 1e-12 * section["scale"]
    assert section["gap_forward"] <= 1e-12 * section["scale"]
    assert section["loss"] == pytest.approx(section["loss_model"], rel=1e-12)
    assert section["nodes"] == 7 * section["n"] + 5  # 7 per point; w, b, the zero start, 1/n and the mean


def test_one_example_adjoints_agree_with_sympy(section):
    rows = {r["key"]: r for r in section["example"]["rows"]}
    assert rows["ell"]["adjoint"] == 1.0
    r = rows["r"]["value"]
    assert rows["r"]["adjoint"] == pytest.approx(2 * r)
    assert rows["w"]["adjoint"] == pytest.approx(2 * r * section["example"]["x"])
    assert section["example"]["gap"] <= 1e-12 * section["example"]["scale"]


def test_a_wrong_local_derivative_fails_the_build(monkeypatch):
    real = autodiff.Value.__pow__
    monkeypatch.setattr(autodiff.Value, "__pow__", lambda self, k: autodiff.Value(self.data**k, (self,), (k * self.data**k,)))
    with pytest.raises(BuildError, match="autodiff"):
        autodiff.autodiff_section(Settings(), {})
    monkeypatch.setattr(autodiff.Value, "__pow__", real)


def test_fast_on_the_largest_data():
    import time

    s = from_mapping({"data": {"n": 10_000}})
    t = time.perf_counter()
    out = autodiff.autodiff_section(s, {})
    assert time.perf_counter() - t < 20
    assert out["n"] == 8_000 and out["gap"] <= 1e-12 * out["scale"]


def test_autodiff_page(built_site):
    import re

    html = (built_site / "part3" / "autodiff.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert "class Value:" in text and "def backward(self):" in text  # the real code, included
    assert "mermaid" in html
