"""Page templates → markdown.  Formats computed values; never computes them.

Each page under ``docs/`` is a Jinja template.  Its context is results.json's
top-level keys (``{{ dataset.n }}``), number filters from :mod:`gdbook.core.fmt`,
``figure(name, caption)``, and the ``claim`` block (:mod:`gdbook.book.claims`)
for every sentence whose truth depends on the data.  Referring to a key that
does not exist fails the build with the page, the line and the full dotted
key; so does a claim that is false.
"""

from __future__ import annotations

import posixpath
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from gdbook.book.claims import ClaimExtension, ClaimFailed
from gdbook.core import fmt
from gdbook.core.errors import BuildError


class UnknownPlaceholder(BuildError):
    pass


class Node:
    """A read-only view of a results dict that knows its dotted path."""

    __slots__ = ("_data", "_path")

    def __init__(self, data: Any, path: str):
        self._data = data
        self._path = path

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self[name]
        except (KeyError, IndexError, TypeError):
            raise AttributeError(name) from None

    def __getitem__(self, key: Any) -> Any:
        value = self._data[key]
        path = f"{self._path}[{key}]" if isinstance(key, int) else f"{self._path}.{key}"
        return wrap(value, path)

    def __iter__(self):
        if isinstance(self._data, Mapping):
            return iter(self._data)
        return (wrap(v, f"{self._path}[{i}]") for i, v in enumerate(self._data))

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: Any) -> bool:
        return key in self._data

    def items(self):
        return [(k, self[k]) for k in self._data] if isinstance(self._data, Mapping) else []

    def __str__(self) -> str:
        raise UnknownPlaceholder(f"'{self._path}' is a table or list, not a value: name one of its entries")


def wrap(value: Any, path: str) -> Any:
    return Node(value, path) if isinstance(value, (Mapping, list, tuple)) else value


class _Undefined(jinja2.StrictUndefined):
    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any):
        obj, name = self._undefined_obj, self._undefined_name
        if isinstance(obj, Node):
            path = f"{obj._path}[{name}]" if isinstance(name, int) else f"{obj._path}.{name}"
        else:
            path = str(name)
        raise UnknownPlaceholder(f"unknown placeholder '{path}'")

    # Every use of an unknown key names it: printing, testing, comparing (claims), arithmetic.
    __str__ = __iter__ = __len__ = __bool__ = __eq__ = __ne__ = __hash__ = __contains__ = \
        __lt__ = __le__ = __gt__ = __ge__ = __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = \
        __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __pow__ = __rpow__ = \
        __pos__ = __neg__ = __abs__ = __int__ = __float__ = __getitem__ = __call__ = \
        _fail_with_undefined_error  # type: ignore[assignment]


class _PageSources(jinja2.BaseLoader):
    """Page templates by name ("page:<uri>"), as MkDocs hands them over: loaded through the environment, so
    that its bytecode cache keeps their compiled code from one build to the next."""

    PREFIX = "page:"

    def __init__(self) -> None:
        self.sources: dict[str, tuple[str, str]] = {}

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        if template not in self.sources:
            raise jinja2.TemplateNotFound(template)
        source, filename = self.sources[template]
        return source, filename, lambda: False  # never reused from memory: the text may have changed


class _KeptTemplates(jinja2.FileSystemBytecodeCache):
    """Only ever a shortcut: when its folder is gone (another build's clean-up), the template is compiled."""

    def dump_bytecode(self, bucket: Any) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def kept_templates(folder: Path) -> jinja2.BytecodeCache:
    """A cache of compiled templates in ``folder`` (made if missing)."""
    return _KeptTemplates(str(_mkdir(folder)))


def make_env(loader_dirs: list[str] | None = None, bytecode_dir: Path | None = None) -> jinja2.Environment:
    """The page templates' environment.  With ``bytecode_dir``, compiled templates are kept there (keyed by
    their text; compiling the book's pages and partials is most of a warm rebuild's rendering)."""
    pages = _PageSources()
    env = jinja2.Environment(
        undefined=_Undefined,
        keep_trailing_newline=True,
        autoescape=False,
        loader=jinja2.ChoiceLoader([pages, jinja2.FileSystemLoader(loader_dirs or [])]),
        bytecode_cache=kept_templates(bytecode_dir) if bytecode_dir else None,
        # LaTeX is full of braces and hashes; only {{ }} and {% %} are ours.
        comment_start_string="{##",
        comment_end_string="##}",
        extensions=[ClaimExtension],
    )
    env.filters.update({name: _strict(f) for name, f in fmt.FILTERS.items()})
    env.extend(gd_pages=pages)
    return env


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _page_template(env: jinja2.Environment, source: str, page_uri: str) -> jinja2.Template:
    pages: _PageSources = env.gd_pages  # type: ignore[attr-defined]  # set by make_env
    name = _PageSources.PREFIX + page_uri
    pages.sources[name] = (source, page_uri)
    try:
        return env.get_template(name)
    finally:
        del pages.sources[name]


def _strict(f: Any) -> Any:
    """A number filter that names the unknown key it was given, instead of "got Undefined"."""

    def filtered(value: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, jinja2.Undefined):
            value._fail_with_undefined_error()
        if isinstance(value, Node):
            raise UnknownPlaceholder(f"'{value._path}' is a table or list, not a number: name one of its entries")
        return f(value, *args, **kwargs)

    filtered.__name__ = f.__name__
    filtered.__doc__ = f.__doc__
    return filtered


PHONE_MEDIA = "(max-width: 719px)"  # Material's phone and narrow-tablet layouts: the phone drawing


def figure_markdown(fig: Any, page_uri: str, caption: str | None, live: str | None = None,
                    assets: bool = True, name: str = "") -> str:
    """A figure: light and dark pictures (the scheme's CSS shows one), each with its phone drawing.

    Every image carries its size, so nothing moves while it loads; without
    JavaScript the light one shows (the page's default scheme).

    ``live`` names the chapter whose ``data/<live>/live.js`` (a section's
    ``_files``) lets ``assets/javascripts/live.js`` turn this figure into one
    the reader controls, computed in the browser by ``gdmath.js``: the figure
    gets ``data-gd-live`` and a panel for its controls whose space is kept
    before the script runs (``live.css``); the pictures stay as they are for
    a reader without JavaScript.  ``assets``: also the page's ``<link>`` and
    ``<script>`` tags (the first live figure of a page).
    """
    import html

    base = posixpath.dirname(page_uri) or "."
    alt = html.escape(fig["alt"], quote=True)

    def picture(scheme: str) -> str:
        wide, narrow = fig[scheme], fig[f"{scheme}-phone"]
        (w, h), (pw, ph) = fig[f"{scheme}-size"], fig[f"{scheme}-phone-size"]
        return (f'<picture class="gd-{scheme}">'
                f'<source media="{PHONE_MEDIA}" srcset="{posixpath.relpath(narrow, base)}" width="{pw}" height="{ph}">'
                f'<img src="{posixpath.relpath(wide, base)}" alt="{alt}" width="{w}" height="{h}" loading="lazy" '
                f'decoding="async"></picture>')

    if live:
        parts = [f'<figure class="gd-figure gd-live" data-gd-live="{html.escape(name)}" markdown="span">',
                 picture("light"), picture("dark"), '<div class="gd-live-panel"></div>']
        if assets:
            rel = lambda target: posixpath.relpath(target, base)  # noqa: E731
            parts[1:1] = [f'<link rel="stylesheet" href="{rel("assets/stylesheets/live.css")}">',
                          f'<script src="{rel("assets/javascripts/gdmath.js")}" defer></script>',
                          f'<script src="{rel(f"data/{live}/live.js")}" defer></script>',
                          f'<script src="{rel("assets/javascripts/live.js")}" defer></script>']
    else:
        parts = ['<figure class="gd-figure" markdown="span">', picture("light"), picture("dark")]
    if caption:
        parts.append(f"<figcaption>{caption}</figcaption>")
    parts.append("</figure>")
    return "\n".join(parts)


def body_first_line(file_text: str, body: str) -> int:
    """The line of the file on which ``body`` (the file without its front matter, as MkDocs hands it over) starts."""
    return max(file_text.count("\n") - body.count("\n") + 1, 1)


def render_page(source: str, page_uri: str, results: Mapping[str, Any], figures: Mapping[str, Any],
                env: jinja2.Environment, extra: Mapping[str, Any] | None = None, first_line: int = 1) -> str:
    """Render one page template; errors name the page, the line and the key.

    ``first_line`` is the line of the file the template starts on (MkDocs hands over the page without its front
    matter): errors count lines as the author's editor does."""

    live_assets: set[str] = set()

    def figure(name: str, caption: str | None = None, live: str | None = None) -> str:
        if name not in figures:
            raise UnknownPlaceholder(f"unknown figure '{name}' (known: {', '.join(sorted(figures)) or 'none'})")
        first = bool(live) and live not in live_assets
        if live:
            live_assets.add(live)
        return figure_markdown(figures[name], page_uri, caption, live, assets=first, name=name)

    def link_to(target: str) -> str:
        """A link from this page to another page or file of docs/, by its path under docs/."""
        return posixpath.relpath(target, posixpath.dirname(page_uri) or ".")

    context = {k: wrap(v, k) for k, v in results.items()}
    context.update(figure=figure, link_to=link_to, page_uri=page_uri, **(extra or {}))
    try:
        pad = "\n" * (first_line - 1)  # blank lines in place of the front matter: Jinja's line numbers are the file's
        template = _page_template(env, pad + source, page_uri)
        out = template.render(context)
        return out[len(pad):] if out.startswith(pad) else out
    except UnknownPlaceholder as e:
        raise UnknownPlaceholder(f"docs/{page_uri}{_line(e, page_uri)}: {e}") from None
    except ClaimFailed as e:
        raise ClaimFailed(f"docs/{page_uri}, {e}") from None
    except jinja2.TemplateSyntaxError as e:
        raise BuildError(f"docs/{page_uri}, line {e.lineno}: template syntax error: {e.message}") from None
    except BuildError as e:
        raise BuildError(f"docs/{page_uri}{_line(e, page_uri)}: {e}") from None
    except (TypeError, ValueError) as e:
        raise BuildError(f"docs/{page_uri}{_line(e, page_uri)}: {e}") from None
    except Exception as e:  # noqa: BLE001 - a template that raises: name the page and line
        raise BuildError(f"docs/{page_uri}{_line(e, page_uri)}: {type(e).__name__}: {e}") from e


def _line(e: BaseException, page_uri: str) -> str:
    for frame in reversed(traceback.extract_tb(e.__traceback__)):
        if frame.filename in ("<template>", page_uri):
            return f", line {frame.lineno}"
    return ""
