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


# --- claims -------------------------------------------------------------------------

CLAIMS = {"run": {"test_mse": 0.17, "train_mse": 0.27, "rises": 0, "name": "fb"}}


def claim(src: str) -> tuple[str, list]:
    env = make_env()
    return render_page(src, "part2/page.md", CLAIMS, {}, env), env.claims


def test_a_worded_claim_takes_the_branch_that_holds():
    text, seen = claim("ends {% claim run.test_mse < run.train_mse %}below{% else %}above{% endclaim %} it")
    assert text == "ends below it" and seen[0]["kind"] == "worded" and seen[0]["outcome"] == 0
    text, _ = claim("ends {% claim run.test_mse > run.train_mse %}above{% elif run.test_mse == run.train_mse %}at{% else %}below{% endclaim %} it")
    assert text == "ends below it"


def test_an_asserted_claim_that_holds_is_shown_and_counted():
    text, seen = claim("\n{% claim run.rises == 0 %}The loss never rises.{% endclaim %}")
    assert text == "\nThe loss never rises." and seen == [
        {"page": "part2/page.md", "line": 2, "kind": "checked", "outcome": True, "values": {"run.rises": "0", "0": "0"}}]


def test_a_contradicted_claim_fails_naming_page_line_sentence_and_values():
    with pytest.raises(BuildError) as e:
        claim("ok\n\nThe test error {% claim run.test_mse > run.train_mse %}ends above the training error{% endclaim %}.")
    msg = str(e.value)
    assert msg.startswith("docs/part2/page.md, line 3: the claim “ends above the training error” is false")
    assert "run.test_mse = 0.17" in msg and "run.train_mse = 0.27" in msg


def test_a_worded_claim_without_else_must_have_a_branch_that_holds():
    with pytest.raises(BuildError, match="no branch of the claim holds"):
        claim("{% claim run.rises > 0 %}rises{% elif run.rises < 0 %}falls{% endclaim %}")


def test_claims_read_unknown_keys_as_errors():
    with pytest.raises(UnknownPlaceholder, match="run.nope"):
        claim("{% claim run.nope < 1 %}x{% else %}y{% endclaim %}")


def test_precision_policy_in_the_formatters():
    assert fmt.num(-1e-9, 2) == "\u22121 × 10\u207b\u2079" and fmt.num(-0.00001, 2) == "\u22121 × 10\u207b\u2075"
    assert fmt.fixed(-0.00001, 4) == "0.0000" and fmt.num(-0.0) == "0"  # no signed zero
    assert fmt.sci(1.83) == "1.83" and fmt.sci(-2.5, 2) == "\u22122.5"  # no × 10⁰
    assert fmt.num(3.0) == "3" and fmt.num(2.99971) == "3.000"
    assert fmt.gap(2.3e-16) == "within rounding, below 10\u207b\u00b9\u00b2"
    assert fmt.gap(5.3e-15, 100.0) == "within rounding, below 10\u207b\u00b9\u00b2"
    assert fmt.gap(2.3e-5) == "2.3 × 10\u207b\u2075"
    assert fmt.rounding(1e-14) and not fmt.rounding(1e-9)


def test_lines_are_counted_from_the_top_of_the_file_past_the_front_matter():
    """MkDocs hands over a page without its front matter; the error still names the line in the author's file."""
    env = make_env()
    with pytest.raises(UnknownPlaceholder, match=r"line 7: unknown placeholder 'gd.nope'"):
        render_page("ok\n{{ gd.nope }}", "part2/page.md", {"gd": {}}, {}, env, first_line=6)
    assert render_page("# A\n\n{{ 1 + 1 }}", "part2/page.md", {}, {}, env, first_line=6) == "# A\n\n2"


def test_compiled_pages_are_kept_and_never_stale(tmp_path):
    """With a bytecode folder (the build's cache), a page's compiled code is reused only for the same text."""
    assert render_page("a {{ gd.full_batch.w | num }}", "part2/page.md", RESULTS, {}, make_env(bytecode_dir=tmp_path)) \
        == render("a {{ gd.full_batch.w | num }}")
    assert any(tmp_path.iterdir())
    # A new build (a new environment) with the page edited: the new text, not the kept code.
    assert render_page("b {{ gd.full_batch.w | num }}", "part2/page.md", RESULTS, {}, make_env(bytecode_dir=tmp_path)) \
        == render("b {{ gd.full_batch.w | num }}")
    # Errors still name the page and the line.
    with pytest.raises(UnknownPlaceholder, match=r"docs/part2/page.md, line 2: .*nope"):
        render_page("b\n{{ nope }}", "part2/page.md", RESULTS, {}, make_env(bytecode_dir=tmp_path))
    # The folder removed under a build (another build's clean-up): compiled, not failed.
    env = make_env(bytecode_dir=tmp_path / "gone")
    (tmp_path / "gone").rmdir()
    assert render_page("c", "part2/page.md", RESULTS, {}, env) == "c"


def test_theme_templates_are_kept_and_never_stale(tmp_path):
    """The theme's templates (MkDocs' environment) are kept in the build cache too, by version of MkDocs and
    the theme; an edited override is compiled again, and folders of other versions are removed."""
    import jinja2

    from gdbook.book.cache import Cache
    from gdbook.book.events import Book

    book = Book(None, serving=False, code_is_current=lambda: True)
    book.cache = Cache(tmp_path / "cache")
    (tmp_path / "cache" / "theme-templates" / "mkdocs-0-material-0").mkdir(parents=True)
    theme = tmp_path / "theme"
    theme.mkdir()

    def page(text: str) -> str:
        (theme / "main.html").write_text(text)
        env = book.on_env(jinja2.Environment(loader=jinja2.FileSystemLoader(str(theme))))
        return env.get_template("main.html").render(x=1)

    assert page("a {{ x }}") == "a 1"
    kept = list((tmp_path / "cache" / "theme-templates").iterdir())
    assert [p.name.startswith("mkdocs-") and "-material-" in p.name for p in kept] == [True]
    assert kept[0].name != "mkdocs-0-material-0" and any(kept[0].iterdir())
    assert page("b {{ x }}") == "b 1"  # same name, new text: not the kept code
    book.cache = Cache(tmp_path / "off", enabled=False)
    env = jinja2.Environment()
    assert book.on_env(env) is env and env.bytecode_cache is None
