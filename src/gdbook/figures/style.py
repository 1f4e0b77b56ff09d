"""The book's one figure style: a colour-blind-safe palette in light and dark.

Colours follow Okabe & Ito (2008); each role keeps its hue in both themes, and
the dark variant is lightened so it keeps its contrast on Material's dark
"slate" background.  Backgrounds stay transparent: the page shows through.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from matplotlib.figure import Figure

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


@dataclass(frozen=True)
class Theme:
    name: str
    fg: str
    grid: str
    roles: Mapping[str, str] = field(default_factory=dict)

    def c(self, role: str) -> str:
        return self.roles[role]

    @property
    def cycle(self) -> list[str]:
        return [self.roles[r] for r in ("full_batch", "mini_batch", "stochastic", "fixed", "accent", "neutral")]

    def rc(self) -> dict[str, Any]:
        return {
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 100,
            "font.family": "sans-serif",
            "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "sans-serif"],
            "font.size": 10.5,
            "text.color": self.fg,
            "axes.edgecolor": self.fg,
            "axes.labelcolor": self.fg,
            "axes.facecolor": "none",
            "axes.grid": True,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": __import__("cycler").cycler(color=self.cycle),
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
THEMES = (LIGHT, DARK)


@dataclass(frozen=True)
class FigureSpec:
    """A figure of the book.

    ``draw(results, theme)`` returns a new ``Figure`` (it never saves);
    ``alt(results)`` writes the alt text from the data; ``depends`` names the
    results keys the figure reads, which is what its cache key covers.
    """

    name: str
    draw: Callable[[Mapping[str, Any], Theme], Figure]
    alt: Callable[[Mapping[str, Any]], str]
    depends: tuple[str, ...]
