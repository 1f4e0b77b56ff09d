"""Figures of the data chapter: the points around their line, the noise they carry, and two ways to split them."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import fmt
from gdbook.core.plotting import Theme, legend_below


def true_line_label(d) -> str:
    return f"true line y = {d['line_text']}"


def scatter(r, theme: Theme):
    d = r["dataset"]
    fig, ax = plt.subplots(figsize=theme.size((6.4, 4.2), (4.6, 4.6)))
    xs = np.array([d["x_min"], d["x_max"]])
    line = d["true_b"] + d["true_w"] * xs
    two = 2 * d["noise_std"]
    ax.fill_between(xs, line - two, line + two, color=theme.c("truth"), alpha=0.15, linewidth=0,
                    label="within 2σ of the line")
    ax.scatter(d["_x"], d["_y"], s=12 if theme.phone else 14, color=theme.c("train"), alpha=0.75, linewidths=0,
               label=f"{fmt.integer(d['n'])} points (x, y)")
    ax.plot(xs, line, color=theme.c("truth"), lw=2, label=true_line_label(d))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    legend_below(ax, ncol=1 if theme.phone else 3, frameon=False)
    return fig


def scatter_alt(r) -> str:
    d = r["dataset"]
    nz = d["noise"]
    return (
        f"Scatter plot of {fmt.integer(d['n'])} points with x from {fmt.num(d['x']['min'], 3)} to "
        f"{fmt.num(d['x']['max'], 3)} and y from {fmt.num(d['y']['min'], 3)} to {fmt.num(d['y']['max'], 3)}, "
        f"scattered about the {true_line_label(d)}; a shaded band 2σ = {fmt.num(2 * d['noise_std'])} either side "
        f"of the line holds {fmt.pct(nz['within_2'])} of them."
    )


def noise(r, theme: Theme):
    d = r["dataset"]
    eps, sigma = d["_eps"], d["noise_std"]
    fig, ax = plt.subplots(figsize=theme.size((6.4, 3.8), (4.6, 4.0)))
    bins = int(np.clip(np.sqrt(len(eps)) * 1.5, 10, 40))
    lim = max(4 * sigma, float(np.max(np.abs(eps))) * 1.02)
    ax.hist(eps, bins=bins, range=(-lim, lim), density=True, color=theme.c("train"), alpha=0.55,
            label=f"the {fmt.integer(len(eps))} noise values drawn")
    t = np.linspace(-lim, lim, 400)
    ax.plot(t, np.exp(-0.5 * (t / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi)), color=theme.c("truth"), lw=2,
            label=f"normal density, σ = {fmt.num(sigma)}")
    for k in (-1, 1):
        ax.axvline(k * sigma, color=theme.fg, lw=0.8, ls=":")
    ax.set_xlabel("noise ε = y − (line at x)")
    ax.set_ylabel("density")
    legend_below(ax, ncol=1 if theme.phone else 2, frameon=False)
    return fig


def noise_alt(r) -> str:
    d = r["dataset"]
    nz = d["noise"]
    return (
        f"Histogram of the {fmt.integer(d['n'])} noise values, centred near 0 (mean {fmt.num(nz['mean'], 2)}) with "
        f"standard deviation {fmt.num(nz['std'], 3)}, under the bell curve of the normal distribution with "
        f"σ = {fmt.num(d['noise_std'])}; dotted lines at ±σ, inside which {fmt.pct(nz['within_1'])} of the values lie."
    )


def split(r, theme: Theme):
    d = r["dataset"]
    x, y = d["_x"], d["_y"]
    nrows, ncols = (2, 1) if theme.phone else (1, 2)
    fig, axes = plt.subplots(nrows, ncols, figsize=theme.size((6.4, 3.6), (4.6, 7.4)), sharex=True, sharey=True)
    for ax, mask, title in ((axes[0], d["_is_test"], "random split"),
                            (axes[1], d["_by_x"], "largest x held out")):
        ax.scatter(x[~mask], y[~mask], s=12, marker="o", color=theme.c("train"), alpha=0.7, linewidths=0,
                   label=f"training ({fmt.integer(int((~mask).sum()))})")
        ax.scatter(x[mask], y[mask], s=26, marker="^", facecolors="none", edgecolors=theme.c("test"), linewidths=1.1,
                   label=f"test ({fmt.integer(int(mask.sum()))})")
        ax.set_title(title)
        ax.set_xlabel("x")
    axes[0].set_ylabel("y")
    if theme.phone:
        axes[1].set_ylabel("y")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.07 if theme.phone else 0.1, 1, 1))
    return fig


def split_alt(r) -> str:
    s = r["dataset"]["split"]
    return (
        f"Two scatter plots of the same points. Left, split at random into {fmt.integer(s['n_train'])} training "
        f"points (filled circles) and {fmt.integer(s['n_test'])} test points (open triangles) spread over the whole "
        f"range: test x from {fmt.num(s['test']['x']['min'], 3)} to {fmt.num(s['test']['x']['max'], 3)}. Right, the "
        f"{fmt.integer(s['n_test'])} points with the largest x held out: every test point lies at x ≥ "
        f"{fmt.num(s['sorted']['test_x_min'], 3)}, beyond the last training point at "
        f"{fmt.num(s['sorted']['train_x_max'], 3)}."
    )
