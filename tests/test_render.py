"""Templates: placeholders resolve to formatted values; an unknown one fails naming page, line and key."""

from __future__ import annotations

import pytest

from gdbook.core import fmt
from gdbook.core.errors import BuildError
from gdbook.book.render import UnknownPlaceholder, make_env, render_page

RESULTS = {"gd": {"full_batch": {"w": 2.99971234, "b": -1.95}}, "points": [{"w": 1.0}]}


def render(src: str) -> str:
    return render_page(src, "part2/page.md", RESULTS, {}, make_env())


def test_values_and_filters():
    assert render("w = {{ gd.full_batch.w | num }}") == "w = 3.000"
    assert render("w = {{ gd.full_batch.w | num(5) }}") == "w = 2.9997"
    assert render("b = {{ gd.full_batch.b | fixed(3) }}") == "b = \u22121.950"
    assert render("{% for p in points %}{{ p.w | num }}{% endfor %}") == "1"


@pytest.mark.parametrize("src, key, line", [
    ("{{ gd.full_batch.wx }}", "gd.full_batch.wx", 1),
    ("ok\n\n{{ gdd.full_batch.w }}", "gdd", 3),
    ("{{ points[3].w }}", "points[3]", 1),
    ("x\n{% for p in points %}{{ p.nope }}{% endfor %}", "points[0].nope", 2),
])
def test_unknown_placeholder_names_page_line_and_key(src, key, line):
    with pytest.raises(UnknownPlaceholder) as e:
        render(src)
    msg = str(e.value)
    assert "docs/part2/page.md" in msg and f"'{key}'" in msg and f"line {line}" in msg, msg


@pytest.mark.parametrize("src, key", [
    ("w = {{ gd.full_batch.ww | num }}", "gd.full_batch.ww"),
    ("\n{{ gd.nope.w | fixed(3) }}", "gd.nope"),
    ("{{ points[7].w | sci }}", "points[7]"),
])
def test_an_unknown_key_in_a_filter_is_named(src, key):
    with pytest.raises(UnknownPlaceholder) as e:
        render(src)
    assert f"unknown placeholder '{key}'" in str(e.value) and "Undefined" not in str(e.value), str(e.value)


def test_a_table_given_to_a_number_filter_is_named():
    with pytest.raises(UnknownPlaceholder, match="'gd.full_batch' is a table or list, not a number"):
        render("{{ gd.full_batch | num }}")


def test_a_template_that_raises_names_page_and_line():
    with pytest.raises(BuildError, match=r"docs/part2/page.md, line 2: ZeroDivisionError"):
        render("ok\n{{ 1 // 0 }}")


def test_a_table_is_not_a_value():
    with pytest.raises(UnknownPlaceholder, match="'gd.full_batch' is a table"):
        render("{{ gd.full_batch }}")


def test_unknown_figure_and_syntax_error():
    with pytest.raises(UnknownPlaceholder, match="unknown figure 'nope'"):
        render("{{ figure('nope') }}")
    with pytest.raises(BuildError, match="line 2"):
        render("a\n{{ gd.full_batch.w \n")


def test_latex_braces_pass_through():
    assert render(r"\frac{1}{n}\sum_{i} {#x#}") == r"\frac{1}{n}\sum_{i} {#x#}"


def test_formatting():
    assert fmt.num(-0.000123456) == "\u22120.0001235"
    assert fmt.num(1234567.0) == "1.235 × 10⁶"
    assert fmt.sci(1.64e-9) == "1.64 × 10\u207b\u2079"
    assert fmt.tex(2.5e-9) == "2.5 \\times 10^{-9}"
    assert fmt.integer(12000) == "12\u2009000"
    with pytest.raises(ValueError):
        fmt.num(float("nan"))
    with pytest.raises(TypeError):
        fmt.num("3")
