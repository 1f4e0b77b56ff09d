"""Page templates → markdown.  Formats computed values; never computes them.

Each page under ``docs/`` is a Jinja template.  Its context is results.json's
top-level keys (``{{ dataset.n }}``), number filters from :mod:`gdbook.fmt`,
and ``figure(name, caption)``.  Referring to a key that does not exist fails
the build with the page, the line and the full dotted key.
"""

from __future__ import annotations

import posixpath
import traceback
from collections.abc import Mapping
from typing import Any

import jinja2

from gdbook import fmt
from gdbook.registry import BuildError


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

    __str__ = __iter__ = __len__ = __bool__ = _fail_with_undefined_error  # type: ignore[assignment]


def make_env(loader_dirs: list[str] | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        undefined=_Undefined,
        keep_trailing_newline=True,
        autoescape=False,
        loader=jinja2.FileSystemLoader(loader_dirs or []),
        # LaTeX is full of braces and hashes; only {{ }} and {% %} are ours.
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters.update(fmt.FILTERS)
    return env


def figure_markdown(fig: Any, page_uri: str, caption: str | None) -> str:
    base = posixpath.dirname(page_uri)
    light = posixpath.relpath(fig.light, base or ".")
    dark = posixpath.relpath(fig.dark, base or ".")
    alt = fig.alt.replace("[", "(").replace("]", ")").replace('"', "'")
    # Width and height: the browser keeps the figure's space before the image arrives (no layout shift).
    size = f' width="{fig.width}" height="{fig.height}"' if getattr(fig, "width", 0) else ""
    parts = [
        '<figure class="gd-figure" markdown="span">',
        f'![{alt}]({light}#only-light){{ loading=lazy{size} }}',
        f'![{alt}]({dark}#only-dark){{ loading=lazy{size} }}',
    ]
    if caption:
        parts.append(f"<figcaption>{caption}</figcaption>")
    parts.append("</figure>")
    return "\n".join(parts)


def render_page(source: str, page_uri: str, results: Mapping[str, Any], figures: Mapping[str, Any],
                env: jinja2.Environment, extra: Mapping[str, Any] | None = None) -> str:
    """Render one page template; errors name the page, the line and the key."""

    def figure(name: str, caption: str | None = None) -> str:
        if name not in figures:
            raise UnknownPlaceholder(f"unknown figure '{name}' (known: {', '.join(sorted(figures)) or 'none'})")
        return figure_markdown(figures[name], page_uri, caption)

    context = {k: wrap(v, k) for k, v in results.items()}
    context.update(figure=figure, page_uri=page_uri, **(extra or {}))
    try:
        template = env.from_string(source)
        template.filename = page_uri  # type: ignore[attr-defined]
        return template.render(context)
    except UnknownPlaceholder as e:
        raise UnknownPlaceholder(f"docs/{page_uri}{_line(e, page_uri)}: {e}") from None
    except jinja2.TemplateSyntaxError as e:
        raise BuildError(f"docs/{page_uri}, line {e.lineno}: template syntax error: {e.message}") from None
    except (TypeError, ValueError) as e:
        raise BuildError(f"docs/{page_uri}{_line(e, page_uri)}: {e}") from None


def _line(e: BaseException, page_uri: str) -> str:
    for frame in reversed(traceback.extract_tb(e.__traceback__)):
        if frame.filename in ("<template>", page_uri):
            return f", line {frame.lineno}"
    return ""
