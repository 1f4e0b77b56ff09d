"""Figure of the train/test split chapter: the two sets told apart by marker and colour."""

from __future__ import annotations

import matplotlib.pyplot as plt

from gdbook import fmt
from gdbook.figures.style import FigureSpec, Theme


def draw_sets(ax, d, theme: Theme) -> None:
    """Training points as blue circles, test points as orange triangles (shape and colour both differ)."""
    x, y, t = d["_x"], d["_y"], d["_is_test"]
    ax.scatter(x[~t], y[~t], s=16, marker="o", color=theme.c("train"), alpha=0.7, linewidths=0,
               label=f"train ({int((~t).sum())} points)")
    ax.scatter(x[t], y[t], s=30, marker="^", facecolors="none", edgecolors=theme.c("test"), linewidths=1.2,
               label=f"test ({int(t.sum())} points)")


def scatter(r, theme: Theme):
    fig, ax = plt.subplots()
    draw_sets(ax, r["dataset"], theme)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper left")
    return fig


def scatter_alt(r) -> str:
    s = r["split"]
    return (
        f"Scatter plot of the data split at random into {fmt.integer(s['n_train'])} training points (filled circles) "
        f"and {fmt.integer(s['n_test'])} test points (open triangles), spread over the same range of x: training x "
        f"from {fmt.num(s['train']['x']['min'], 3)} to {fmt.num(s['train']['x']['max'], 3)}, test x from "
        f"{fmt.num(s['test']['x']['min'], 3)} to {fmt.num(s['test']['x']['max'], 3)}."
    )


FIGURES = [FigureSpec("split-scatter", scatter, scatter_alt, depends=("dataset", "split"))]
