"""Pages made from the whole book: the notebooks, About this book, the printable book.

Called by the thin hook ``scripts/book_hooks.py``, which MkDocs runs after
the main hook (``scripts/mkdocs_hooks.py``), so page templates are already
rendered when these functions see them.

* notebooks (``docs/notebooks/*.py``): the downloadable ``.ipynb`` is added
  to the site, and mkdocs-jupyter's HTML is slimmed (:mod:`gdbook.notebooks`);
* ``reference/about.md``: the line ``<!-- gd:about -->`` becomes the build
  diagram and the provenance of this build (:mod:`gdbook.compute.about`);
* ``print.md``: ``<div class="gd-print-book"></div>`` becomes the whole book
  (:mod:`gdbook.printbook`);
* every page: its math is rendered by KaTeX and its mermaid diagrams are drawn
  as SVG at build time (:mod:`gdbook.book.katex`, :mod:`gdbook.book.diagrams`),
  from memos kept in the project's cache, so a rebuild in which no formula
  and no diagram changed starts neither Node nor Chromium; the search index
  reads each formula as text (:func:`index_math_as_text`).
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from gdbook import mkdocs_events, notebooks, printbook
from gdbook.book import diagrams as book_diagrams
from gdbook.book import katex as book_katex
from gdbook.book.diagrams import DiagramError, DiagramRenderer
from gdbook.book.katex import MathError, MathRenderer
from gdbook.book.memo import Memo
from gdbook.cache import Cache, default_dir
from gdbook.compute import about
from gdbook.registry import BuildError

log = logging.getLogger("mkdocs.gdbook")

ABOUT_PAGE = "reference/about.md"
ABOUT_MARKER = "<!-- gd:about -->"
PRINT_PAGE = "print.md"


def on_files(files: Files, config: Any) -> Files:
    for f in list(files):
        if notebooks.is_notebook(f.src_uri) and f.abs_src_path:
            try:
                text = notebooks.to_ipynb(Path(f.abs_src_path).read_text(encoding="utf-8"))
            except Exception as e:  # a source nbformat rejects must stop the build
                raise PluginError(f"gdbook: {f.src_uri} does not make a valid notebook: {e}") from None
            dest = f"{notebooks.FOLDER}/{notebooks.ipynb_name(f.src_uri)}"
            files.append(File.generated(config, dest, content=text))
            # Last in line: MkDocs renders pages in this order, so every other page is
            # rendered while the notebooks still run (see Generated.executed_notebooks).
            files.remove(f)
            files.append(f)
    return files


def on_pre_page(page: Any, config: Any, files: Files) -> Any:
    """A notebook page is rendered from the notebook gdbook executed, not from its unexecuted source."""
    if notebooks.is_notebook(page.file.src_uri):
        render = page.render  # mkdocs-jupyter's: converts the file at page.file.abs_src_path

        def from_executed(config: Any, files: Files) -> None:
            try:
                executed = mkdocs_events.generated().executed_notebooks().get(page.file.src_uri)
            except BuildError as e:
                raise PluginError(f"gdbook: {e}") from None
            if executed is None:
                raise PluginError(f"gdbook: docs/{page.file.src_uri} was not executed by the pipeline")
            source = page.file.abs_src_path
            page.file.abs_src_path = executed  # read while it renders; the .py stays the page's source
            try:
                render(config, files)
            except Exception as e:
                raise PluginError(f"gdbook: notebook docs/{page.file.src_uri} could not be rendered: {e}") from None
            finally:
                page.file.abs_src_path = source

        page.render = from_executed
    return page


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if page.file.src_uri != ABOUT_PAGE:
        return markdown
    if ABOUT_MARKER not in markdown:
        raise PluginError(f"gdbook: docs/{ABOUT_PAGE} has no line {ABOUT_MARKER} where the provenance goes")
    return markdown.replace(ABOUT_MARKER, about_markdown(config, files), 1)


# --- math and diagrams, rendered at build time ------------------------------------------

MEMO_KEY = "1"  # the entries carry their own keys (tool version, options, source)
_render: dict[str, Any] = {}


def on_pre_build(config: Any) -> None:
    close_renderers()
    root = Path(config.config_file_path).resolve().parent
    cache = Cache(default_dir(root), enabled=os.environ.get("GDBOOK_NO_CACHE") != "1")
    math = Memo(cache.get("render", "math", MEMO_KEY))
    diagrams = Memo(cache.get("render", "diagrams", MEMO_KEY))
    try:
        _render.update(cache=cache, math_memo=math, diagram_memo=diagrams, seconds=0.0,
                       math=MathRenderer(root, math), diagrams=DiagramRenderer(root, diagrams))
    except (MathError, DiagramError) as e:
        raise PluginError(f"gdbook: {e}") from None


def on_page_content(html: str, page: Any, config: Any, files: Files) -> str:
    if notebooks.is_notebook(page.file.src_uri):
        html = notebooks.slim_page(html, page.file.src_uri)
    t = time.perf_counter()
    where = f"docs/{page.file.src_uri}"
    try:
        html = _render["diagrams"].render_html(_render["math"].render_html(html, where), where)
    except (MathError, DiagramError) as e:
        raise PluginError(f"gdbook: {e}") from None
    _render["seconds"] += time.perf_counter() - t
    return html


def on_post_build(config: Any) -> None:
    math, diagrams = _render["math"], _render["diagrams"]
    close_renderers()
    for name, memo in (("math", _render["math_memo"]), ("diagrams", _render["diagram_memo"])):
        if memo.changed():
            _render["cache"].put("render", name, MEMO_KEY, memo.kept())
    node = "Node started" if math.started else "no Node"
    browser = "Chromium launched" if diagrams.launched else "no browser"
    detail = (f"{math.hits + math.rendered} formulas ({math.rendered} rendered by KaTeX, {node}); "
              f"{diagrams.hits + diagrams.drawn} diagram SVGs ({diagrams.drawn} drawn, {browser})")
    mkdocs_events.generated().timings.append(("math+svg", _render["seconds"], detail))
    log.info(f"gdbook math+svg  {_render['seconds']:6.2f} s  {detail}")


def on_build_error(error: Exception) -> None:
    close_renderers()


def close_renderers() -> None:
    for name in ("math", "diagrams"):
        renderer = _render.pop(name, None)
        if renderer is not None:
            renderer.close()


def index_math_as_text(context: dict, page: Any, config: Any, nav: Any) -> dict:
    """Before the search plugin indexes ``page.content``: each formula as readable text, each diagram
    by its text version (KaTeX's HTML would put the TeX source and every glyph twice in the index)."""
    if page.content:
        page._gd_content = page.content
        page.content = book_diagrams.search_view(book_katex.search_view(page.content))
    return context


def restore_math(page: Any) -> None:
    """After the search plugin: the page's content as it is published."""
    kept = getattr(page, "_gd_content", None)
    if kept is not None:
        page.content = kept
        del page._gd_content


def on_page_context(context: dict, page: Any, config: Any, nav: Any) -> dict:
    restore_math(page)
    if page.file.src_uri == PRINT_PAGE:
        print_book(page, nav)
    # The KaTeX fonts this page's math uses, preloaded by docs/overrides/main.html.
    fonts = _render["math"].fonts(page.content or "") if "math" in _render else []
    context["gd_math_fonts"] = [f"assets/vendor/katex/fonts/{f}" for f in fonts]
    return context


def print_book(page: Any, nav: Any) -> None:
    here = page.file.dest_uri
    chapters = []
    for p in nav.pages:
        if p.file.src_uri == PRINT_PAGE:
            continue
        chapters.append(printbook.Chapter(
            url=p.file.dest_uri, title=p.title or "", section=p.parent.title if p.parent else "",
            content=p.content or "", kind="notebook" if notebooks.is_notebook(p.file.src_uri) else "page"))
    book, tokens = printbook.assemble(chapters, here)
    page.toc = get_toc(tokens)  # the sidebar lists the parts and chapters
    try:
        page.content = printbook.insert(page.content, book)
    except ValueError as e:
        raise PluginError(f"gdbook: {e}") from None


# --- About this book ----------------------------------------------------------------

def about_markdown(config: Any, files: Files) -> str:
    from gdbook import mkdocs_events
    from gdbook.settings import describe

    root = Path(config.config_file_path).resolve().parent
    gen = mkdocs_events.generated()
    # From the pipeline, not the registry: a build in which nothing changed imports no compute module.
    sections = [s["key"] for s in gen.sections]
    pages = [f for f in files.documentation_pages() if f.src_uri.endswith(".md")]
    nbs = [f for f in files if notebooks.is_notebook(f.src_uri)]
    diagram = about.build_diagram(len(describe()), sections, len(gen.figures), len(pages), len(nbs))
    git = about.git_state(root)
    ver = about.versions(root)
    settings_file = Path(os.environ.get("GDBOOK_SETTINGS") or "pyproject.toml").name
    results = mkdocs_events.generated_dir(root) / "downloads" / "results.json"

    if not git["available"]:
        commit = "unknown: git (or the repository) was not available when this copy was built"
    else:
        commit = f"`{git['commit']}` (committed {git['date']})"
        if git["modified"]:
            shown = ", ".join(f"`{m}`" for m in git["modified"][:5])
            more = f" and {len(git['modified']) - 5} more" if len(git["modified"]) > 5 else ""
            commit += f", **with uncommitted changes** to {shown}{more}"
    rows = [
        ("seed of every random generator", f"{gen.results['settings']['seed']}"),
        ("settings file", f"`{settings_file}`"),
        ("sources (git commit)", commit),
        ("SHA-256 of `results.json`", f"`{about.digest(results)}`"),
        ("Python", ver["python"]),
    ]
    out = ["## How the book is built", "",
           "Generated from the book's own registry of compute sections and figures when this page was built:", "",
           '<div class="gd-diagram" markdown tabindex="0" role="region" aria-label="How the book is built">', "", "```mermaid", diagram, "```", "", "</div>", "",
           "## This build", "", "| what | this build |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in rows]
    out += ["", "Python packages:", "", "| package | version |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in ver["packages"].items()]
    out += ["", "Front-end packages, pinned by `package-lock.json`: KaTeX renders the math and mermaid draws the "
            "diagrams when the book is built (the site serves only KaTeX's stylesheet and fonts, and runs no "
            "math or diagram script):", "", "| package | version |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in ver["front_end"].items()]
    out += ["", "Compute sections, in the order they run (each is one top-level key of `results.json`):", "",
            "| key | module | depends on |", "|---|---|---|"]
    for s in gen.sections:
        out.append(f"| `{s['key']}` | `{s['module']}` | {', '.join(f'`{d}`' for d in s['depends']) or '·'} |")
    return "\n".join(out) + "\n"
