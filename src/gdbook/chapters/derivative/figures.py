"""Figures of chapter 1: tangent lines, the one-parameter loss, secants approaching the tangent."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import fmt
from gdbook.core.plotting import Theme, legend_below

ROLE = {"negative": "test", "zero": "truth", "positive": "train"}


def _curve(x):
    return x**3 / 3 - x  # the same curve as gdbook.compute.derivative.CURVE, drawn on a grid


def tangents(r, theme: Theme):
    c = r["derivative"]["curve"]
    fig, ax = plt.subplots(figsize=theme.size((6.4, 4.4), (4.6, 5.4)))
    xs = np.linspace(c["x_min"], c["x_max"], 300)
    ax.plot(xs, _curve(xs), color=theme.fg, label="f(x)")
    for t in c["tangents"]:
        seg = np.linspace(t["x"] - 0.9, t["x"] + 0.9, 2)
        ax.plot(seg, t["y"] + t["slope"] * (seg - t["x"]), color=theme.c(ROLE[t["sign"]]), linewidth=2.2,
                label=f"slope {fmt.num(t['slope'], 3)} ({t['sign']}) at x = {fmt.num(t['x'], 3)}")
        ax.plot([t["x"]], [t["y"]], "o", color=theme.c(ROLE[t["sign"]]), markersize=6)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    _legend(ax, theme)
    return fig


def _legend(ax, theme: Theme, ncol: int = 1) -> None:
    """Inside the plot on a wide screen; below it on a phone, where the plot is too narrow to share."""
    if theme.phone:
        legend_below(ax, ncol=1, handlelength=1.6)
    else:
        ax.legend(loc="upper left", ncol=ncol, handlelength=1.8)


def tangents_alt(r) -> str:
    c = r["derivative"]["curve"]
    parts = [f"at x = {fmt.num(t['x'], 3)} the tangent slope is {fmt.num(t['slope'], 3)} ({t['sign']})" for t in c["tangents"]]
    return (f"The curve f(x) = x³/3 − x for x from {fmt.num(c['x_min'])} to {fmt.num(c['x_max'])} with three "
            f"tangent lines: {'; '.join(parts)}.")


def loss(r, theme: Theme):
    d = r["derivative"]["loss"]
    fig, ax = plt.subplots(figsize=theme.size((6.4, 4.4), (4.6, 5.6)))
    ax.plot(d["_w"], d["_loss"], color=theme.fg, label="L(w), b held at b*")
    for p in d["points"]:
        role = "truth" if p["move"] == "stay" else ("test" if p["slope"] > 0 else "train")
        half = (d["_w"][-1] - d["_w"][0]) / 10
        seg = np.linspace(p["w"] - half, p["w"] + half, 2)
        ax.plot(seg, p["loss"] + p["slope"] * (seg - p["w"]), color=theme.c(role), linewidth=2.2,
                label=f"w = {fmt.num(p['w'], 3)}: dL/dw = {fmt.num(p['slope'], 3)} → {p['move']}")
        ax.plot([p["w"]], [p["loss"]], "o", color=theme.c(role), markersize=6)
    ax.set_xlabel("w")
    ax.set_ylabel("loss L(w)")
    ax.set_ylim(bottom=0)
    if theme.phone:
        legend_below(ax, handlelength=1.6)
    else:
        ax.legend(loc="upper center", handlelength=1.8)
    return fig


def loss_alt(r) -> str:
    d = r["derivative"]["loss"]
    p = d["points"]
    return (f"The loss of the book's data as a function of w, with the bias held at {fmt.num(d['b_star'])}: a "
            f"parabola with its lowest point L = {fmt.num(d['min_loss'])} at w = {fmt.num(d['w_star'])}. Tangents at "
            f"w = {fmt.num(p[0]['w'])} (slope {fmt.num(p[0]['slope'])}, move w up), at the minimum (slope 0) and at "
            f"w = {fmt.num(p[2]['w'])} (slope {fmt.num(p[2]['slope'])}, move w down).")


def secants(r, theme: Theme):
    sc = r["derivative"]["secant"]
    a, fa = sc["a"], sc["fa"]
    fig, ax = plt.subplots(figsize=theme.size((6.4, 4.4), (4.6, 6.0)))
    xs = np.linspace(0.3, 2.7, 300)
    ax.plot(xs, _curve(xs), color=theme.fg, label="f(x)")
    # The tangent first and thin, so that the secants closest to it stay visible on top of it.
    seg = np.array([a - 0.9, a + 1.2])
    ax.plot(seg, fa + sc["exact"] * (seg - a), color=theme.c("truth"), linewidth=1.6,
            label=f"tangent: slope {fmt.num(sc['exact'])}")
    rows = [q for q in sc["rows"] if q["h"] in sc["shown"]]
    styles = [(theme.c("initial"), (0, (6, 3))), (theme.c("accent"), (0, (3, 2))), (theme.c("train"), (0, (1.5, 1.5)))]
    for row, (col, dash) in zip(rows, styles):
        hv = row["h"]
        seg = np.array([a - 0.9, a + hv + 0.25])
        ax.plot(seg, fa + row["quotient"] * (seg - a), color=col, linewidth=2.0, linestyle=dash,
                label=f"secant, h = {fmt.num(hv)}: slope {fmt.num(row['quotient'], 4)}")
        ax.plot([a + hv], [_curve(a + hv)], "o", color=col, markersize=6)
    ax.plot([a], [fa], "o", color=theme.fg, markersize=6)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    _legend(ax, theme)
    return fig


def secants_alt(r) -> str:
    sc = r["derivative"]["secant"]
    rows = [q for q in sc["rows"] if q["h"] in sc["shown"]]
    return (f"Secant lines of f(x) = x³/3 − x from x = {fmt.num(sc['a'])} to x = {fmt.num(sc['a'])} + h: for "
            + ", ".join(f"h = {fmt.num(q['h'])} the slope is {fmt.num(q['quotient'], 4)}" for q in rows)
            + f"; they turn toward the tangent line, whose slope is {fmt.num(sc['exact'])}.")
