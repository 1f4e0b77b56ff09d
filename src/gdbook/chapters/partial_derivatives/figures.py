"""Figures of chapter 4: the gradient field on a contour map, and one slice of the surface."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import fmt
from gdbook.core.plotting import Theme, legend_below


def gradient(r, theme: Theme):
    p = r["partial_derivatives"]
    s = p["_surface"]
    fig, ax = plt.subplots(figsize=theme.size((6.4, 5.6), (4.6, 5.2)))
    levels = np.linspace(0, float(np.max(s["Z"])), 14)
    cs = ax.contour(s["X"], s["Y"], s["Z"], levels=levels, colors=theme.c("neutral"), linewidths=0.8)
    ax.clabel(cs, cs.levels[1:8:2], fontsize=theme.small, fmt="%.0f")
    # Arrows of one shape (a head and a visible shaft) whose length is proportional to the gradient; the few
    # too short to show a shaft (near the minimum) are left out rather than drawn as bare heads.
    U, V = s["U"], s["V"]
    length = np.hypot(U, V)
    longest = float(np.max(length))
    keep = length > 0.3 * longest
    spacing = float(s["QX"][0, 1] - s["QX"][0, 0])
    scale = longest / (1.3 * spacing)
    style = dict(angles="xy", scale_units="xy", scale=scale, width=0.007, headwidth=3.5, headlength=4.5,
                 headaxislength=4.0, pivot="tail")
    ax.quiver(s["QX"][keep], s["QY"][keep], U[keep], V[keep], color=theme.c("train"), **style)
    pt = p["point"]
    tip = (pt["x"] + pt["dzdx"] / scale, pt["y"] + pt["dzdy"] / scale)
    ax.annotate("", xy=tip, xytext=(pt["x"], pt["y"]), zorder=6,
                arrowprops=dict(arrowstyle="-|>", color=theme.c("test"), lw=2.4, mutation_scale=16, shrinkA=0, shrinkB=0))
    ax.plot([pt["x"]], [pt["y"]], "o", color=theme.c("test"), markersize=6, zorder=7)
    # The highlighted arrow's value as the plot's title: beside the arrow it would cross the contours or the slice.
    ax.set_title(f"highlighted: ∇z({fmt.num(pt['x'])}, {fmt.num(pt['y'])}) = ({fmt.num(pt['dzdx'])}, {fmt.num(pt['dzdy'])})",
                 loc="left", color=theme.c("test"), fontsize="medium")
    ax.axhline(p["slice"]["y0"], color=theme.c("initial"), linewidth=1.2, linestyle="--")
    lim = p["grid"]["lim"]
    ax.set_xlim(-lim, lim + 0.3)
    ax.set_ylim(-lim, lim + 0.8)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_aspect("equal")
    ax.grid(False)
    return fig


def gradient_alt(r) -> str:
    p = r["partial_derivatives"]
    pt, g = p["point"], p["grid"]
    return (f"Contour lines of z = 2x² − 3xy + 4y² on the square from {fmt.num(-g['lim'])} to {fmt.num(g['lim'])}, "
            f"z from {fmt.num(g['z_min'], 3)} to {fmt.num(g['z_max'], 3)}: tilted ellipses around the minimum at the "
            f"origin. Arrows show the gradient on a grid of points, each pointing uphill across the contours and longer "
            f"where they are closer together (those nearest the minimum, too short to draw, are left out); a highlighted arrow at ({fmt.num(pt['x'])}, {fmt.num(pt['y'])}) "
            f"is the gradient there, ({fmt.num(pt['dzdx'])}, {fmt.num(pt['dzdy'])}). A dashed line marks the slice y = {fmt.num(p['slice']['y0'])}.")


def slice_(r, theme: Theme):
    p = r["partial_derivatives"]
    s, pt = p["_surface"], p["point"]
    fig, ax = plt.subplots(figsize=theme.size((6.4, 4.2), (4.6, 5.0)))
    ax.plot(s["slice_x"], s["slice_z"], color=theme.c("initial"), label=f"slice y = {fmt.num(p['slice']['y0'])}: z(x, {fmt.num(p['slice']['y0'])})")
    seg = np.array([pt["x"] - 1.0, pt["x"] + 1.0])
    ax.plot(seg, pt["z"] + pt["dzdx"] * (seg - pt["x"]), color=theme.c("test"), linewidth=2.2,
            label=f"tangent: slope ∂z/∂x = {fmt.num(pt['dzdx'])}")
    ax.plot([pt["x"]], [pt["z"]], "o", color=theme.c("test"), markersize=6)
    ax.set_xlabel(f"x  (y held at {fmt.num(p['slice']['y0'])})")
    ax.set_ylabel("z")
    if theme.phone:
        legend_below(ax)
    else:
        ax.legend(loc="upper center")
    return fig


def slice_alt(r) -> str:
    p = r["partial_derivatives"]
    pt = p["point"]
    return (f"The curve cut from the surface z = 2x² − 3xy + 4y² by the plane y = {fmt.num(p['slice']['y0'])}: a "
            f"parabola in x. Its tangent at x = {fmt.num(pt['x'])}, where z = {fmt.num(pt['z'])}, has slope "
            f"{fmt.num(pt['dzdx'])}, which is the partial derivative ∂z/∂x there.")
