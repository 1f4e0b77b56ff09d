"""The dark figures are the light ones recoloured: check that this is what drawing them dark gives.

The build draws each figure once, in the light theme, and maps its palette to
the dark one (:func:`gdbook.core.plotting.recolor`).  That is only right while
a figure's two themes differ in colour alone, so every figure is drawn here in
both themes and compared with its recoloured light drawing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gdbook.book import drawing
from gdbook.core import registry
from gdbook.core.plotting import DARK, LIGHT, palette_map, recolor

ROOT = Path(__file__).resolve().parent.parent
SPECS = {spec.name: spec for spec in registry.figures()}
# matplotlib names markers, hatches and clip paths by a hash that includes their colour.
_IDS = re.compile(rb"\b([mhp])[0-9a-f]{10}\b")


def same_drawing(a: bytes, b: bytes) -> bool:
    return _IDS.sub(rb"\1", a) == _IDS.sub(rb"\1", b)


@pytest.fixture(scope="module")
def all_results(full_results) -> dict:
    return full_results


@pytest.mark.parametrize("name", sorted(SPECS))
def test_dark_figure_is_the_light_one_recoloured(name, all_results):
    spec = SPECS[name]
    light = drawing.draw_in(spec, all_results, LIGHT)[0]
    dark = drawing.draw_in(spec, all_results, DARK)[0]
    assert same_drawing(recolor(light, LIGHT, DARK), dark)
    assert recolor(light, LIGHT, DARK) != light


def test_a_figure_with_a_colour_of_its_own_fails_the_check(all_results):
    base = SPECS["dataset-scatter"]

    def draw(results, theme):
        fig = base.draw(results, theme)
        fig.axes[0].axhline(0.0, color="#123456" if theme is DARK else theme.fg)  # not a palette swap
        return fig

    odd = registry.Figure("odd", draw, base.alt, base.depends)
    light, dark = (drawing.draw_in(odd, all_results, t)[0] for t in (LIGHT, DARK))
    assert not same_drawing(recolor(light, LIGHT, DARK), dark)


def test_palette_map_is_one_colour_per_colour():
    m = palette_map(LIGHT, DARK)
    assert m[LIGHT.fg.lower()] == DARK.fg.lower() and m[LIGHT.c("train").lower()] == DARK.c("train").lower()
    with pytest.raises(ValueError, match="two roles"):
        palette_map(LIGHT, DARK.__class__("odd", DARK.fg, DARK.grid, {**DARK.roles, "full_batch": "#000000"}))


def test_compact_svg_moves_no_point_by_more_than_half_a_hundredth(all_results):
    import matplotlib

    matplotlib.use("Agg")
    with matplotlib.rc_context(LIGHT.rc()):
        fig = SPECS["stochastic-loss"].draw(all_results, LIGHT)
        full = __import__("io").BytesIO()
        fig.savefig(full, format="svg", metadata={"Date": None}, bbox_inches="tight")
    raw = full.getvalue()
    small = drawing.compact_svg(raw)
    number = re.compile(rb"-?\d+(?:\.\d+)?")
    a, b = number.findall(raw), number.findall(small)
    assert len(a) == len(b)  # no number lost or split
    assert max(abs(float(x) - float(y)) for x, y in zip(a, b)) <= 0.005 + 1e-9
    assert len(small) < 0.85 * len(raw)


def test_a_dense_point_cloud_is_drawn_as_pixels_light_and_dark():
    """Thousands of points would make megabytes of SVG paths: they become an image inside the SVG."""
    from gdbook.chapters.dataset.compute import dataset_section
    from gdbook.settings import from_mapping

    r = {"dataset": dataset_section(from_mapping({"data": {"n": 8000}}), {})}
    out = drawing.draw(SPECS["dataset-scatter"], registry.Inputs(r, ("dataset",), "test"))
    assert b"<image" in out["light"] and b"<image" in out["dark"]
    assert len(out["light"]) < 300_000, len(out["light"])
    assert out["dark"] != out["light"]  # drawn in the dark theme, not recoloured text
    small = {"dataset": dataset_section(from_mapping({}), {})}
    assert b"<image" not in drawing.draw(SPECS["dataset-scatter"], registry.Inputs(small, ("dataset",), "test"))["light"]


def test_compact_svg_leaves_the_text_a_reader_reads():
    svg = b'<path d="M 1.234567 2.5"/><text x="3" style="font-size: 10.5px">0.0001</text><text>-2.000</text>'
    assert drawing.compact_svg(svg) == b'<path d="M 1.23 2.5"/><text x="3" style="font-size: 10.5px">0.0001</text><text>-2.000</text>'
