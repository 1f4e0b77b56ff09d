"""Zero broken internal links and anchors, checked by crawling the built site.

Beside MkDocs' own validation (``validation:`` in mkdocs.yml, strict), this
reads the HTML MkDocs wrote, theme included: every ``href``/``src`` that stays
on the site must name a file that exists, and every ``#fragment`` into an HTML
page must name an ``id`` (or ``name``) in that page.
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRS = {"href", "src", "poster", "data"}
EXTERNAL_SCHEMES = {"mailto", "tel", "data", "javascript", "blob"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name in LINK_ATTRS:
                self.links.append((tag, value))
            elif name == "srcset":
                self.links.extend((tag, part.split()[0]) for part in value.split(",") if part.strip())


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def broken_links(site: Path) -> list[str]:
    """Every broken internal link or anchor of the site under ``site``, as readable lines."""
    site = site.resolve()
    pages = {p.relative_to(site).as_posix(): parse(p) for p in sorted(site.rglob("*.html"))}
    problems: list[str] = []
    for rel, page in pages.items():
        for tag, url in page.links:
            parts = urlsplit(url)
            if parts.scheme in EXTERNAL_SCHEMES or (parts.scheme and parts.scheme not in ("http", "https")):
                continue
            if parts.scheme or parts.netloc:
                # An absolute URL to another host is no internal link (the browser test
                # makes sure nothing is *loaded* from one).
                if parts.hostname not in ("127.0.0.1", "localhost"):
                    continue
            path = unquote(parts.path)
            if path.startswith("/"):
                target = path.lstrip("/")
            elif path:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
            else:
                target = rel  # "#fragment" or "?query" on the page itself
            if target.startswith("../") or target == "..":
                problems.append(f"{rel}: <{tag}> {url!r} points outside the site")
                continue
            file = site / target
            if file.is_dir():
                file = file / "index.html"
                target = posixpath.join(target, "index.html").removeprefix("./")
            if not file.is_file():
                problems.append(f"{rel}: <{tag}> {url!r} -> missing file {target}")
                continue
            fragment = unquote(parts.fragment)
            if "=" in fragment:  # a state for the page's script (explorer.html#method=…&lr=…), not an id
                continue
            if fragment and file.suffix == ".html":
                ids = pages[file.relative_to(site).as_posix()].ids
                if fragment not in ids:
                    problems.append(f"{rel}: <{tag}> {url!r} -> no id '{fragment}' in {target}")
    return problems


def test_no_broken_internal_links_or_anchors(built_site):
    pages = list(built_site.rglob("*.html"))
    assert len(pages) >= 5
    problems = broken_links(built_site)
    assert not problems, f"{len(problems)} broken internal link(s):\n" + "\n".join(problems)


def test_every_page_is_reachable_from_the_home_page(built_site):
    """No orphan: following internal links from index.html reaches every page."""
    site = built_site.resolve()
    seen, todo = set(), ["index.html"]
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        for _, url in parse(site / rel).links:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path.endswith(".html"):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path)))
            if (site / target).is_file():
                todo.append(target)
    every = {p.relative_to(site).as_posix() for p in site.rglob("*.html")} - {"404.html"}
    assert not every - seen, f"pages no link reaches: {sorted(every - seen)}"


def test_the_crawler_finds_broken_links(tmp_path):
    """The check can fail: a missing page, a missing image, a missing anchor, a link out of the site."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "a.svg").write_text("<svg/>")
    (tmp_path / "index.html").write_text(
        '<a href="sub/page.html#here">ok</a><a href="sub/page.html#gone">bad anchor</a>'
        '<a href="nope.html">bad page</a><img src="img/a.svg#only-light" alt="x"><img src="img/b.svg" alt="y">'
        '<a href="#top">bad self anchor</a><a href="../outside.html">out</a>'
        '<a href="https://example.org/x">external</a><a href="mailto:a@b.c">mail</a><a href="sub/">dir</a>'
    )
    (tmp_path / "sub" / "page.html").write_text('<h2 id="here">Here</h2><a href="../index.html">back</a>')
    problems = broken_links(tmp_path)
    text = "\n".join(problems)
    assert "no id 'gone'" in text and "missing file nope.html" in text and "missing file img/b.svg" in text
    assert "no id 'top' in index.html" in text and "outside the site" in text
    assert "missing file sub/index.html" in text
    assert len(problems) == 6, text
