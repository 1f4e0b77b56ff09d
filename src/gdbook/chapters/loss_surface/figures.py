"""Figures of the loss-surface chapter: the bowl, its contour map with the downhill directions and the valley's
axes (equal scales on w and b), the loss along the two axes, and the map before and after centring x."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import fmt
from gdbook.core.plotting import Theme, legend_below


def _contours(ax, ws, bs, Z, lv, theme: Theme, label_every: int = 3):
    cs = ax.contour(ws, bs, Z, levels=lv, colors=theme.c("neutral"), linewidths=0.8)
    ax.clabel(cs, cs.levels[::label_every], fontsize=theme.small, fmt=lambda v: fmt.num(v, 3))
    return cs


def _square(ax, win):
    ax.set_xlim(win["w_min"], win["w_max"])
    ax.set_ylim(win["b_min"], win["b_max"])
    ax.set_aspect("equal", adjustable="box")
    ax.grid(False)


def bowl(r, theme: Theme):
    ls = r["loss_surface"]
    fig = plt.figure(figsize=theme.size((6.4, 5.0), (4.6, 4.6)))
    ax = fig.add_subplot(projection="3d")
    step = max(1, len(ls["_ws"]) // 24)
    ws, bs, Z = ls["_ws"][::step], ls["_bs"][::step], ls["_Z"][::step, ::step]
    W, B = np.meshgrid(ws, bs)
    ax.plot_wireframe(W, B, Z, color=theme.c("neutral"), linewidth=0.6)
    ax.plot([ls["w_star"]], [ls["b_star"]], [ls["l_star"]], "*", color=theme.fg, ms=14, label="minimum", zorder=5)
    ax.plot([ls["w0"]], [ls["b0"]], [ls["start_loss"]], "o", color=theme.c("initial"), ms=8, label="initial guess",
            zorder=5)
    ax.set_xlabel("w", labelpad=6)
    ax.set_ylabel("b", labelpad=6)
    ax.set_zlabel("L(w, b)", labelpad=8)
    ax.set_box_aspect((1, 1, 0.7), zoom=0.72 if theme.phone else 0.85)  # smaller on a phone: the labels stay inside
    ax.view_init(elev=28, azim=-58)
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_major_locator(plt.MaxNLocator(3 if theme.phone else 4))
        axis.pane.fill = False
        axis.pane.set_edgecolor(theme.grid)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.02), ncol=2, frameon=False)
    return fig


def bowl_alt(r) -> str:
    ls = r["loss_surface"]
    return (
        f"A wire-frame surface of the training MSE over a square of w from {fmt.num(ls['window']['w_min'], 3)} to "
        f"{fmt.num(ls['window']['w_max'], 3)} and b from {fmt.num(ls['window']['b_min'], 3)} to "
        f"{fmt.num(ls['window']['b_max'], 3)}: a bowl whose lowest point, marked with a star, is L = "
        f"{fmt.num(ls['l_star'])} at w = {fmt.num(ls['w_star'])}, b = {fmt.num(ls['b_star'])}; the initial guess, a "
        f"dot on its side, is at height {fmt.num(ls['start_loss'])}."
    )


def contours(r, theme: Theme):
    ls = r["loss_surface"]
    win = ls["window"]
    fig, ax = plt.subplots(figsize=theme.size((6.4, 7.0), (4.6, 6.6)))
    _contours(ax, ls["_ws"], ls["_bs"], ls["_Z"], ls["levels"], theme)
    span = win["w_max"] - win["w_min"]

    # the downhill direction −∇L = −H(θ − θ*) on a grid: direction only, one length for all
    k = 6 if theme.phone else 8
    gw = np.linspace(win["w_min"], win["w_max"], k + 2)[1:-1]
    gb = np.linspace(win["b_min"], win["b_max"], k + 2)[1:-1]
    GW, GB = np.meshgrid(gw, gb)
    H = np.array(ls["h"])
    d = np.stack([GW.ravel() - ls["w_star"], GB.ravel() - ls["b_star"]])
    g = -(H @ d)
    norm = np.linalg.norm(g, axis=0)
    keep = norm > 0
    u = g[:, keep] / norm[keep] * span * 0.055
    ax.quiver(GW.ravel()[keep], GB.ravel()[keep], u[0], u[1], angles="xy", scale_units="xy", scale=1,
              color=theme.c("accent"), width=0.004, headwidth=4, headlength=5, label="downhill direction −∇L")

    # the valley's axes through the minimum
    t = np.array([-span, span])
    for key, style, name in (("slow", (0, (6, 3)), "λₘᵢₙ direction (valley floor)"),
                             ("fast", (0, (2, 2)), "λₘₐₓ direction (across)")):
        v = ls[key]
        ax.plot(ls["w_star"] + t * v[0], ls["b_star"] + t * v[1], color=theme.c("truth" if key == "slow" else "train"),
                ls=style, lw=1.6, label=name)

    # the start, its downhill arrow, and the straight way to the minimum
    g0 = -np.array(ls["grad0"])
    g0 = g0 / np.linalg.norm(g0) * span * 0.16
    ax.plot([ls["w0"], ls["w_star"]], [ls["b0"], ls["b_star"]], color=theme.fg, lw=1.0, ls=":",
            label="straight line to the minimum")
    ax.annotate("", xy=(ls["w0"] + g0[0], ls["b0"] + g0[1]), xytext=(ls["w0"], ls["b0"]),
                arrowprops={"arrowstyle": "-|>", "color": theme.c("initial"), "lw": 2.4, "mutation_scale": 18})
    ax.plot([ls["w0"]], [ls["b0"]], "o", color=theme.c("initial"), ms=8, label="initial guess and its −∇L")
    ax.plot([ls["w_star"]], [ls["b_star"]], "*", color=theme.fg, ms=14, label="minimum (least squares)")
    _square(ax, win)
    ax.set_xlabel("weight w")
    ax.set_ylabel("bias b")
    legend_below(ax, ncol=1 if theme.phone else 2, frameon=False)
    return fig


def contours_alt(r) -> str:
    ls = r["loss_surface"]
    win = ls["window"]
    return (
        f"Contour map of the training MSE over a square window, w from {fmt.num(win['w_min'], 3)} to "
        f"{fmt.num(win['w_max'], 3)} and b from {fmt.num(win['b_min'], 3)} to {fmt.num(win['b_max'], 3)}, drawn to "
        f"the same scale on both axes. The contours are ellipses around the minimum at w = {fmt.num(ls['w_star'])}, "
        f"b = {fmt.num(ls['b_star'])}, {fmt.num(ls['axis_ratio'], 3)} times longer than wide, their long axis "
        f"(the λmin direction) at {fmt.num(ls['slow_angle'], 3)}° to the w axis. Small arrows show the downhill "
        f"direction on a grid, each crossing the contours at a right angle. At the initial guess, w = "
        f"{fmt.num(ls['w0'])}, b = {fmt.num(ls['b0'])}, the downhill arrow points {fmt.num(ls['grad0_miss_deg'], 3)}° "
        f"away from the straight line to the minimum."
    )


def slices(r, theme: Theme):
    ls = r["loss_surface"]
    half = (ls["window"]["w_max"] - ls["window"]["w_min"]) / 2
    t = np.linspace(-half, half, 201)
    fig, ax = plt.subplots(figsize=theme.size((6.4, 3.9), (4.6, 4.4)))
    for key, lam, color, style in (("max", ls["lam_max"], theme.c("train"), "-"), ("min", ls["lam_min"], theme.c("truth"), "--")):
        ax.plot(t, ls["l_star"] + 0.5 * lam * t * t, color=color, ls=style, lw=2.2,
                label=f"along the λ{key} direction: λ{key} = {fmt.num(lam, 3)}")
    ax.axhline(ls["l_star"], color=theme.fg, lw=0.8, ls=":")
    ax.set_xlabel("distance t from the minimum")
    ax.set_ylabel("L")
    legend_below(ax, ncol=1, frameon=False)
    return fig


def slices_alt(r) -> str:
    ls = r["loss_surface"]
    half = (ls["window"]["w_max"] - ls["window"]["w_min"]) / 2
    return (
        f"Two parabolas: the loss along the two axes of the valley, at distance t from the minimum (t from "
        f"{fmt.num(-half, 3)} to {fmt.num(half, 3)}). Across the valley it rises as {fmt.num(ls['lam_max'] / 2, 3)}·t², "
        f"along it as {fmt.num(ls['lam_min'] / 2, 3)}·t², {fmt.num(ls['cond'], 3)} times more slowly; both start from "
        f"the minimum {fmt.num(ls['l_star'])}."
    )


def centred(r, theme: Theme):
    ls = r["loss_surface"]
    cen = ls["centred"]
    nrows, ncols = (2, 1) if theme.phone else (1, 2)
    fig, axes = plt.subplots(nrows, ncols, figsize=theme.size((6.4, 4.0), (4.6, 8.6)))
    for ax, key, title, start, star, ylab, kappa in (
            (axes[0], "raw", "x as it is", (ls["w0"], ls["b0"]), (ls["w_star"], ls["b_star"]), "bias b", ls["cond"]),
            (axes[1], "centred", "x centred (x − x̄)", (cen["w0"], cen["c0"]), (cen["w_star"], cen["c_star"]),
             "intercept c", cen["cond"])):
        ws, bs, Z = ls["_pair"][key]
        _contours(ax, ws, bs, Z, ls["levels"], theme, label_every=4)
        ax.plot(*start, "o", color=theme.c("initial"), ms=7, label="initial guess")
        ax.plot(*star, "*", color=theme.fg, ms=13, label="minimum")
        _square(ax, ls["pair"][key])
        ax.set_title(f"{title}: κ = {fmt.num(kappa, 3)}")
        ax.set_xlabel("weight w")
        ax.set_ylabel(ylab)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False)
    fig.tight_layout(rect=(0, 0.05 if theme.phone else 0.08, 1, 1))
    return fig


def centred_alt(r) -> str:
    ls = r["loss_surface"]
    cen = ls["centred"]
    return (
        f"Two contour maps of the same loss at the same scale. Left, in the coordinates (w, b): ellipses "
        f"{fmt.num(ls['axis_ratio'], 3)} times longer than wide, condition number κ = {fmt.num(ls['cond'], 3)}. Right, "
        f"with x centred, in (w, c) where c = b + w·x̄: ellipses {fmt.num(cen['axis_ratio'], 3)} times longer than "
        f"wide with their axes along w and c, κ = {fmt.num(cen['cond'], 3)}."
    )
