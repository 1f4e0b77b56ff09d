"""The MkDocs plugin: gdbook's one integration with MkDocs.

Configured in ``mkdocs.yml``::

    plugins:
      - gdbook:
          settings: !ENV [GDBOOK_SETTINGS, pyproject.toml]
          cache_dir: !ENV [GDBOOK_CACHE_DIR, .cache/gdbook]

``mkdocs build``, ``mkdocs serve`` and ``gdbook build`` all go through it.
It only dispatches: each build gets a new :class:`gdbook.book.events.Book`,
which does the work and holds the build's state.

Under ``mkdocs serve`` the plugin also keeps the code current.  MkDocs keeps
this plugin object between rebuilds, but Python keeps imported modules: when
a source under ``src/gdbook`` changed, every ``gdbook`` module (the package
itself included, so no stale submodule survives as its attribute) is dropped
from ``sys.modules`` and the engine is imported afresh.  This module holds no
book logic and is the one module never reloaded; it imports no other gdbook
module at its top, so it holds none of their objects either.
"""

from __future__ import annotations

import html
import importlib
import importlib.util
import logging
import sys
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

PACKAGE_DIR = Path(__file__).resolve().parent
log = logging.getLogger("mkdocs.plugins.gdbook")


class GdbookConfig(base.Config):
    settings = c.Type(str, default="pyproject.toml")  # TOML file, relative to mkdocs.yml
    cache = c.Type(bool, default=True)  # False: recompute everything
    cache_dir = c.Type(str, default=".cache/gdbook")  # relative to mkdocs.yml
    debug = c.Type(bool, default=False)  # tracebacks in error messages


def sources_stamp() -> tuple:
    """Every file of the package with its size and modification time (ns): changes when any source does."""
    out = []
    for p in sorted(PACKAGE_DIR.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            st = p.stat()
            out.append((str(p), st.st_size, st.st_mtime_ns))
    return tuple(out)


class GdbookPlugin(BasePlugin[GdbookConfig]):
    def __init__(self) -> None:
        self.command: str | None = None
        self.loaded: tuple | None = None  # the sources' stamp when the engine was imported
        self.book: Any = None  # this build's gdbook.book.events.Book
        self.last: Any = None  # the Book of the build that ended last (gdbook build reports from it)
        self.export: Path | None = None  # gdbook render: write the rendered pages here too
        self.broken: str | None = None  # under serve: the engine itself would not import

    # MkDocs keeps a plugin that defines on_startup between the rebuilds of `mkdocs serve`.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_shutdown(self) -> None:
        if self.book is not None:
            self.book.close()

    def _engine(self) -> Any:
        stamp = sources_stamp()
        if self.loaded is not None and stamp != self.loaded:
            drop_package_modules(self.loaded, stamp)
        self.loaded = stamp
        return importlib.import_module("gdbook.book.events")

    def code_is_current(self) -> bool:
        return sources_stamp() == self.loaded

    def on_config(self, config: Any) -> Any:
        serving = self.command == "serve"
        self.broken = None
        try:
            events = self._engine()
        except Exception as e:  # noqa: BLE001 - a syntax error in an edited module, say
            if not serving:
                raise PluginError(f"gdbook: the package failed to import: {type(e).__name__}: {e}") from e
            self.broken, self.book = f"{type(e).__name__}: {e}", None
            config.strict = False
            mkdocs_log = logging.getLogger("mkdocs")
            for handler in [h for h in mkdocs_log.handlers if type(h).__name__ == "CountHandler"]:
                mkdocs_log.removeHandler(handler)  # strict mode would hang the server: the page shows the error
            log.error(f"gdbook: the package failed to import: {self.broken}")
            return config
        self.book = events.Book(self.config, serving=serving, code_is_current=self.code_is_current,
                                debug=self.config.debug, export=self.export)
        return self.book.on_config(config)

    def on_pre_build(self, *, config: Any) -> None:
        if self.book is not None:
            self.book.on_pre_build(config)

    def on_files(self, files: Any, *, config: Any) -> Any:
        return self.book.on_files(files, config) if self.book is not None else files

    def on_nav(self, nav: Any, *, config: Any, files: Any) -> Any:
        return self.book.on_nav(nav, config, files) if self.book is not None else nav

    def on_pre_page(self, page: Any, *, config: Any, files: Any) -> Any:
        return self.book.on_pre_page(page, config, files) if self.book is not None else page

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Any) -> str:
        if self.broken is not None:
            return ("# The gdbook package failed to import\n\n<pre><code>" + html.escape(self.broken) +
                    "</code></pre>\n\nFix the module and save: the page reloads with the next good build.\n")
        return self.book.on_page_markdown(markdown, page, config, files) if self.book is not None else markdown

    def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
        return self.book.on_env(env) if self.book is not None else env

    def on_page_content(self, html_: str, *, page: Any, config: Any, files: Any) -> str:
        return self.book.on_page_content(html_, page, config, files) if self.book is not None else html_

    @event_priority(50)  # before the search plugin (priority 0) reads page.content
    def _before_search(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        return self.book.index_math_as_text(context, page) if self.book is not None else context

    @event_priority(-50)  # after it: the published content back, then the printable book
    def _after_search(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        return self.book.on_page_context(context, page, config, nav) if self.book is not None else context

    on_page_context = CombinedEvent(_before_search, _after_search)

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        return self.book.on_post_page(output, page) if self.book is not None else output

    def on_post_build(self, *, config: Any) -> None:
        if self.book is not None:
            self.last = self.book
            self.book.on_post_build(config)

    def on_build_error(self, *, error: Exception) -> None:
        if self.book is not None:
            self.last = self.book
            self.book.on_build_error(error)


def drop_package_modules(before: tuple, after: tuple) -> None:
    """Forget every imported gdbook module but this one, so the next import reads the sources again.

    Bytecode of a changed file is deleted too: Python checks it against the
    source's size and mtime in whole seconds, which an edit within the same
    second that keeps the size would not change.
    """
    changed = set(before) ^ set(after)
    if any(path == __file__ for path, _, _ in changed):
        log.warning("gdbook: src/gdbook/plugin.py changed: restart `mkdocs serve` for that file to take effect")
    for path, _, _ in changed:
        if path.endswith(".py"):
            cached = Path(importlib.util.cache_from_source(path))
            cached.unlink(missing_ok=True)
    for name in [m for m in sys.modules if (m == "gdbook" or m.startswith("gdbook.")) and m != __name__]:
        del sys.modules[name]
    importlib.invalidate_caches()
