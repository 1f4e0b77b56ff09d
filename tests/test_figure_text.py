"""Figures read on a phone and on a desktop: no text smaller than 11 CSS px as shown.

In Debian's Chromium, at 375 px and at 1280 px viewport width, every figure a
page shows is measured: the drawing the browser chose (``currentSrc``: the
phone drawing on narrow screens), its shown width, and the smallest font size
in that SVG.  Text of size s in an SVG whose viewBox is V wide, shown W px
wide, reads as s·W/V px.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from browser import DESKTOP, PHONE, RENDER_ALL, chromium, pages, serve

pytestmark = pytest.mark.browser
SMALLEST_PX = 11.0

SHOWN = """
() => [...document.querySelectorAll('figure.gd-figure img')]
  .filter((img) => img.offsetParent !== null)
  .map((img) => ({src: img.currentSrc, width: img.getBoundingClientRect().width}))
"""
FONT = re.compile(r"font(?:-size)?:\s*(?:[a-z]+\s+)*([\d.]+)px")
VIEWBOX = re.compile(r'viewBox="[\d.\-]+ [\d.\-]+ ([\d.]+) [\d.]+"')


def smallest_font(svg: str) -> float:
    sizes = [float(s) for s in FONT.findall(svg)]
    return min(sizes) if sizes else float("inf")


def viewbox_width(svg: str) -> float:
    return float(VIEWBOX.search(svg).group(1))


@pytest.fixture(scope="module")
def measured(built_site) -> dict[str, list[dict]]:
    """Per viewport: every shown figure with the size of its smallest text in CSS px."""
    with_figures = [p for p in pages(built_site) if 'class="gd-figure"' in (built_site / p).read_text(encoding="utf-8")]
    out: dict[str, list[dict]] = {"phone": [], "desktop": []}
    with serve(built_site) as base, chromium() as browser:
        for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            ctx = browser.new_context(viewport=viewport)
            page = ctx.new_page()
            for rel in with_figures:
                page.goto(f"{base}/{rel}")
                # Laid out as when scrolled to: the browser skips off-screen blocks (content-visibility), and a
                # skipped figure is as small as its placeholder.
                page.add_style_tag(content=RENDER_ALL)
                page.evaluate("() => Promise.all([...document.images].map((i) => { i.loading = 'eager'; "
                              "return i.complete ? 1 : new Promise((r) => { i.onload = i.onerror = r; }); }))")
                for fig in page.evaluate(SHOWN):
                    svg = (built_site / urlparse(fig["src"]).path.lstrip("/")).read_text(encoding="utf-8")
                    px = smallest_font(svg) * fig["width"] / viewbox_width(svg)
                    out[name].append({"page": rel, "svg": Path(urlparse(fig["src"]).path).name, "px": px})
            ctx.close()
    return out


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_no_figure_text_below_11_css_px(measured, viewport):
    assert measured[viewport], "no figures were measured"
    small = [f"{m['page']}: {m['svg']} {m['px']:.1f} px" for m in measured[viewport] if m["px"] < SMALLEST_PX - 0.05]
    assert not small, "\n".join(small)


def test_phones_get_the_phone_drawing(measured):
    assert all(m["svg"].endswith("-phone.svg") for m in measured["phone"])
    assert not any(m["svg"].endswith("-phone.svg") for m in measured["desktop"])


def test_the_measure_reads_matplotlib_svgs():
    svg = ('<svg width="460.8pt" viewBox="0 0 460.8 288"><text style="font: 10.5px \'DejaVu Sans\'">a</text>'
           '<text style="font: 8.5px \'DejaVu Sans\'; text-anchor: middle">b</text></svg>')
    assert smallest_font(svg) == 8.5 and viewbox_width(svg) == 460.8
