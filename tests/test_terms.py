"""Define before use: every term and symbol has one defining page, and no page in reading order uses it earlier."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdbook.book import terms
from gdbook.core.errors import BuildError

# Orientation and reference pages may name anything: they are not read in order.
NOT_IN_ORDER = ("index.md", "start-here.md", "print.md", "reference/")


def reading_order(root: Path) -> list[tuple[str, str, dict]]:
    """(src_uri, title, front matter) of every page, in the order of mkdocs.yml's navigation."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files
    from mkdocs.structure.nav import get_navigation
    from mkdocs.utils.meta import get_data

    config = load_config(str(root / "mkdocs.yml"))
    nav = get_navigation(get_files(config), config)
    rows = []
    for page in nav.pages:
        if page.file.src_uri.endswith(".md"):
            _, meta = get_data((root / "docs" / page.file.src_uri).read_text(encoding="utf-8"))
            rows.append((page.file.src_uri, page.title or "", meta))
        else:
            rows.append((page.file.src_uri, page.title or "", {}))
    return rows


def test_no_page_uses_a_term_before_its_defining_page(root, built_site):
    rows = reading_order(root)
    registry = terms.registry([r for r in rows if r[0].endswith(".md")])
    assert len(registry) >= 30, f"only {len(registry)} terms are registered"
    pages = []
    for uri, _, _ in rows:
        if uri.startswith(NOT_IN_ORDER):
            continue
        html = (built_site / uri).with_suffix(".html").read_text(encoding="utf-8")
        pages.append((uri, terms.visible_text(html)))
    problems = terms.used_before_defined(registry, pages)
    assert not problems, "\n".join(problems)


def test_the_check_finds_a_term_used_too_early():
    t = terms.from_meta({"defines": [{"term": "learning rate", "symbol": r"\eta", "meaning": "step size",
                                       "uses": ["learning rate", "η"]}]}, "part2/full-batch.md", "Full batch")
    pages = [("part1/derivative.md", "a slope"), ("part2/dataset.md", "with η = 0.1 we step"),
             ("part2/full-batch.md", "the learning rate η")]
    problems = terms.used_before_defined(t, pages)
    assert len(problems) == 1 and "docs/part2/dataset.md uses 'η' (learning rate)" in problems[0]
    assert terms.used_before_defined(t, [("part1/x.md", "the learning rates' table"), pages[2]])  # word use
    assert not terms.used_before_defined(t, [("part1/x.md", "no such words: learning-rated"), pages[2]])


def test_a_term_defined_twice_or_half_declared_fails():
    with pytest.raises(BuildError, match="defined twice"):
        terms.registry([("a.md", "A", {"defines": [{"term": "loss", "meaning": "m"}]}),
                        ("b.md", "B", {"defines": [{"term": "Loss", "meaning": "m"}]})])
    with pytest.raises(BuildError, match="needs at least 'term' and 'meaning'"):
        terms.from_meta({"defines": [{"term": "loss"}]}, "a.md", "A")


def test_the_start_page_lists_every_term(root, built_site):
    html = (built_site / "start-here.html").read_text(encoding="utf-8")
    for t in terms.registry([r for r in reading_order(root) if r[0].endswith(".md")]):
        assert t.term in terms.visible_text(html), t.term
