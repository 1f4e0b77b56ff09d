"""Figures of the model-and-loss chapter: the initial guess with its residuals, and three lines compared."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection

from gdbook.core import fmt
from gdbook.core.plotting import Theme, draw_sets, legend_below


def residuals(r, theme: Theme):
    d, m = r["dataset"], r["model_and_loss"]
    g = m["initial"]
    t = d["_is_test"]
    x, y = d["_x"][~t], d["_y"][~t]
    k = m["_sample"]
    fig, ax = plt.subplots(figsize=theme.size((6.4, 4.3), (4.6, 5.0)))
    ax.scatter(x, y, s=10, color=theme.c("neutral"), alpha=0.35, linewidths=0,
               label=f"training points ({fmt.integer(len(x))})")
    y_hat = g["w"] * x[k] + g["b"]
    segs = np.stack([np.column_stack([x[k], y[k]]), np.column_stack([x[k], y_hat])], axis=1)
    ax.add_collection(LineCollection(segs, colors=theme.c("accent"), linewidths=1.4,
                                     label=f"residuals ŷᵢ − yᵢ of {m['residuals']['shown']} of them"))
    ax.scatter(x[k], y[k], s=22, color=theme.c("train"), linewidths=0, zorder=3)
    xs = np.array([d["x_min"], d["x_max"]])
    ax.plot(xs, g["b"] + g["w"] * xs, color=theme.c("initial"), lw=2.4, label=f"initial guess ŷ = {g['line_text']}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    legend_below(ax, ncol=1 if theme.phone else 2, frameon=False)
    return fig


def residuals_alt(r) -> str:
    m = r["model_and_loss"]
    g, res = m["initial"], m["residuals"]
    return (
        f"The training points with the initial guess ŷ = {g['line_text']} drawn through them and, for "
        f"{res['shown']} of the points, a vertical segment from the point to the line: its residual. Of the "
        f"{fmt.integer(res['positive'] + res['negative'])} training points, {fmt.integer(res['negative'])} lie above "
        f"the line (negative residual) and {fmt.integer(res['positive'])} below it; the largest residual is "
        f"{fmt.num(res['largest'], 3)} in size."
    )


def lines(r, theme: Theme):
    d, m = r["dataset"], r["model_and_loss"]
    g, ls = m["initial"], m["least_squares"]
    fig, ax = plt.subplots(figsize=theme.size((6.4, 4.4), (4.6, 5.4)))
    draw_sets(ax, d, theme)
    xs = np.array([d["x_min"], d["x_max"]])
    ax.plot(xs, g["b"] + g["w"] * xs, color=theme.c("initial"), lw=2.2, label=f"initial guess ŷ = {g['line_text']}")
    ax.plot(xs, ls["b"] + ls["w"] * xs, color=theme.c("fit"), lw=2.0, label=f"least squares ŷ = {ls['line_text']}")
    ax.plot(xs, d["true_b"] + d["true_w"] * xs, color=theme.c("truth"), ls=(0, (4, 3)), lw=1.6, zorder=4,
            label=f"true line y = {d['line_text']}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    legend_below(ax, ncol=1 if theme.phone else 2, frameon=False)
    return fig


def lines_alt(r) -> str:
    d, m = r["dataset"], r["model_and_loss"]
    g, ls = m["initial"], m["least_squares"]
    return (
        f"The training points (circles) and test points (triangles) with three lines: the initial guess "
        f"ŷ = {g['line_text']} (training MSE {fmt.num(g['train_mse'], 3)}), the least-squares line ŷ = {ls['line_text']} "
        f"(training MSE {fmt.num(ls['train_mse'], 3)}) and, dashed, the true line y = {d['line_text']}; over the range "
        f"of x the least-squares line is at most {fmt.num(ls['gap_to_truth'], 2)} above or below the true line "
        f"(the noise level σ is {fmt.num(d['noise_std'])})."
    )
