"""Figures of the mini-batch and stochastic chapter: cost per example seen, the paths, where the loss rests
(runs against the mean-square model), one example's step, and the too-large step of the case study.

Every figure is drawn for a wide screen and a phone (``theme.phone``: panels stacked, legends below), and
must stay true whether a run settles, is still descending, has no resting level or diverged.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from gdbook.core import fmt
from gdbook.core.paths import box, draw_contours, equal_window, fading_path, log_ticks
from gdbook.core.plotting import Theme, legend_below

LAST = 40  # updates of the too-large step's path that its figure draws

METHODS = (("full_batch", "full batch"), ("mini_batch", "mini-batch"), ("stochastic", "stochastic"))


def runs(r) -> dict:
    sg = r["stochastic"]
    return {"full_batch": sg["_full"], "mini_batch": sg["mini_batch"], "stochastic": sg["sgd"]}


def name_of(g: dict, name: str, n_train: int) -> str:
    bs = g.get("batch_size", n_train)
    return f"{name}, B = {fmt.integer(bs)}, η = {fmt.num(g['lr'])}"


def plain_log_y(ax, values) -> None:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    log_ticks(ax.yaxis, float(v.min()) * 0.9, float(v.max()) * 1.1)


def positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: a loss of exactly zero (noise-free data) drawn at the smallest positive one."""
    v = np.asarray(values, dtype=float)
    pos = v[v > 0]
    return np.maximum(v, pos.min() if len(pos) else 1e-300)


def cost(r, theme: Theme):
    sg, n = r["stochastic"], r["stochastic"]["n_train"]
    fig, ax = plt.subplots(figsize=theme.size((6.2, 4.2), (4.3, 5.6)))
    for key, name in reversed(METHODS):
        g = runs(r)[key]
        L = positive(g["_train_loss"])
        per = g.get("batch_size", n) / n
        ep = np.arange(1, len(L)) * per
        ax.plot(ep, L[1:], color=theme.c(key), lw=0.9 if key == "stochastic" else 2.0,
                alpha=0.85 if key == "stochastic" else 1.0, label=name_of(g, name, n))
    ax.axhline(sg["min_train_mse"], color=theme.fg, lw=1.0, ls=":", label="least-squares minimum")
    ax.axhline(sg["sgd"]["initial_train_mse"], color=theme.fg, lw=1.0, ls="--", label="start")
    ax.axvline(sg["compare_examples"] / n, color=theme.c("neutral"), lw=1.0)
    ax.set_xscale("log")
    ax.set_yscale("log")
    plain_log_y(ax, np.concatenate([positive(runs(r)[k]["_train_loss"]) for k, _ in METHODS] + [[sg["min_train_mse"]]]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.num(v, 2)))
    ax.set_xlabel("epochs = examples seen ÷ n (log scale)" if not theme.phone else "epochs (log scale)")
    ax.set_ylabel("training MSE (log scale)")
    handles, labels = ax.get_legend_handles_labels()
    order = [2, 1, 0, 3, 4]
    legend_below(ax, handles=[handles[i] for i in order], labels=[labels[i] for i in order],
                 ncol=1 if theme.phone else 2)
    fig.tight_layout()
    return fig


def cost_alt(r) -> str:
    sg = r["stochastic"]
    parts = []
    for key, name in METHODS:
        c = sg["compare"][key]
        if c["loss"] is None:
            parts.append(f"{name} diverged before then")
        else:
            parts.append(f"{name} {fmt.num(c['loss'])} after {fmt.integer(c['updates'])} update{'s' if c['updates'] != 1 else ''}")
    when = "one epoch" if sg["compare_is_epoch"] else f"{fmt.integer(sg['compare_examples'])} examples"
    return ("Training MSE of the three methods against epochs, both axes on log scales. After " + when
            + " (the vertical line) the losses are: " + "; ".join(parts) + ".")


def _paths_panel(ax, g: dict, sg: dict, theme: Theme, role: str, title: str, start: dict | None = None) -> tuple:
    """A path on the contours, in a window around it and the minimum (and the start, when it is part of it)."""
    theta = sg["_theta"]
    start = start or g
    w_all, b_all = np.append(g["_w"], [theta[0], start["_w"][0]]), np.append(g["_b"], [theta[1], start["_b"][0]])
    window = box(w_all, b_all, margin=0.1)
    equal_window(ax, window)
    draw_contours(ax, sg["_quad"], sg["min_train_mse"], theme)
    step = fading_path(ax, g["_w"], g["_b"], theme.c(role), lw=1.0)
    ax.plot([start["_w"][0]], [start["_b"][0]], "o", color=theme.c("initial"), ms=8, mec=theme.fg, mew=0.8, zorder=5)
    ax.plot([theta[0]], [theta[1]], "*", color=theme.fg, ms=13, zorder=5)
    ax.set_title(title, fontsize=theme.small + 1)
    ax.set_xlabel("weight w")
    ax.set_ylabel("bias b")
    ax.grid(False)
    return window, step


def paths(r, theme: Theme):
    sg = r["stochastic"]
    n = sg["n_train"]
    shape = (2, 1) if theme.phone else (1, 2)
    fig, axes = plt.subplots(*shape, figsize=theme.size((6.2, 3.9), (4.3, 8.4)))
    for ax, key, name in ((axes[0], "mini_batch", "mini-batch"), (axes[1], "stochastic", "stochastic")):
        g = runs(r)[key]
        _paths_panel(ax, g, sg, theme, key, name_of(g, name, n))
    handles = [plt.Line2D([], [], color=theme.fg, lw=1.1, alpha=0.25), plt.Line2D([], [], color=theme.fg, lw=1.1),
               plt.Line2D([], [], ls="", marker="o", color=theme.c("initial"), mec=theme.fg, ms=8),
               plt.Line2D([], [], ls="", marker="*", color=theme.fg, ms=13)]
    fig.legend(handles, ["early updates (pale)", "late updates (solid)", "start", "least squares (w*, b*)"],
               loc="lower center", ncol=2, bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout(rect=(0, 0.09 if theme.phone else 0.16, 1, 1))
    return fig


def paths_alt(r) -> str:
    sg = r["stochastic"]
    text = ("Two contour maps of the training MSE over w and b, one scale on both axes, each with a path that is "
            "pale for early updates and solid for late ones. ")
    for key, name in (("mini_batch", "Mini-batch"), ("stochastic", "Stochastic")):
        g = runs(r)[key]
        if g["status"] == "diverged":
            text += f"{name}: the path runs away from the minimum and the run diverges at update {fmt.integer(g['diverged_at'])}. "
        elif g["status"] == "unstable":
            text += f"{name}: the path scatters widely around the valley and never gathers at the minimum. "
        elif g["status"] == "descending":
            text += f"{name}: the path is still on its way down the valley after {fmt.integer(g['n_iters'])} updates. "
        elif sg["noise_free"]:
            text += f"{name}: the path runs down the valley to the minimum. "
        else:
            text += (f"{name}: the path runs down towards the minimum with a visible jitter, then keeps moving in a "
                     f"small tangle around it. ")
    return text.strip()


def settle(r, theme: Theme):
    sg = r["stochastic"]
    n, low = sg["n_train"], sg["min_train_mse"]
    shape = (2, 1) if theme.phone else (1, 2)
    fig, axes = plt.subplots(*shape, figsize=theme.size((6.2, 4.0), (4.3, 9.0)), sharey=not theme.phone)
    shown = []
    for ax, key, name in ((axes[0], "mini_batch", "mini-batch"), (axes[1], "stochastic", "stochastic")):
        g = runs(r)[key]
        excess = positive(g["_train_loss"] - low)
        t = np.arange(len(excess))
        ax.plot(t, excess, color=theme.c(key), lw=0.8, alpha=0.8, label=f"{name} run")
        ex = g["_expected"][: len(t)] - low
        ok = np.isfinite(ex) & (ex > 0)
        ax.plot(t[ok], ex[ok], color=theme.fg, lw=1.8, label="expected (model)")
        shown += [excess, ex[ok]]
        if key == "stochastic" and sg["_mean_loss"] is not None:
            avg = positive(sg["_mean_loss"] - low)
            ax.plot(np.arange(len(avg)), avg, color=theme.c("full_batch"), lw=1.4, ls="--",
                    label=f"average of {sg['repeats']['runs']} shuffled runs")
            shown.append(avg)
        if g["rest_excess"] is not None and g["rest_excess"] > 0:
            ax.axhline(g["rest_excess"], color=theme.fg, lw=1.0, ls=(0, (1, 2)), label="resting level (model)")
        ax.set_yscale("log")
        ax.set_title(name_of(g, name, n), fontsize=theme.small + 1)
        ax.set_xlabel("update t")
        ax.set_ylabel("L − L* (log scale)")
    for ax in axes:
        plain_log_y(ax, np.concatenate(shown))
    if not theme.phone:
        axes[1].set_ylabel("")
    handles = {}
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    fig.legend(list(handles.values()), list(handles), loc="lower center", ncol=1 if theme.phone else 3,
               bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout(rect=(0, 0.2 if theme.phone else 0.2, 1, 1))
    return fig


def settle_alt(r) -> str:
    sg = r["stochastic"]
    text = "Two line charts of the training MSE over the updates, log scale. "
    for key, name in (("mini_batch", "Mini-batch"), ("stochastic", "Stochastic")):
        g = runs(r)[key]
        if g["rest_loss"] is not None:
            text += (f"{name}: the run falls from {fmt.num(g['initial_train_mse'])} and then jitters around the model's "
                     f"resting level {fmt.num(g['rest_loss'])}, above the minimum {fmt.num(sg['min_train_mse'])}; it ends at "
                     f"{fmt.num(g['train_mse'])}. ")
        else:
            text += (f"{name}: the model's expected loss has no resting level at this step; the run "
                     f"{'diverges' if g['diverged'] else 'ends at ' + fmt.num(g['train_mse'])}. ")
    if sg["average"] is not None:
        text += (f"The average of {sg['repeats']['runs']} shuffled stochastic runs rests at {fmt.num(sg['average']['mean'])}.")
    return text.strip()


def overshoot(r, theme: Theme):
    sg = r["stochastic"]
    one = sg["one_example"]
    x = np.sort(sg["_x"])
    fig, ax = plt.subplots(figsize=theme.size((6.2, 4.0), (4.3, 5.2)))
    xs = np.linspace(min(x.min(), 0.0), x.max(), 200)
    for lr, role in ((one["at_lr"]["lr"], "fixed"), (one["at_large"]["lr"], "stochastic")):
        ax.plot(xs, 1 - 2 * lr * (1 + xs * xs), color=theme.c(role), lw=1.8, label=f"η = {fmt.num(lr)}")
        ax.plot(x, 1 - 2 * lr * (1 + x * x), "o", color=theme.c(role), ms=3.5, alpha=0.6)
    ax.axhline(0, color=theme.fg, lw=1.0)
    ax.axhline(-1, color=theme.fg, lw=1.0, ls="--")
    ax.text(0.02, -0.06, "below 0: the residual changes sign", transform=ax.get_yaxis_transform(), ha="left",
            va="top", fontsize=theme.small, color=theme.fg)
    ax.text(0.02, -1.06, "below −1: it grows", transform=ax.get_yaxis_transform(), ha="left", va="top",
            fontsize=theme.small, color=theme.fg)
    ax.set_xlabel("x of the example (dots: the training points)")
    ax.set_ylabel("new residual ÷ old, 1 − 2η(1 + x²)")
    legend_below(ax, ncol=2)
    fig.tight_layout()
    return fig


def overshoot_alt(r) -> str:
    one = r["stochastic"]["one_example"]
    a, b = one["at_lr"], one["at_large"]
    return (
        f"The factor 1 − 2η(1 + x²) that one step on an example multiplies its residual by, against the example's x, "
        f"for η = {fmt.num(a['lr'])} and η = {fmt.num(b['lr'])}. At η = {fmt.num(a['lr'])}, {fmt.pct(a['sign'])} of the "
        f"training points have a factor below 0 and {fmt.pct(a['grow'])} below −1; at η = {fmt.num(b['lr'])}, "
        f"{fmt.pct(b['sign'])} below 0 (the residual changes sign) and {fmt.pct(b['grow'])} below −1 (it grows)."
    )


def large(r, theme: Theme):
    sg = r["stochastic"]
    shape = (2, 1) if theme.phone else (1, 2)
    fig, (a1, a2) = plt.subplots(*shape, figsize=theme.size((6.2, 4.0), (4.3, 8.6)),
                                 gridspec_kw=None if theme.phone else {"width_ratios": [3, 2]})
    for g, role, name in ((sg["large"], "stochastic", f"η = {fmt.num(sg['large']['lr'])}"),
                          (sg["decay"], "accent", f"ηₜ = {fmt.num(sg['decay']['lr'])}/(1 + {fmt.num(sg['decay']['decay'])}·t)"),
                          (sg["sgd"], "fixed", f"η = {fmt.num(sg['sgd']['lr'])}")):
        L = positive(g["_train_loss"])
        a1.plot(np.arange(len(L)), L, color=theme.c(role), lw=0.8 if role == "stochastic" else 1.4,
                alpha=0.85, label=name)
    a1.axhline(sg["sgd"]["initial_train_mse"], color=theme.fg, lw=1.0, ls="--", label="start")
    a1.axhline(max(sg["min_train_mse"], 1e-300), color=theme.fg, lw=1.0, ls=":", label="minimum")
    a1.set_yscale("log")
    plain_log_y(a1, np.concatenate([positive(g["_train_loss"]) for g in (sg["large"], sg["decay"], sg["sgd"])]))
    a1.set_xlabel("update t (one example each)")
    a1.set_ylabel("training MSE (log scale)")
    legend_below(a1, ncol=2)
    g = sg["large"]
    k = min(LAST, len(g["_w"]) - 1)  # the last k updates: a thousand jumps this large would cover the map
    tail = {"_w": g["_w"][-k - 1:], "_b": g["_b"][-k - 1:]}
    _paths_panel(a2, tail, sg, theme, "stochastic", f"its last {k} updates (pale: earlier)", start=g)
    fig.tight_layout()
    return fig


def large_alt(r) -> str:
    sg = r["stochastic"]
    g, d, s = sg["large"], sg["decay"], sg["sgd"]

    def ending(run_: dict) -> str:
        if run_["diverged"]:
            return f"diverges at update {fmt.integer(run_['diverged_at'])}"
        return f"ends at {fmt.num(run_['train_mse'])}"

    return (
        f"First panel: training MSE of three stochastic runs over {fmt.integer(s['n_iters_set'])} updates, log scale, from the "
        f"start {fmt.num(s['initial_train_mse'])} (minimum {fmt.num(sg['min_train_mse'])}). With η = {fmt.num(g['lr'])} the "
        f"run {ending(g)}; with the decaying step it {ending(d)}; with η = {fmt.num(s['lr'])} it {ending(s)}. Second panel: the "
        f"last {min(LAST, len(g['_w']) - 1)} updates of the run at η = {fmt.num(g['lr'])} on the loss contours, pale for "
        f"earlier ones: jumps as long as the distance from the start to the minimum."
    )
