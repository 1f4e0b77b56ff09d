"""Diagrams drawn at build time (gdbook.book.diagrams): inline SVG, light and dark, named, with a text version."""

from __future__ import annotations

import html
import re

import pytest

from gdbook.book import diagrams
from gdbook.book.diagrams import DiagramError, DiagramRenderer, as_text, finish_svg
from gdbook.chapters.flowchart.compute import PROGRAM, mermaid

SMALL = 'flowchart TD\n    a["Start<br><code>f()</code>"] --> b{"Done?"}\n    b -->|yes| c(["End"])\n    b -->|no| a'


def page(source: str, label: str | None = "How it flows") -> str:
    fence = f'<pre class="mermaid"><code>{html.escape(source)}</code></pre>'
    if label is None:
        return f"<p>before</p>\n{fence}\n<p>after</p>"
    return (f'<p>before</p>\n<div aria-label="{label}" class="gd-diagram" role="region" tabindex="0">\n'
            f"{fence}\n</div>\n<p>after</p>")


def test_text_version_reads_as_the_reader_sees_it():
    text = as_text(mermaid(PROGRAM))
    assert text.startswith('<details class="gd-diagram-text"><summary>')
    assert "&lt;br&gt;" not in text and "&lt;code&gt;" not in text and "#quot;" not in text  # no markup shown as text
    for step in PROGRAM.steps:
        first = step.label.split("<br>")[0]
        assert first in text, first
    assert "<code>model.gradient</code>" in text
    assert "yes: " in text and "no: " in text  # the decisions' branches, named
    assert "Training loop: full-batch gradient descent:<ol>" in text  # the subgraph, as a nested list


def test_svg_ids_are_made_unique_and_references_follow():
    svg = ('<svg id="gdmermaiddiagram" class="flowchart" role="graphics-document document" aria-roledescription="x">'
           '<style>#gdmermaiddiagram .node{fill:red}</style><marker id="gdmermaiddiagram_arrow"/>'
           '<path id="L_a_b_0" marker-end="url(#gdmermaiddiagram_arrow)"/><g id="L_a_b_0"/><use href="#L_a_b_0"/></svg>')
    out = finish_svg(svg, "gd-page-d1-light", "light", 'The "flow"')
    ids = re.findall(r'\bid="([^"]+)"', out)
    assert len(ids) == len(set(ids)) and all(i.startswith("gd-page-d1-light") for i in ids)
    assert "gdmermaiddiagram" not in out
    assert "url(#gd-page-d1-light_arrow)" in out and 'href="#gd-page-d1-light--L_a_b_0"' in out
    assert "#gd-page-d1-light .node" in out
    head = out[:out.index(">")]
    assert 'role="img"' in head and 'aria-label="The &quot;flow&quot;"' in head and "graphics-document" not in head
    assert 'class="flowchart gd-mermaid__light"' in head


def fake_cache(renderer: DiagramRenderer, source: str) -> dict[str, str]:
    return {renderer.key(source, theme): f'<svg id="gdmermaiddiagram" viewBox="0 0 10 10"><g id="n-{theme}"/></svg>'
            for theme in ("light", "dark")}


def test_cached_diagrams_launch_no_browser(root, monkeypatch):
    monkeypatch.setattr(diagrams, "CHROMIUM", "/nonexistent/chromium")  # no browser could start
    r = DiagramRenderer(root)
    r.cache = fake_cache(r, SMALL)
    with r:
        out = r.render_html(page(SMALL), "docs/part9/flow.md")
        assert (r.drawn, r.hits, r.launched) == (0, 2, False)
    assert '<div aria-label="How it flows" class="gd-diagram" role="region" tabindex="0"><div class="gd-mermaid">' in out
    assert 'id="gd-docs-part9-flow-d1-light"' in out and 'id="gd-docs-part9-flow-d1-dark"' in out
    assert out.count('role="img" aria-label="How it flows"') == 2
    assert 'class="mermaid"' not in out and "<pre" not in out  # Material would fetch mermaid for a .mermaid
    assert out.endswith("</details>\n<p>after</p>")


def test_a_diagram_outside_a_box_gets_one(root):
    r = DiagramRenderer(root)
    r.cache = fake_cache(r, SMALL)
    out = r.render_html(page(SMALL, label=None), "docs/a.md")
    assert '<div class="gd-diagram" tabindex="0" role="region" aria-label="Diagram 1"><div class="gd-mermaid">' in out


def test_a_miss_without_a_browser_says_so(root, monkeypatch):
    monkeypatch.setattr(diagrams, "CHROMIUM", "/nonexistent/chromium")
    with DiagramRenderer(root) as r, pytest.raises(DiagramError, match="no browser"):
        r.render_html(page(SMALL), "docs/a.md")


def test_keys_cover_source_and_theme(root):
    r = DiagramRenderer(root)
    keys = {r.key(SMALL, "light"), r.key(SMALL, "dark"), r.key(SMALL + "\n", "light")}
    assert len(keys) == 3


@pytest.mark.browser
def test_drawn_in_chromium_deterministic_and_script_free(root):
    outs = []
    for _ in range(2):  # two browsers, two drawings: the same bytes
        with DiagramRenderer(root) as r:
            outs.append(r.render_html(page(SMALL), "docs/part9/flow.md"))
            assert r.launched and r.drawn == 2
    assert outs[0] == outs[1]
    out = outs[0]
    assert "<script" not in out.lower() and "onclick" not in out.lower()
    ids = re.findall(r'\bid="([^"]+)"', out)
    assert len(ids) == len(set(ids)), "duplicate ids"
    light = re.search(r'<svg[^>]*gd-mermaid__light[^>]*>', out).group(0)
    assert re.search(r'viewBox="[\d.-]+ [\d.-]+ [\d.]+ [\d.]+"', light) and 'width="100%"' in light
    assert "Start" in out and "Done?" in out


@pytest.mark.browser
def test_mermaid_syntax_error_names_the_page(root):
    with DiagramRenderer(root) as r, pytest.raises(DiagramError) as e:
        r.render_html(page("flowchart TD\n    a -->"), "docs/part9/bad.md")
    assert "docs/part9/bad.md" in str(e.value) and "flowchart TD" in str(e.value)
