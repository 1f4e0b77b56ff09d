"""Figures of the data chapter: the points, and the points split into training and test sets."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import fmt
from gdbook.core.plotting import Theme, draw_sets


def scatter(r, theme: Theme):
    d = r["dataset"]
    fig, ax = plt.subplots()
    ax.scatter(d["_x"], d["_y"], s=14, color=theme.c("train"), alpha=0.75, linewidths=0, label="data (x, y)")
    xs = np.array([d["x_min"], d["x_max"]])
    ax.plot(xs, d["true_b"] + d["true_w"] * xs, color=theme.c("truth"), label=f"true line y = {fmt.num(d['true_w'])}x {'+' if d['true_b'] >= 0 else '−'} {fmt.num(abs(d['true_b']))}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper left")
    return fig


def scatter_alt(r) -> str:
    d = r["dataset"]
    return (
        f"Scatter plot of {fmt.integer(d['n'])} points with x from {fmt.num(d['x']['min'], 3)} to "
        f"{fmt.num(d['x']['max'], 3)} and y from {fmt.num(d['y']['min'], 3)} to {fmt.num(d['y']['max'], 3)}, "
        f"lying in a band of noise (standard deviation {fmt.num(d['noise_std'])}) around the true line "
        f"y = {fmt.num(d['true_w'])}x {'+' if d['true_b'] >= 0 else '−'} {fmt.num(abs(d['true_b']))}."
    )


def split(r, theme: Theme):
    fig, ax = plt.subplots()
    draw_sets(ax, r["dataset"], theme)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper left")
    return fig


def split_alt(r) -> str:
    s = r["dataset"]["split"]
    return (
        f"Scatter plot of the data split at random into {fmt.integer(s['n_train'])} training points (filled circles) "
        f"and {fmt.integer(s['n_test'])} test points (open triangles), spread over the same range of x: training x "
        f"from {fmt.num(s['train']['x']['min'], 3)} to {fmt.num(s['train']['x']['max'], 3)}, test x from "
        f"{fmt.num(s['test']['x']['min'], 3)} to {fmt.num(s['test']['x']['max'], 3)}."
    )
