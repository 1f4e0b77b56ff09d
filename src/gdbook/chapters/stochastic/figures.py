"""Figures of the mini-batch and stochastic chapter: the three methods side by side, and the fix."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import fmt
from gdbook.core.plotting import Theme

METHODS = (("full_batch", "full batch"), ("mini_batch", "mini-batch"), ("stochastic", "stochastic"))


def by_method(r) -> dict:
    """The three descent runs by method: full batch from its chapter, mini-batch and stochastic from theirs."""
    return {"full_batch": r["full_batch"], "mini_batch": r["stochastic"]["mini_batch"], "stochastic": r["stochastic"]["sgd"]}


def label(g: dict, name: str) -> str:
    bs = f", batch {g['batch_size']}" if "batch_size" in g else ""
    return f"{name} (η = {fmt.num(g['lr'])}{bs})"


def loss_compare(r, theme: Theme):
    gd, cf = by_method(r), r["closed_form"]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(8.6, 3.9), sharey=True)
    # stochastic first, thin, so the smoother curves stay visible on top of it
    for key, name in reversed(METHODS):
        g = gd[key]
        L = g["_train_loss"]
        t = np.arange(len(L))
        ep = t * g["epochs"] / g["n_iters"]
        sto = key == "stochastic"
        kw = dict(color=theme.c(key), lw=0.7 if sto else 2.0, alpha=0.8 if sto else 1.0, label=label(g, name))
        a1.plot(t, L, **kw)
        a2.plot(ep[1:], L[1:], **kw)
    for ax in (a1, a2):
        ax.axhline(gd["full_batch"]["initial_train_mse"], color=theme.fg, lw=1.0, ls="--")
        ax.axhline(cf["train_mse"], color=theme.fg, lw=1.0, ls=":")
        ax.set_yscale("log")
    a2.text(0.02, gd["full_batch"]["initial_train_mse"] * 1.2, "start", ha="left", va="bottom",
            transform=a2.get_yaxis_transform(), fontsize=9, color=theme.fg)
    a2.text(0.02, cf["train_mse"] * 0.83, "minimum", ha="left", va="top",
            transform=a2.get_yaxis_transform(), fontsize=9, color=theme.fg)
    a1.set_xlabel("update t")
    a2.set_xlabel("epoch (log scale)")
    a2.set_xscale("log")
    a1.set_ylabel("training MSE (log scale)")
    handles, labels = a1.get_legend_handles_labels()
    fig.legend(handles[::-1], labels[::-1], loc="upper center", ncol=3, fontsize=8.5, bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    return fig


def loss_compare_alt(r) -> str:
    gd = by_method(r)
    parts = []
    for key, name in METHODS:
        g = gd[key]
        parts.append(
            f"{name} ({fmt.integer(g['n_iters'])} updates, {fmt.num(g['epochs'])} epochs) ends at "
            f"{fmt.num(g['train_mse'])}"
        )
    return (
        "Training MSE on a log scale against updates (left) and epochs (right), from the common start "
        f"{fmt.num(gd['full_batch']['initial_train_mse'])}: " + "; ".join(parts) +
        f". The stochastic curve jumps up and down by orders of magnitude, up to {fmt.num(gd['stochastic']['max_train_mse'])}."
    )


def diagnostics(r, theme: Theme):
    gd, d, cf = by_method(r), r["dataset"], r["closed_form"]
    x, y, te = d["_x"], d["_y"], d["_is_test"]
    fig, axes = plt.subplots(3, 3, figsize=(9.0, 7.6))
    for j, (key, name) in enumerate(METHODS):
        g = gd[key]
        a, b_, c = axes[0, j], axes[1, j], axes[2, j]
        t = np.arange(len(g["_w"]))
        a.plot(t, g["_w"], color=theme.c(key), lw=1.2, label="w")
        a.plot(t, g["_b"], color=theme.c("accent"), lw=1.2, ls="--", label="b")
        a.axhline(cf["w"], color=theme.fg, lw=0.8, ls=":")
        a.axhline(cf["b"], color=theme.fg, lw=0.8, ls=":")
        a.set_title(label(g, name), fontsize=9.5)
        a.set_xlabel("update t", fontsize=9)
        if j == 0:
            a.set_ylabel("w and b")
            a.legend(loc="center right", fontsize=8)
        grad = np.hypot(g["_dw"], g["_db"])
        b_.plot(np.arange(1, len(grad) + 1), grad, color=theme.c(key), lw=1.0)
        b_.set_yscale("log")
        b_.set_xlabel("update t", fontsize=9)
        if j == 0:
            b_.set_ylabel("‖batch gradient‖")
        res = y - (g["w"] * x + g["b"])
        c.scatter(x[~te], res[~te], s=8, marker="o", color=theme.c("train"), alpha=0.7, linewidths=0)
        c.scatter(x[te], res[te], s=14, marker="^", facecolors="none", edgecolors=theme.c("test"), linewidths=0.9)
        c.axhline(0, color=theme.fg, lw=0.8)
        c.set_xlabel("x", fontsize=9)
        c.set_title(f"test MSE {fmt.num(g['test_mse'])}, R² {fmt.num(g['r2_test'], 3)}", fontsize=9)
        if j == 0:
            c.set_ylabel("final residual y − ŷ")
    fig.tight_layout()
    return fig


def diagnostics_alt(r) -> str:
    gd, cf = by_method(r), r["closed_form"]
    s = gd["stochastic"]
    return (
        "Three columns, one per method (full batch, mini-batch, stochastic), each with three panels: w and b over "
        "the updates against the least-squares values, the size of the batch gradient, and the final residuals "
        f"against x. Full batch ends at w = {fmt.num(gd['full_batch']['w'])} (least squares {fmt.num(cf['w'])}) with "
        f"gradient {fmt.sci(float(np.hypot(gd['full_batch']['final_dw'], gd['full_batch']['final_db'])))}; mini-batch "
        f"ends at w = {fmt.num(gd['mini_batch']['w'])} with a gradient that stays noisy; stochastic ends at "
        f"w = {fmt.num(s['w'])}, b = {fmt.num(s['b'])}, and its residuals sit far from zero (test MSE {fmt.num(s['test_mse'])})."
    )


def fix(r, theme: Theme):
    gd, sg, cf = by_method(r), r["stochastic"], r["closed_form"]
    fig, ax = plt.subplots(figsize=(6.8, 4.0))
    runs = ((gd["stochastic"], "stochastic", f"η = {fmt.num(gd['stochastic']['lr'])}"),
            (sg["decay"], "mini_batch", f"η = {fmt.num(sg['decay']['lr'])}/(1 + {fmt.num(sg['decay']['decay'])}·t)"),
            (sg["fixed"], "fixed", f"η = {fmt.num(sg['fixed']['lr'])}"))
    for g, role, name in runs:
        L = g["_train_loss"]
        sto = role == "stochastic"
        ax.plot(np.arange(len(L)), L, color=theme.c(role), lw=0.7 if sto else 1.8, alpha=0.75 if sto else 1.0,
                label=f"{name}: ends at {fmt.num(g['train_mse'])}", zorder=1 if sto else 2)
    ax.axhline(gd["stochastic"]["initial_train_mse"], color=theme.fg, lw=0.9, ls="--", label="start")
    ax.axhline(cf["train_mse"], color=theme.fg, lw=0.9, ls=":", label="minimum")
    ax.set_yscale("log")
    ax.set_xlabel("update t (one example each)")
    ax.set_ylabel("training MSE (log scale)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=8.5)
    fig.tight_layout()
    return fig


def fix_alt(r) -> str:
    gd, sg = by_method(r), r["stochastic"]
    st = gd["stochastic"]
    return (
        f"Training MSE of three stochastic runs over {fmt.integer(st['n_iters'])} updates, log scale. With η = "
        f"{fmt.num(st['lr'])} the loss spikes up to {fmt.num(st['max_train_mse'])} and ends at {fmt.num(st['train_mse'])}, "
        f"above the start {fmt.num(st['initial_train_mse'])}. With η = {fmt.num(sg['fixed']['lr'])} it falls smoothly to "
        f"{fmt.num(sg['fixed']['train_mse'])}; with the decaying rate it spikes early (up to "
        f"{fmt.num(sg['decay']['max_train_mse'])}) and then settles at {fmt.num(sg['decay']['train_mse'])}."
    )


def repeats(r, theme: Theme):
    sg = r["stochastic"]
    rep = sg["repeats"]
    fig, ax = plt.subplots(figsize=(6.4, 2.9))
    names = [("stochastic", f"η = {fmt.num(r['stochastic']['sgd']['lr'])}"),
             ("fixed", f"η = {fmt.num(sg['fixed']['lr'])}"),
             ("decay", "decaying η")]
    cats = (("below_start", "ends below start", theme.c("fixed"), ""),
            ("above_start", "ends above start", theme.c("initial"), "//"),
            ("diverged", "diverges", theme.c("stochastic"), "xx"))
    ypos = np.arange(len(names))[::-1]
    left = np.zeros(len(names))
    for key, lab, col, hatch in cats:
        vals = np.array([rep[n][key] for n, _ in names], dtype=float)
        ax.barh(ypos, vals, left=left, color=col, hatch=hatch, edgecolor=theme.fg, linewidth=0.5, label=lab)
        left += vals
    ax.set_yticks(ypos, [lab for _, lab in names])
    ax.set_xlabel(f"runs (shuffle seeds {rep['seeds_from']} to {rep['seeds_to']})")
    ax.set_xlim(0, rep["runs"])
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=3, fontsize=8.5)
    fig.tight_layout()
    return fig


def repeats_alt(r) -> str:
    rep = r["stochastic"]["repeats"]
    s = rep["stochastic"]
    return (
        f"Stacked bars over {rep['runs']} shuffles each. With η = {fmt.num(r['stochastic']['sgd']['lr'])}: "
        f"{s['below_start']} runs end below the start, {s['above_start']} above it and {s['diverged']} diverge. "
        f"With η = {fmt.num(r['stochastic']['fixed']['lr'])}: {rep['fixed']['below_start']} below, {rep['fixed']['above_start']} above, "
        f"{rep['fixed']['diverged']} diverge. With the decaying rate: {rep['decay']['below_start']} below, "
        f"{rep['decay']['above_start']} above, {rep['decay']['diverged']} diverge."
    )
