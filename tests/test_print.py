"""The printable book, one page per part: every chapter, unique ids, working links and images."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from gdbook.book import parser_pauses, printbook


def chapters():
    return [
        printbook.Chapter("index.html", "Home", '<h1 id="home">Home</h1><p><a href="part1/a.html#x">A</a></p>'),
        printbook.Chapter("part1/a.html", "A", (
            '<h1 id="a">A</h1><h2 id="x">X</h2><a href="#x">self</a><a href="b.html">B</a>'
            '<picture class="gd-light"><source media="(max-width: 719px)" srcset="../img/f-light-phone.svg">'
            '<img src="../img/f-light.svg" alt="f" width="600" height="400"></picture>'
            '<picture class="gd-dark"><source media="(max-width: 719px)" srcset="../img/f-dark-phone.svg">'
            '<img src="../img/f-dark.svg" alt="f" width="600" height="400"></picture>'
            '<a href="../downloads/results.json">r</a>'
            '<details class="note"><summary>S</summary>hidden</details>'
            '<input id="__tabbed_1_1" name="__tabbed_1"><label for="__tabbed_1_1">t</label>'
            '<a href="https://example.org/">out</a>')),
        printbook.Chapter("part1/b.html", "B", '<h1 id="b">B</h1><h2 id="x">X again</h2>'),
        printbook.Chapter("part3/explorer.html", "Explorer", '<canvas id="c"></canvas><script>1</script>'),
        printbook.Chapter("notebooks/n.html", "N", "<p>nb</p>", kind="notebook"),
    ]


def test_assemble_rewrites_ids_and_links():
    html, tokens = printbook.assemble(chapters(), "print/part-1.html")
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "ids must stay unique on one page"
    assert 'id="part1-a--x"' in html and 'id="part1-b--x"' in html
    assert 'href="#part1-a--x"' in html  # same-page anchor, and the cross-page link from Home
    assert html.count('href="#part1-a--x"') == 2
    assert 'href="#part1-b"' in html  # link to a whole chapter
    # relative to the print page now; paper is light, so only the light figure stays, in both schemes
    assert ('<picture class="gd-print-picture"><source media="(max-width: 719px)" srcset="../img/f-light-phone.svg">'
            '<img src="../img/f-light.svg" alt="f" width="600" height="400" class="gd-print-figure"></picture>') in html
    assert "f-dark" not in html and "gd-light" not in html
    assert 'href="../downloads/results.json"' in html
    assert 'href="https://example.org/"' in html
    assert "<details open" in html
    assert printbook.assemble([printbook.Chapter("a.html", "A", '<details class="gd-diagram-text"><summary>t</summary></details>'
                                                 '<svg id="gd-a-d1-light"><path id="p" href="#p"/></svg>')],
                              "print.html")[0].count('id="p" href="#p"') == 1  # SVG internals untouched
    code = printbook.assemble([printbook.Chapter("a.html", "A", '<pre class="x"><code>1</code></pre>'
                                                 '<pre><span></span><code>3</code></pre><pre><code tabindex="-1">2</code></pre>')], "print/p.html")[0]
    assert '<pre class="x"><code tabindex="0">1' in code and '<code tabindex="-1">2' in code \
        and '<span></span><code tabindex="0">3' in code  # keyboard scrolls it
    assert 'for="part1-a--__tabbed_1_1"' in html and 'name="part1-a--__tabbed_1"' in html
    # Interactive pages and notebooks are linked, not copied.
    assert "<canvas" not in html and "<script" not in html
    assert 'href="../part3/explorer.html"' in html and 'href="../notebooks/n.html"' in html
    assert "(an interactive page: read it online)" in html and "(a notebook: read it online)" in html
    assert [t["name"] for t in tokens] == ["Home", "A", "B"]  # the sidebar: printed chapters only
    assert [t["id"] for t in tokens] == ["index", "part1-a", "part1-b"]


def test_every_anchor_link_has_a_target():
    html, _ = printbook.assemble(chapters(), "print/part-1.html")
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    for target in re.findall(r'href="#([^"]+)"', html):
        assert target in ids, target


def test_toc_is_well_formed():
    html, _ = printbook.assemble(chapters(), "print/part-1.html")
    toc = html[: html.index("</nav>") + 6]

    class Depth(HTMLParser):
        stack: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag in ("ol", "li", "nav", "a", "h2"):
                self.stack.append(tag)

        def handle_endtag(self, tag):
            if tag in ("ol", "li", "nav", "a", "h2"):
                assert self.stack.pop() == tag, tag

    d = Depth()
    d.stack = []
    d.feed(toc)
    assert d.stack == []


NAV = [
    {"Home": "index.md"}, "start-here.md",
    {"Part 1 · Differentiation": [{"A": "part1/a.md"}, {"B": "part1/b.md"}]},
    {"Notebooks": [{"N": "notebooks/n.py"}]},
    {"Reference": [{"Errata": "reference/errata.md"}, {"Printing": "print.md"}]},
    {"Only the hub": ["print.md"]},
]


def test_parts_follow_the_navigation():
    parts = printbook.parts(NAV, "print.md")
    assert [(p.section, p.title, p.url) for p in parts] == [
        ("", "Introduction", "print/introduction.html"),
        ("Part 1 · Differentiation", "Part 1 · Differentiation", "print/part-1-differentiation.html"),
        ("Reference", "Reference", "print/reference.html")]
    text = parts[1].markdown("print.md")
    assert text.startswith('---\ntitle: "Part 1 · Differentiation (printable)"\nsearch:\n  exclude: true\n---\n')
    assert "# Part 1 · Differentiation\n" in text and "[Printing the book](../print.md)" in text
    assert text.rstrip().endswith(printbook.MARKER)
    assert printbook.parts([{"Part": [{"N": "notebooks/n.py"}]}], "print.md") == []
    twice = printbook.parts([{"Über": ["a.md"]}, {"Über": ["b.md"]}, {"Æ": ["c.md"]}], "print.md")
    assert [p.src_uri for p in twice] == ["print/ber.md", "print/ber-2.md", "print/part-3.md"]


def test_index_lists_what_each_part_prints():
    parts = printbook.parts(NAV, "print.md")
    by_section = {"": chapters()[:1], "Part 1 · Differentiation": chapters()[1:4], "Reference": []}
    html = printbook.index(parts, by_section, "print.html")
    assert html.count("<li>") == 2  # a part with nothing printable is left out
    assert '<a href="print/part-1-differentiation.html">Part 1 · Differentiation</a>: A, B; online only: ' \
           '<a href="part3/explorer.html">Explorer</a>.' in html
    assert '<a href="print/introduction.html">Introduction</a>: Home.' in html


def printable_pages(site):
    return sorted(p.relative_to(site).as_posix() for p in (site / printbook.FOLDER).glob("*.html"))


def test_print_pages_in_the_site(built_site):
    parts = printable_pages(built_site)
    assert "print/part-2-linear-regression.html" in parts and "print/reference.html" in parts
    hub = (built_site / "print.html").read_text(encoding="utf-8")
    assert printbook.PARTS_MARKER not in hub
    for part in parts:  # the hub links every part
        assert f'href="{part}"' in hub, part
    # Search finds a chapter on its own page, not again in its printable part.
    index = (built_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert '"location":"print/' not in index.replace(" ", "") and '"location":"print.html"' in index.replace(" ", "")
    seen: dict[str, str] = {}
    for part in parts:
        html = (built_site / part).read_text(encoding="utf-8")
        assert printbook.MARKER not in html
        # A document for paper: none of the theme's script (it reads as without JavaScript), the book's own only.
        assert 'class="no-js"' in html and "bundle." not in html and "palette.js" in html
        assert '"no-js", "js"' not in html
        article = html[html.index("<article"): html.index("</article>")]
        ids = re.findall(r'\bid="([^"]+)"', article)
        dupes = {i for i in ids if ids.count(i) > 1}
        assert not dupes, (part, sorted(dupes)[:10])
        for target in set(re.findall(r'href="#([^"]+)"', article)):
            assert target in ids, (part, target)
        for src in re.findall(r'<img[^>]+src="([^"#]+)', article):
            assert (built_site / "print" / src).resolve().is_file(), (part, src)
        assert "<script" not in parser_pauses.remove(article), part  # no script of its own (bar the parser's pauses)
        for chapter in re.findall(r'<section class="gd-print-chapter" id="([^"]+)"', article):
            assert chapter not in seen, (chapter, part, seen.get(chapter))
            seen[chapter] = part
    # Every chapter of the nav that has no script of its own is in exactly one part, in the nav's order.
    for page in ("part1/derivative.html", "part2/dataset.html", "part4/flowchart.html", "part4/ethics.html",
                 "reference/about.html", "index.html"):
        assert printbook.prefix(page) in seen, page
    assert printbook.prefix("part3/explorer.html") not in seen
    p2 = (built_site / "print/part-2-linear-regression.html").read_text(encoding="utf-8")
    order = [p2.index(f'id="{printbook.prefix(p)}"') for p in ("part2/dataset.html", "part2/full-batch.html",
                                                              "part2/several-features.html")]
    assert order == sorted(order)
    # The diagrams come along as drawn: their SVGs keep their own ids (unique across the book already),
    # so their styles and arrowheads still find them.
    printed = "".join((built_site / p).read_text(encoding="utf-8") for p in parts)
    assert 'class="mermaid"' not in printed and "mermaid.min.js" not in printed
    svgs = re.findall(r'<svg\b[^>]*\bid="(gd-[^"]+)"[^>]*>', printed)
    # every diagram of every other page, in both schemes (the flowchart, autodiff's graph, the build diagram)
    elsewhere = {m for p in built_site.rglob("*.html") if p.parent.name != printbook.FOLDER
                 for m in re.findall(r'<svg\b[^>]*\bid="(gd-docs-[^"]+-d\d+-(?:light|dark))"', p.read_text(encoding="utf-8"))}
    assert len(elsewhere) >= 6 and sorted(svgs) == sorted(elsewhere)
    for svg_id in svgs:
        assert f"#{svg_id} " in printed or f"#{svg_id}{{" in printed  # its <style> scoped by its id
    # The diagram as text stays folded on paper (the picture is there); solutions open.
    assert '<details class="gd-diagram-text">' in printed
