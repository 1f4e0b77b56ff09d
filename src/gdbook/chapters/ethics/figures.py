"""Figures of the ethics chapter."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import fmt
from gdbook.core.plotting import Theme, legend_below


def truncation(r, theme: Theme):
    t = r["ethics"]["truncation"]
    x, y = t["_x"], t["_y"]
    sample = t["_mask_truncated"]
    lo, hi = float(x.min()), float(x.max())
    fig, ax = plt.subplots(figsize=theme.size((6.4, 4.6), (4.6, 6.4)), layout="constrained")
    ax.axvspan(t["cut"], hi, color=theme.c("neutral"), alpha=0.13, linewidth=0)
    ax.scatter(x[~sample], y[~sample], s=12, facecolors="none", edgecolors=theme.c("neutral"), linewidths=0.7,
               label="population, not in the sample")
    ax.scatter(x[sample], y[sample], s=14, color=theme.c("train"), linewidths=0, alpha=0.85,
               label=f"truncated sample (x < {fmt.num(t['cut'])})")
    xs = np.linspace(lo, hi, 200)
    d = r["dataset"]
    truth = d["true_b"] + d["true_w"] * xs + t["bend"] * np.maximum(0.0, xs - t["cut"])
    ax.plot(xs, truth, color=theme.c("truth"), label="true relation")
    for key, role, style, name in (("truncated", "test", "-", "fit to the truncated sample"),
                                   ("random", "accent", "--", "fit to a random sample, same size")):
        f = t[key]
        ax.plot(xs, f["w"] * xs + f["b"], color=theme.c(role), linestyle=style, label=name)
    ax.text(t["cut"] + 0.02 * (hi - lo), ax.get_ylim()[0] + 0.04 * np.ptp(ax.get_ylim()), "left out\nof the sample",
            color=theme.fg, fontsize=theme.small, va="bottom")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    legend_below(ax, ncols=1 if theme.phone else 2)
    return fig


def truncation_alt(r) -> str:
    t = r["ethics"]["truncation"]
    tr, ra = t["truncated"], t["random"]
    above = tr["test"]["above"]["mean_error"]
    side = ("" if above is None else
            f" On the test points above the cut it predicts {'too low' if above < 0 else 'too high'} by "
            f"{fmt.num(abs(above), 3)} on average.")
    return (
        f"Scatter of {fmt.integer(t['n_population'])} points whose true relation changes slope from "
        f"{fmt.num(r['dataset']['true_w'])} to {fmt.num(t['slope_above'])} at x = {fmt.num(t['cut'])}. "
        f"The line fitted only to points below x = {fmt.num(t['cut'])} has slope {fmt.num(tr['w'])}.{side} "
        f"The line fitted to a random sample of the same size has slope {fmt.num(ra['w'])}."
    )


def error_by_region(r, theme: Theme):
    t = r["ethics"]["truncation"]
    fig, ax = plt.subplots(figsize=theme.size((6.4, 4.4), (4.6, 6.0)), layout="constrained")
    groups = [("below", f"x < {fmt.num(t['cut'])}\n(both samples)"),
              ("above", f"x ≥ {fmt.num(t['cut'])}\n(random one only)")]
    width = 0.36
    pos = np.arange(len(groups))
    for k, (key, role, name) in enumerate((("truncated", "test", "fit to the truncated sample"),
                                           ("random", "accent", "fit to a random sample"))):
        vals = [t[key]["test"][g]["mse"] or 0.0 for g, _ in groups]
        bars = ax.bar(pos + (k - 0.5) * width, vals, width, color=theme.c(role), label=name)
        for bar, v in zip(bars, vals):
            ax.text(bar.get_x() + bar.get_width() / 2, v, fmt.num(v, 3), ha="center", va="bottom",
                    fontsize=theme.small, color=theme.fg)
    ax.axhline(t["noise_var"], color=theme.c("neutral"), linestyle=":", linewidth=1.4,
               label=f"σ² = {fmt.num(t['noise_var'])}, the true line's expected error")
    ax.set_xticks(pos, [g[1] for g in groups])
    ax.set_ylabel("test MSE")
    ax.grid(axis="x", visible=False)
    ax.margins(y=0.15)
    legend_below(ax, ncols=1)
    return fig


def error_by_region_alt(r) -> str:
    t = r["ethics"]["truncation"]
    tb, ta = t["truncated"]["test"]["below"], t["truncated"]["test"]["above"]
    rb, ra = t["random"]["test"]["below"], t["random"]["test"]["above"]
    return (
        f"Bar chart of test MSE. Fitted to the truncated sample: {fmt.num(tb['mse'], 3)} below the cut and "
        f"{fmt.num(ta['mse'], 3)} above it. Fitted to a random sample: {fmt.num(rb['mse'], 3)} below and "
        f"{fmt.num(ra['mse'], 3)} above. The noise variance is {fmt.num(t['noise_var'])}."
    )


def residuals(r, theme: Theme):
    e = r["ethics"]["explain"]
    x = e["_x"]
    fig, axes = plt.subplots(*((2, 1) if theme.phone else (1, 2)), figsize=theme.size((6.4, 4.0), (4.6, 8.0)),
                             sharey=True, layout="constrained")
    for ax, key, title in ((axes[0], "linear", "true relation: a straight line"),
                           (axes[1], "bent", "true relation: bends at the cut")):
        ax.scatter(x, e[key]["_r"], s=9, color=theme.c("neutral"), alpha=0.6, linewidths=0, label="ŷ − y, each point")
        bins = e[key]["bins"]
        mids = [(bn["lo"] + bn["hi"]) / 2 for bn in bins]
        ax.plot(mids, [bn["mean"] for bn in bins], color=theme.c("accent"), marker="o", markersize=5,
                label="mean in each x-bin")
        ax.axhline(0.0, color=theme.fg, linewidth=0.8)
        ax.set_title(title, loc="left", fontsize="medium")
        ax.set_xlabel("x")
        ax.set_ylabel("residual ŷ − y")
    axes[0].legend(loc="lower left")
    return fig


def residuals_alt(r) -> str:
    e = r["ethics"]["explain"]
    lin, bent = e["linear"], e["bent"]
    return (
        f"Two residual plots. First, a line fitted to straight-line data: the bin means of ŷ − y stay within "
        f"{fmt.num(lin['largest_bin_mean'], 2)} of zero (test R² {fmt.num(lin['test']['r2'], 3)}). Second, a line "
        f"fitted to data that bend: the bin means go from {fmt.num(bent['bins'][0]['mean'], 2)} through "
        f"{fmt.num(bent['bins'][len(bent['bins']) // 2]['mean'], 2)} to {fmt.num(bent['bins'][-1]['mean'], 2)} from "
        f"left to right, with a test R² of {fmt.num(bent['test']['r2'], 3)}."
    )
