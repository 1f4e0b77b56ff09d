"""Every built page in a real browser (Debian's Chromium via Playwright), served from 127.0.0.1.

Checks, on every page: no request to any other host, no console error, no raw
TeX left (KaTeX rendered all math), every mermaid diagram rendered to an SVG of
non-zero size, every image loaded.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from browser import DESKTOP, chromium, pages, serve

pytestmark = pytest.mark.browser

# Material renders mermaid into a closed shadow root; open it so we can look inside.
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: "open" }); };
"""

RAW_TEX = r"""
() => {
  const bad = [];
  const root = document.querySelector("article") || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.parentElement.closest("code, pre, script, style, .katex, .mermaid, textarea")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const pattern = /\\\(|\\\)|\\\[|\\\]|\$\$|\\frac|\\begin\{|\\sum|\\partial|\\mathrm/;
  while (walker.nextNode()) {
    const t = walker.currentNode.textContent;
    if (pattern.test(t)) bad.push(t.trim().slice(0, 80));
  }
  const unrendered = [...root.querySelectorAll(".arithmatex")].filter((e) => !e.querySelector(".katex")).length;
  const errors = [...root.querySelectorAll(".katex-error")].map((e) => e.textContent.slice(0, 80));
  return { bad, unrendered, errors };
}
"""

IMAGES = """
async () => {
  const imgs = [...document.images];
  imgs.forEach((img) => { img.loading = "eager"; });
  await Promise.all(imgs.map((img) => img.complete ? null : new Promise((r) => { img.onload = img.onerror = r; })));
  return imgs.filter((img) => !(img.naturalWidth > 0)).map((img) => img.getAttribute("src"));
}
"""

MERMAID = """
() => [...document.querySelectorAll("div.mermaid, pre.mermaid")].map((host) => {
  const svg = host.shadowRoot ? host.shadowRoot.querySelector("svg") : host.querySelector("svg");
  if (!svg) return { ok: false, why: "no svg" };
  const box = svg.getBoundingClientRect();
  return { ok: box.width > 0 && box.height > 0, why: `${box.width}x${box.height}` };
})
"""


@pytest.fixture(scope="module")
def browser_session(built_site):
    with serve(built_site) as base, chromium() as browser:
        yield base, browser


def visit(browser_session, path: str, color_scheme: str = "light") -> dict:
    base, browser = browser_session
    ctx = browser.new_context(viewport=DESKTOP, color_scheme=color_scheme)
    ctx.add_init_script(OPEN_SHADOW_ROOTS)
    outside, console = [], []

    def route(r):
        host = urlparse(r.request.url).hostname
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
    if page.locator(".mermaid").count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('.mermaid')].every(h => h.shadowRoot && h.shadowRoot.querySelector('svg'))",
            timeout=15000,
        )
    out = {
        "outside": outside,
        "console": console,
        "tex": page.evaluate(RAW_TEX),
        "broken_images": page.evaluate(IMAGES),
        "mermaid": page.evaluate(MERMAID),
    }
    ctx.close()
    return out


def test_every_page(built_site, browser_session):
    failures = []
    for path in pages(built_site):
        r = visit(browser_session, path)
        problems = []
        if r["outside"]:
            problems.append(f"requests to other hosts: {r['outside']}")
        if r["console"]:
            problems.append(f"console errors: {r['console']}")
        if r["tex"]["bad"] or r["tex"]["unrendered"] or r["tex"]["errors"]:
            problems.append(f"raw TeX: {r['tex']}")
        if r["broken_images"]:
            problems.append(f"images not loaded: {r['broken_images']}")
        if not all(m["ok"] for m in r["mermaid"]):
            problems.append(f"mermaid not rendered: {r['mermaid']}")
        if problems:
            failures.append(f"{path}: " + "; ".join(problems))
    assert not failures, "\n".join(failures)
    assert len(pages(built_site)) >= 5


def test_dark_mode_shows_dark_figures(built_site, browser_session):
    base, browser = browser_session
    for scheme in ("light", "dark"):
        ctx = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
        page = ctx.new_page()
        page.goto(f"{base}/part2/dataset.html", wait_until="networkidle")
        visible = page.evaluate(
            "() => [...document.querySelectorAll('article img')].filter(i => i.offsetParent !== null).map(i => i.getAttribute('src'))"
        )
        assert visible and all(src.endswith(f"-{scheme}.svg#only-{scheme}") for src in visible), (scheme, visible)
        ctx.close()
