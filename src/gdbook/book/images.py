"""Sizes of the book's figures, for ``<img width height>`` (the browser reserves their space: no layout shift).

This module imports nothing from the rest of gdbook.
"""

from __future__ import annotations

import re

_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}
_LENGTH = re.compile(r"^\s*([0-9.]+)\s*([a-z]*)\s*$")


def _px(value: str | None) -> float | None:
    m = _LENGTH.match(value or "")
    if not m or m.group(2) not in _UNITS:
        return None
    return float(m.group(1)) * _UNITS[m.group(2)]


def svg_size(svg: bytes | str) -> tuple[int, int]:
    """(width, height) in CSS pixels of an SVG: its width and height attributes, or else its viewBox."""
    text = svg.decode("utf-8", "replace") if isinstance(svg, bytes) else svg
    m = re.search(r"<svg\b[^>]*>", text)
    if not m:
        raise ValueError("not an SVG: no <svg> element")
    tag = m.group(0)

    def attr(name: str) -> str | None:
        a = re.search(rf'\s{name}="([^"]*)"', tag)
        return a.group(1) if a else None

    w, h = _px(attr("width")), _px(attr("height"))
    if w and h:
        return round(w), round(h)
    box = (attr("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        bw, bh = float(box[2]), float(box[3])
        if bw > 0 and bh > 0:
            return round(bw), round(bh)
    raise ValueError(f"an SVG with no size: {tag[:120]}")
