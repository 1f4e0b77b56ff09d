"""The book's one figure style (a colour-blind-safe palette in light and dark) and shared drawing helpers.

Colours follow Okabe & Ito (2008); each role keeps its hue in both themes, and
the dark variant is lightened so it keeps its contrast on Material's dark
"slate" background.  Backgrounds stay transparent: the page shows through.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cycler import cycler
from matplotlib import ticker
from matplotlib.transforms import offset_copy
from matplotlib.figure import Figure

from gdbook.core import fmt

ROLES_LIGHT = {
    "train": "#0072B2", "test": "#D55E00", "truth": "#009E73", "fit": "#CC79A7",
    "initial": "#E69F00", "full_batch": "#0072B2", "mini_batch": "#E69F00",
    "stochastic": "#D55E00", "fixed": "#009E73", "accent": "#CC79A7", "neutral": "#6b6b6b",
}
ROLES_DARK = {
    "train": "#56B4E9", "test": "#F08A4B", "truth": "#2DCB9A", "fit": "#E3A3C8",
    "initial": "#F0C14B", "full_batch": "#56B4E9", "mini_batch": "#F0C14B",
    "stochastic": "#F08A4B", "fixed": "#2DCB9A", "accent": "#E3A3C8", "neutral": "#a8a8a8",
}


# Figures are drawn twice: for a wide screen, and for a phone (shown about 343 CSS px wide at a
# 375 px viewport).  Sizes are in inches; matplotlib's SVG is in points (72 per inch) and a
# browser shows a point as 4/3 CSS px, so at its natural width a figure's text of s points reads
# as s·4/3 px.  Text of SIZE points in a phone figure PHONE_WIDTH wide, shrunk to 343 px, reads as
# SIZE·343/(72·PHONE_WIDTH) px: 12 pt in 4.6 in gives 12.4 px.  tests/test_figure_text.py measures
# every figure as shown, at both widths, against 11 px.
DESKTOP_SIZE = (6.4, 4.0)
PHONE_SIZE = (4.6, 3.8)
DESKTOP_FONT = 10.5
PHONE_FONT = 12.0
SMALLEST_FONT = {"desktop": 8.5, "phone": 11.0}  # points: the smallest text a figure may use


@dataclass(frozen=True)
class Theme:
    name: str
    fg: str
    grid: str
    roles: Mapping[str, str] = field(default_factory=dict)
    layout: str = "desktop"  # or "phone": narrower, larger type, panels stacked

    @property
    def phone(self) -> bool:
        return self.layout == "phone"

    def on(self, layout: str) -> "Theme":
        """The same colours for another layout."""
        return Theme(self.name, self.fg, self.grid, self.roles, layout)

    def size(self, desktop: tuple[float, float], phone: tuple[float, float] | None = None) -> tuple[float, float]:
        """A figure size for this layout (inches); the phone size defaults to the usual phone width."""
        if not self.phone:
            return desktop
        return phone or (PHONE_SIZE[0], desktop[1] * PHONE_SIZE[0] / desktop[0] * 1.15)

    @property
    def small(self) -> float:
        """The smallest type a figure may use in this layout (legends, contour labels, notes)."""
        return SMALLEST_FONT[self.layout]

    def c(self, role: str) -> str:
        return self.roles[role]

    @property
    def cycle(self) -> list[str]:
        return [self.roles[r] for r in ("full_batch", "mini_batch", "stochastic", "fixed", "accent", "neutral")]

    def rc(self) -> dict[str, Any]:
        return {
            "figure.figsize": PHONE_SIZE if self.phone else DESKTOP_SIZE,
            "figure.dpi": 100,
            "savefig.dpi": 200,  # what is drawn as pixels inside an SVG (dense point clouds), for sharp screens
            "font.family": "sans-serif",
            "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "sans-serif"],
            "font.size": PHONE_FONT if self.phone else DESKTOP_FONT,
            "legend.fontsize": self.small,
            "text.color": self.fg,
            "axes.edgecolor": self.fg,
            "axes.labelcolor": self.fg,
            "axes.facecolor": "none",
            "axes.grid": True,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": cycler(color=self.cycle),
            "grid.color": self.grid,
            "grid.linewidth": 0.6,
            "xtick.color": self.fg,
            "ytick.color": self.fg,
            "legend.frameon": False,
            "figure.facecolor": "none",
            "savefig.facecolor": "none",
            "savefig.transparent": True,
            "svg.fonttype": "none",
            "svg.hashsalt": "gdbook",
            "lines.linewidth": 1.8,
        }


LIGHT = Theme("light", fg="#1f1f1f", grid="#d9d9d9", roles=ROLES_LIGHT)
DARK = Theme("dark", fg="#e8e8e8", grid="#474b57", roles=ROLES_DARK)


def palette_map(src: Theme, dst: Theme) -> dict[str, str]:
    """Each colour of ``src`` (lower-case hex) → the colour of the same role in ``dst``."""
    pairs = [(src.fg, dst.fg), (src.grid, dst.grid)] + [(src.roles[r], dst.roles[r]) for r in src.roles]
    out: dict[str, str] = {}
    for a, b in pairs:
        a, b = a.lower(), b.lower()
        if out.setdefault(a, b) != b:
            raise ValueError(f"colour {a} of theme '{src.name}' has two roles with different colours in '{dst.name}'")
    return out


_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def recolor(svg: bytes, src: Theme, dst: Theme) -> bytes:
    """An SVG drawn in ``src`` as if drawn in ``dst``: every palette colour swapped for its role's.

    Figures differ between themes only in colour (a test draws each one in
    both themes and compares), so the dark variant is the light SVG recoloured
    instead of drawn a second time: half the drawing time of a cold build.
    """
    mapping = palette_map(src, dst)
    return _HEX.sub(lambda m: mapping.get(m.group(0).lower(), m.group(0)), svg.decode("utf-8")).encode("utf-8")


_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_POWER = re.compile(r"^\$\\mathdefault\{(?:(?P<coeff>[0-9.]+)\\times)?(?P<base>\d+)\^\{(?P<exp>-?\d+)\}\}\$$")
_NUMBER = re.compile(r"^\$\\mathdefault\{(?P<num>[0-9.eE+-]+)\}\$$")


def plain_power(label: str) -> str:
    """matplotlib's mathtext log label as plain text: ``$\\mathdefault{2\\times10^{-3}}$`` → ``2×10⁻³``."""
    m = _POWER.match(label)
    if m:
        power = m["base"] + m["exp"].translate(_SUP)
        return f"{m['coeff']}×{power}" if m["coeff"] else power
    m = _NUMBER.match(label)
    return m["num"] if m else label  # anything else stays as it was (mathtext)


class PlainLogFormatter(ticker.LogFormatterSciNotation):
    """The labels matplotlib puts on a log axis, as plain text instead of mathtext.

    Same ticks, same labels (10⁻³ rather than a typeset 10^{-3}); parsing
    mathtext was most of the time a figure took to draw.
    """

    def __call__(self, x: float, pos: int | None = None) -> str:
        return plain_power(super().__call__(x, pos))


def plain_log_labels(fig: Figure) -> None:
    """Swap matplotlib's default log-axis formatters for :class:`PlainLogFormatter`, keeping their settings."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() != "log":
                continue
            for get, set_ in ((axis.get_major_formatter, axis.set_major_formatter),
                              (axis.get_minor_formatter, axis.set_minor_formatter)):
                f = get()
                if type(f) is ticker.LogFormatterSciNotation:
                    set_(PlainLogFormatter(base=f._base, labelOnlyBase=f.labelOnlyBase,
                                           minor_thresholds=f.minor_thresholds, linthresh=f._linthresh))


# --- helpers more than one chapter draws with ---------------------------------------

def line_label(name: str, w: float, b: float) -> str:
    return f"{name}: ŷ = {fmt.num(w)}x {'+' if b >= 0 else '−'} {fmt.num(abs(b))}"


def draw_sets(ax, d, theme: Theme) -> None:
    """Training points as blue circles, test points as orange triangles (shape and colour both differ).

    ``d`` is the ``dataset`` results key."""
    x, y, t = d["_x"], d["_y"], d["_is_test"]
    ax.scatter(x[~t], y[~t], s=16, marker="o", color=theme.c("train"), alpha=0.7, linewidths=0,
               label=f"train ({int((~t).sum())} points)")
    ax.scatter(x[t], y[t], s=30, marker="^", facecolors="none", edgecolors=theme.c("test"), linewidths=1.2,
               label=f"test ({int(t.sum())} points)")


DENSE_POINTS = 1500  # markers in one scatter or line beyond which they are drawn as pixels
DENSE_VERTICES = 4000  # vertices of one line beyond which it is drawn as pixels


def rasterize_dense(fig: Figure) -> bool:
    """Draw the densest artists (thousands of points, long traces) as an image inside the SVG.

    A point cloud of 8 000 markers is 3 MB of SVG paths but a small PNG; axes,
    labels and sparse lines stay vectors.  Returns whether anything was
    rasterized (its colours cannot then be swapped for the dark theme in the
    SVG text: the caller draws the dark variant itself).
    """
    from matplotlib.collections import PathCollection
    from matplotlib.lines import Line2D

    changed = False
    for ax in fig.axes:
        for artist in ax.get_children():
            dense = (isinstance(artist, PathCollection) and len(artist.get_offsets()) > DENSE_POINTS) or \
                (isinstance(artist, Line2D) and len(artist.get_xdata()) >
                 (DENSE_POINTS if artist.get_marker() not in (None, "None", "", " ") else DENSE_VERTICES))
            if dense:
                artist.set_rasterized(True)
                changed = True
    return changed


NOTEBOOK_GREY = "#808080"


def notebook_style() -> dict[str, Any]:
    """matplotlib settings for the notebooks' plots, which the site shows on a light and on a dark page alike:
    no background of their own, mid-grey text, colours that keep their contrast on both, and log axes labelled
    1, 10, 100 rather than 10⁰.  ``plt.rcParams.update(notebook_style())``."""
    grey = NOTEBOOK_GREY
    return {
        "figure.facecolor": "none", "axes.facecolor": "none", "savefig.facecolor": "none",
        "text.color": grey, "axes.labelcolor": grey, "axes.edgecolor": grey,
        "xtick.color": grey, "ytick.color": grey, "grid.color": grey, "grid.alpha": 0.3, "axes.grid": True,
        "legend.frameon": False, "axes.formatter.min_exponent": 3,
        "axes.prop_cycle": cycler(color=["#E69F00", "#3B8BD0", "#009E73", "#CC79A7", "#D55E00"]),
    }


def legend_below(ax, gap: float = 6.0, **kw: Any):
    """A legend under the axes, just below its tick labels and x label.

    Placed in points from the axes' bottom edge rather than as a fraction of its height, so it clears the
    labels in every layout (a fraction that clears them on a tall desktop plot lands on them in a short phone
    one).  Call it after the labels are set and before the layout is tightened."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    axes_box = ax.get_window_extent(renderer)
    with_labels = ax.get_tightbbox(renderer)
    drop = (axes_box.y0 - with_labels.y0) * 72 / fig.dpi + gap
    return ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0),
                     bbox_transform=offset_copy(ax.transAxes, fig=fig, y=-drop, units="points"), **kw)
