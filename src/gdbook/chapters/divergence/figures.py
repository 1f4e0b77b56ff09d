"""Figures of the learning-rate divergence chapter."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import ticker

from gdbook.core import fmt
from gdbook.core.plotting import Theme, legend_below

EIGEN_STEPS = 12  # updates shown in the eigen-direction figure


def _label(run) -> str:
    return f"{fmt.num(run['multiple'], 3)}·η* (η = {fmt.num(run['lr'], 3)})"


def _colours(theme: Theme, k: int) -> list[str]:
    roles = ("fixed", "full_batch", "mini_batch", "stochastic", "accent", "neutral")
    return [theme.c(roles[i % len(roles)]) for i in range(k)]


def _plain_symlog(ax) -> None:
    """Tick labels of a symlog axis as plain numbers (1, 10, −100), powers of ten only beyond a thousand."""
    def label(v, _pos):
        if v == 0:
            return "0"
        if abs(v) < 1e3:
            return fmt.num(v, 3)
        exp = int(round(np.log10(abs(v))))
        return ("−" if v < 0 else "") + "10" + str(exp).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(label))


def runs(r, theme: Theme):
    d = r["divergence"]
    rs = d["runs"]
    fig, (a1, a2, a3) = plt.subplots(3, 1, figsize=theme.size((6.4, 8.6), (4.6, 11.0)), sharex=True,
                                     layout="constrained")
    for run, col in zip(rs, _colours(theme, len(rs))):
        t = np.arange(len(run["_loss"]))
        ls = "--" if run["diverged"] else "-"
        a1.semilogy(t, run["_loss"], ls, color=col, label=_label(run) + (", diverged" if run["diverged"] else ""))
        a2.plot(t, run["_w"], ls, color=col)
        a3.plot(t, run["_b"], ls, color=col)
        if run["diverged"]:
            for ax, series in ((a1, run["_loss"]), (a2, run["_w"]), (a3, run["_b"])):
                ax.plot([t[-1]], [series[-1]], "X", ms=8, color=col)
    a1.axhline(d["bound"], color=theme.fg, lw=0.9, ls=":")
    a1.annotate(f"divergence bound {fmt.num(d['bound'])}", (d["n_iters"], d["bound"]), xytext=(0, -4),
                textcoords="offset points", ha="right", va="top", color=theme.fg, fontsize=theme.small)
    a1.axhline(d["loss_star"], color=theme.c("truth"), lw=0.9, ls=":")
    a1.annotate(f"minimum L* = {fmt.num(d['loss_star'], 3)}", (d["n_iters"], d["loss_star"]),
                xytext=(0, 4), textcoords="offset points", ha="right", va="bottom", color=theme.c("truth"),
                fontsize=theme.small)
    a1.set_ylabel("training loss")
    a1.set_ylim(d["loss_star"] / 4, d["bound"] * 30)
    for ax, key, star in ((a2, "w", d["w_star"]), (a3, "b", d["b_star"])):
        ax.set_yscale("symlog", linthresh=10.0)
        ax.axhline(star, color=theme.c("truth"), lw=0.9, ls=":")
        ax.set_ylabel(f"{key} (symlog scale)")
        _plain_symlog(ax)
    a3.set_xlabel("update t")
    a1.set_title("loss (log scale)", loc="left", fontsize="medium")
    a2.set_title("w and b zigzag above 1/λₘₐₓ", loc="left", fontsize="medium")
    fig.legend(loc="outside lower center", ncols=1 if theme.phone else 2)
    return fig


def runs_alt(r) -> str:
    d = r["divergence"]
    parts = []
    for run in d["runs"]:
        if run["diverged"]:
            parts.append(f"at {fmt.num(run['multiple'], 3)}·η* the loss goes from {fmt.num(run['initial_loss'], 3)} "
                         f"past the bound {fmt.num(d['bound'])} at update {run['diverged_at']}, with w reaching "
                         f"{fmt.num(run['last_w'], 3)}")
        else:
            parts.append(f"at {fmt.num(run['multiple'], 3)}·η* the loss falls from {fmt.num(run['initial_loss'], 3)} "
                         f"to {fmt.num(run['final_loss'], 4)} in {run['iterations_run']} updates, with w ending at "
                         f"{fmt.num(run['final_w'], 4)}")
    text = "; ".join(parts)
    return ("Three panels against the update number: the training loss on a log scale, then w and b. "
            + text[:1].upper() + text[1:] + ".")


def eigen(r, theme: Theme):
    d = r["divergence"]
    rs = d["runs"]
    fig, (a1, a2) = plt.subplots(2, 1, figsize=theme.size((6.4, 7.4), (4.6, 9.4)), sharex=True, layout="constrained")
    for run, col in zip(rs, _colours(theme, len(rs))):
        k = min(EIGEN_STEPS, len(run["_top"]) - 1)
        t = np.arange(k + 1)
        top = np.asarray(run["_top"][: k + 1]) / run["_top"][0]
        low = np.asarray(run["_low"][: k + 1]) / run["_low"][0]
        a1.plot(t, top, "o-", ms=4, color=col,
                label=f"{fmt.num(run['multiple'], 3)}·η*: factors {fmt.num(run['factor_max'], 3)} and "
                      f"{fmt.num(run['factor_min'], 3)}")
        a2.plot(t, low, "o-", ms=4, color=col)
    a1.set_yscale("symlog", linthresh=1.0)
    a1.axhline(0, color=theme.fg, lw=0.8)
    a1.set_ylabel("cₜ / c₀ (symlog scale)")
    _plain_symlog(a1)
    a1.set_title("along vₘₐₓ: times 1 − ηλₘₐₓ per update", loc="left", fontsize="medium")
    a2.axhline(0, color=theme.fg, lw=0.8)
    a2.set_ylabel("dₜ / d₀")
    a2.set_xlabel("update t")
    a2.set_title("along vₘᵢₙ: times 1 − ηλₘᵢₙ per update", loc="left", fontsize="medium")
    fig.legend(loc="outside lower center", ncols=1)
    return fig


def eigen_alt(r) -> str:
    d = r["divergence"]
    def factor(v: float) -> str:  # a factor that is zero but for rounding is said to be zero
        return "0" if fmt.rounding(v) else fmt.num(v, 3)

    parts = [f"at {fmt.num(q['multiple'], 3)}·η* the component along the steepest eigenvector is multiplied by "
             f"{factor(q['top_ratio_observed'])} in the first update (predicted {factor(q['factor_max'])})"
             for q in d["runs"]]
    return (f"Two panels over the first {EIGEN_STEPS} updates. Top: the error component along vmax, relative to "
            f"its start, on a symmetric log scale; " + "; ".join(parts) + ". Bottom: the component along vmin "
            + ("decays without changing sign in every run, its factor 1 − ηλmin being between 0 and 1."
               if all(0 < q["factor_min"] < 1 for q in d["runs"]) else
               "is multiplied by 1 − ηλmin at every update."))


def start(r, theme: Theme):
    """The excess loss at one learning rate above η*, from the book's start and from a start with a small steep component."""
    d = r["divergence"]
    c = d["counter"]
    fig, ax = plt.subplots(figsize=theme.size((6.4, 4.4), (4.6, 5.6)), layout="constrained")
    book = c["book"]
    lb = np.asarray(book["_loss"]) - d["loss_star"]
    keep = lb > 0
    ax.semilogy(np.arange(len(lb))[keep], lb[keep], "s-", ms=3, color=theme.c("full_batch"),
                label="the book's start" + (" (stopped at the bound)" if book["diverged"] else ""))
    if c["exists"]:
        excess = np.asarray(c["_loss"]) - d["loss_star"]
        t = np.arange(len(excess))
        keep = excess > 0
        ax.semilogy(t[keep], excess[keep], "o-", ms=3, color=theme.c("accent"),
                    label=f"a start with |c₀|/|d₀| = {fmt.sci(c['ratio'], 2)}")
        ax.plot([c["lowest_at"]], [c["lowest_excess"]], "v", ms=9, color=theme.c("accent"))
        ax.annotate(f"lowest after update {c['lowest_at']}", (c["lowest_at"], c["lowest_excess"]), xytext=(0, -12),
                    textcoords="offset points", ha="center", va="top", color=theme.fg, fontsize=theme.small)
    ax.set_xlabel("update t")
    ax.set_ylabel("excess loss L − L* (log scale)")
    ax.set_title(f"η = {fmt.num(c['multiple'])}·η*", loc="left", fontsize="medium")
    legend_below(ax, ncols=1)
    ax.margins(y=0.15)
    return fig


def start_alt(r) -> str:
    d = r["divergence"]
    c = d["counter"]
    if not c["exists"]:
        return (f"The training loss at {fmt.num(c['multiple'])}·η*: both eigen-directions grow, so the loss rises "
                f"from the first update.")
    return (f"Training loss on a log scale at {fmt.num(c['multiple'])}·η*, from a start whose component along the "
            f"steepest direction is {fmt.sci(c['ratio'], 2)} of its flat one: its excess over the minimum falls from "
            f"{fmt.num(c['initial_excess'], 3)} to {fmt.num(c['lowest_excess'], 3)} after update {c['lowest_at']}, then "
            f"rises to {fmt.num(c['last_excess'], 3)} by update {c['iterations_run']}.")


def sweep(r, theme: Theme):
    d = r["divergence"]
    sw = d["sweep"]
    lr = np.asarray(sw["_lr"])
    div = np.asarray(sw["_diverged"], dtype=bool)
    excess = np.asarray(sw["_last_loss"]) - d["loss_star"]
    ok = ~div & (excess > 0)  # an excess of exactly 0 (or round-off below it) cannot go on a log axis
    fig, ax = plt.subplots(figsize=theme.size((6.4, 5.4), (4.6, 7.4)), layout="constrained")
    ax.loglog(lr[ok], excess[ok], "o-", ms=4, color=theme.c("train"),
              label=f"L − L* after {d['n_iters']} updates")
    top = ax.get_xaxis_transform()  # x in data, y in axes fraction
    ax.plot(lr[div], np.full(int(div.sum()), 0.94), "X", ms=7, color=theme.c("test"), transform=top,
            label=f"diverged: loss passed {fmt.num(d['bound'])}", clip_on=False)
    ax.axvline(d["lr_best"], color=theme.c("truth"), lw=1.2, ls=":",
               label=f"fastest η = 2/(λₘᵢₙ + λₘₐₓ) = {fmt.num(d['lr_best'], 4)}")
    ax.axvline(d["lr_critical"], color=theme.c("accent"), lw=1.8,
               label=f"predicted η* = 2/λₘₐₓ = {fmt.num(d['lr_critical'], 4)}")
    ax.axvline(sw["observed_boundary"], color=theme.fg, lw=1.2, ls="--",
               label=f"observed boundary = {fmt.num(sw['observed_boundary'], 4)}")
    ax.axvline(d["lr_book"], color=theme.c("neutral"), lw=1.0, ls="-.", label=f"the book's η = {fmt.num(d['lr_book'])}")
    ax.set_xlabel("learning rate η (log scale)")
    ax.set_ylabel("excess training loss (log scale)")
    if ok.any():
        lo = float(np.min(excess[ok]))
        ax.set_ylim(lo / 30, float(np.max(excess[ok])) * 1e3)
    legend_below(ax, ncols=1)
    return fig


def sweep_alt(r) -> str:
    d = r["divergence"]
    sw = d["sweep"]
    return (f"Excess training loss L − L* after {d['n_iters']} updates against {sw['points']} learning rates from "
            f"{fmt.num(sw['lr_min'], 3)} to {fmt.num(sw['lr_max'], 3)} on log axes: for the {sw['n_converged']} runs "
            f"below the boundary it is smallest near {fmt.num(sw['best_grid_lr'], 3)}, next to the fastest rate "
            f"{fmt.num(d['lr_best'], 4)}, then rises steeply towards η*; the {sw['n_diverged']} runs above the "
            f"boundary passed the bound. The predicted η* = "
            f"{fmt.num(d['lr_critical'], 4)} and the observed boundary {fmt.num(sw['observed_boundary'], 4)} are "
            f"marked side by side.")
