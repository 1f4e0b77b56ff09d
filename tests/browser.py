"""Serving a built site on 127.0.0.1 and driving Debian's Chromium with Playwright.

Shared by the browser tests and ``scripts/screenshot.py``.  Never calls
``playwright install``: the browser is /usr/bin/chromium from apt.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


# What a static host (GitHub Pages, Netlify, nginx's gzip_types) compresses.
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml",
              "application/manifest+json")


class _Gzip(_Quiet):
    """Like a static host: text responses gzipped when the client accepts it, with a Content-Length."""

    _compressed: dict[tuple[str, float], bytes] = {}  # shared by every request of the server: (path, mtime) → gzip

    def send_head(self):  # noqa: ANN201 - SimpleHTTPRequestHandler's hook
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        ctype = self.guess_type(path)
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants and os.path.isfile(path) and ctype.startswith(TEXT_TYPES)) or self.path.endswith("/"):
            return super().send_head()
        key = (path, os.path.getmtime(path))
        body = self._compressed.get(key)
        if body is None:
            with open(path, "rb") as f:
                body = gzip.compress(f.read(), compresslevel=6, mtime=0)
            self._compressed[key] = body
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve(site: Path, compress: bool = False) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port) for the duration of the block; ``compress``: gzip text
    responses as a static host does (the Lighthouse measurement)."""
    handler = functools.partial(_Gzip if compress else _Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def start_theme(page) -> str | None:
    """Act as a reader first acts (a wheel turn) and wait until the theme's script has started
    (docs/overrides/partials/javascripts/theme-on-demand.html).  Returns how it went: "started", "failed",
    or None on a page that runs no theme script (a printable part)."""
    page.mouse.move(5, 200)
    page.mouse.wheel(0, 1)
    page.wait_for_function("!['waiting', 'loading'].includes(window.gdTheme)", timeout=15_000)
    # Its start-up subscribes to the next frames (sizes, the contents' position): two frames settle it.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return page.evaluate("window.gdTheme ?? null")


def pages(site: Path) -> list[str]:
    """Every HTML page of a built site, as paths relative to its root."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html")


# Blocks far down a page are laid out only when they come near the screen (content-visibility, gdbook.css):
# a check that measures the whole page (colours behind text, boxes that scroll, figure text) renders them all.
RENDER_ALL = (".md-typeset > *, .md-typeset .gd-print-chapter > *, .md-typeset .md-typeset__table, "
              ".md-typeset .gd-table > table { content-visibility: visible !important; }")
