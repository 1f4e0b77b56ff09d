"""Screenshot built pages as a reader sees them: light and dark, desktop and phone.

    python scripts/screenshot.py [PAGE ...] [--site site] [--out build/screenshots] [--full] [--no-js]

PAGE is a path in the site such as ``part2/dataset.html`` (default: every page).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import DESKTOP, PHONE, chromium, pages, serve  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pages", nargs="*")
    ap.add_argument("--site", default=str(ROOT / "site"))
    ap.add_argument("--out", default=str(ROOT / "build" / "screenshots"))
    ap.add_argument("--full", action="store_true", help="whole page, not just the first screen")
    ap.add_argument("--no-js", action="store_true", help="also with JavaScript off (light scheme, as the HTML says)")
    ap.add_argument("--schemes", default="light,dark",
                    help="comma-separated, of light, dark and nojs (JavaScript off, light scheme)")
    ap.add_argument("--slice", type=int, default=0, metavar="PX",
                    help="with --full: also cut each shot into pieces PX tall (readable one at a time)")
    args = ap.parse_args()
    site, out = Path(args.site), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    targets = args.pages or pages(site)
    if args.full and not args.pages:  # a printable part (a dozen chapters) is too tall for one screenshot
        targets = [t for t in targets if not t.startswith("print/")]
    with serve(site) as base, chromium() as browser:
        schemes = args.schemes.split(",") + (["nojs"] if args.no_js and "nojs" not in args.schemes else [])
        runs = [(scheme, scheme != "nojs") for scheme in schemes]
        for scheme, js in runs:
            for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                ctx = browser.new_context(viewport=viewport, color_scheme="light" if scheme == "nojs" else scheme,
                                          device_scale_factor=1, java_script_enabled=js)
                page = ctx.new_page()
                for target in targets:
                    page.goto(f"{base}/{target}", wait_until="networkidle")
                    # Lazy images below the fold would be blank in a full-page shot.  With the page's
                    # JavaScript off Playwright's own script still runs but no event handler or timer
                    # does: there, wait from Python instead of for onload.
                    if js:
                        page.evaluate("""async () => {
                          const imgs = [...document.images];
                          imgs.forEach((i) => { i.loading = "eager"; });
                          await Promise.all(imgs.map((i) => i.complete ? null : new Promise((r) => { i.onload = i.onerror = r; })));
                        }""")
                    else:
                        page.evaluate("() => { [...document.images].forEach((i) => { i.loading = 'eager'; }); }")
                        page.wait_for_load_state("networkidle")
                    if args.full:
                        # Blocks below the fold are skipped by content-visibility: auto until scrolled to.
                        # (A style element added by script: add_style_tag would wait for an onload that never
                        # comes with the page's JavaScript off.)
                        page.evaluate("""() => { const s = document.createElement('style');
                          s.textContent = '* { content-visibility: visible !important; }';
                          document.head.append(s); }""")
                    page.wait_for_timeout(300)
                    name = target.replace("/", "_").removesuffix(".html")
                    path = out / f"{name}-{scheme}-{label}.png"
                    page.screenshot(path=str(path), full_page=args.full)
                    print(path)
                    if args.full and args.slice:
                        _cut(path, args.slice)
                ctx.close()
    return 0


def _cut(path: Path, height: int) -> None:
    from PIL import Image  # matplotlib's dependency, in the venv

    with Image.open(path) as img:
        for k, top in enumerate(range(0, img.height, height), 1):
            piece = path.with_name(f"{path.stem}-{k:02d}.png")
            img.crop((0, top, img.width, min(img.height, top + height))).save(piece)


if __name__ == "__main__":
    sys.exit(main())
