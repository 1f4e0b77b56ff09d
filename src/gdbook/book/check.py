"""``gdbook check``: compute, draw and fill every page template under some settings, without MkDocs.

An author's quick question, "does the book build and tell the truth with these
settings?", answered in the time of the computation alone: every page
template is rendered (claims checked, placeholders resolved) and every
failure is listed, not only the first.  What it leaves out is MkDocs' own
work (HTML, links, the theme) and the notebooks: ``gdbook build`` does all.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from gdbook.book import events, render, terms
from gdbook.book.cache import Cache
from gdbook.book.generate import generate
from gdbook.core.errors import BuildError
from gdbook.settings import load

log = logging.getLogger("mkdocs.plugins.gdbook")


def check(root: Path, settings_path: Path) -> dict[str, Any]:
    from mkdocs.structure.files import get_files
    from mkdocs.structure.nav import get_navigation
    from mkdocs.utils.meta import get_data

    from gdbook.book import publish

    config = publish.load(root, settings_path)
    options = config.plugins["gdbook"].config
    settings = load(settings_path)
    gen = generate(settings, Cache(root / options.cache_dir, enabled=options.cache), lambda: True, progress=log.info)
    nav = get_navigation(get_files(config), config)
    pages = []
    for page in nav.pages:
        if page.file.src_uri.endswith(".md"):
            text = (root / "docs" / page.file.src_uri).read_text(encoding="utf-8")
            markdown, meta = get_data(text)
            pages.append((page.file.src_uri, page.title or "", meta, markdown, render.body_first_line(text, markdown)))
    errors: list[str] = []
    extra = events.machinery(gen)
    try:
        extra["terms"] = terms.as_context(terms.registry([(u, t, m) for u, t, m, _, _ in pages]))
        extra["errata_partials"] = events.errata_partials(root, [p.file.src_uri for p in nav.pages])
    except BuildError as e:
        errors.append(str(e))
        extra.setdefault("terms", [])
        extra.setdefault("errata_partials", [])
    env = render.make_env([str(root / "docs")])
    for uri, _, _, markdown, first in pages:
        try:
            render.render_page(markdown, uri, gen.results, gen.figures, env, extra=extra, first_line=first)
        except BuildError as e:
            errors.append(str(e))
    return {"pages": len(pages), "errors": errors, "claims": list(env.claims), "computed": gen.computed}
