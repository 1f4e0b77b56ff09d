"""Math rendered at build time: KaTeX's own ``renderToString``, run by Node, cached.

The reader's browser runs no math script.  :class:`MathRenderer` turns the
math of one built page into KaTeX's HTML (with its MathML, which screen
readers read) and leaves the rest of the page as it was:

* ``pymdownx.arithmatex`` (``generic: true``) output: ``<span
  class="arithmatex">\\(...\\)</span>`` and ``<div class="arithmatex">\\[...\\]</div>``;
* in notebook pages (mkdocs-jupyter), ``$...$`` and ``$$...$$`` in the text
  of markdown cells, never inside ``code``/``pre`` nor in cell outputs.

A display equation becomes a box that scrolls sideways when it is wider than
the column (``div.gd-eq``, focusable, named "Equation"); a display that is a
pair of formulas joined by a top-level ``\\qquad`` becomes a row of two that
stack when the column is narrow (``gd-eq--row``).

KaTeX runs in ONE Node process per renderer (``katex_server.cjs`` beside this
file, JSON lines over stdin/stdout), started only when a formula misses the
``cache`` mapping: a build whose formulas are all cached starts no Node at
all.  Keys cover the formula, display or inline, KaTeX's version, the options
and the server script, so a cached entry is never stale.  A formula KaTeX
cannot parse raises :class:`MathError` naming the page and the formula
(``throwOnError``); KaTeX's warnings about non-standard LaTeX are errors too.

:func:`search_view` gives the text a search index should hold for a page: each
formula as readable text (from its MathML: ``∂L/∂w``, ``x<sup>2</sup>``)
instead of KaTeX's HTML, whose text is the TeX source plus every glyph twice.

This module imports nothing from the rest of gdbook.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import MutableMapping
from pathlib import Path
from typing import IO

SERVER = Path(__file__).with_name("katex_server.cjs")
# KaTeX's options for every formula (displayMode is per formula; strict is handled by the server).
OPTIONS = {"throwOnError": True, "output": "htmlAndMathml", "trust": False}
STARTUP_TIMEOUT = 30  # seconds for Node to load KaTeX


class MathError(Exception):
    """A formula KaTeX cannot render, or KaTeX that cannot be run; the message names the page and the formula."""


def katex_version(root: Path) -> str:
    """The installed KaTeX's version (read from its package.json: no Node needed)."""
    try:
        return json.loads((root / "node_modules" / "katex" / "package.json").read_text(encoding="utf-8"))["version"]
    except FileNotFoundError:
        raise MathError("KaTeX is not installed (node_modules/katex): run `npm ci`") from None


def _salt() -> str:
    """What every cached formula also depends on: the options and the server script."""
    h = hashlib.sha256(json.dumps(OPTIONS, sort_keys=True).encode())
    h.update(SERVER.read_bytes())
    return h.hexdigest()[:16]


class MathRenderer:
    """Renders the math of built pages with KaTeX (context manager: closes its Node process).

    ``cache`` maps a formula's key to its HTML; any mutable mapping of str to
    str (a dict, or one the caller loads from and saves to disk).  ``rendered``
    and ``hits`` count formulas rendered by KaTeX and found in the cache;
    ``started`` says whether Node was started.
    """

    def __init__(self, root: Path, cache: MutableMapping[str, str] | None = None):
        self.root = Path(root)
        self.cache: MutableMapping[str, str] = {} if cache is None else cache
        self.version = katex_version(self.root)
        self._prefix = f"katex {self.version} {_salt()}"
        self._proc: subprocess.Popen | None = None
        self._stderr: IO[bytes] | None = None
        self.rendered = 0
        self.hits = 0
        self.started = False
        self._font_rules: list[tuple[frozenset[str], str]] | None = None

    def __enter__(self) -> MathRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- one formula --------------------------------------------------------------

    def key(self, tex: str, display: bool) -> str:
        return hashlib.sha256(f"{self._prefix}\0{'display' if display else 'inline'}\0{tex}".encode()).hexdigest()[:32]

    def render(self, tex: str, display: bool, where: str) -> str:
        """KaTeX's HTML for one formula (``tex`` without delimiters)."""
        # A count keeps its thousands separator inside a formula too (fmt.integer: a thin space, which is \, in TeX).
        tex = tex.replace("\u2009", "\\,")
        key = self.key(tex, display)
        hit = self.cache.get(key)
        if hit is not None:
            self.hits += 1
            return hit
        reply = self._ask({"tex": tex, "display": display})
        shown = " ".join(tex.split())
        if "error" in reply:
            # KaTeX underlines the bad part with combining low lines, which a terminal shows as noise.
            raise MathError(f"{where}: KaTeX cannot render the formula `{shown}`: {reply['error'].replace(chr(0x332), '')}")
        if reply.get("warnings"):
            raise MathError(f"{where}: the formula `{shown}` is not standard LaTeX: {'; '.join(reply['warnings'])}")
        self.rendered += 1
        self.cache[key] = reply["html"]
        return reply["html"]

    def _ask(self, request: dict) -> dict:
        proc = self._start()
        try:
            proc.stdin.write(json.dumps(request).encode() + b"\n")
            proc.stdin.flush()
            line = proc.stdout.readline()
        except (BrokenPipeError, OSError):
            line = b""
        if not line:
            raise MathError(f"KaTeX's Node process stopped: {self._errors()}")
        return json.loads(line)

    def _start(self) -> subprocess.Popen:
        if self._proc is not None:
            return self._proc
        node = shutil.which("node")
        if node is None:
            raise MathError("Node.js (`node`) is needed to render math at build time and was not found on PATH")
        self._stderr = tempfile.TemporaryFile()
        self._proc = subprocess.Popen([node, str(SERVER), str(self.root), json.dumps(OPTIONS)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr)
        self.started = True
        first = self._proc.stdout.readline()
        try:
            ready = json.loads(first)["ready"]
        except (ValueError, KeyError, TypeError):
            raise MathError(f"KaTeX's Node process did not start: {self._errors()}") from None
        if ready != self.version:
            raise MathError(f"Node loaded KaTeX {ready}, but node_modules/katex/package.json says {self.version}")
        return self._proc

    def _errors(self) -> str:
        if self._stderr is None:
            return "(no output)"
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace").strip()[-2000:] or "(no output)"

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                proc.stdin.close()
                proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait()
            proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    # --- fonts -------------------------------------------------------------------

    def fonts(self, page_html: str) -> list[str]:
        """KaTeX's font files (``KaTeX_Main-Regular.woff2``...) that the page's math uses, for
        ``<link rel=preload>``: with them loaded before the first layout, the text around a formula
        does not move when they arrive (no layout shift)."""
        if 'class="katex"' not in page_html:
            return []
        if self._font_rules is None:
            self._font_rules = font_rules((self.root / "node_modules" / "katex" / "dist" / "katex.min.css")
                                          .read_text(encoding="utf-8"))
        classes = set(" ".join(_CLASSES.findall(page_html)).split())
        used = {"KaTeX_Main-Regular.woff2"}
        for needed, font in self._font_rules:
            if needed <= classes:
                used.add(font)
        return sorted(used)

    # --- a page -------------------------------------------------------------------

    def render_html(self, page_html: str, where: str) -> str:
        """A built page with every formula rendered (see the module's docstring for what is found)."""
        # A short formula keeps the punctuation after it on its line (a lone "." or "," opening a line on a
        # phone); a long one stays free to break between its terms.
        out = _INLINE_PUNCT.sub(lambda m: f'<span class="gd-nobr">{m.group(1)}{m.group(3)}</span>'
                                if len(m.group(2)) <= NOBR_MAX else m.group(0), page_html)
        out = _INLINE.sub(lambda m: self.render(_tex(m.group(1)), False, where), out)
        out = _DISPLAY.sub(lambda m: self.display_box(_tex(m.group(1)), where, "div"), out)
        out = _in_markdown_cells(out, lambda text: self._dollars(text, where))
        return label_math_only(out)

    def display_box(self, tex: str, where: str, tag: str = "div") -> str:
        """A display formula in its box; a top-level ``\\qquad`` pair as a row that stacks when narrow."""
        parts = split_pair(tex)
        inner = "".join(self.render(p, True, where) for p in parts)
        cls = "gd-eq gd-eq--row" if len(parts) > 1 else "gd-eq"
        name = "Equations" if len(parts) > 1 else "Equation"
        return f'<{tag} class="{cls}" tabindex="0" role="group" aria-label="{name}">{inner}</{tag}>'

    def _dollars(self, text: str, where: str) -> str:
        """``$$...$$`` and ``$...$`` in one run of markdown-cell text (HTML-escaped, as nbconvert leaves it)."""
        out = _DOLLARS_DISPLAY.sub(lambda m: self.display_box(_tex(m.group(1)), where, "span"), text)
        return _DOLLARS_INLINE.sub(lambda m: self.render(_tex(m.group(1)), False, where), out)


_INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)
_INLINE_PUNCT = re.compile(r'(<span class="arithmatex">\\\((.*?)\\\)</span>)([.,;:!?)]+)', re.S)
NOBR_MAX = 40  # characters of TeX: up to this a formula is kept whole with its punctuation
_DISPLAY = re.compile(r'<div class="arithmatex">\s*\\\[(.*?)\\\]\s*</div>', re.S)
_DOLLARS_DISPLAY = re.compile(r"(?<![\\$])\$\$(.+?)(?<!\\)\$\$", re.S)
_DOLLARS_INLINE = re.compile(r"(?<![\\$])\$(?!\s)([^$]+?)(?<![\s\\])\$(?!\$)", re.S)


def _tex(escaped: str) -> str:
    return html.unescape(escaped).strip()


def split_pair(tex: str) -> list[str]:
    """A display formula cut at each top-level ``\\qquad`` (outside braces and environments)."""
    parts, depth, env, start = [], 0, 0, 0
    i = 0
    while i < len(tex):
        c = tex[i]
        if c == "\\":
            m = re.match(r"\\(begin|end|left|right|qquad)(?![A-Za-z])", tex[i:])
            if m:
                word = m.group(1)
                if word in ("begin", "left"):
                    env += 1
                elif word in ("end", "right"):
                    env -= 1
                elif depth == 0 and env == 0:
                    parts.append(tex[start:i])
                    start = i + len(m.group(0))
                i += len(m.group(0))
                continue
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        i += 1
    parts.append(tex[start:])
    parts = [p.strip() for p in parts]
    return parts if len(parts) > 1 and all(parts) else [tex]


_CLASSES = re.compile(r'class="([^"]*)"')
_RULE = re.compile(r"([^{}@]+)\{([^{}]*)\}")


def font_rules(css: str) -> list[tuple[frozenset[str], str]]:
    """(classes an element needs, the font file it then uses) from KaTeX's stylesheet."""
    rules = []
    for selectors, body in _RULE.findall(css):
        decl = dict(d.split(":", 1) for d in body.split(";") if ":" in d)
        if not ({"font-family", "font-style", "font-weight"} & set(decl)):
            continue
        family = decl.get("font-family", "KaTeX_Main").split(",")[0].strip()
        if not family.startswith("KaTeX_"):
            continue
        bold = decl.get("font-weight", "") in ("700", "bold")
        italic = decl.get("font-style", "") == "italic"
        style = ("Bold" if bold else "") + ("Italic" if italic else "") or "Regular"
        for selector in selectors.split(","):
            parts = selector.strip().split()
            if not parts or parts[0] != ".katex" or len(parts) < 2:
                continue
            needed = frozenset(c for part in parts[1:] for c in re.findall(r"\.([\w-]+)", part))
            if needed:
                rules.append((needed, f"{family}-{style}.woff2"))
    return rules


# --- notebook markdown cells ----------------------------------------------------------

_CELL = re.compile(r'<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput"[^>]*>')
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")
_VERBATIM = {"code", "pre", "script", "style", "kbd", "samp"}


def element_end(text: str, start: int, tag: str) -> int:
    """Index just after the element whose start tag begins at ``start`` (same-name elements nest)."""
    depth = 0
    for m in re.compile(rf"<(/?){tag}\b[^>]*>").finditer(text, start):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.end()
    raise MathError(f"unclosed <{tag}> at offset {start}")


def _in_markdown_cells(page_html: str, render_text) -> str:
    out, pos = [], 0
    for m in _CELL.finditer(page_html):
        if m.start() < pos:
            continue
        end = element_end(page_html, m.start(), "div")
        out.append(page_html[pos:m.end()])
        out.append(_outside_verbatim(page_html[m.end():end], render_text))
        pos = end
    out.append(page_html[pos:])
    return "".join(out)


def _outside_verbatim(fragment: str, render_text) -> str:
    """``render_text`` applied to the text of ``fragment`` outside code, pre and the like."""
    out, pos, inside = [], 0, 0
    for m in _TAG.finditer(fragment):
        text = fragment[pos:m.start()]
        out.append(render_text(text) if inside == 0 and text else text)
        if m.group(2).lower() in _VERBATIM:
            inside += -1 if m.group(1) else 1
        out.append(m.group(0))
        pos = m.end()
    tail = fragment[pos:]
    out.append(render_text(tail) if inside == 0 and tail else tail)
    return "".join(out)


# --- accessibility --------------------------------------------------------------------

_MATH_ONLY_HOSTS = re.compile(r"<(th|label|a|summary)\b([^>]*)>(.*?)</\1>", re.S)
_KATEX_START = re.compile(r'<span class="katex">')


def label_math_only(page_html: str) -> str:
    """Where math is all there is in a table header, label, link or summary, let its visible form be read.

    KaTeX hides its visible HTML from screen readers and reads the MathML,
    which is visually hidden: an element holding only math then has no text
    that is both visible and readable (axe: empty-table-header, label,
    link-name).  There the visible HTML is exposed and the MathML copy hidden.
    """
    def fix(m: re.Match) -> str:
        inner = m.group(3)
        if 'class="katex"' not in inner or _plain_text(strip_math(inner)).strip():
            return m.group(0)
        inner = inner.replace('<span class="katex-html" aria-hidden="true">', '<span class="katex-html">')
        inner = inner.replace('<span class="katex-mathml">', '<span class="katex-mathml" aria-hidden="true">')
        return f"<{m.group(1)}{m.group(2)}>{inner}</{m.group(1)}>"

    return _MATH_ONLY_HOSTS.sub(fix, page_html)


def _plain_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def strip_math(page_html: str, replace=lambda katex_html: "") -> str:
    """``page_html`` with each rendered formula (``span.katex``) replaced by ``replace(its HTML)``."""
    out, pos = [], 0
    for m in _KATEX_START.finditer(page_html):
        if m.start() < pos:
            continue
        end = element_end(page_html, m.start(), "span")
        out.append(page_html[pos:m.start()])
        out.append(replace(page_html[m.start():end]))
        pos = end
    out.append(page_html[pos:])
    return "".join(out)


# --- search ---------------------------------------------------------------------------

def search_view(page_html: str) -> str:
    """The page as a search index should read it: each formula as readable text, not KaTeX's HTML."""
    return strip_math(page_html, readable)


_MATH = re.compile(r"<math\b.*?</math>", re.S)
_SPACED = {"=", "+", "−", "-", "±", "∓", "≈", "≠", "≤", "≥", "<", ">", "→", "←", "⟶", "⟵", "∼", "∈", "×",
           "⇒", "⟹", "≡", "∝", "↦", "⋅", "·", "|", ","}
_BIG = {"∑", "∏", "∫", "∮", "⋃", "⋂", "lim", "max", "min", "sup", "inf"}
_ACCENTS = {"^": "\u0302", "ˆ": "\u0302", "~": "\u0303", "˜": "\u0303", "ˉ": "\u0304", "¯": "\u0304", "‾": "\u0305",
            "˙": "\u0307", "¨": "\u0308", "→": "\u20d7", "⃗": "\u20d7"}


def readable(katex_html: str) -> str:
    """One rendered formula as plain text with ``<sub>``/``<sup>`` (what search results can show)."""
    m = _MATH.search(katex_html)
    if not m:
        return ""
    try:
        root = ET.fromstring(m.group(0))
    except ET.ParseError:
        return html.escape(" ".join(_plain_text(re.sub(r"<annotation\b.*?</annotation>", "", m.group(0), flags=re.S)).split()), quote=False)
    text = unicodedata.normalize("NFC", _linear(root))  # ŷ, not y and a combining circumflex
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"(^|<sup>|<sub>|\()\s*([−+-])\s+", r"\1\2", text)  # a sign, not an operation: −7, not − 7
    return re.sub(r"\s+([,.;)])", r"\1", text).replace("( ", "(")


def _local(el: ET.Element) -> str:
    return el.tag.rpartition("}")[2]


def _group(s: str) -> str:
    """Parenthesise a numerator or denominator that is more than a run of symbols (``∂L`` stays as it is)."""
    plain = re.sub(r"<[^>]+>", "", s).strip()
    return s.strip() if not re.search(r"\s", plain) or re.fullmatch(r"\(.*\)", plain) else f"({s.strip()})"


def _linear(el: ET.Element) -> str:
    tag = _local(el)
    kids = list(el)
    if tag == "annotation" or tag == "annotation-xml" or tag == "mphantom":
        return ""
    if tag in ("mi", "mn", "mtext", "ms"):
        return html.escape(el.text or "", quote=False)
    if tag == "mo":
        t = (el.text or "").strip()
        return f" {html.escape(t, quote=False)} " if t in _SPACED else html.escape(t, quote=False)
    if tag == "mspace":
        return " "
    if tag == "semantics":
        return _linear(kids[0]) if kids else ""
    if tag == "mfrac" and len(kids) == 2:
        return f"{_group(_linear(kids[0]))}/{_group(_linear(kids[1]))}"
    if tag == "msqrt":
        return f"√({''.join(_linear(k) for k in kids).strip()})"
    if tag == "mroot" and len(kids) == 2:
        return f"<sup>{_linear(kids[1])}</sup>√({_linear(kids[0]).strip()})"
    if tag in ("msup", "msub", "msubsup", "munder", "mover", "munderover") and kids:
        base = _linear(kids[0])
        if tag == "mover" and el.get("accent") == "true" and len(kids) == 2:
            mark = "".join(kids[1].itertext()).strip()
            if mark in _ACCENTS and len(_plain_text(base).strip()) == 1:
                return base.strip() + _ACCENTS[mark]
        low = high = None
        if tag in ("msub", "munder"):
            low = kids[1] if len(kids) > 1 else None
        elif tag in ("msup", "mover"):
            high = kids[1] if len(kids) > 1 else None
        else:
            low, high = (kids[1] if len(kids) > 1 else None), (kids[2] if len(kids) > 2 else None)
        out = f" {base}" if "".join(kids[0].itertext()).strip() in _BIG else base
        if low is not None:
            out += f"<sub>{_linear(low).strip()}</sub>"
        if high is not None:
            out += f"<sup>{_linear(high).strip()}</sup>"
        return out
    if tag == "mtable":
        rows = [", ".join(_linear(c).strip() for c in row) for row in kids]
        return "; ".join(rows)
    return "".join(_linear(k) for k in kids)
