"""One build of the book, driven by MkDocs' events.

:class:`Book` holds everything a build needs and makes: the settings, the
cache, what was generated, the notebooks still running, the build's own
working folder.  The MkDocs plugin (:mod:`gdbook.plugin`) makes a new one at
the start of every build and hands it each event; nothing outlives the build
but the cache.

Under ``mkdocs serve`` a failure never stops the server: the failing page (or,
when nothing could be generated, every page) shows the error, every other page
carries a banner naming it, and the next good edit rebuilds as usual.
"""

from __future__ import annotations

import html
import logging
import os
import shutil
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.utils import CountHandler

from gdbook.book import generate as generation
from gdbook.book import diagrams as book_diagrams
from gdbook.book import katex as book_katex
from gdbook.book import notebooks, pages, parser_pauses, render, tables, terms, vendor
from gdbook.book.memo import Memo
from gdbook.book.cache import Cache
from gdbook.core.errors import BuildError
from gdbook.core.limits import check_buildable
from gdbook.settings import Settings, SettingsError, describe, load

log = logging.getLogger("mkdocs.plugins.gdbook")
MEMO_KEY = "1"  # the memo's entries carry their own keys (tool version, options, source)
WORK = "work"  # under the cache folder: one sub-folder per running build, removed when it ends


class Book:
    def __init__(self, options: Any, *, serving: bool, code_is_current: Callable[[], bool], debug: bool = False,
                 export: Path | None = None):
        self.options = options  # the plugin's configuration (settings, cache, cache_dir)
        self.serving = serving
        self.export = export  # gdbook render: also write what MkDocs is handed into this docs folder
        self.code_is_current = code_is_current
        self.debug = debug
        self.root: Path | None = None
        self.settings: Settings | None = None
        self.settings_path: Path | None = None
        self.cache: Cache | None = None
        self.work: Path | None = None
        self.gen: generation.Generated | None = None
        self.runner: notebooks.Runner | None = None
        self.executed: dict[str, str] | None = None
        self.notebook_timing: tuple[str, float, str] | None = None
        self.assets: list[vendor.Asset] = []
        self.env = None
        self.extra: dict[str, Any] = {}
        self.terms: list = []
        self.print_parts: dict = {}  # print/<part>.md → printbook.Part, the printable pages made in on_files
        self.render_seconds = 0.0
        self.failure: str | None = None  # under serve: why nothing could be generated
        self.page_errors: dict[str, str] = {}  # under serve: page → why it could not be rendered
        self.warnings: list[str] = []  # under serve: what strict mode would have stopped on
        self._warning_handler: logging.Handler | None = None
        self.math: book_katex.MathRenderer | None = None  # KaTeX, in one Node process started on a cache miss
        self.diagrams: book_diagrams.DiagramRenderer | None = None  # mermaid, in Chromium on a cache miss
        self.memos: dict[str, Memo] = {}
        self.math_seconds = 0.0
        self.render_timing: tuple[str, float, str] | None = None

    # -- errors ---------------------------------------------------------------------

    def fail(self, e: BaseException, where: str | None = None) -> str:
        """The one-paragraph message of a failure; a Python error behind it shows its traceback with --debug."""
        text = str(e) if isinstance(e, (BuildError, SettingsError, PluginError)) else f"{type(e).__name__}: {e}"
        cause = e.__cause__ if isinstance(e, BuildError) and e.__cause__ is not None else e
        if self.debug:
            text += "\n\n" + "".join(traceback.format_exception(cause)).rstrip()
        elif not isinstance(cause, (BuildError, SettingsError)):
            text += " (run again with --debug, or mkdocs build -v, for the traceback)"
            log.debug("".join(traceback.format_exception(cause)))
        if self.serving:
            if where is None:
                self.failure = text
            else:
                self.page_errors[where] = text
            log.error(f"gdbook: {text}")
            return text
        raise PluginError(f"gdbook: {text}") from None

    # -- events ---------------------------------------------------------------------

    def on_config(self, config: Any) -> Any:
        self.root = Path(config.config_file_path).resolve().parent
        self.cache = Cache(self.root / self.options.cache_dir, enabled=self.options.cache)
        self.work = new_work_dir(self.cache.dir / WORK)
        self.settings_path = (self.root / self.options.settings).resolve()
        if self.serving:
            # A warning must not stop the server (it would hang every request): it shows on the pages.
            # MkDocs counts warnings for strict mode from before this event, so its counter goes too.
            config.strict = False
            mkdocs_log = logging.getLogger("mkdocs")
            for handler in [h for h in mkdocs_log.handlers if isinstance(h, CountHandler)]:
                mkdocs_log.removeHandler(handler)
            self._watch_warnings()
            if str(self.settings_path) not in config.watch and self.settings_path.is_file():
                config.watch.append(str(self.settings_path))
        try:
            self.settings = check_buildable(load(self.settings_path))
        except SettingsError as e:
            self.fail(e)
        return config

    def on_pre_build(self, config: Any) -> None:
        if self.failure:
            return
        try:
            with warnings.catch_warnings():
                # A numpy or matplotlib warning is a bug in the book: fail loudly.
                warnings.simplefilter("error")
                self.runner = notebooks.Runner(notebooks.sources(self.root), self.cache, self.work)
                self.gen = generation.generate(self.settings, self.cache, self.code_is_current, progress=log.info)
            self.assets = vendor.assets(self.root)
            self.memos = {name: Memo(self.cache.get("render", name, MEMO_KEY)) for name in ("math", "diagrams")}
            self.math = book_katex.MathRenderer(self.root, self.memos["math"])
            self.diagrams = book_diagrams.DiagramRenderer(self.root, self.memos["diagrams"])
        except Exception as e:  # noqa: BLE001 - every failure is reported the same way
            self.cancel()
            self.fail(e)
            return
        # {% include "_partials/..." %} finds shared pieces of pages (the errata of each chapter, say).
        self.env = render.make_env([str(self.root / "docs")], bytecode_dir=self._template_cache())
        self.extra.update(machinery(self.gen))
        for stage, seconds, detail in self.gen.timings:
            log.info(f"gdbook {stage:<9} {seconds:6.2f} s  {detail}")

    def _template_cache(self) -> Path | None:
        """Where compiled page templates are kept: one folder per version of the code that compiles them
        (the environment's options, the claim tag), the others removed."""
        if not self.cache.enabled:
            return None
        from gdbook.book import keys

        return self._kept_folder("templates", keys.source_digest(render.__name__)[:16])  # render.py, claims.py, …

    def _kept_folder(self, kind: str, key: str) -> Path:
        """``<cache>/<kind>/<key>``, the folders of other keys under ``kind`` removed."""
        parent = self.cache.dir / kind
        if parent.is_dir():
            for old in parent.iterdir():
                if old.name != key:
                    shutil.rmtree(old, ignore_errors=True)
        return parent / key

    def on_env(self, env: Any) -> Any:
        """The theme's templates are compiled once and kept, as the pages' are: MkDocs compiles them at every
        build, about a second of a warm rebuild.  One folder per version of MkDocs and of the theme (their
        environment's options shape the compiled code); Jinja checks each template's text against its copy."""
        if self.cache is None or not self.cache.enabled:
            return env
        from importlib.metadata import version

        key = f"mkdocs-{version('mkdocs')}-material-{version('mkdocs-material')}"
        env.bytecode_cache = render.kept_templates(self._kept_folder("theme-templates", key))
        return env

    def on_files(self, files: Files, config: Any) -> Files:
        if self.gen is not None:
            for rel, content in sorted(self.gen.files.items()):
                files.append(File.generated(config, rel, content=content))
            for asset in self.assets:
                files.append(File.generated(config, asset.dest, abs_src_path=str(asset.src)))
        try:
            self.print_parts = pages.print_files(files, config)
            return pages.notebook_files(files, config)
        except BuildError as e:
            self.fail(e)
            return files

    def on_nav(self, nav: Any, config: Any, files: Files) -> Any:
        """The registry of terms, from every page's front matter in reading order (the Start page's table)."""
        from mkdocs.utils.meta import get_data

        rows = []
        for page in nav.pages:
            if not page.file.src_uri.endswith(".md") or not page.file.abs_src_path:
                continue
            _, meta = get_data(Path(page.file.abs_src_path).read_text(encoding="utf-8"))
            rows.append((page.file.src_uri, page.title or "", meta))
        try:
            self.terms = terms.registry(rows)
            self.extra["errata_partials"] = errata_partials(self.root, [p.file.src_uri for p in nav.pages])
        except BuildError as e:
            self.fail(e)
            self.extra["errata_partials"] = []
        self.extra["terms"] = terms.as_context(self.terms)
        return nav

    def on_pre_page(self, page: Any, config: Any, files: Files) -> Any:
        uri = page.file.src_uri
        if notebooks.is_notebook(uri):
            if self.failure:
                pages.show_instead(page, error_html("The book could not be built", self.failure))
            else:
                pages.render_executed(page, self.executed_notebooks, on_error=(
                    (lambda message: error_html(f"docs/{uri} could not be rendered", self.fail(BuildError(message), uri)))
                    if self.serving else None))
        return page

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Files) -> str:
        uri = page.file.src_uri
        if self.failure:
            return error_html("The book could not be built", self.failure)
        if not uri.endswith(".md"):
            return markdown
        t = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                if markdown.startswith("---\n"):
                    # MkDocs leaves front matter it cannot read as YAML in the text, silently: the page's
                    # terms would be lost and the YAML shown to readers.
                    raise BuildError(f"docs/{uri}: its front matter is not valid YAML (check the quoting)")
                # MkDocs took the front matter off: the template starts that many lines into the file
                first = render.body_first_line(page.file.content_string, markdown)
                out = render.render_page(markdown, uri, self.gen.results, self.gen.figures, self.env, extra=self.extra,
                                         first_line=first)
                if uri == pages.ABOUT_PAGE:
                    out = pages.about(out, self, config, files)
        except Exception as e:  # noqa: BLE001
            return error_html(f"docs/{uri} could not be rendered", self.fail(e, where=uri))
        finally:
            self.render_seconds += time.perf_counter() - t
        if self.export is not None:
            (self.export / uri).parent.mkdir(parents=True, exist_ok=True)  # a generated page's folder (print/)
            (self.export / uri).write_text(out, encoding="utf-8")
        return out

    def on_page_content(self, html_: str, page: Any, config: Any, files: Files) -> str:
        uri = page.file.src_uri
        if notebooks.is_notebook(uri):
            html_ = notebooks.slim_page(html_, uri)
        html_ = tables.wrap(html_)
        if self.math is None:
            return html_
        t = time.perf_counter()
        try:
            # Math and diagrams are rendered here, at build: no page needs a script to be read.
            html_ = self.diagrams.render_html(self.math.render_html(html_, f"docs/{uri}"), f"docs/{uri}")
        except (book_katex.MathError, book_diagrams.DiagramError) as e:
            return error_html(f"docs/{uri} could not be rendered", self.fail(BuildError(str(e)), where=uri))
        finally:
            self.math_seconds += time.perf_counter() - t
        return html_

    def index_math_as_text(self, context: dict, page: Any) -> dict:
        """Before the search plugin indexes ``page.content``: each formula as readable text, each diagram by
        its text version (KaTeX's HTML would put the TeX source and every glyph twice in the index)."""
        if page.content:
            page._gd_content = page.content
            page.content = book_diagrams.search_view(book_katex.search_view(page.content))
        return context

    def on_page_context(self, context: dict, page: Any, config: Any, nav: Any) -> dict:
        kept = getattr(page, "_gd_content", None)
        if kept is not None:  # after the search plugin: the content as it is published
            page.content = kept
            del page._gd_content
        part = page.file.src_uri in self.print_parts
        if (part or page.file.src_uri == pages.PRINT_PAGE) and not self.failure:
            try:
                pages.print_page(page, nav, self.print_parts)
            except BuildError as e:
                self.fail(e, where=page.file.src_uri)
        context["gd_print_part"] = part  # docs/overrides/main.html
        # The KaTeX fonts this page's math uses, preloaded by docs/overrides/main.html.
        fonts = self.math.fonts(page.content or "") if self.math is not None else []
        context["gd_math_fonts"] = [f"assets/vendor/katex/fonts/{f}" for f in fonts]
        return context

    def on_post_page(self, output: str, page: Any) -> str:
        # The page as published: search and the printable parts have read its content without them.
        return parser_pauses.add(output)

    def on_post_build(self, config: Any) -> None:
        try:
            self._finish_rendering()
            if not self.failure:
                # A book whose nav shows no notebook still runs them: a failing one fails the build.
                try:
                    self.executed_notebooks()
                except BuildError as e:
                    self.fail(e)
            if self.export is not None and self.gen is not None:
                self._export_files()
            if self.serving:
                self._stop_watching_warnings()
                problems = ([("build", self.failure)] if self.failure else []) + \
                    [(f"docs/{k}", v) for k, v in self.page_errors.items()] + [("warning", w) for w in self.warnings]
                if problems:
                    add_banner(Path(config.site_dir), problems)
        finally:
            self.close()

    def on_build_error(self, error: Exception) -> None:
        self.cancel()
        self.close()

    # -- notebooks, clean-up --------------------------------------------------------

    def executed_notebooks(self) -> dict[str, str]:
        """Wait for the notebooks (once): MkDocs asks when it reaches their pages, the last ones it renders."""
        if self.executed is None:
            if self.runner is None:
                raise BuildError("the notebooks were not started: the book failed before")
            runner, self.runner = self.runner, None
            self.executed, waited, detail = runner.finish()
            self.notebook_timing = ("notebooks", waited, detail)
        return self.executed

    def cancel(self) -> None:
        if self.runner is not None:
            self.runner.cancel()
            self.runner = None
        for renderer in (self.math, self.diagrams):
            if renderer is not None:
                renderer.close()

    def _finish_rendering(self) -> None:
        """Stop Node and Chromium, keep what this build rendered for the next one, say what was done."""
        if self.math is None:
            return
        math, diagrams = self.math, self.diagrams
        math.close()
        diagrams.close()
        for name, memo in self.memos.items():
            if memo.changed() and self.code_is_current():
                self.cache.put("render", name, MEMO_KEY, memo.kept())
        node = "Node started" if math.started else "no Node"
        browser = "Chromium launched" if diagrams.launched else "no browser"
        detail = (f"{math.hits + math.rendered} formulas ({math.rendered} rendered by KaTeX, {node}); "
                  f"{diagrams.hits + diagrams.drawn} diagram SVGs ({diagrams.drawn} drawn, {browser})")
        self.render_timing = ("math+svg", self.math_seconds, detail)
        log.info(f"gdbook math+svg  {self.math_seconds:6.2f} s  {detail}")

    def close(self) -> None:
        """Remove the build's working folder (executed notebooks, runs): nothing of a build is left behind."""
        self.cancel()
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)
            self.work = None

    def report(self) -> dict:
        out = self.gen.report() if self.gen else {}
        timings = list(self.gen.timings) if self.gen else []
        for extra_timing in (self.notebook_timing, self.render_timing):
            if extra_timing:
                timings.append(extra_timing)
        out["stages"] = [{"stage": st, "seconds": round(sec, 4), "detail": d} for st, sec, d in timings]
        out["claims"] = self.claims()
        return out

    def claims(self) -> list[dict]:
        """Every claim the pages made: where, checked or worded, and the values it rests on."""
        return list(self.env.claims) if self.env is not None else []

    def _export_files(self) -> None:
        """gdbook render: the generated files, front-end assets and executed notebooks beside the pages."""
        for rel, content in self.gen.files.items():
            (self.export / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.export / rel).write_bytes(content)
        for asset in self.assets:
            (self.export / asset.dest).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asset.src, self.export / asset.dest)
        for uri, path in (self.executed or {}).items():
            (self.export / uri).unlink(missing_ok=True)
            shutil.copyfile(path, (self.export / uri).with_suffix(".ipynb"))

    # -- warnings under serve -------------------------------------------------------

    def _watch_warnings(self) -> None:
        book = self

        class Collect(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if record.levelno >= logging.WARNING and not record.getMessage().startswith("gdbook:"):
                    book.warnings.append(record.getMessage())

        self._warning_handler = Collect()
        logging.getLogger("mkdocs").addHandler(self._warning_handler)

    def _stop_watching_warnings(self) -> None:
        if self._warning_handler is not None:
            logging.getLogger("mkdocs").removeHandler(self._warning_handler)
            self._warning_handler = None


def machinery(gen: generation.Generated) -> dict[str, Any]:
    """What the reference pages show of the book's own machinery: its settings, results and sections."""
    return {
        "settings_schema": [{**row, "current": _lookup(gen.results["settings"], row["name"])} for row in describe()],
        "results_layout": generation.layout(gen.public),
        "sections": gen.sections,
    }


ERRATA = "_partials/errata"  # under docs/: one file per chapter, named like its page


def errata_partials(root: Path, reading_order: list[str]) -> list[str]:
    """The errata of each chapter (``docs/_partials/errata/<page name>.md``), in reading order.

    The errata page includes them in turn; a partial whose chapter is not in
    the navigation is an error (it would never be shown).
    """
    folder = root / "docs" / ERRATA
    found = {p.stem: p for p in folder.glob("*.md")} if folder.is_dir() else {}
    ordered = []
    for uri in reading_order:
        stem = Path(uri).stem
        if stem in found:
            ordered.append(f"{ERRATA}/{stem}.md")
            del found[stem]
    if found:
        raise BuildError(f"docs/{ERRATA}/ has errata for pages not in the navigation: {', '.join(sorted(found))}")
    return ordered


def _lookup(tree: dict, dotted: str) -> Any:
    for part in dotted.split("."):
        tree = tree[part]
    return tree


def new_work_dir(parent: Path) -> Path:
    """A working folder of this build's own; those of builds that died (their process is gone) are removed."""
    parent.mkdir(parents=True, exist_ok=True)
    for old in parent.glob("*-*"):
        pid = old.name.split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    for i in range(1000):
        path = parent / f"{os.getpid()}-{i}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise BuildError(f"cannot make a working folder under {parent}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def error_html(title: str, message: str) -> str:
    """What a page shows of a build error (``mkdocs serve`` only): escaped, as it was raised."""
    return (f"<h1>{html.escape(title)}</h1>\n"
            '<div class="admonition failure gd-build-error" role="alert">'
            '<p class="admonition-title">The last rebuild failed</p>'
            f"<pre><code>{html.escape(message)}</code></pre>"
            "<p>Fix it and save: the page reloads with the next good build.</p></div>\n")



BANNER_MARK = "<!-- gd:build-problems -->"


def add_banner(site: Path, problems: list[tuple[str, str]]) -> None:
    """Under ``mkdocs serve``: name every failure and warning at the top of every page."""
    items = "".join(f"<li><strong>{html.escape(k)}</strong>: <code>{html.escape(v)}</code></li>" for k, v in problems)
    banner = (f'{BANNER_MARK}<div class="admonition warning gd-build-problems" role="alert">'
              f'<p class="admonition-title">This rebuild has {len(problems)} problem(s); '
              f"<code>gdbook build</code> would stop on them</p><ul>{items}</ul></div>")
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        at = text.find('<article class="md-content__inner md-typeset">')
        if at < 0 or BANNER_MARK in text:
            continue
        at = text.index(">", at) + 1
        page.write_text(text[:at] + banner + text[at:], encoding="utf-8")
