"""Figures of chapter 4: the gradient field on a contour map, and one slice of the surface."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import fmt
from gdbook.core.plotting import Theme


def gradient(r, theme: Theme):
    p = r["partial_derivatives"]
    s = p["_surface"]
    fig, ax = plt.subplots(figsize=(5.6, 4.8))
    levels = np.linspace(0, float(np.max(s["Z"])), 14)
    cs = ax.contour(s["X"], s["Y"], s["Z"], levels=levels, colors=theme.c("neutral"), linewidths=0.8)
    ax.clabel(cs, cs.levels[1:8:2], fontsize=8, fmt="%.0f")
    ax.quiver(s["QX"], s["QY"], s["U"], s["V"], color=theme.c("train"), angles="xy", scale_units="xy",
              scale=float(np.max(np.hypot(s["U"], s["V"]))) / 0.6, width=0.006)
    pt = p["point"]
    ax.plot([pt["x"]], [pt["y"]], "o", color=theme.c("test"), markersize=6)
    ax.annotate(f"∇z = ({fmt.num(pt['dzdx'])}, {fmt.num(pt['dzdy'])})", (pt["x"], pt["y"]), xytext=(8, -14),
                textcoords="offset points", color=theme.c("test"), fontsize=9)
    ax.axhline(p["slice"]["y0"], color=theme.c("initial"), linewidth=1.2, linestyle="--")
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
            f"origin. {g['n_arrows']} arrows show the gradient, each pointing uphill across the contours and longer "
            f"where they are closer together; at ({fmt.num(pt['x'])}, {fmt.num(pt['y'])}) the gradient is "
            f"({fmt.num(pt['dzdx'])}, {fmt.num(pt['dzdy'])}). A dashed line marks the slice y = {fmt.num(p['slice']['y0'])}.")


def slice_(r, theme: Theme):
    p = r["partial_derivatives"]
    s, pt = p["_surface"], p["point"]
    fig, ax = plt.subplots()
    ax.plot(s["slice_x"], s["slice_z"], color=theme.c("initial"), label=f"slice y = {fmt.num(p['slice']['y0'])}: z(x, {fmt.num(p['slice']['y0'])})")
    seg = np.array([pt["x"] - 1.0, pt["x"] + 1.0])
    ax.plot(seg, pt["z"] + pt["dzdx"] * (seg - pt["x"]), color=theme.c("test"), linewidth=2.2,
            label=f"tangent: slope ∂z/∂x = {fmt.num(pt['dzdx'])}")
    ax.plot([pt["x"]], [pt["z"]], "o", color=theme.c("test"), markersize=6)
    ax.set_xlabel(f"x  (y held at {fmt.num(p['slice']['y0'])})")
    ax.set_ylabel("z")
    ax.legend(loc="upper center", fontsize=9)
    return fig


def slice_alt(r) -> str:
    p = r["partial_derivatives"]
    pt = p["point"]
    return (f"The curve cut from the surface z = 2x² − 3xy + 4y² by the plane y = {fmt.num(p['slice']['y0'])}: a "
            f"parabola in x. Its tangent at x = {fmt.num(pt['x'])}, where z = {fmt.num(pt['z'])}, has slope "
            f"{fmt.num(pt['dzdx'])}, which is the partial derivative ∂z/∂x there.")
