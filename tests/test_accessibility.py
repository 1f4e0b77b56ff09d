"""Accessibility of every built page, in Debian's Chromium.

* axe-core (shipped by axe-playwright-python, so it runs offline) finds zero
  violations on every page, in the light and in the dark scheme; math and
  diagrams are in the HTML (rendered when the book is built), so axe checks
  them as they are;
* every figure has meaningful alt text (static check of the HTML);
* the keyboard reaches everything in the article that a mouse can use;
* no page scrolls sideways at a 375 px phone width (wide equations and tables
  scroll inside their own box).

Fixes live in the theme (docs/overrides/, docs/assets/stylesheets/gdbook.css,
docs/assets/javascripts/a11y.js), never in switched-off rules.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browser import DESKTOP, PHONE, RENDER_ALL, chromium, pages, serve, start_theme

pytestmark = pytest.mark.browser

# Math and diagrams come drawn in the HTML; the page is ready once a11y.js has run (it waits one
# animation frame after DOMContentLoaded) and Material has built its code toolbars.
SETTLED = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


@pytest.fixture(scope="module")
def browser_site(built_site):
    with serve(built_site) as base, chromium() as browser:
        yield base, browser


def open_pages(browser_site, site: Path, viewport: dict, scheme: str = "light", axe: bool = False):
    """Yield (path, page) for every page of the site, loaded and rendered, in one browser context."""
    base, browser = browser_site
    ctx = browser.new_context(viewport=viewport, color_scheme=scheme, reduced_motion="reduce")
    if axe:
        from axe_playwright_python.sync_playwright import Axe

        ctx.add_init_script(Axe().axe_script)
    page = ctx.new_page()
    try:
        for path in pages(site):
            # "load" (every image and script in), then two frames for a11y.js; no network-idle
            # wait: test_browser.py already watches every page's requests.
            page.goto(f"{base}/{path}", wait_until="load")
            assert page.locator(".arithmatex, .mermaid").count() == 0, f"{path}: math or a diagram left for a script"
            page.evaluate(SETTLED)
            # What a reader meets once they act: the theme's script started (code toolbars, search).
            assert start_theme(page) in ("started", None), f"{path}: the theme's script did not start"
            yield path, page
    finally:
        ctx.close()


AXE_RUN = """
async ([context, options]) => {
  const r = await axe.run(context, { resultTypes: ["violations"], ...options });
  return r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n").slice(1, 2).join("").trim()),
  }));
}
"""

NO_CONTRAST = {"rules": {"color-contrast": {"enabled": False}}}
ONLY_CONTRAST = {"runOnly": {"type": "rule", "values": ["color-contrast"]}}


def axe_passes(path: str, scheme: str) -> list[tuple[dict, dict]]:
    """(context, options) of the axe runs for one page.

    Every page gets every rule, in both schemes.  The printable parts are the
    exception that keeps the suite fast: their chapters are the same HTML as the
    chapter pages, whose colours are scanned above, so on them the contrast
    rule covers only what is their own (contents, sidebars), while every
    other rule scans the whole page once (structure does not change with the
    colour scheme).
    """
    if not path.startswith("print/"):
        return [({"exclude": []}, {})]
    passes = [({"exclude": [[".gd-print-chapter"]]}, ONLY_CONTRAST)]
    if scheme == "light":
        passes.append(({"exclude": []}, NO_CONTRAST))
    return passes


# Each scheme's scan is the longest test of the suite: one worker each.
@pytest.mark.parametrize("scheme", [pytest.param(s, marks=pytest.mark.xdist_group(f"axe-{s}")) for s in ("light", "dark")])
def test_axe_finds_no_violation(built_site, browser_site, scheme):
    found = []
    count = 0
    for path, page in open_pages(browser_site, built_site, DESKTOP, scheme, axe=True):
        count += 1
        # Blocks far down an article are rendered only when they come near the screen
        # (content-visibility, gdbook.css): what axe measures (colours behind text, boxes that
        # scroll) needs them rendered.  Rendering changes no colour, name or role.
        page.add_style_tag(content=RENDER_ALL)
        page.evaluate(SETTLED)
        violations = [v for ctx, opts in axe_passes(path, scheme) for v in page.evaluate(AXE_RUN, [ctx, opts])]
        for v in violations:
            found.append(f"{path} [{scheme}] {v['id']} ({v['impact']}): {v['help']}\n      " + "\n      ".join(v["nodes"]))
    assert count >= 5
    assert not found, f"{len(found)} axe violation(s):\n" + "\n".join(found)


# --- alt text ---------------------------------------------------------------------

class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <article>
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        elif tag == "img" and self.depth:
            self.images.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1


FILE_NAME = re.compile(r"^[\w./-]+\.(svg|png|jpe?g|gif|webp)$", re.I)
PLACEHOLDER = re.compile(r"^(figure|fig\.?|image|img|plot|chart|graph|picture|diagram)\s*\d*\.?$", re.I)


def alt_problem(img: dict) -> str | None:
    alt = (img.get("alt") or "").strip()
    src = img.get("src", "")
    if not alt:
        return "no alt text"
    if FILE_NAME.match(alt) or alt == Path(src.split("#")[0]).name or alt == Path(src.split("#")[0]).stem:
        return f"alt text is a file name: {alt!r}"
    if PLACEHOLDER.match(alt):
        return f"alt text says nothing: {alt!r}"
    if len(alt.split()) < 4:
        return f"alt text too short to describe a figure: {alt!r}"
    return None


def test_every_figure_has_meaningful_alt_text(built_site):
    problems, seen = [], 0
    for path in pages(built_site):
        parser = _Images()
        parser.feed((built_site / path).read_text(encoding="utf-8"))
        for img in parser.images:
            seen += 1
            why = alt_problem(img)
            if why:
                problems.append(f"{path}: {img.get('src')}: {why}")
    assert seen, "no figure in any article"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("img, bad", [
    ({"src": "img/a.svg"}, True),
    ({"src": "img/a.svg", "alt": " "}, True),
    ({"src": "img/loss-light.svg", "alt": "loss-light.svg"}, True),
    ({"src": "img/loss-light.svg", "alt": "loss-light"}, True),
    ({"src": "img/a.svg", "alt": "Figure 1"}, True),
    ({"src": "img/a.svg", "alt": "plot"}, True),
    ({"src": "img/a.svg", "alt": "MSE falls from 12.3 to 0.25 in 40 iterations."}, False),
])
def test_alt_text_check_can_fail(img, bad):
    assert (alt_problem(img) is not None) == bad


# --- keyboard ---------------------------------------------------------------------

INTERACTIVE = """
() => {
  const art = document.querySelector("article");
  if (!art) return [];
  const visible = (e) => {
    if (e.closest("details:not([open]) > :not(summary)")) return false;
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  const focusable = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  const out = [];
  art.querySelectorAll("*").forEach((e, i) => { e.dataset.gdKb = String(i); });
  for (const e of art.querySelectorAll(focusable)) {
    // tabindex=-1 and aria-hidden mark controls the theme deliberately keeps out of the Tab order
    // because another control does their job (e.g. a content tab's link beside its radio button)
    if (e.tabIndex < 0 || e.closest("[aria-hidden=true], [inert]")) continue;
    if (visible(e)) out.push({ id: e.dataset.gdKb, what: e.outerHTML.slice(0, 90) });
  }
  // a thing a mouse can click that the keyboard cannot reach: pointer cursor, no focusable self or ancestor
  const stuck = [];
  for (const e of art.querySelectorAll("*")) {
    if (!visible(e) || getComputedStyle(e).cursor !== "pointer") continue;
    if (e.closest(focusable) || e.closest("label") || e.matches("label")) continue;
    stuck.push(e.outerHTML.slice(0, 90));
  }
  return { targets: out, stuck };
}
"""

TAB_START = """
() => {
  const art = document.querySelector("article");
  const start = document.createElement("span");
  start.tabIndex = -1; start.id = "gd-kb-start";
  art.prepend(start); start.focus();
}
"""

ACTIVE = """
() => {
  let e = document.activeElement;
  while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
  const art = document.querySelector("article");
  const nowhere = !e || e === document.body || e === document.documentElement;
  return { inside: nowhere || art.contains(e), id: e && e.dataset ? e.dataset.gdKb || null : null };
}
"""


# Scroll down the whole article and back: a11y.js decides whether a box that may scroll
# sideways is a Tab stop when it comes near the screen, so a reader who tabs meets it decided.
READ_THROUGH = """
async () => {
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) {
    scrollTo(0, y);
    await frames();
  }
  scrollTo(0, 0);
  await frames();
}
"""


def test_keyboard_reaches_everything_in_the_article(built_site, browser_site):
    problems = []
    for path, page in open_pages(browser_site, built_site, DESKTOP):
        page.evaluate(READ_THROUGH)
        found = page.evaluate(INTERACTIVE)
        wanted = {t["id"]: t["what"] for t in found["targets"]}
        for s in found["stuck"]:
            problems.append(f"{path}: clickable but not focusable: {s}")
        if not wanted:
            continue
        page.evaluate(TAB_START)
        reached = set()
        # Chromium also stops on boxes that scroll (a wide table), hence the slack.
        for _ in range(len(wanted) * 2 + 40):
            page.keyboard.press("Tab")
            now = page.evaluate(ACTIVE)
            if not now["inside"]:
                break  # past the article: the footer's links
            reached.add(now["id"])
            if set(wanted) <= reached:
                break
        for id_, what in wanted.items():
            if id_ not in reached:
                problems.append(f"{path}: Tab never reaches {what}")
    assert not problems, "\n".join(problems)


# --- phone width ------------------------------------------------------------------

def test_no_page_scrolls_sideways_on_a_phone(built_site, browser_site):
    wide = []
    for path, page in open_pages(browser_site, built_site, PHONE):
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            culprit = page.evaluate("""
              () => [...document.querySelectorAll("article *")]
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .filter(e => !e.parentElement.closest("article *") || e.parentElement.getBoundingClientRect().right <= document.documentElement.clientWidth + 1)
                .slice(0, 3).map(e => e.outerHTML.slice(0, 100))
            """)
            wide.append(f"{path}: {width} px wide; first overflowing: {culprit}")
    assert not wide, "\n".join(wide)
