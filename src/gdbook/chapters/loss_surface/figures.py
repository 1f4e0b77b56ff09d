"""Figure of the loss-surface chapter: contours of L(w, b) with the three descent paths."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import fmt
from gdbook.core.plotting import Theme


def by_method(r) -> dict:
    """The three descent runs by method: full batch from its chapter, mini-batch and stochastic from theirs."""
    return {"full_batch": r["full_batch"], "mini_batch": r["stochastic"]["mini_batch"], "stochastic": r["stochastic"]["sgd"]}


def surface(r, theme: Theme):
    ls, gd, cf = r["loss_surface"], by_method(r), r["closed_form"]
    fig, ax = plt.subplots(figsize=(6.8, 5.0))
    Z = ls["_Z"]
    levels = np.geomspace(cf["train_mse"] * 1.02, Z.max(), 14)
    cs = ax.contour(ls["_ws"], ls["_bs"], Z, levels=levels, colors=theme.c("neutral"), linewidths=0.7)
    ax.clabel(cs, cs.levels[::3], fontsize=7.5, fmt=lambda v: fmt.num(v, 2))
    # the stochastic iterates as dots (a line through them would hide everything), the others as paths
    st = gd["stochastic"]
    ax.plot(st["_w"], st["_b"], ".", ms=2.5, color=theme.c("stochastic"), alpha=0.5,
            label=f"stochastic ({fmt.integer(st['n_iters'])} iterates)")
    for key, name, lw in (("mini_batch", "mini-batch", 1.1), ("full_batch", "full batch", 2.2)):
        g = gd[key]
        ax.plot(g["_w"], g["_b"], color=theme.c(key), lw=lw, label=f"{name} ({fmt.integer(g['n_iters'])} updates)")
    ax.plot([r["model_and_loss"]["initial"]["w"]], [r["model_and_loss"]["initial"]["b"]], "o", color=theme.c("initial"), ms=7, label="start")
    ax.plot([cf["w"]], [cf["b"]], "*", color=theme.fg, ms=12, label="least-squares minimum")
    ax.set_xlim(ls["w_min"], ls["w_max"])
    ax.set_ylim(ls["b_min"], ls["b_max"])
    ax.set_xlabel("weight w")
    ax.set_ylabel("bias b")
    ax.grid(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, fontsize=8.5)
    fig.tight_layout()
    return fig


def surface_alt(r) -> str:
    ls, gd, cf = r["loss_surface"], by_method(r), r["closed_form"]
    return (
        f"Contour map of the training MSE over w from {fmt.num(ls['w_min'], 3)} to {fmt.num(ls['w_max'], 3)} and b from "
        f"{fmt.num(ls['b_min'], 3)} to {fmt.num(ls['b_max'], 3)}: nested ellipses, {fmt.num(ls['axis_ratio'], 3)} times longer "
        f"than wide, around the single minimum at w = {fmt.num(cf['w'])}, b = {fmt.num(cf['b'])}. From the start at "
        f"w = {fmt.num(r['model_and_loss']['initial']['w'])}, b = {fmt.num(r['model_and_loss']['initial']['b'])}, the full-batch path curves smoothly into the "
        f"minimum, the mini-batch path wobbles along it, and the stochastic iterates scatter over the whole valley; "
        f"{fmt.pct(1 - ls['share_inside']['stochastic'])} of its points lie outside the plotted window."
    )
