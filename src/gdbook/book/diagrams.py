"""Diagrams drawn at build time: mermaid sources become inline SVG, light and dark.

``pymdownx.superfences`` turns a ```` ```mermaid ```` fence into ``<pre
class="mermaid"><code>SOURCE</code></pre>``.  :class:`DiagramRenderer`
replaces each with:

* two inline SVGs drawn by the pinned ``node_modules/mermaid/dist/mermaid.min.js``
  in Debian's Chromium (through Playwright): one in the site's light colours,
  one in its dark colours.  ``gdbook.css`` shows the one that matches the
  scheme Material sets on ``body`` (``data-md-color-scheme``); without
  JavaScript, and on paper, the light one.  Each is ``role="img"`` with a name:
  the ``aria-label`` of the box it sits in (``<div class="gd-diagram"
  aria-label=...>``, the focusable box that scrolls sideways on a phone), or
  "Diagram";
* a ``<details>`` "The diagram as text" after the box: the steps and the
  arrows as a reader reads them (labels' ``<br>`` and ``<code>`` rendered, not
  shown as markup), which also serves anyone who cannot see the picture.

Ids inside each SVG are unique on the page and across the book (they start
with ``gd-<page>-<n>-<theme>``), and the SVGs carry no script.  Output is
deterministic: mermaid's ``deterministicIds``, a fixed id at drawing time,
and the same fonts.

Chromium is launched at most once per renderer, and only when a diagram
misses the ``cache`` mapping (keyed by the source, mermaid's version, the
theme's configuration and the browser binary): a build whose diagrams are all
cached launches no browser.  What is cached is mermaid's SVG as drawn; the
rest (ids, names, the text version) is redone at every build, cheaply.

This module imports nothing from the rest of gdbook.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("GDBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
DRAW_ID = "gdmermaiddiagram"  # the id mermaid draws with; replaced by the page's own
# Fonts with the same metrics everywhere: Arial = Liberation Sans, Courier New = Liberation Mono.
# The boxes are sized for the text when the book is built, so the reader's font must measure the same.
FONT = 'Arial, "Liberation Sans", Helvetica, sans-serif'
MONO = '"Courier New", "Liberation Mono", Courier, monospace'
THEME_CSS = f"code {{ font-family: {MONO}; font-size: 0.9em; }} foreignObject {{ overflow: visible; }}"

# The site's palette (Material: indigo on white; light blue on slate), for mermaid's "base" theme.
THEMES: dict[str, dict[str, Any]] = {
    "light": {
        "background": "#ffffff", "primaryColor": "#eef0ff", "primaryBorderColor": "#3f51b5",
        "primaryTextColor": "#1c1c1c", "secondaryColor": "#f5f5f5", "tertiaryColor": "#f7f8fc",
        "lineColor": "#4a4f5c", "textColor": "#1c1c1c", "clusterBkg": "#f7f8fc", "clusterBorder": "#8c96c8",
        "edgeLabelBackground": "#ffffff", "titleColor": "#1c1c1c",
    },
    "dark": {
        "background": "#1e2129", "primaryColor": "#1f2d42", "primaryBorderColor": "#4fb3f6",
        "primaryTextColor": "#e4e6eb", "secondaryColor": "#2a2e38", "tertiaryColor": "#252935",
        "lineColor": "#b4bac8", "textColor": "#e4e6eb", "clusterBkg": "#242834", "clusterBorder": "#6c7896",
        "edgeLabelBackground": "#1e2129", "titleColor": "#e4e6eb", "darkMode": True,
    },
}


class DiagramError(Exception):
    """A diagram mermaid cannot draw, or no browser to draw it; the message names the page and the diagram."""


def mermaid_version(root: Path) -> str:
    try:
        return json.loads((root / "node_modules" / "mermaid" / "package.json").read_text(encoding="utf-8"))["version"]
    except FileNotFoundError:
        raise DiagramError("mermaid is not installed (node_modules/mermaid): run `npm ci`") from None


def config(theme: str) -> dict[str, Any]:
    """mermaid's configuration for one theme ("light" or "dark")."""
    return {
        "startOnLoad": False, "securityLevel": "strict", "deterministicIds": True, "deterministicIDSeed": "gdbook",
        "handDrawnSeed": 1,  # rough.js draws some shapes (the stadiums) with random jitter unless seeded
        "theme": "base", "themeVariables": {**THEMES[theme], "fontFamily": FONT, "fontSize": "16px"},
        "themeCSS": THEME_CSS, "fontFamily": FONT, "flowchart": {"htmlLabels": True, "useMaxWidth": True},
    }


def _browser_identity() -> str:
    """Which browser draws (its binary's size and time): a new Chromium may lay text out differently."""
    try:
        st = os.stat(os.path.realpath(CHROMIUM))
        return f"{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        return "missing"


class DiagramRenderer:
    """Draws the mermaid diagrams of built pages (context manager: closes its browser).

    ``cache`` maps a diagram's key (source, theme, mermaid version, browser) to
    mermaid's SVG.  ``drawn`` and ``hits`` count SVGs drawn and found in the
    cache; ``launched`` says whether Chromium was started.
    """

    def __init__(self, root: Path, cache: MutableMapping[str, str] | None = None):
        self.root = Path(root)
        self.cache: MutableMapping[str, str] = {} if cache is None else cache
        self.version = mermaid_version(self.root)
        self._script = self.root / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
        self._salt = f"mermaid {self.version} {_browser_identity()} {hashlib.sha256(self._script.read_bytes()).hexdigest()[:16]}" \
            if self._script.is_file() else None
        self._pw: Any = None
        self._browser: Any = None
        self._page: Any = None
        self.drawn = 0
        self.hits = 0
        self.launched = False

    def __enter__(self) -> DiagramRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- one diagram ---------------------------------------------------------------

    def key(self, source: str, theme: str) -> str:
        payload = json.dumps([self._salt, config(theme), source], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:32]

    def svg(self, source: str, theme: str, where: str) -> str:
        """mermaid's SVG of ``source`` in ``theme``, drawn with the id :data:`DRAW_ID`."""
        if self._salt is None:
            raise DiagramError(f"{where}: mermaid's script {self._script} is missing: run `npm ci`")
        if DRAW_ID in source:
            raise DiagramError(f"{where}: a diagram's source may not contain '{DRAW_ID}'")
        key = self.key(source, theme)
        hit = self.cache.get(key)
        if hit is not None:
            self.hits += 1
            return hit
        page = self._open()
        try:
            svg = page.evaluate(_DRAW, [config(theme), source, DRAW_ID])
        except Exception as e:  # noqa: BLE001 - Playwright's error carries mermaid's message
            first = str(e).split("\n")[0]
            raise DiagramError(f"{where}: mermaid cannot draw the diagram that starts "
                               f"{source.strip().splitlines()[0]!r}: {first}") from None
        if "<script" in svg.lower():
            raise DiagramError(f"{where}: mermaid's SVG holds a script")
        self.drawn += 1
        self.cache[key] = svg
        return svg

    def _open(self) -> Any:
        if self._page is not None:
            return self._page
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise DiagramError("Playwright for Python is needed to draw diagrams at build time: "
                               "pip install playwright (never `playwright install`: the browser is Debian's chromium)") from None
        if not os.path.exists(CHROMIUM):
            raise DiagramError(f"no browser at {CHROMIUM} to draw the diagrams: apt-get install chromium")
        self._pw = sync_playwright().start()
        self.launched = True
        try:
            self._browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = self._browser.new_page()
            page.route("**/*", lambda r: r.abort())  # mermaid fetches nothing; make sure of it
            page.set_content('<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body></body></html>')
            page.add_script_tag(content=self._script.read_text(encoding="utf-8"))
        except Exception as e:  # noqa: BLE001
            self.close()
            raise DiagramError(f"Chromium ({CHROMIUM}) could not be started to draw diagrams: {e}") from None
        self._page = page
        return page

    def close(self) -> None:
        browser, pw = self._browser, self._pw
        self._page = self._browser = self._pw = None
        try:
            if browser is not None:
                browser.close()
        finally:
            if pw is not None:
                pw.stop()

    # --- a page --------------------------------------------------------------------

    def render_html(self, page_html: str, where: str) -> str:
        """A built page with every ```` ```mermaid ```` fence replaced by its SVGs and its text version."""
        count = iter(range(1, 1000))
        slug = re.sub(r"[^a-z0-9]+", "-", where.rsplit(".", 1)[0].lower()).strip("-") or "page"

        def replace(m: re.Match) -> str:
            wrapper_attrs = m.group(1)
            source = html.unescape(m.group(2)).strip("\n")
            n = next(count)
            name = _attr(wrapper_attrs, "aria-label") if wrapper_attrs is not None else None
            pictures = "".join(
                finish_svg(self.svg(source, theme, where), f"gd-{slug}-d{n}-{theme}", theme, name or "Diagram")
                for theme in ("light", "dark"))
            box = f'<div class="gd-mermaid">{pictures}</div>'
            if wrapper_attrs is None:
                box = f'<div class="gd-diagram" tabindex="0" role="region" aria-label="Diagram {n}">{box}</div>'
            else:
                box = f"<div{wrapper_attrs}>{box}</div>"
            return box + "\n" + as_text(source)

        return _FENCE.sub(replace, page_html)


_DRAW = """
async ([config, source, id]) => {
  // Whatever else draws with Math.random draws the same every time.
  let state = 42;
  Math.random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  mermaid.initialize(config);
  const { svg } = await mermaid.render(id, source);
  return svg;
}
"""

_FENCE = re.compile(
    r'(?:<div((?=[^>]*\bclass="gd-diagram")[^>]*)>\s*)?<pre class="mermaid"><code>(.*?)</code></pre>(?(1)\s*</div>)',
    re.S)


def _attr(attrs: str, name: str) -> str | None:
    m = re.search(rf'\b{name}="([^"]*)"', attrs)
    return html.unescape(m.group(1)) if m else None


_PICTURES = re.compile(r'<div class="gd-mermaid">.*?</svg></div>', re.S)


def search_view(page_html: str) -> str:
    """The page without its diagrams' SVGs (for a search index: their text version follows each),
    with a space for each line break of that text (an index keeps no tags: words would run together)."""
    return re.sub(r"<br\s*/?>", "<br> ", _PICTURES.sub("", page_html))


# --- the SVG, made the page's own --------------------------------------------------------

_ID = re.compile(r'\bid="([^"]+)"')
# Coordinates to 0.01 px instead of mermaid's (and rough.js's) 15 digits: half the bytes, the same picture.
# Only geometry attributes: a label's text may hold numbers that must stay as they are.
_GEOMETRY = re.compile(r'\b(d|transform|points|viewBox|x|y|x1|x2|y1|y2|cx|cy|r|rx|ry|width|height)="([^"]*)"')
_DECIMAL = re.compile(r"-?\d+\.\d{3,}(?:e-?\d+)?")


def _two_decimals(m: re.Match) -> str:
    text = f"{float(m.group(0)):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text



def finish_svg(svg: str, svg_id: str, theme: str, name: str) -> str:
    """mermaid's SVG with page-unique ids, a name, ``role="img"``, and the class of its theme."""
    svg = svg.replace(DRAW_ID, svg_id)
    # mermaid 11 also writes some ids without the diagram's prefix (and some twice): prefix them all.
    taken: set[str] = set()
    renamed: dict[str, str] = {}

    def unique(m: re.Match) -> str:
        old = m.group(1)
        new = old if old.startswith(svg_id) else f"{svg_id}--{old}"
        base, k = new, 2
        while new in taken:
            new, k = f"{base}-{k}", k + 1
        taken.add(new)
        renamed.setdefault(old, new)
        return f'id="{new}"'

    svg = _ID.sub(unique, svg)
    svg = _GEOMETRY.sub(lambda m: f'{m.group(1)}="{_DECIMAL.sub(_two_decimals, m.group(2))}"', svg)
    for old, new in renamed.items():
        if old != new:
            svg = svg.replace(f"url(#{old})", f"url(#{new})").replace(f'href="#{old}"', f'href="#{new}"')
    head_end = svg.index(">")
    head = svg[:head_end]
    head = re.sub(r'\s(role|aria-roledescription|aria-labelledby|aria-describedby)="[^"]*"', "", head)
    head = re.sub(r'\bclass="([^"]*)"', lambda m: f'class="{m.group(1)} gd-mermaid__{theme}"', head, count=1)
    if "class=" not in head:
        head += f' class="gd-mermaid__{theme}"'
    head += f' role="img" aria-label="{html.escape(name, quote=True)}" focusable="false"'
    return head + svg[head_end:]


# --- the diagram as text -----------------------------------------------------------------

_SHAPE = r'(\(\[|\[\[|\[\(|\(\(|\[/|\[\\|\{\{|\[|\(|\{|>)'
_SHAPE_END = r'(\]\)|\]\]|\)\]|\)\)|/\]|\\\]|\}\}|\]|\)|\})'
_NODE = re.compile(rf'^\s*(\w+)\s*{_SHAPE}"?(.*?)"?{_SHAPE_END}\s*$')
_SUBGRAPH = re.compile(rf'^\s*subgraph\s+(\w+)\s*(?:{_SHAPE}"?(.*?)"?{_SHAPE_END})?\s*$')
_EDGE = re.compile(r"^\s*(\w+)\s*(-->|---|-\.->|==>)\s*(?:\|([^|]*)\|\s*)?(\w+)\s*$")
_ENTITY = re.compile(r"#([a-z]+|\d+);")
_SAFE_TAGS = re.compile(r"&lt;(/?)(br|code|i|b|em|strong|sub|sup)\s*/?&gt;", re.I)


def _entities(label: str) -> str:
    """mermaid writes entities with a # instead of the &: #quot; is &quot;, #35; is &#35;."""
    return _ENTITY.sub(lambda m: html.unescape(f"&{'#' if m.group(1).isdigit() else ''}{m.group(1)};"), label)


def _label_html(label: str) -> str:
    """A mermaid label as HTML a reader sees: its line breaks and code, nothing else from the source."""
    text = _entities(label)
    text = html.escape(text, quote=False)
    return _SAFE_TAGS.sub(lambda m: "" if m.group(0).lower().startswith("&lt;/br") else f"<{m.group(1)}{m.group(2).lower()}>", text)


def _title(label: str) -> str:
    """What a box says, without its code and notes: the lines before the first that starts with a tag."""
    lines = []
    for line in re.split(r"<br\s*/?>", label):
        if lines and line.lstrip().startswith("<"):
            break
        lines.append(line)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", _entities(" ".join(lines)))).split())
    return html.escape(text, quote=False)


def as_text(source: str) -> str:
    """The diagram as a reader reads it, in a ``<details>``: each box in order, then where it leads."""
    lines = source.splitlines()
    if not lines or not re.match(r"\s*(flowchart|graph)\b", lines[0]):
        shown = html.escape("\n".join(re.sub(r"<br\s*/?>", "\n", ln) for ln in lines), quote=False)
        return (f'<details class="gd-diagram-text"><summary>The diagram\'s source</summary>'
                f"<pre><code>{shown}</code></pre></details>")
    nodes: dict[str, str] = {}
    groups: dict[str, str] = {}
    order: list[str] = []
    member: dict[str, str] = {}
    edges: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in lines[1:]:
        if m := _SUBGRAPH.match(line):
            current = m.group(1)
            groups[current] = m.group(3) or current
            continue
        if line.strip() == "end":
            current = None
            continue
        if m := _EDGE.match(line):
            edges.setdefault(m.group(1), []).append(((m.group(3) or "").strip(), m.group(4)))
            for n in (m.group(1), m.group(4)):
                if n not in nodes:
                    nodes[n] = n
                    order.append(n)
            continue
        if m := _NODE.match(line):
            nid, label = m.group(1), m.group(3)
            if nid not in order:
                order.append(nid)
            nodes[nid] = label
            if current:
                member[nid] = current
    items, group_open = [], None
    for nid in order:
        g = member.get(nid)
        if g != group_open:
            if group_open is not None:
                items.append("</ol></li>")
            if g is not None:
                items.append(f"<li>{_label_html(groups[g])}:<ol>")
            group_open = g
        nexts = [f"{html.escape(label, quote=False) + ': ' if label else ''}{_title(nodes[dst])}"
                 for label, dst in edges.get(nid, [])]
        then = f" <span class=\"gd-diagram-text__next\">→ {'; '.join(nexts)}</span>" if nexts else ""
        items.append(f"<li>{_label_html(nodes[nid])}{then}</li>")
    if group_open is not None:
        items.append("</ol></li>")
    return ('<details class="gd-diagram-text"><summary>The diagram as text</summary>'
            f'<ol>{"".join(items)}</ol></details>')
