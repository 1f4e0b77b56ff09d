"""Figures of the full-batch chapter: loss, parameters, gradients, final line and residuals."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.legend_handler import HandlerTuple

from gdbook.core import fmt
from gdbook.core.plotting import Theme, draw_sets, line_label


def plain_log_ticks(ax, lo: float, hi: float) -> None:
    """Log-scale y ticks at 1-2-5 steps, written as plain numbers (no 6 × 10⁻¹ clutter)."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator

    ticks = [m * 10.0 ** e for e in range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1) for m in (1, 2, 5)]
    ticks = [t for t in ticks if lo <= t <= hi]
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.num(v, 2)))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_minor_formatter(NullFormatter())


def loss(r, theme: Theme):
    g, cf = r["full_batch"], r["closed_form"]
    fig, ax = plt.subplots()
    t = np.arange(len(g["_train_loss"]))
    ax.plot(t, g["_train_loss"], color=theme.c("train"), label="training MSE")
    ax.plot(t, g["_test_loss"], color=theme.c("test"), ls="--", label="test MSE")
    ax.axhline(cf["train_mse"], color=theme.fg, lw=0.9, ls=":", label=f"least-squares training MSE {fmt.num(cf['train_mse'])}")
    ax.set_yscale("log")
    both = np.concatenate([g["_train_loss"], g["_test_loss"]])
    plain_log_ticks(ax, float(both.min()) * 0.9, float(both.max()) * 1.1)
    ax.set_xlabel("update t (full batch: one update = one epoch)")
    ax.set_ylabel("MSE (log scale)")
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


def loss_alt(r) -> str:
    g = r["full_batch"]
    return (
        f"Line chart, log scale: full-batch descent with η = {fmt.num(g['lr'])} lowers the training MSE from "
        f"{fmt.num(g['initial_train_mse'])} to {fmt.num(g['train_mse'])} in {fmt.integer(g['n_iters'])} updates; "
        f"it is within 1 % of its minimum after {fmt.integer(g['updates_loss_1pct'])} updates. The test MSE follows "
        f"it down to {fmt.num(g['test_mse'])}."
    )


def params(r, theme: Theme):
    g, cf, d = r["full_batch"], r["closed_form"], r["dataset"]
    fig, axes = plt.subplots(2, 1, figsize=(6.4, 5.6), sharex=True)
    t = np.arange(len(g["_w"]))
    for ax, key, name in ((axes[0], "w", "weight w"), (axes[1], "b", "bias b")):
        ax.plot(t, g["_" + key], color=theme.c("full_batch"), label=f"{key} during descent")
        ax.axhline(d["true_" + key], color=theme.c("truth"), ls="--", lw=1.2, label=f"true {key} = {fmt.num(d['true_' + key])}")
        ax.axhline(cf[key], color=theme.fg, ls=":", lw=1.2, label=f"least squares {fmt.num(cf[key])}")
        ax.set_ylabel(name)
        # the legend goes in the half of the panel the curve leaves empty after its first updates
        ends_high = g["_" + key][-1] > 0.5 * (np.max(g["_" + key]) + np.min(g["_" + key]))
        ax.legend(loc="center right" if ends_high else "upper right", fontsize=8.5)
    axes[1].set_xlabel("update t")
    fig.tight_layout()
    return fig


def params_alt(r) -> str:
    g, cf, d = r["full_batch"], r["closed_form"], r["dataset"]
    return (
        f"Two stacked line charts over {fmt.integer(g['n_iters'])} updates. The weight w rises from {fmt.num(float(g['_w'][0]))} "
        f"to {fmt.num(g['w'])}, settling on the least-squares value {fmt.num(cf['w'])} rather than the true "
        f"{fmt.num(d['true_w'])}; the bias b moves from {fmt.num(float(g['_b'][0]))} to {fmt.num(g['b'])} "
        f"(least squares {fmt.num(cf['b'])}, true {fmt.num(d['true_b'])})."
    )


def gradients(r, theme: Theme):
    g = r["full_batch"]
    fig, ax = plt.subplots()
    t = np.arange(1, len(g["_dw"]) + 1)
    ax.plot(t, np.abs(g["_dw"]), color=theme.c("full_batch"), label="|∂L/∂w|")
    ax.plot(t, np.abs(g["_db"]), color=theme.c("accent"), ls="--", label="|∂L/∂b|")
    ax.set_yscale("log")
    ax.set_xlabel("update t")
    ax.set_ylabel("|gradient| (log scale)")
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


def gradients_alt(r) -> str:
    g = r["full_batch"]
    return (
        f"Line chart, log scale: the sizes of ∂L/∂w and ∂L/∂b fall from {fmt.num(abs(g['_dw'][0]))} and "
        f"{fmt.num(abs(g['_db'][0]))} at the first update to {fmt.sci(abs(g['final_dw']))} and "
        f"{fmt.sci(abs(g['final_db']))} at the last: the gradient goes to zero, it does not approach the parameters' values."
    )


def fit(r, theme: Theme):
    d, g = r["dataset"], r["full_batch"]
    fig, ax = plt.subplots()
    draw_sets(ax, d, theme)
    xs = np.array([d["x_min"], d["x_max"]])
    ax.plot(xs, d["true_b"] + d["true_w"] * xs, color=theme.c("truth"), ls="--", lw=1.4,
            label=line_label("true line", d["true_w"], d["true_b"]))
    ax.plot(xs, g["b"] + g["w"] * xs, color=theme.c("fit"), lw=2.2, label=line_label("after descent", g["w"], g["b"]))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper left", fontsize=9)
    return fig


def fit_alt(r) -> str:
    g = r["full_batch"]
    return (
        f"The line after full-batch descent, ŷ = {fmt.num(g['w'])}x {'+' if g['b'] >= 0 else '−'} {fmt.num(abs(g['b']))}, "
        f"runs through the middle of the training circles and test triangles, close to the true line; R² on the test "
        f"split is {fmt.num(g['r2_test'])}."
    )


def residuals(r, theme: Theme):
    d, g = r["dataset"], r["full_batch"]
    x, y, t = d["_x"], d["_y"], d["_is_test"]
    res = y - (g["w"] * x + g["b"])
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(8.0, 3.4), gridspec_kw={"width_ratios": [3, 2]})
    a1.scatter(x[~t], res[~t], s=14, marker="o", color=theme.c("train"), alpha=0.7, linewidths=0, label="train")
    a1.scatter(x[t], res[t], s=26, marker="^", facecolors="none", edgecolors=theme.c("test"), linewidths=1.1, label="test")
    a1.axhline(0, color=theme.fg, lw=0.9)
    a1.set_xlabel("x")
    a1.set_ylabel("residual y − ŷ")
    bins = np.linspace(res.min(), res.max(), 16)
    a2.hist([res[~t], res[t]], bins=bins, stacked=True, color=[theme.c("train"), theme.c("test")],
            label=["train", "test"])
    a2.set_xlabel("residual y − ŷ")
    a2.set_ylabel("count")
    h1, l1 = a1.get_legend_handles_labels()
    h2, _ = a2.get_legend_handles_labels()
    fig.legend([(h1[0], h2[0]), (h1[1], h2[1])], [f"train ({int((~t).sum())} points)", f"test ({int(t.sum())} points)"],
               loc="upper center", ncol=2, fontsize=9, bbox_to_anchor=(0.5, 1.0),
               handler_map={tuple: HandlerTuple(ndivide=None, pad=0.6)}, handlelength=3.0)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    return fig


def residuals_alt(r) -> str:
    d, g = r["dataset"], r["full_batch"]
    x, y = d["_x"], d["_y"]
    res = y - (g["w"] * x + g["b"])
    return (
        f"Left: residuals y − ŷ against x, scattered evenly around zero with no trend, between {fmt.num(res.min(), 3)} "
        f"and {fmt.num(res.max(), 3)}. Right: their histogram, a single bump centred near {fmt.num(float(np.mean(res)), 2)} "
        f"with standard deviation {fmt.num(float(np.std(res)), 3)}, close to the noise level {fmt.num(d['noise_std'])}."
    )
