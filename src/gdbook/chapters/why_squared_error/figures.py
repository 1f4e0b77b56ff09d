"""Figures of the why-squared-error chapter: the MSE and the log-likelihood against w (one minimum, one maximum,
the same w), and squared against absolute error for a single constant prediction (the mean, the median)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import fmt
from gdbook.core.plotting import Theme


def likelihood(r, theme: Theme):
    q = r["why_squared_error"]
    cv = q["_curves"]
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=theme.size((6.4, 5.6), (4.6, 6.4)))
    top.plot(cv["ws"], cv["L"], color=theme.c("train"), lw=2.2)
    top.set_ylabel("MSE L(w, b*)")
    bottom.plot(cv["ws"], cv["ell"], color=theme.c("fit"), lw=2.2)
    bottom.set_ylabel("log-likelihood ℓ")
    bottom.set_xlabel("weight w (b = b*, σ² = σ̂²)")
    for ax in (top, bottom):
        ax.axvline(q["w_star"], color=theme.fg, lw=1.0, ls=":")
    # Each panel says what its marker is in its title: a legend inside the plot would sit among the data.
    top.plot([q["w_star"]], [q["l_star"]], "*", color=theme.fg, ms=13)
    top.set_title(f"★ least squares, w* = {fmt.num(q['w_star'])}", loc="left", fontsize="medium")
    bottom.plot([q["ml"]["w"]], [q["ml"]["ell"]], "o", ms=9, mfc="none", mec=theme.c("initial"), mew=2)
    bottom.set_title(f"○ maximum found numerically, w = {fmt.num(q['ml']['w'])}", loc="left", fontsize="medium")
    fig.align_ylabels((top, bottom))
    fig.tight_layout()
    return fig


def likelihood_alt(r) -> str:
    q = r["why_squared_error"]
    cv = q["_curves"]
    return (
        f"Two curves against w from {fmt.num(cv['ws'][0], 3)} to {fmt.num(cv['ws'][-1], 3)}, with b held at b* and σ² "
        f"at σ̂². Top, the training MSE: a parabola with its lowest point {fmt.num(q['l_star'])} at the least-squares "
        f"w* = {fmt.num(q['w_star'])}. Bottom, the Gaussian log-likelihood: the same parabola upside down, highest, "
        f"{fmt.num(q['ell_max'])}, at the same w, where a circle marks the maximum that Newton's method found without "
        f"using least squares, w = {fmt.num(q['ml']['w'])}."
    )


def constant(r, theme: Theme):
    q = r["why_squared_error"]
    k = q["constant"]
    y = q["_y"]
    lo, hi = float(np.min(y)), float(np.max(y))
    cs = np.linspace(lo, hi, 400)
    sq = np.mean((y[None, :] - cs[:, None]) ** 2, axis=1)
    ab = np.mean(np.abs(y[None, :] - cs[:, None]), axis=1)
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=theme.size((6.4, 5.2), (4.6, 6.2)))
    top.plot(cs, sq, color=theme.c("train"), lw=2.2)
    top.axvline(k["mean"], color=theme.c("train"), lw=1.2, ls="--")
    top.set_title(f"dashed: the mean ȳ = {fmt.num(k['mean'])}", loc="left", fontsize="medium")
    top.set_ylabel("mean of (yᵢ − c)²")
    bottom.plot(cs, ab, color=theme.c("test"), lw=2.2)
    bottom.axvline(k["median"], color=theme.c("test"), lw=1.2, ls="--")
    bottom.set_title(f"dashed: the median = {fmt.num(k['median'])}", loc="left", fontsize="medium")
    bottom.set_ylabel("mean of |yᵢ − c|")
    bottom.set_xlabel("the constant prediction c")
    fig.align_ylabels((top, bottom))
    fig.tight_layout()
    return fig


def constant_alt(r) -> str:
    k = r["why_squared_error"]["constant"]
    return (
        f"Two curves against a constant prediction c for the {fmt.integer(k['n'])} training values of y. Top, the mean "
        f"squared error, a smooth parabola lowest at the mean {fmt.num(k['mean'])}. Bottom, the mean absolute error, "
        f"made of straight pieces, lowest at the median {fmt.num(k['median'])}."
    )
