"""Figure of the several-features chapter: the training points in (x₁, x₂, y) and the fitted plane."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import fmt
from gdbook.core.plotting import DENSE_POINTS, Theme

SHOWN = DENSE_POINTS // 2


def plane(r, theme: Theme):
    f = r["several_features"]
    x1, x2, y = f["_x1"], f["_x2"], f["_y"]
    w1, w2, b = f["theta"]
    # a 3-D scatter cannot be drawn as pixels inside the SVG: beyond SHOWN points, an even sample of them
    keep = np.linspace(0, len(y) - 1, min(len(y), SHOWN)).round().astype(int)
    label = (f"training points ({fmt.integer(len(y))})" if len(keep) == len(y)
             else f"{fmt.integer(len(keep))} of the {fmt.integer(len(y))} training points")
    fig = plt.figure(figsize=theme.size((6.4, 5.4), (4.6, 5.0)))
    ax = fig.add_subplot(projection="3d")
    ax.scatter(x1[keep], x2[keep], y[keep], s=10, color=theme.c("train"), alpha=0.8, linewidths=0, depthshade=False,
               label=label)
    g1 = np.linspace(x1.min(), x1.max(), 9)
    g2 = np.linspace(x2.min(), x2.max(), 9)
    G1, G2 = np.meshgrid(g1, g2)
    ax.plot_wireframe(G1, G2, w1 * G1 + w2 * G2 + b, color=theme.c("fit"), linewidth=0.9,
                      label="fitted plane ŷ = w₁x₁ + w₂x₂ + b")
    ax.set_xlabel("x₁", labelpad=6)
    ax.set_ylabel("x₂", labelpad=6)
    ax.set_zlabel("y", labelpad=6)
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_major_locator(plt.MaxNLocator(3 if theme.phone else 4))
        axis.pane.fill = False
        axis.pane.set_edgecolor(theme.grid)
    ax.set_box_aspect((1, 1, 0.8), zoom=0.72 if theme.phone else 0.85)  # smaller on a phone: the labels stay inside
    ax.view_init(elev=18, azim=-62)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.04), ncol=1, frameon=False)
    return fig


def plane_alt(r) -> str:
    f = r["several_features"]
    w1, w2, b = f["theta"]
    return (
        f"A three-dimensional scatter plot of the {fmt.integer(f['n_train'])} training points over the (x₁, x₂) plane"
        + (f" ({fmt.integer(SHOWN)} of them drawn), " if f["n_train"] > SHOWN else ", ") +
        f"with the least-squares plane ŷ = {fmt.num(w1)}x₁ {'+' if w2 >= 0 else '−'} {fmt.num(abs(w2))}x₂ "
        f"{'+' if b >= 0 else '−'} {fmt.num(abs(b))} drawn through them as a grid of lines; the correlation between "
        f"the two features is {fmt.num(f['corr'], 2)}."
    )
