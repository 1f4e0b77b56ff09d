"""The book for printing or saving as PDF: one page per part.

Each top-level section of the navigation (a part, the reference) and the
pages before the first section (the introduction) make one printable page,
``print/<part>.html``; ``docs/print.md`` lists them.  The whole book on one
page weighed about 500 KB and held 100,000 elements, too much for a phone
(and over the benchmark's 300 KB budget); the largest part is about half.

MkDocs turns every page into HTML before it renders any template, so when a
print page is about to be rendered the HTML of every other page is ready.
:func:`assemble` puts a part together in the order of the navigation, under a
table of contents, and keeps it working on one page:

* every ``id`` gets the page's prefix (``part2-dataset--loss``), so anchors
  stay unique, and links to them follow;
* a link to another page of the part becomes a link to its chapter on this
  page; links to other parts and to files (images, downloads) are made
  relative to this page;
* collapsed ``<details>`` blocks (solutions) are opened, so they print.

Pages that run scripts of their own (interactive ones) cannot work twice on
one page: they are listed with a link instead.  Notebooks are listed too.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from dataclasses import dataclass

MARKER = '<div class="gd-print-book"></div>'
PARTS_MARKER = '<div class="gd-print-parts"></div>'
FOLDER = "print"
INTRODUCTION = "Introduction"  # the pages before the first section of the navigation


@dataclass(frozen=True)
class Part:
    """One printable page: a top-level section of the navigation ("" for the pages before the first)."""
    section: str
    title: str
    slug: str  # its file's name: print/<slug>.md

    @property
    def src_uri(self) -> str:
        return f"{FOLDER}/{self.slug}.md"

    @property
    def url(self) -> str:
        return f"{FOLDER}/{self.slug}.html"

    def markdown(self, hub: str) -> str:
        title = json.dumps(self.title + " (printable)", ensure_ascii=False)  # a YAML string
        return (f"---\ntitle: {title}\nsearch:\n  exclude: true\n---\n\n"
                f"# {self.title}\n\nThis part of the book on one page, for printing or saving as PDF. "
                f"[Printing the book]({posixpath.relpath(hub, FOLDER)}) lists the other parts.\n\n{MARKER}\n")


def parts(nav: list, hub: str) -> list[Part]:
    """The printable parts, from the ``nav`` of ``mkdocs.yml``: every top-level section with a Markdown page
    (not the notebooks, not the hub ``hub`` itself), and the Markdown pages before the first section."""
    def pages(entry) -> list[str]:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            return [p for e in value for p in pages(e)]
        return [value] if isinstance(value, str) and value.endswith(".md") and value != hub else []

    found: list[tuple[str, str]] = []
    if any(pages(e) for e in nav if not _is_section(e)):
        found.append(("", INTRODUCTION))
    found += [(next(iter(e)), next(iter(e))) for e in nav if _is_section(e) and pages(e)]
    out: list[Part] = []
    for i, (section, title) in enumerate(found, 1):
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or f"part-{i}"
        if any(p.slug == slug for p in out):  # two sections of one name (or of none in ASCII)
            slug = f"{slug}-{i}"
        out.append(Part(section, title, slug))
    return out


def _is_section(entry) -> bool:
    return isinstance(entry, dict) and isinstance(next(iter(entry.values())), list)


@dataclass(frozen=True)
class Chapter:
    url: str  # e.g. "part2/dataset.html"
    title: str
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
        new = _rel(target, here) + (f"#{frag}" if frag else "")
        return f'{attr}="{html.escape(new, quote=True)}"'

    out = re.sub(r'\b(href|src|srcset)="([^"]*)"', link, out)  # srcset: one URL (the phone drawing)
    out = re.sub(r"<details(?![^>]*\b(?:open|gd-diagram-text)\b)", "<details open", out)
    # Paper is light: one figure per place, the light one, on a white card
    # (gdbook.css) so it also reads on screen in the dark scheme.  This halves
    # the weight of a page that carries every figure of the book.
    out = re.sub(r'<picture class="gd-dark">.*?</picture>', "", out, flags=re.S)
    # A code block that scrolls sideways must take the keyboard's focus. On a chapter page the theme's script
    # sees to it; a printable part runs none of it, so each comes focusable and a11y.js takes those that fit
    # out of the Tab order once they come near the screen.
    out = re.sub(r"(<pre\b[^>]*>(?:\s|<span></span>)*<code)(?![^>]*\btabindex=)", r'\1 tabindex="0"', out)
    # A live figure (render.figure_markdown(live=...)) is its static figure on paper: no controls, no scripts.
    out = LIVE.sub("", out)
    out = re.sub(r'(<figure class="gd-figure) gd-live" data-gd-live="[^"]*"', r'\1"', out)
    # The light picture keeps its phone drawing: a printable part is read on phones too (paper is wider than
    # the phone media query, so it prints the desktop drawing).
    out = re.sub(r'<picture class="gd-light">(.*?<img\b[^>]*?)(/?>)\s*</picture>',
                 r'<picture class="gd-print-picture">\1 class="gd-print-figure"\2</picture>', out, flags=re.S)
    return out


def assemble(chapters: list[Chapter], here: str) -> tuple[str, list[dict]]:
    """The HTML of one part, and table-of-contents tokens (MkDocs' ``toc_tokens`` layout)."""
    included = {ch.url: prefix(ch.url) for ch in chapters if printable(ch)}
    toc: list[str] = ['<nav class="gd-print-toc" aria-label="Contents"><h2 id="contents">Contents</h2><ol>']
    body: list[str] = []
    tokens: list[dict] = []
    for ch in chapters:
        title = html.escape(ch.title)
        if ch.url in included:
            pid = included[ch.url]
            toc.append(f'<li><a href="#{pid}">{title}</a></li>')
            tokens.append({"level": 2, "id": pid, "name": ch.title, "children": []})
            body.append(f'<section class="gd-print-chapter" id="{pid}">\n{rewrite(ch, included, here)}\n</section>')
        else:
            why = "a notebook" if ch.kind == "notebook" else "an interactive page"
            toc.append(f'<li><a href="{html.escape(_rel(ch.url, here))}">{title}</a> ({why}: read it online)</li>')
    toc.append("</ol></nav>")
    return "\n".join(toc) + "\n" + "\n".join(body), tokens


def insert(page_html: str, book_html: str, marker: str = MARKER) -> str:
    if marker not in page_html:
        raise ValueError(f"the page has no {marker} where the printable book goes")
    return page_html.replace(marker, book_html, 1)


def index(parts: list[Part], chapters: dict[str, list[Chapter]], here: str) -> str:
    """The list of printable parts for the hub page, each with the chapters it prints and those it only links."""
    rows = []
    for part in parts:
        inside, online = [], []
        for c in chapters.get(part.section, []):
            (inside if printable(c) else online).append(c)
        if not inside:
            continue
        names = ", ".join(html.escape(c.title) for c in inside)
        links = ", ".join(f'<a href="{html.escape(_rel(c.url, here))}">{html.escape(c.title)}</a>' for c in online)
        extra = f"; online only: {links}" if online else ""
        href = html.escape(_rel(part.url, here))
        rows.append(f'<li><a href="{href}">{html.escape(part.title)}</a>: {names}{extra}.</li>')
    return '<ol class="gd-print-parts">\n' + "\n".join(rows) + "\n</ol>"


def _rel(target: str, here: str) -> str:
    """The link from page ``here`` to ``target`` (both relative to the site's root)."""
    return posixpath.relpath(target, posixpath.dirname(here) or ".")
