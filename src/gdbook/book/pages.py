"""Pages made from the whole book: the notebooks, About this book, the printable book.

* notebooks (``docs/notebooks/*.py``): the downloadable ``.ipynb`` is added to
  the site, the page is rendered from the notebook gdbook executed, and
  mkdocs-jupyter's HTML is slimmed (:mod:`gdbook.book.notebooks`);
* ``reference/about.md``: the line ``<!-- gd:about -->`` becomes the build
  diagram and the provenance of this build (:mod:`gdbook.book.about`);
* the printable book (:mod:`gdbook.book.printbook`): one generated page per
  part, ``print/<part>.md``, whose ``<div class="gd-print-book"></div>``
  becomes that part's chapters; ``print.md`` lists them where its
  ``<div class="gd-print-parts"></div>`` is.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc

from gdbook.book import about as provenance
from gdbook.book import notebooks, printbook
from gdbook.core.errors import BuildError

ABOUT_PAGE = "reference/about.md"
ABOUT_MARKER = "<!-- gd:about -->"
PRINT_PAGE = "print.md"


def notebook_files(files: Files, config: Any) -> Files:
    """Add each notebook's .ipynb download; move notebook pages last.

    MkDocs renders pages in this order, so every other page is rendered while
    the notebooks still run (see :meth:`gdbook.book.events.Book.executed_notebooks`).
    """
    for f in list(files):
        if notebooks.is_notebook(f.src_uri) and f.abs_src_path:
            try:
                text = notebooks.to_ipynb(Path(f.abs_src_path).read_text(encoding="utf-8"))
            except Exception as e:  # noqa: BLE001 - a source nbformat rejects must stop the build
                raise BuildError(f"{f.src_uri} does not make a valid notebook: {e}") from None
            dest = f"{notebooks.FOLDER}/{notebooks.ipynb_name(f.src_uri)}"
            files.append(File.generated(config, dest, content=text))
            files.remove(f)
            files.append(f)
    return files


def render_executed(page: Any, executed: Callable[[], dict[str, str]],
                    on_error: Callable[[str], str] | None = None) -> None:
    """A notebook page is rendered from the notebook gdbook executed, not from its unexecuted source.

    ``on_error`` (``mkdocs serve``) turns a failure into the page's HTML instead of stopping the build."""
    render = page.render  # mkdocs-jupyter's: converts the file at page.file.abs_src_path

    def from_executed(config: Any, files: Files) -> None:
        try:
            path = executed().get(page.file.src_uri)
            if path is None:
                raise BuildError(f"docs/{page.file.src_uri} was not executed by the build")
            source = page.file.abs_src_path
            page.file.abs_src_path = path  # read while it renders; the .py stays the page's source
            try:
                render(config, files)
            except Exception as e:  # noqa: BLE001
                raise BuildError(f"notebook docs/{page.file.src_uri} could not be rendered: {e}") from None
            finally:
                page.file.abs_src_path = source
        except BuildError as e:
            if on_error is None:
                raise PluginError(f"gdbook: {e}") from None
            show_instead(page, on_error(str(e)))

    page.render = from_executed


def show_instead(page: Any, content: str) -> None:
    """Render ``page`` as the given HTML (an error under ``mkdocs serve``)."""

    def render(config: Any, files: Files) -> None:
        page.content = content
        page.toc = get_toc([])

    page.render = render


def print_files(files: Files, config: Any) -> dict[str, printbook.Part]:
    """Add one printable page per part of the navigation; returns them by source path."""
    parts = printbook.parts(config["nav"] or [], PRINT_PAGE)
    for part in parts:
        if files.get_file_from_path(part.src_uri) is not None:
            raise BuildError(f"docs/{part.src_uri} is made by the build (the printable {part.title}): remove the file")
        # Not in the navigation: the hub (print.md) links them, and the sidebar stays the book's.
        files.append(File.generated(config, part.src_uri, content=part.markdown(PRINT_PAGE),
                                    inclusion=InclusionLevel.NOT_IN_NAV))
    return {part.src_uri: part for part in parts}


def _chapters(nav: Any) -> dict[str, list[printbook.Chapter]]:
    """Every page of the navigation but the hub, by the top-level section it is in ("" for none), in order."""
    out: dict[str, list[printbook.Chapter]] = {}
    for p in nav.pages:
        if p.file.src_uri == PRINT_PAGE:
            continue
        top = p.parent
        while top is not None and top.parent is not None:
            top = top.parent
        out.setdefault(top.title if top else "", []).append(printbook.Chapter(
            url=p.file.dest_uri, title=p.title or "",
            content=p.content or "", kind="notebook" if notebooks.is_notebook(p.file.src_uri) else "page"))
    return out


def print_page(page: Any, nav: Any, parts: dict[str, printbook.Part]) -> None:
    """The hub (``print.md``) gets its list of parts; a part's page gets its chapters."""
    here = page.file.dest_uri
    chapters = _chapters(nav)
    try:
        if page.file.src_uri == PRINT_PAGE:
            marker, body = printbook.PARTS_MARKER, printbook.index(list(parts.values()), chapters, here)
        else:
            book, tokens = printbook.assemble(chapters.get(parts[page.file.src_uri].section, []), here)
            page.toc = get_toc(tokens)  # the sidebar lists the chapters
            marker, body = printbook.MARKER, book
        page.content = printbook.insert(page.content, body, marker)
    except ValueError as e:
        raise BuildError(f"docs/{page.file.src_uri}: {e}") from None


# --- About this book ----------------------------------------------------------------

def about(markdown: str, book: Any, config: Any, files: Files) -> str:
    """The About page with the build diagram and this build's provenance where its marker is."""
    if ABOUT_MARKER not in markdown:
        raise BuildError(f"docs/{ABOUT_PAGE} has no line {ABOUT_MARKER} where the provenance goes")
    return markdown.replace(ABOUT_MARKER, about_markdown(book, config, files), 1)


def about_markdown(book: Any, config: Any, files: Files) -> str:
    from gdbook.settings import describe

    root = book.root
    gen = book.gen
    # From the pipeline, not the registry: a build in which nothing changed imports no compute module.
    sections = [s["key"] for s in gen.sections]
    pages = [f for f in files.documentation_pages() if f.src_uri.endswith(".md")]
    nbs = [f for f in files if notebooks.is_notebook(f.src_uri)]
    diagram = provenance.build_diagram(len(describe()), sections, len(gen.figures), len(pages), len(nbs))
    git = provenance.git_state(root)
    ver = provenance.versions(root)
    settings_file = book.settings_path.name

    if not git["available"]:
        commit = "unknown: git (or the repository) was not available when this copy was built"
    else:
        commit = f"<code>{html.escape(git['commit'])}</code> (committed {html.escape(git['date'])})"
        if git["modified"]:
            shown = ", ".join(f"<code>{html.escape(m)}</code>" for m in git["modified"][:5])
            more = f" and {len(git['modified']) - 5} more" if len(git["modified"]) > 5 else ""
            commit += f", **with uncommitted changes** to {shown}{more}"
    rows = [
        ("seed of every random generator", f"{gen.results['settings']['seed']}"),
        ("settings file", f"<code>{html.escape(settings_file)}</code>"),
        ("sources (git commit)", commit),
        ("SHA-256 of `results.json`", f"`{provenance.digest(gen.files['downloads/results.json'])}`"),
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
