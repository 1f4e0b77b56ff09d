"""Every built page in a real browser (Debian's Chromium via Playwright), served from 127.0.0.1.

Checks, on every page: no request to any other host, no console error, no math
or diagram script requested, no raw TeX (KaTeX rendered all math when the book
was built), every diagram an inline SVG of non-zero size, every image loaded,
no layout shift while the page loads; and the same pages with JavaScript off:
math and diagrams are all there without any script.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from browser import DESKTOP, PHONE, chromium, pages, serve, start_theme

pytestmark = pytest.mark.browser

# Text outside code that is TeX a browser never rendered: delimiters, commands, $...$ of notebook cells.
RAW_TEX = r"""
() => {
  const bad = [];
  // The whole body: the table of contents and the navigation show headings' text too.
  const root = document.body;
  // No filter callback: with JavaScript off a page's callbacks do not run (Playwright's own script does).
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const skip = "code, pre, script, style, noscript, .katex, textarea, .jp-OutputArea";
  const pattern = /\\\(|\\\)|\\\[|\\\]|\$\$|\$[^$\s][^$]*\$|\\frac|\\begin\{|\\sum|\\partial|\\mathrm|\\hat/;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest(skip)) continue;
    if (pattern.test(node.textContent)) bad.push(node.textContent.trim().slice(0, 80));
  }
  const unrendered = root.querySelectorAll(".arithmatex").length;
  const errors = [...root.querySelectorAll(".katex-error")].map((e) => e.textContent.slice(0, 80));
  return { bad, unrendered, errors };
}
"""

# KaTeX fonts the page loaded that it did not preload (those would arrive late and move the text).
FONTS = """
async () => {
  await document.fonts.ready;
  const name = { "400normal": "Regular", "700normal": "Bold", "400italic": "Italic", "700italic": "BoldItalic" };
  const pre = new Set([...document.querySelectorAll('link[rel=preload][as=font]')].map((l) => l.href.split("/").pop()));
  return [...document.fonts].filter((f) => f.status === "loaded" && f.family.startsWith("KaTeX_"))
    .map((f) => `${f.family}-${name[f.weight + f.style]}.woff2`).filter((file) => !pre.has(file));
}
"""

MATH_SCRIPT = re.compile(r"katex|mermaid|auto-render|mathjax", re.I)

IMAGES = """
async () => {
  const imgs = [...document.images];
  imgs.forEach((img) => { img.loading = "eager"; });
  await Promise.all(imgs.map((img) => img.complete ? null : new Promise((r) => { img.onload = img.onerror = r; })));
  return imgs.filter((img) => !(img.naturalWidth > 0)).map((img) => img.getAttribute("src"));
}
"""

# Each diagram: the SVG of the scheme shown has a size, its twin is hidden, and nothing is left for mermaid.
DIAGRAMS = """
() => ({
  left: document.querySelectorAll(".mermaid, pre.mermaid").length,
  shown: [...document.querySelectorAll(".gd-mermaid")].map((box) => {
    const visible = [...box.querySelectorAll(":scope > svg")].filter((s) => s.getBoundingClientRect().width > 0);
    return visible.map((s) => ({ theme: s.classList.contains("gd-mermaid__dark") ? "dark" : "light",
                                 size: s.getBoundingClientRect().height, name: s.getAttribute("aria-label"),
                                 role: s.getAttribute("role") }));
  }),
})
"""

# Layout shifts while the page loads and settles (what Lighthouse's CLS adds up).
CLS = """
async () => {
  await new Promise((r) => setTimeout(r, 300));
  return await new Promise((resolve) => {
    let total = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
    }).observe({ type: "layout-shift", buffered: true });
    setTimeout(() => resolve(total), 100);
  });
}
"""


@pytest.fixture(scope="module")
def browser_session(built_site):
    with serve(built_site) as base, chromium() as browser:
        yield base, browser


def visit(browser_session, path: str, color_scheme: str = "light", viewport: dict = DESKTOP) -> dict:
    base, browser = browser_session
    ctx = browser.new_context(viewport=viewport, color_scheme=color_scheme)
    outside, console, requested = [], [], []

    def route(r):
        host = urlparse(r.request.url).hostname
        requested.append(r.request.url)
        if r.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    page.goto(f"{base}/{path}", wait_until="networkidle")
    out = {
        "tex": page.evaluate(RAW_TEX),
        "cls": page.evaluate(CLS),
        "late_fonts": page.evaluate(FONTS),
        "broken_images": page.evaluate(IMAGES),
        "diagrams": page.evaluate(DIAGRAMS),
    }
    # The reader's first action starts the theme's script (theme-on-demand.html): a wheel turn.  Whatever
    # it builds (code toolbars, the contents' state, the search box) must request nothing outside, log no
    # error and move nothing on the screen.
    out["theme"] = start_theme(page)
    page.wait_for_load_state("networkidle")
    out["cls_with_theme"] = page.evaluate(CLS)
    out["outside"], out["console"] = outside, console
    out["scripts"] = [u for u in requested if u.endswith((".js", ".mjs")) and MATH_SCRIPT.search(u)]
    ctx.close()
    return out


def diagram_problems(d: dict, scheme: str) -> list[str]:
    problems = [f"{d['left']} diagram(s) left for a script"] if d["left"] else []
    for shown in d["shown"]:
        if [s["theme"] for s in shown] != [scheme]:
            problems.append(f"diagram shows {[s['theme'] for s in shown]}, not the {scheme} one")
        elif not (shown[0]["size"] > 50 and shown[0]["name"] and shown[0]["role"] == "img"):
            problems.append(f"diagram not drawn or not named: {shown[0]}")
    return problems


@pytest.mark.parametrize("viewport", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
def test_every_page(built_site, browser_session, viewport):
    failures = []
    for path in pages(built_site):
        r = visit(browser_session, path, viewport=viewport)
        problems = []
        if r["outside"]:
            problems.append(f"requests to other hosts: {r['outside']}")
        if r["console"]:
            problems.append(f"console errors: {r['console']}")
        if r["scripts"]:
            problems.append(f"math or diagram scripts loaded: {r['scripts']}")
        if r["tex"]["bad"] or r["tex"]["unrendered"] or r["tex"]["errors"]:
            problems.append(f"raw TeX: {r['tex']}")
        if r["broken_images"]:
            problems.append(f"images not loaded: {r['broken_images']}")
        problems += diagram_problems(r["diagrams"], "light")
        if r["late_fonts"]:
            problems.append(f"KaTeX fonts used but not preloaded: {r['late_fonts']}")
        if r["theme"] not in ("started", None):
            problems.append(f"the theme's script did not start on the first action: {r['theme']}")
        if r["cls_with_theme"] - r["cls"] >= 0.01:
            problems.append(f"the theme's start moved the page: CLS {r['cls']:.3f}, then {r['cls_with_theme']:.3f}")
        if r["cls"] >= 0.05:
            # Once more: on a loaded machine a font can arrive after the first paint.  A shift built
            # into the page (an image without a size, the explorer's space) shows up every time.
            again = visit(browser_session, path, viewport=viewport)["cls"]
            if again >= 0.05:
                problems.append(f"the layout shifts while the page loads: CLS {r['cls']:.3f}, then {again:.3f}")
        if problems:
            failures.append(f"{path}: " + "; ".join(problems))
    assert not failures, "\n".join(failures)
    assert len(pages(built_site)) >= 5


def test_every_page_reads_without_javascript(built_site, browser_session):
    """Math and diagrams need no script: with JavaScript off, no TeX is left and each diagram shows (light)."""
    base, browser = browser_session
    ctx = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = ctx.new_page()
    failures, maths, diagrams = [], 0, 0
    for path in pages(built_site):
        page.goto(f"{base}/{path}", wait_until="load")
        tex, d = page.evaluate(RAW_TEX), page.evaluate(DIAGRAMS)
        maths += page.locator("article .katex").count()
        diagrams += len(d["shown"])
        problems = diagram_problems(d, "light")
        if tex["bad"] or tex["unrendered"] or tex["errors"]:
            problems.append(f"raw TeX: {tex}")
        # KaTeX's own stylesheet and fonts lay the formulas out: a rendered formula has a size.
        flat = page.evaluate("() => [...document.querySelectorAll('article .katex-html')].filter(e => !(e.getBoundingClientRect().width > 0) && e.offsetParent !== null).length")
        if flat:
            problems.append(f"{flat} formula(s) without a size")
        if problems:
            failures.append(f"{path}: " + "; ".join(problems))
    ctx.close()
    assert not failures, "\n".join(failures)
    # every diagram of the book (the flowchart, autodiff's graph, the build diagram), and again in the printable parts
    drawn = sum(len(re.findall(r'<svg\b[^>]*\bid="gd-docs-[^"]+-d\d+-light"', (built_site / p).read_text(encoding="utf-8")))
                for p in pages(built_site) if not p.startswith("print/"))
    assert maths > 500 and drawn >= 3 and diagrams == 2 * drawn, (maths, drawn, diagrams)


def test_diagrams_follow_the_colour_scheme(built_site, browser_session):
    base, browser = browser_session
    for scheme in ("light", "dark"):
        ctx = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
        page = ctx.new_page()
        for path in ("part4/flowchart.html", "reference/about.html"):
            page.goto(f"{base}/{path}", wait_until="load")
            d = page.evaluate(DIAGRAMS)
            assert len(d["shown"]) == 1 and not diagram_problems(d, scheme), (scheme, path, d)
            # Every label fits its box as the build measured it (same fonts: Arial = Liberation Sans).
            overflow = page.evaluate("""() => [...document.querySelectorAll('.gd-mermaid > svg')]
              .filter(s => s.getBoundingClientRect().width > 0).flatMap(svg => {
                const k = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                return [...svg.querySelectorAll('foreignObject')].filter(fo => fo.firstElementChild).filter(fo => {
                  const r = fo.firstElementChild.getBoundingClientRect();
                  return r.width / k > parseFloat(fo.getAttribute('width')) + 1 || r.height / k > parseFloat(fo.getAttribute('height')) + 1;
                }).map(fo => fo.textContent.slice(0, 40));
              })""")
            assert not overflow, (scheme, path, overflow)
        ctx.close()


EQUATIONS = """
async () => {
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const out = [];
  for (const box of document.querySelectorAll('article .gd-eq')) {
    // hidden: in a closed solution (its content is not rendered), in another content tab
    if (box.closest('details:not([open])') || box.offsetParent === null) continue;
    box.scrollIntoView({ block: 'center' });  // a11y.js measures a box when it comes near the screen
    await frames();  // the block around it is rendered (content-visibility) ...
    await frames();  // ... then the box is seen by a11y.js's IntersectionObserver
    const r = box.getBoundingClientRect(), s = getComputedStyle(box);
    const parts = [...box.querySelectorAll(':scope > .katex-display')].map(p => p.getBoundingClientRect());
    out.push({
      scrolls: box.scrollWidth > box.clientWidth + 1, overflowX: s.overflowX, tabIndex: box.tabIndex,
      name: box.getAttribute('aria-label'), role: box.getAttribute('role'), right: r.right,
      page: document.documentElement.clientWidth, row: box.classList.contains('gd-eq--row'),
      stacked: parts.length > 1 && parts[1].top >= parts[0].bottom - 1,
      together: parts.reduce((w, p) => w + p.width, 0),
    });
  }
  return out;
}
"""


def test_equations_on_a_phone(built_site, browser_session):
    """At 375 px no display equation is cut off: a wide one scrolls in its focusable, named box, and
    a pair written side by side stacks when it does not fit on one line."""
    base, browser = browser_session
    ctx = browser.new_context(viewport=PHONE)
    page = ctx.new_page()
    problems, scrolling, stacked = [], 0, 0
    for path in pages(built_site):
        page.goto(f"{base}/{path}", wait_until="load")
        for e in page.evaluate(EQUATIONS):
            if e["right"] > e["page"] + 1:
                problems.append(f"{path}: an equation box runs past the page: {e}")
            if e["role"] != "group" or not e["name"]:
                problems.append(f"{path}: an equation box without a role or a name: {e}")
            if e["scrolls"]:
                scrolling += 1
                if e["overflowX"] not in ("auto", "scroll") or e["tabIndex"] != 0:
                    problems.append(f"{path}: a wide equation is cut off or not reachable by keyboard: {e}")
            elif e["tabIndex"] == 0:
                problems.append(f"{path}: an equation that fits is a Tab stop: {e}")
            if e["row"] and e["together"] > 343:
                stacked += 1
                if not e["stacked"]:
                    problems.append(f"{path}: a pair of equations too wide for one line is not stacked: {e}")
    ctx.close()
    assert not problems, "\n".join(problems[:20])
    assert scrolling >= 3 and stacked >= 3  # the book has both (rules, partial derivatives, divergence...)


def test_dark_mode_shows_dark_figures(built_site, browser_session):
    base, browser = browser_session
    for scheme in ("light", "dark"):
        ctx = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
        page = ctx.new_page()
        page.goto(f"{base}/part2/dataset.html", wait_until="networkidle")
        visible = page.evaluate(
            "() => [...document.querySelectorAll('article img')].filter(i => i.offsetParent !== null).map(i => i.getAttribute('src'))"
        )
        assert visible and all(src.endswith(f"-{scheme}.svg") for src in visible), (scheme, visible)
        ctx.close()


# Every write to the colour attributes of <body> once the article is there: each restyles the whole page.
# (Writes in the header, before any content, cost nothing: that is where the scheme is chosen.)
WATCH_BODY = """
window.__gdBodyWrites = [];
new MutationObserver((records) => {
  for (const r of records)
    if (r.target === document.body && document.querySelector("article")) window.__gdBodyWrites.push(r.attributeName);
}).observe(document, { subtree: true, attributes: true,
  attributeFilter: ["data-md-color-scheme", "data-md-color-primary", "data-md-color-accent", "data-md-color-switching"] });
"""


def test_colour_scheme_toggle(built_site, browser_session):
    """The header's toggle (docs/overrides/partials/palette.html, assets/javascripts/palette.js): the system's
    scheme until the reader chooses, the choice kept on the next page, the label naming what a click does,
    and no rewrite of the page's colours at load (the theme's own toggle restyled every element twice)."""
    base, browser = browser_session
    for scheme, shown in (("light", "default"), ("dark", "slate")):
        ctx = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
        page = ctx.new_page()
        page.add_init_script(WATCH_BODY)
        page.goto(f"{base}/part2/dataset.html", wait_until="load")
        page.wait_for_timeout(300)
        assert page.evaluate("document.body.dataset.mdColorScheme") == shown, scheme
        assert page.evaluate("window.__gdBodyWrites") == [], (scheme, "the colours were rewritten after parsing")
        label = page.locator("[data-gd-palette] label:not([hidden])")
        assert label.count() == 1
        other = "light" if scheme == "dark" else "dark"
        assert label.get_attribute("title") == f"Switch to {other} mode"
        label.click()
        flipped = "slate" if shown == "default" else "default"
        page.wait_for_function(f"document.body.dataset.mdColorScheme === {flipped!r}")
        page.wait_for_function("!document.body.hasAttribute('data-md-color-switching')")
        visible = page.evaluate("() => [...document.querySelectorAll('article img')]"
                                ".filter(i => i.offsetParent !== null).map(i => i.getAttribute('src'))")
        assert visible and all(src.endswith(f"-{other}.svg") for src in visible), (scheme, visible)
        assert page.evaluate("document.querySelector('meta[name=theme-color]').content").startswith("#")
        # The next page opens in the chosen scheme, whatever the system says; Enter switches back.
        page.goto(f"{base}/part1/derivative.html", wait_until="load")
        assert page.evaluate("document.body.dataset.mdColorScheme") == flipped
        page.focus("[data-gd-palette] input:checked")
        page.keyboard.press("Enter")
        page.wait_for_function(f"document.body.dataset.mdColorScheme === {shown!r}")
        ctx.close()
    # Nothing chosen yet: the page follows the system when it changes.
    ctx = browser.new_context(viewport=DESKTOP, color_scheme="light")
    page = ctx.new_page()
    page.goto(f"{base}/index.html", wait_until="load")
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    ctx.close()


THEME_FETCHED = r"performance.getEntriesByType('resource').filter(r => /\/bundle\.[0-9a-f]+\.min\.js$/.test(r.name)).length"


@pytest.mark.parametrize("action", ["wheel", "key", "tap", "pointer", "scroll"])
def test_the_theme_starts_at_the_first_action(built_site, browser_session, action):
    """A loading page fetches no theme script (docs/overrides/partials/javascripts/theme-on-demand.html); the
    reader's first action of any kind starts it, and what it builds then works: the code blocks' toolbars and
    the contents that follow the scroll."""
    base, browser = browser_session
    ctx = browser.new_context(viewport=DESKTOP, has_touch=True)
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/part3/autodiff.html", wait_until="load")
    page.wait_for_timeout(600)
    assert page.evaluate("window.gdTheme") == "waiting"
    assert page.evaluate(THEME_FETCHED) == 0
    assert page.locator(".md-code__nav").count() == 0
    heading = page.locator("article h2").nth(2)
    if action == "wheel":
        page.mouse.wheel(0, 300)  # where the pointer already is: no movement first
    elif action == "key":
        page.keyboard.press("Tab")
    elif action == "tap":
        page.touchscreen.tap(600, 150)  # on the chapter's title
    elif action == "pointer":
        page.mouse.move(600, 400)
    else:  # a jump that scrolls the page (a link within the page, the browser's find)
        heading.scroll_into_view_if_needed()
    page.wait_for_function("window.gdTheme === 'started'", timeout=10_000)
    assert page.evaluate(THEME_FETCHED) == 1
    page.wait_for_function("document.querySelectorAll('nav.md-code__nav').length === document.querySelectorAll('article pre > code').length")
    heading.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('.md-sidebar--secondary .md-nav__link--active')")
    assert not errors, errors
    ctx.close()


# Where every block of the article is, laid out in full (content-visibility off).
BLOCKS = """() => [...document.querySelectorAll('article > *, article .gd-table, article .gd-eq, article figure')]
  .map((e) => { const r = e.getBoundingClientRect(); return [Math.round(r.top + scrollY), Math.round(r.left), Math.round(r.height), Math.round(r.width)]; })"""


@pytest.mark.parametrize("viewport", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
def test_the_theme_moves_nothing_when_it_starts(built_site, browser_session, viewport):
    """The theme's script starts at the first action, which may be in the middle of a scroll: what it builds
    (boxes around tables, code toolbars, tabs) must leave every block of every article where it was."""
    from browser import RENDER_ALL

    base, browser = browser_session
    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    moved, checked = [], 0
    for path in pages(built_site):
        page.goto(f"{base}/{path}", wait_until="load")
        if page.evaluate("window.gdTheme") != "waiting":
            continue  # a printable part: no theme script
        page.add_style_tag(content=RENDER_ALL)
        page.evaluate("() => document.fonts.ready")
        before = page.evaluate(BLOCKS)
        assert start_theme(page) == "started", path
        after = page.evaluate(BLOCKS)
        checked += 1
        diff = [(i, a, b) for i, (a, b) in enumerate(zip(before, after)) if max(abs(x - y) for x, y in zip(a, b)) > 1]
        if len(before) != len(after) or diff:
            moved.append(f"{path}: {len(before)} -> {len(after)} blocks; first moved (index, before, after): {diff[:3]}")
    ctx.close()
    assert checked > 20
    assert not moved, "\n".join(moved)


def test_search_index_waits_for_the_page_and_search_works(built_site, browser_session):
    """The search index (every page's text) is fetched once the page has loaded, or when the reader goes to
    the search box (docs/overrides/partials/javascripts/search-index.html); search then finds pages."""
    base, browser = browser_session
    ctx = browser.new_context(viewport=DESKTOP)
    page = ctx.new_page()
    index = "performance.getEntriesByName(new URL('../search/search_index.json', location).href).length"
    # An action during the load starts the theme, whose search asks for the index at once: it waits for the load.
    page.add_init_script("addEventListener('DOMContentLoaded', () => dispatchEvent(new Event('scroll')))")
    page.goto(f"{base}/part2/full-batch.html", wait_until="load")
    page.wait_for_function(index)
    fetched, started, loaded = page.evaluate("""[performance.getEntriesByName(new URL('../search/search_index.json', location).href)[0].startTime,
                                         performance.getEntriesByType('resource').find(r => r.name.includes('/bundle.')).startTime,
                                         performance.getEntriesByType('navigation')[0].loadEventStart]""")
    assert started < loaded <= fetched, (started, loaded, fetched)
    # The theme's search reads what is typed (keys, not a pasted value).
    page.locator("input.md-search__input").click()
    page.keyboard.type("learning rate")
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    assert page.locator(".md-search-result__item").count() >= 3
    # Going to the search box sends the request at once: here the browser is never idle (the other trigger).
    page.add_init_script("window.requestIdleCallback = function () {};")
    page.goto(f"{base}/part2/stochastic.html", wait_until="load")
    start_theme(page)
    page.wait_for_timeout(700)
    assert page.evaluate(index) == 0
    page.locator("input.md-search__input").focus()
    page.wait_for_function(index, timeout=3000)
    ctx.close()


def test_a_first_tap_on_search_opens_it_ready_to_type(built_site, browser_session):
    """On a phone the reader's first action may be the search button: the box opens with the cursor in it
    (the phone's keyboard comes up only for a focus given during the tap), and what is typed is searched."""
    base, browser = browser_session
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.goto(f"{base}/part2/stochastic.html", wait_until="load")
    page.wait_for_timeout(500)
    assert page.evaluate("window.gdTheme") == "waiting"
    page.locator("label.md-header__button[for=__search]").tap()
    assert page.evaluate("document.getElementById('__search').checked")
    assert page.evaluate("document.activeElement.matches('input.md-search__input')")
    page.wait_for_function("window.gdTheme === 'started'")
    page.keyboard.type("chain rule")
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    assert "chain rule" in page.locator(".md-search-result").inner_text().lower()
    ctx.close()

