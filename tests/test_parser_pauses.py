"""The parser's pauses (src/gdbook/book/parser_pauses.py): where they go, how far apart, and on which pages."""

from __future__ import annotations

import re

from gdbook.book import parser_pauses


def test_a_pause_ends_a_paragraph_once_a_stretch_is_long_enough():
    html = "\n<div><ul><li>a</li></ul></div>\n".join(f"<p>{'x' * n}</p>" for n in (10, 25, 5, 5, 30, 3))
    out = parser_pauses.add(html, every=40)
    assert parser_pauses.remove(out) == html  # nothing else changes
    at = [m.start() for m in re.finditer(re.escape(parser_pauses.PAUSE), out)]
    assert len(at) >= 2 and all(out.startswith(parser_pauses.PAUSE + "</p>", i) for i in at)  # a paragraph's last child
    plain = [i - k * len(parser_pauses.PAUSE) for k, i in enumerate(at)]  # where they stand in the input
    assert all(b - a >= 40 for a, b in zip([0] + plain, plain))
    assert parser_pauses.add("<p>short</p>", every=40) == "<p>short</p>"
    # No paragraph, no pause: never between blocks, rows or items.
    assert parser_pauses.add("<table>" + "<tr><td>x</td></tr>" * 100 + "</table>", every=40).count("<script") == 0


def test_every_long_page_pauses_the_parser_often_enough(built_site):
    """At most 160,000 characters of article between two pauses (about 10 ms of parsing on this machine, at
    full speed), on every page; the chapters' pauses are not carried twice into the printable parts."""
    seen = 0
    for path in sorted(built_site.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        if "<article" not in html:
            continue
        article = html[html.index("<article"): html.index("</article>")]
        stretches = article.split(parser_pauses.PAUSE)
        assert max(map(len, stretches)) < 160_000, (path.name, max(map(len, stretches)))
        assert all(s.startswith("</p>") for s in stretches[1:]), path.name
        assert parser_pauses.PAUSE * 2 not in html, path.name
        seen += len(stretches) > 1
    assert seen >= 20  # the long chapters and every printable part but the shortest
