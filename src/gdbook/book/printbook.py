"""The whole book on one page, for printing or saving as PDF.

MkDocs turns every page into HTML before it renders any template, so when
the print page (``docs/print.md``) is about to be rendered the HTML of every
other page is ready.  :func:`assemble` puts it together in the order of the
navigation, under a table of contents, and keeps it working on one page:

* every ``id`` gets the page's prefix (``part2-dataset--loss``), so anchors
  stay unique, and links to them follow;
* a link to another page of the book becomes a link to its chapter on this
  page; links to files (images, downloads) are made relative to this page;
* collapsed ``<details>`` blocks (solutions) are opened, so they print.

Pages that run scripts of their own (interactive ones) cannot work twice on
one page: they are listed with a link instead.  Notebooks are listed too.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass

MARKER = '<div class="gd-print-book"></div>'


@dataclass(frozen=True)
class Chapter:
    url: str  # e.g. "part2/dataset.html"
    title: str
    section: str  # the nav section it belongs to ("" at the top level)
    content: str  # the page's HTML
    kind: str = "page"  # "page" or "notebook"


def prefix(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.rsplit(".", 1)[0].lower()).strip("-")


def _split(ref: str) -> tuple[str, str]:
    path, _, frag = ref.partition("#")
    return path, frag


def _is_external(ref: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I)) or ref.startswith("//")


LIVE = re.compile(r'<script\b[^>]*\bsrc="[^"]*/(?:gdmath|live)\.js"[^>]*>\s*</script>|<link\b[^>]*/live\.css"[^>]*>'
                  r'|<div class="gd-live-panel"></div>')


def printable(ch: Chapter) -> bool:
    """A page that works on paper: no script of its own (a live figure's is left out: it prints static)."""
    content = LIVE.sub("", ch.content)
    return ch.kind == "page" and "<script" not in content and "<canvas" not in content


def rewrite(ch: Chapter, included: dict[str, str], here: str) -> str:
    """One chapter's HTML, with ids prefixed and every link made to work from ``here``."""
    # Inline SVGs (diagrams drawn at build time) keep their ids and internal links as they are:
    # they are unique across the book already, and their own styles and markers refer to them.
    parts = re.split(r"(<svg\b.*?</svg>)", ch.content, flags=re.S)
    return "".join(part if i % 2 else _rewrite_html(part, ch, included, here) for i, part in enumerate(parts))


def _rewrite_html(html_: str, ch: Chapter, included: dict[str, str], here: str) -> str:
    p = prefix(ch.url)
    base = posixpath.dirname(ch.url)
    out = re.sub(r'\b(id|for)="([^"]+)"', lambda m: f'{m.group(1)}="{p}--{m.group(2)}"', html_)
    out = re.sub(r'\bname="(__tabbed_[^"]*)"', lambda m: f'name="{p}--{m.group(1)}"', out)

    def link(m: re.Match) -> str:
        attr, ref = m.group(1), html.unescape(m.group(2))
        if _is_external(ref):
            return m.group(0)
        if ref.startswith("#"):
            return f'{attr}="#{p}--{ref[1:]}"' if ref[1:] else f'{attr}="#{p}"'
        path, frag = _split(ref)
        target = posixpath.normpath(posixpath.join(base, path)) if path else ch.url
        if attr == "href" and target in included:
            tp = included[target]
            return f'{attr}="#{tp}--{frag}"' if frag else f'{attr}="#{tp}"'
        rel = posixpath.relpath(target, posixpath.dirname(here) or ".")
        new = rel + (f"#{frag}" if frag else "")
        return f'{attr}="{html.escape(new, quote=True)}"'

    out = re.sub(r'\b(href|src|srcset)="([^"]*)"', link, out)  # srcset: one URL (the phone drawing)
    out = re.sub(r"<details(?![^>]*\b(?:open|gd-diagram-text)\b)", "<details open", out)
    # Paper is light: one figure per place, the light one, on a white card
    # (gdbook.css) so it also reads on screen in the dark scheme.  This halves
    # the weight of a page that carries every figure of the book.
    out = re.sub(r'<picture class="gd-dark">.*?</picture>', "", out, flags=re.S)
    # A live figure (render.figure_markdown(live=...)) is its static figure on paper: no controls, no scripts.
    out = LIVE.sub("", out)
    out = re.sub(r'(<figure class="gd-figure) gd-live" data-gd-live="[^"]*"', r'\1"', out)
    # The light picture keeps its phone drawing: the one-page book is read on phones too (paper is wider than
    # the phone media query, so it prints the desktop drawing).
    out = re.sub(r'<picture class="gd-light">(.*?<img\b[^>]*?)(/?>)\s*</picture>',
                 r'<picture class="gd-print-picture">\1 class="gd-print-figure"\2</picture>', out, flags=re.S)
    return out


def assemble(chapters: list[Chapter], here: str) -> tuple[str, list[dict]]:
    """The HTML of the whole book, and table-of-contents tokens (MkDocs' ``toc_tokens`` layout)."""
    included = {ch.url: prefix(ch.url) for ch in chapters if printable(ch)}
    toc: list[str] = ['<nav class="gd-print-toc" aria-label="Contents"><h2 id="contents">Contents</h2><ol>']
    body: list[str] = []
    tokens: list[dict] = []
    section, opened = None, False
    parent: list[dict] = tokens
    for ch in chapters:
        if ch.section != section:
            if opened:
                toc.append("</ol></li>")
            section, opened = ch.section, bool(ch.section)
            if section:
                sid = "part-" + prefix(section + ".x")
                toc.append(f'<li><a href="#{sid}">{html.escape(section)}</a><ol>')
                body.append(f'<h1 class="gd-print-part" id="{sid}">{html.escape(section)}</h1>')
                tokens.append({"level": 2, "id": sid, "name": section, "children": []})
            parent = tokens[-1]["children"] if section else tokens
        title = html.escape(ch.title)
        if ch.url in included:
            pid = included[ch.url]
            toc.append(f'<li><a href="#{pid}">{title}</a></li>')
            parent.append({"level": 3 if section else 2, "id": pid, "name": ch.title, "children": []})
            body.append(f'<section class="gd-print-chapter" id="{pid}">\n{rewrite(ch, included, here)}\n</section>')
        else:
            rel = posixpath.relpath(ch.url, posixpath.dirname(here) or ".")
            why = "a notebook" if ch.kind == "notebook" else "an interactive page"
            toc.append(f'<li><a href="{html.escape(rel)}">{title}</a> ({why}: read it online)</li>')
    if opened:
        toc.append("</ol></li>")
    toc.append("</ol></nav>")
    return "\n".join(toc) + "\n" + "\n".join(body), tokens


def insert(page_html: str, book_html: str) -> str:
    if MARKER not in page_html:
        raise ValueError(f"the print page has no {MARKER} where the book goes")
    return page_html.replace(MARKER, book_html, 1)
