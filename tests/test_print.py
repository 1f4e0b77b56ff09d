"""The whole book on one page: every chapter, unique ids, working links and images."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from gdbook.book import printbook


def chapters():
    return [
        printbook.Chapter("index.html", "Home", "", '<h1 id="home">Home</h1><p><a href="part1/a.html#x">A</a></p>'),
        printbook.Chapter("part1/a.html", "A", "Part 1", (
            '<h1 id="a">A</h1><h2 id="x">X</h2><a href="#x">self</a><a href="b.html">B</a>'
            '<picture class="gd-light"><source media="(max-width: 719px)" srcset="../img/f-light-phone.svg">'
            '<img src="../img/f-light.svg" alt="f" width="600" height="400"></picture>'
            '<picture class="gd-dark"><source media="(max-width: 719px)" srcset="../img/f-dark-phone.svg">'
            '<img src="../img/f-dark.svg" alt="f" width="600" height="400"></picture>'
            '<a href="../downloads/results.json">r</a>'
            '<details class="note"><summary>S</summary>hidden</details>'
            '<input id="__tabbed_1_1" name="__tabbed_1"><label for="__tabbed_1_1">t</label>'
            '<a href="https://example.org/">out</a>')),
        printbook.Chapter("part1/b.html", "B", "Part 1", '<h1 id="b">B</h1><h2 id="x">X again</h2>'),
        printbook.Chapter("part3/explorer.html", "Explorer", "Part 3", '<canvas id="c"></canvas><script>1</script>'),
        printbook.Chapter("notebooks/n.html", "N", "Notebooks", "<p>nb</p>", kind="notebook"),
    ]


def test_assemble_rewrites_ids_and_links():
    html, tokens = printbook.assemble(chapters(), "print.html")
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "ids must stay unique on one page"
    assert 'id="part1-a--x"' in html and 'id="part1-b--x"' in html
    assert 'href="#part1-a--x"' in html  # same-page anchor, and the cross-page link from Home
    assert html.count('href="#part1-a--x"') == 2
    assert 'href="#part1-b"' in html  # link to a whole chapter
    # relative to print.html now; paper is light, so only the light figure stays, in both schemes
    assert ('<picture class="gd-print-picture"><source media="(max-width: 719px)" srcset="img/f-light-phone.svg">'
            '<img src="img/f-light.svg" alt="f" width="600" height="400" class="gd-print-figure"></picture>') in html
    assert "f-dark" not in html and "gd-light" not in html
    assert 'href="downloads/results.json"' in html
    assert 'href="https://example.org/"' in html
    assert "<details open" in html
    assert printbook.assemble([printbook.Chapter("a.html", "A", "", '<details class="gd-diagram-text"><summary>t</summary></details>'
                                                 '<svg id="gd-a-d1-light"><path id="p" href="#p"/></svg>')],
                              "print.html")[0].count('id="p" href="#p"') == 1  # SVG internals untouched
    assert 'for="part1-a--__tabbed_1_1"' in html and 'name="part1-a--__tabbed_1"' in html
    # Interactive pages and notebooks are linked, not copied.
    assert "<canvas" not in html and "<script" not in html
    assert 'href="part3/explorer.html"' in html and 'href="notebooks/n.html"' in html
    assert [t["name"] for t in tokens] == ["Home", "Part 1", "Part 3", "Notebooks"]
    assert [c["id"] for c in tokens[1]["children"]] == ["part1-a", "part1-b"]
    assert tokens[2]["children"] == [] and tokens[0]["id"] == "index"


def test_every_anchor_link_has_a_target():
    html, _ = printbook.assemble(chapters(), "print.html")
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    for target in re.findall(r'href="#([^"]+)"', html):
        assert target in ids, target


def test_toc_is_well_formed():
    html, _ = printbook.assemble(chapters(), "print.html")
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


def test_print_page_in_the_site(built_site):
    html = (built_site / "print.html").read_text(encoding="utf-8")
    assert printbook.MARKER not in html
    article = html[html.index("<article"): html.index("</article>")]
    ids = re.findall(r'\bid="([^"]+)"', article)
    dupes = {i for i in ids if ids.count(i) > 1}
    assert not dupes, sorted(dupes)[:10]
    for target in set(re.findall(r'href="#([^"]+)"', article)):
        assert target in ids, target
    # Every chapter of the nav that has no script of its own is here, in order.
    for page in ("part1/derivative.html", "part2/dataset.html", "part4/flowchart.html", "part4/ethics.html",
                 "reference/about.html"):
        assert f'id="{printbook.prefix(page)}"' in article, page
    order = [article.index(f'id="{printbook.prefix(p)}"') for p in ("part1/derivative.html", "part2/dataset.html",
                                                                   "part4/ethics.html")]
    assert order == sorted(order)
    for src in re.findall(r'<img[^>]+src="([^"#]+)', article):
        assert (built_site / src).is_file(), src
    # The diagrams come along as drawn: their SVGs keep their own ids (unique across the book already),
    # so their styles and arrowheads still find them.
    assert 'class="mermaid"' not in article and "mermaid.min.js" not in html
    svgs = re.findall(r'<svg\b[^>]*\bid="(gd-[^"]+)"[^>]*>', article)
    # every diagram of every other page, in both schemes (the flowchart, autodiff's graph, the build diagram)
    elsewhere = {m for p in built_site.rglob("*.html") if p.name != "print.html"
                 for m in re.findall(r'<svg\b[^>]*\bid="(gd-docs-[^"]+-d\d+-(?:light|dark))"', p.read_text(encoding="utf-8"))}
    assert len(elsewhere) >= 6 and sorted(svgs) == sorted(elsewhere)
    for svg_id in svgs:
        assert f"#{svg_id} " in article or f"#{svg_id}{{" in article  # its <style> scoped by its id
    # The diagram as text stays folded on paper (the picture is there); solutions open.
    assert '<details class="gd-diagram-text">' in article
