"""Math rendered at build time (gdbook.book.katex): KaTeX's own HTML, cached, strict, readable in search."""

from __future__ import annotations

import re

import pytest

from gdbook.book import katex
from gdbook.book.katex import MathError, MathRenderer, readable, search_view, split_pair
from gdbook.book.memo import Memo

PAGE = (
    '<p>The slope <span class="arithmatex">\\(w &lt; 3\\)</span> and <code>\\(x\\)</code>.</p>\n'
    '<div class="arithmatex">\\[\n\\frac{\\partial L}{\\partial w} = 2, \\qquad \\frac{\\partial L}{\\partial b} = 1.\n\\]</div>\n'
    '<div class="arithmatex">\\[\nL(w, b) = \\frac{1}{n}\\sum_{i=1}^{n} (\\hat y_i - y_i)^2\n\\]</div>\n'
    '<table><tr><th><span class="arithmatex">\\(x_i\\)</span></th><th>name <span class="arithmatex">\\(y\\)</span></th></tr></table>'
)


@pytest.fixture(scope="module")
def rendered(root):
    cache: dict[str, str] = {}
    with MathRenderer(root, cache) as r:
        html = r.render_html(PAGE, "docs/part9/test.md")
        stats = (r.rendered, r.hits, r.started)
    return html, cache, stats


def test_arithmatex_becomes_katex_html(rendered):
    html, _, (n_rendered, _, started) = rendered
    assert "arithmatex" not in html and "\\(" not in html.replace("<code>\\(x\\)</code>", "")
    assert html.count('class="katex"') == 6  # inline w < 3, the pair (2), the sum, two table headers
    assert "<code>\\(x\\)</code>" in html  # code is left alone
    # The TeX is KaTeX's annotation (what a screen reader's MathML carries), unescaped once.
    assert '<annotation encoding="application/x-tex">w &lt; 3</annotation>' in html
    assert started and n_rendered == 6


def test_display_boxes_are_named_focusable_and_pairs_stack(rendered):
    html, _, _ = rendered
    boxes = re.findall(r'<div class="(gd-eq[^"]*)" tabindex="0" role="group" aria-label="([^"]+)">', html)
    assert boxes == [("gd-eq gd-eq--row", "Equations"), ("gd-eq", "Equation")]
    row = html[html.index("gd-eq--row"):]
    row = row[:row.index('<div class="gd-eq"')]
    assert row.count('class="katex-display"') == 2  # one per formula of the pair, each wrapping on its own


def test_math_only_header_reads_its_visible_form(rendered):
    html, _, _ = rendered
    th_math, th_words = re.findall(r"<th>(.*?)</th>", html, re.S)
    assert '<span class="katex-html">' in th_math and '<span class="katex-mathml" aria-hidden="true">' in th_math
    assert '<span class="katex-html" aria-hidden="true">' in th_words  # it has words: KaTeX's own way


def test_a_warm_cache_starts_no_node_and_gives_the_same_bytes(rendered, root, monkeypatch):
    html, cache, _ = rendered
    monkeypatch.setattr(katex.shutil, "which", lambda name: None)  # Node is not even there
    with MathRenderer(root, dict(cache)) as r:
        again = r.render_html(PAGE, "docs/part9/test.md")
        assert (r.rendered, r.started) == (0, False) and r.hits == 6
    assert again == html


def test_without_node_a_miss_says_so(root, monkeypatch):
    monkeypatch.setattr(katex.shutil, "which", lambda name: None)
    with MathRenderer(root) as r, pytest.raises(MathError, match="Node.js"):
        r.render("x", False, "docs/a.md")


def test_a_formula_katex_cannot_parse_names_the_page_and_the_formula(root):
    with MathRenderer(root) as r:
        with pytest.raises(MathError) as e:
            r.render_html('<p><span class="arithmatex">\\(\\frac{1}{\\undefinedmacro}\\)</span></p>', "docs/part2/split.md")
    assert "docs/part2/split.md" in str(e.value) and "\\frac{1}{\\undefinedmacro}" in str(e.value)
    assert "Undefined control sequence" in str(e.value)


def test_non_standard_latex_is_an_error_too(root):
    with MathRenderer(root) as r, pytest.raises(MathError, match="not standard LaTeX"):
        r.render("é", False, "docs/a.md")


def test_keys_cover_formula_mode_and_version(root):
    with MathRenderer(root) as r:
        keys = {r.key("x", False), r.key("x", True), r.key("y", False)}
        assert len(keys) == 3
        r.version = "0.0.0"
        r._prefix = r._prefix.replace(katex.katex_version(root), "0.0.0")
        assert r.key("x", False) not in keys


NOTEBOOK = (
    '<div class="jp-Cell jp-MarkdownCell"><div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput" '
    'data-mime-type="text/markdown">\n<p>The slope $f\'(x_0)$ costs $5, and $$\\sum_i x_i$$ is shown.</p>'
    '<p><code>$not math$</code></p><div class="inner"><p>$a &lt; b$</p></div></div></div>\n'
    '<div class="jp-OutputArea-output"><pre>$1 and $2</pre><p>$y$</p></div>'
)


def test_notebook_markdown_cells_only(root):
    with MathRenderer(root) as r:
        html = r.render_html(NOTEBOOK, "docs/notebooks/n.py")
    cell, output = html.split('<div class="jp-OutputArea-output">')
    assert cell.count('class="katex"') == 3  # f'(x_0), the sum (display), a < b
    assert '<span class="gd-eq" tabindex="0" role="group" aria-label="Equation">' in cell  # a span: inside a <p>
    assert "costs $5, and" in cell.replace("\n", " ") or "$5" in cell  # a lone dollar stays text
    assert "<code>$not math$</code>" in cell
    assert output == "<pre>$1 and $2</pre><p>$y$</p></div>"  # outputs are never touched


@pytest.mark.parametrize("tex, parts", [
    (r"a, \qquad b.", ["a,", "b."]),
    (r"H = X, \qquad X = \begin{pmatrix} 1 \qquad 2 \end{pmatrix}", ["H = X,", r"X = \begin{pmatrix} 1 \qquad 2 \end{pmatrix}"]),
    (r"\left( a \qquad b \right)", [r"\left( a \qquad b \right)"]),
    (r"{a \qquad b}", [r"{a \qquad b}"]),
    (r"a \qquadx", [r"a \qquadx"]),
    (r"\qquad a", [r"\qquad a"]),
])
def test_split_pair(tex, parts):
    assert split_pair(tex) == parts


@pytest.mark.parametrize("tex, text", [
    (r"\frac{\partial L}{\partial w} = \frac{2}{n}\sum_{i=1}^{n} (\hat y_i - y_i)\,x_i",
     "∂L/∂w = 2/n ∑<sub>i = 1</sub><sup>n</sup>(ŷ<sub>i</sub> − y<sub>i</sub>) x<sub>i</sub>"),
    (r"\eta = 0.1", "η = 0.1"),
    (r"w \leftarrow w - \eta\,\frac{\partial L}{\partial w}", "w ← w − η ∂L/∂w"),
    (r"\sqrt{x^2 + 1}", "√(x<sup>2</sup> + 1)"),
    (r"\frac{a + b}{c}", "(a + b)/c"),
    (r"4.9 \times 10^{-7}", "4.9 × 10<sup>−7</sup>"),
    (r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", "(1, 2; 3, 4)"),
])
def test_search_reads_a_formula_as_text(root, tex, text):
    with MathRenderer(root) as r:
        html = r.render(tex, False, "docs/a.md")
    assert readable(html) == text
    view = search_view(f"<p>so {html} here</p>")
    assert view == f"<p>so {text} here</p>"
    assert "\\" not in view and "katex" not in view


def test_memo_keeps_what_the_build_used():
    memo = Memo({"old": "1", "kept": "2"})
    assert memo.get("kept") == "2" and memo.get("missing") is None
    memo["new"] = "3"
    assert memo.changed() and memo.kept() == {"kept": "2", "new": "3"}
    same = Memo({"a": "1"})
    assert same["a"] == "1" and not same.changed()
