"""The book's terms and symbols: each defined on one page, used only from there on.

A page declares what it defines in its front matter::

    ---
    defines:
      - term: learning rate
        symbol: '\\eta'
        meaning: the size of the step each update takes
        uses: ['learning rate', 'η']
    ---

``uses`` are the words and signs that count as using the term (matched in the
page's visible text, code and math included; a plain word matches whole
words and their plurals).  The registry is every page's ``defines`` in reading order (the
navigation of ``mkdocs.yml``); the notation table of the Start page is drawn
from it, and :func:`used_before_defined` finds a page that uses a term before
the page that defines it.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from typing import Any

from gdbook.core.errors import BuildError


@dataclass(frozen=True)
class Term:
    term: str
    symbol: str  # LaTeX, or "" for a word with no symbol
    meaning: str
    uses: tuple[str, ...]
    page: str  # src_uri of the defining page
    title: str  # that page's title

    def link_from(self, page_uri: str) -> str:
        return posixpath.relpath(self.page, posixpath.dirname(page_uri) or ".")


def from_meta(meta: dict, page: str, title: str) -> list[Term]:
    out = []
    for i, d in enumerate(meta.get("defines") or []):
        if not isinstance(d, dict) or not d.get("term") or not d.get("meaning"):
            raise BuildError(f"docs/{page}: defines[{i}] needs at least 'term' and 'meaning'")
        uses = d.get("uses") or [d["term"]]
        if not isinstance(uses, list) or not all(isinstance(u, str) and u for u in uses):
            raise BuildError(f"docs/{page}: defines[{i}].uses must be a list of words or signs")
        out.append(Term(str(d["term"]), str(d.get("symbol", "") or ""), str(d["meaning"]), tuple(uses), page, title))
    return out


def registry(pages: list[tuple[str, str, dict]]) -> list[Term]:
    """Every page's terms, in reading order: ``pages`` is [(src_uri, title, meta)] in nav order."""
    seen: dict[str, str] = {}
    terms: list[Term] = []
    for uri, title, meta in pages:
        for t in from_meta(meta, uri, title):
            key = t.term.lower()
            if key in seen:
                raise BuildError(f"the term '{t.term}' is defined twice: docs/{seen[key]} and docs/{uri}")
            seen[key] = uri
            terms.append(t)
    return terms


def _pattern(use: str) -> re.Pattern:
    word = re.escape(use)
    if re.fullmatch(r"[\w][\w \-]*[\w]|[\w]", use):
        return re.compile(rf"(?<![\w-]){word}(?:s|es)?(?![\w-])", re.I)  # plurals are uses too
    return re.compile(word)


def visible_text(page_html: str) -> str:
    """What a reader sees of a page's own content (the MathML/TeX annotation of math once, not twice).

    Only the article: the site's title and the navigation name later pages on every page, which is not a use.
    """
    start = page_html.find('<article class="md-content__inner md-typeset">')
    if start >= 0:
        page_html = page_html[start:page_html.find("</article>", start)]
    text = re.sub(r"<annotation[^>]*>.*?</annotation>", " ", page_html, flags=re.S)
    text = re.sub(r'<span class="katex-html"[^>]*>.*?</span></span>(?=</span>)', " ", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def used_before_defined(terms: list[Term], pages_in_order: list[tuple[str, str]]) -> list[str]:
    """Problems: a page that uses a term before (in reading order) the page that defines it.

    ``pages_in_order`` is [(src_uri, visible text)] of the teaching pages, in reading order.
    """
    order = {uri: i for i, (uri, _) in enumerate(pages_in_order)}
    problems = []
    for t in terms:
        if t.page not in order:
            problems.append(f"'{t.term}' is defined on docs/{t.page}, which is not a page in reading order")
            continue
        for uri, text in pages_in_order[: order[t.page]]:
            for use in t.uses:
                m = _pattern(use).search(text)
                if m:
                    at = text[max(0, m.start() - 40): m.end() + 40].replace("\n", " ")
                    problems.append(f"docs/{uri} uses '{use}' ({t.term}) before docs/{t.page} defines it: …{at}…")
                    break
    return problems


def as_context(terms: list[Term]) -> list[dict[str, Any]]:
    return [{"term": t.term, "symbol": t.symbol, "meaning": t.meaning, "page": t.page, "title": t.title}
            for t in terms]
