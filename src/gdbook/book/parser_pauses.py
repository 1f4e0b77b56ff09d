"""Places where the browser's HTML parser stops, so that a long page never holds the main thread for long.

Desktop Chromium's parser (the one Lighthouse drives) stops every 10 ms for its first six stretches, then
runs for up to 500 ms at a time before the page may paint or answer a tap; Android's stops at 50 ms.
Traced at 4x CPU: the rules chapter (550 KB of HTML, most of it typeset math) parsed in a 200 ms stretch,
the printable Part 1 (1.5 MB) took its last 1.2 MB in one of 330 ms.  After a parser-blocking script in
the body the parser stops again within 10 ms, so :func:`add` (on each page as published) ends a paragraph with an empty one every
:data:`EVERY` characters: traced again, no stretch of parsing passed 38 ms at 4x.  The script runs nothing,
and with JavaScript off it is nothing at all.

It goes inside a paragraph, as its last child: an element between blocks would change which block is
the n-th child or the next sibling, and the stylesheets' spacing and skipping rules follow those.
"""

from __future__ import annotations

import re

EVERY = 24_000
PAUSE = "<script></script>"


def add(html: str, every: int = EVERY) -> str:
    """``html`` with :data:`PAUSE` before the ``</p>`` that ends each stretch of ``every`` characters."""
    out: list[str] = []
    last = 0
    for m in re.finditer(r"</p>", html):
        if m.start() - last >= every:
            out += [html[last:m.start()], PAUSE]
            last = m.start()
    return "".join(out) + html[last:]


def remove(html: str) -> str:
    return html.replace(PAUSE + "</p>", "</p>")
