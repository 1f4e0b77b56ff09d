"""Tables get a box of their own at build: ``<div class="gd-table">``.

The theme's script wraps every class-less table in a box that scrolls sideways.
When the table is a child of the article, swapping it for that box makes the
browser restyle the whole article (its rules on a table's next sibling, and on
children by position, depend on what sits where); inside a box of its own only
that box is restyled.  Without JavaScript the same box scrolls a wide table
(docs/assets/stylesheets/gdbook.css), so a phone never scrolls the page sideways.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"<(/?)table\b([^>]*)>", re.I)
OPEN, CLOSE = '<div class="gd-table">', "</div>"


def wrap(html: str) -> str:
    """Each outermost class-less ``<table>`` of ``html`` in a ``gd-table`` box (once: a wrapped one is kept)."""
    out, depth, last, wrapped = [], 0, 0, False
    for m in _TAG.finditer(html):
        closing, attrs = m.group(1) == "/", m.group(2)
        if not closing:
            depth += 1
            if depth == 1:
                wrapped = not re.search(r"\bclass\s*=", attrs) and not html.endswith(OPEN, 0, m.start())
                if wrapped:
                    out.append(html[last:m.start()] + OPEN)
                    last = m.start()
        elif depth:
            depth -= 1
            if depth == 0 and wrapped:
                out.append(html[last:m.end()] + CLOSE)
                last = m.end()
    out.append(html[last:])
    return "".join(out)
