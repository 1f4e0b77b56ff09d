"""Drawing a figure: matplotlib in, SVG bytes out, light and dark."""

from __future__ import annotations

import io
import re
from typing import Any

_SIZE = re.compile(rb'<svg[^>]*?\bwidth="([\d.]+)pt"[^>]*?\bheight="([\d.]+)pt"', re.S)


def css_size(svg: bytes) -> tuple[int, int]:
    """The figure's natural size in CSS pixels (matplotlib writes points: 1 pt = 4/3 px)."""
    m = _SIZE.search(svg[:2000])
    if not m:
        raise ValueError("an SVG without width and height in points")
    return round(float(m.group(1)) * 4 / 3), round(float(m.group(2)) * 4 / 3)


_LONG_DECIMAL = re.compile(rb"(?<![\w#.])(-?\d+\.\d{3,})")


def _two_decimals(m: re.Match) -> bytes:
    text = f"{float(m.group(1)):.2f}".rstrip("0").rstrip(".")
    return (text if text != "-0" else "0").encode()


_TEXT = re.compile(rb"(<text\b[^>]*>)(.*?)(</text>)", re.S)


def compact_svg(svg: bytes) -> bytes:
    """Coordinates to 0.01 px instead of matplotlib's 0.000001 px: a third less to download, the same picture.

    What a figure *says* is left alone: the words of a ``<text>`` element (a label such as
    "ŷ = 1.148x − 2.394") keep every digit; only its position attributes are shortened.
    """
    out, last = [], 0
    for m in _TEXT.finditer(svg):
        out.append(_LONG_DECIMAL.sub(_two_decimals, svg[last:m.start()]))
        out.append(_LONG_DECIMAL.sub(_two_decimals, m.group(1)) + m.group(2) + m.group(3))
        last = m.end()
    out.append(_LONG_DECIMAL.sub(_two_decimals, svg[last:]))
    return b"".join(out)


def svg_bytes(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    # No date and a fixed hash salt (the theme's rc): the same figure gives the same bytes.
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)
    return compact_svg(buf.getvalue())


def draw_in(spec: Any, results: Any, theme: Any) -> tuple[bytes, bool]:
    """The figure as SVG in ``theme``, and whether some of it was drawn as pixels."""
    import matplotlib

    matplotlib.use("Agg")
    from gdbook.core.plotting import plain_log_labels, rasterize_dense

    with matplotlib.rc_context(theme.rc()):
        fig = spec.draw(results, theme)
        plain_log_labels(fig)
        raster = rasterize_dense(fig)
        return svg_bytes(fig), raster


VARIANTS = ("light", "dark", "light-phone", "dark-phone")


def draw(spec: Any, results: Any) -> dict[str, bytes]:
    """The figure for a wide screen and for a phone, each drawn light and recoloured role by role for the
    dark scheme (drawn again if it holds pixels)."""
    from gdbook.core.plotting import DARK, LIGHT, recolor

    out = {}
    for layout, suffix in (("desktop", ""), ("phone", "-phone")):
        light, raster = draw_in(spec, results, LIGHT.on(layout))
        dark = draw_in(spec, results, DARK.on(layout))[0] if raster else recolor(light, LIGHT, DARK)
        out[f"light{suffix}"], out[f"dark{suffix}"] = light, dark
    return out
