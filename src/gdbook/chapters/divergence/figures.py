"""Figures of the learning-rate divergence chapter."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import fmt
from gdbook.core.plotting import Theme

EIGEN_STEPS = 12  # updates shown in the eigen-direction figure


def _label(run) -> str:
    return f"{fmt.num(run['multiple'], 3)}·η* (η = {fmt.num(run['lr'], 3)})"


def _colours(theme: Theme, k: int) -> list[str]:
    roles = ("fixed", "full_batch", "mini_batch", "stochastic", "accent", "neutral")
    return [theme.c(roles[i % len(roles)]) for i in range(k)]


def runs(r, theme: Theme):
    d = r["divergence"]
    rs = sorted(d["runs"], key=lambda q: q["lr"])
    fig, (a1, a2, a3) = plt.subplots(3, 1, figsize=(6.8, 8.4), sharex=True, layout="constrained")
    for run, col in zip(rs, _colours(theme, len(rs))):
        t = np.arange(len(run["_loss"]))
        ls = "--" if run["diverged"] else "-"
        a1.semilogy(t, run["_loss"], ls, color=col, label=_label(run) + (" diverged" if run["diverged"] else ""))
        a2.plot(t, run["_w"], ls, color=col)
        a3.plot(t, run["_b"], ls, color=col)
        if run["diverged"]:
            for ax, series in ((a1, run["_loss"]), (a2, run["_w"]), (a3, run["_b"])):
                ax.plot([t[-1]], [series[-1]], "X", ms=8, color=col)
    a1.axhline(d["bound"], color=theme.fg, lw=0.9, ls=":")
    a1.annotate(f"divergence bound {fmt.num(d['bound'])}", (d["n_iters"], d["bound"]), xytext=(0, 4),
                textcoords="offset points", ha="right", va="bottom", fontsize=8.5, color=theme.fg)
    a1.axhline(d["loss_star"], color=theme.c("truth"), lw=0.9, ls=":")
    a1.annotate(f"least-squares minimum L* = {fmt.num(d['loss_star'], 3)}", (d["n_iters"], d["loss_star"]),
                xytext=(0, -4), textcoords="offset points", ha="right", va="top", fontsize=8.5,
                color=theme.c("truth"))
    a1.set_ylabel("training loss (log scale)")
    a1.legend(loc="upper left", bbox_to_anchor=(0.0, 1.02), fontsize=8.5, ncols=2)
    a1.set_ylim(d["loss_star"] / 4, d["bound"] * 1e3)
    for ax, key, star in ((a2, "w", d["w_star"]), (a3, "b", d["b_star"])):
        ax.set_yscale("symlog", linthresh=10.0)
        ax.axhline(star, color=theme.c("truth"), lw=0.9, ls=":")
        ax.set_ylabel(f"{key} (symlog scale)")
    a3.set_xlabel("update t")
    a2.set_title("w and b zigzag when η > 1/λ_max; they run away when η > η*", fontsize=10, loc="left")
    return fig


def runs_alt(r) -> str:
    d = r["divergence"]
    parts = []
    for run in sorted(d["runs"], key=lambda q: q["lr"]):
        if run["diverged"]:
            parts.append(f"at {fmt.num(run['multiple'], 3)}·η* the loss grows from {fmt.num(run['initial_loss'], 3)} "
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
    rs = sorted(d["runs"], key=lambda q: q["lr"])
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(6.6, 7.4), sharex=True, layout="constrained")
    for run, col in zip(rs, _colours(theme, len(rs))):
        k = min(EIGEN_STEPS, len(run["_top"]) - 1)
        t = np.arange(k + 1)
        top = np.asarray(run["_top"][: k + 1]) / run["_top"][0]
        low = np.asarray(run["_low"][: k + 1]) / run["_low"][0]
        a1.plot(t, top, "o-", ms=4, color=col,
                label=f"{_label(run)}: 1 − ηλ_max = {fmt.num(run['factor_max'], 3)}, "
                      f"1 − ηλ_min = {fmt.num(run['factor_min'], 3)}")
        a2.plot(t, low, "o-", ms=4, color=col)
    a1.set_yscale("symlog", linthresh=1.0)
    a1.axhline(0, color=theme.fg, lw=0.8)
    a1.set_ylabel("along v_max: c_t / c_0")
    a1.set_title("The steepest direction: multiplied by 1 − ηλ_max each update", fontsize=10, loc="left")
    a2.axhline(0, color=theme.fg, lw=0.8)
    a2.set_ylim(-0.05, 1.05)
    a2.set_ylabel("along v_min: d_t / d_0")
    a2.set_xlabel("update t")
    a2.set_title("The flattest direction: multiplied by 1 − ηλ_min each update",
                 fontsize=10, loc="left")
    fig.legend(loc="outside lower center", fontsize=9, ncols=1)
    return fig


def eigen_alt(r) -> str:
    d = r["divergence"]
    parts = [f"at {fmt.num(q['multiple'], 3)}·η* the component along the steepest eigenvector is multiplied by "
             f"{fmt.num(q['top_ratio_observed'], 3)} in the first update (predicted {fmt.num(q['factor_max'], 3)})"
             for q in sorted(d["runs"], key=lambda q: q["lr"])]
    return (f"Two panels over the first {EIGEN_STEPS} updates. Top: the error component along v_max, relative to "
            f"its start, on a symmetric log scale; " + "; ".join(parts) + ". Bottom: the component along v_min "
            + ("decays without changing sign in every run, its factor 1 − ηλ_min being between 0 and 1."
               if all(0 < q["factor_min"] < 1 for q in d["runs"]) else
               "is multiplied by 1 − ηλ_min at every update."))


def sweep(r, theme: Theme):
    d = r["divergence"]
    sw = d["sweep"]
    lr = np.asarray(sw["_lr"])
    div = np.asarray(sw["_diverged"], dtype=bool)
    excess = np.asarray(sw["_last_loss"]) - d["loss_star"]
    ok = ~div & (excess > 0)  # an excess of exactly 0 (or round-off below it) cannot go on a log axis
    fig, ax = plt.subplots(figsize=(6.8, 5.2), layout="constrained")
    ax.loglog(lr[ok], excess[ok], "o-", ms=4, color=theme.c("train"),
              label=f"L(θ_N) − L* after N = {d['n_iters']} updates")
    top = ax.get_xaxis_transform()  # x in data, y in axes fraction
    ax.plot(lr[div], np.full(int(div.sum()), 0.94), "X", ms=7, color=theme.c("test"), transform=top,
            label=f"diverged: loss passed {fmt.num(d['bound'])}", clip_on=False)
    ax.axvline(d["lr_best"], color=theme.c("truth"), lw=1.2, ls=":",
               label=f"fastest η = 2/(λ_min + λ_max) = {fmt.num(d['lr_best'], 4)}")
    ax.axvline(d["lr_critical"], color=theme.c("accent"), lw=1.8,
               label=f"predicted η* = 2/λ_max = {fmt.num(d['lr_critical'], 4)}")
    ax.axvline(sw["observed_boundary"], color=theme.fg, lw=1.2, ls="--",
               label=f"observed boundary = {fmt.num(sw['observed_boundary'], 4)}")
    ax.axvline(d["lr_book"], color=theme.c("neutral"), lw=1.0, ls="-.", label=f"the book's η = {fmt.num(d['lr_book'])}")
    ax.set_xlabel("learning rate η (log scale)")
    ax.set_ylabel("excess training loss (log scale)")
    lo = float(np.min(excess[ok]))
    ax.set_ylim(lo / 30, float(np.max(excess[ok])) * 1e3)
    ax.legend(loc="upper center", fontsize=8.5, bbox_to_anchor=(0.5, -0.16), ncols=2)
    return fig


def sweep_alt(r) -> str:
    d = r["divergence"]
    sw = d["sweep"]
    return (f"Excess training loss L − L* after {d['n_iters']} updates against {sw['points']} learning rates from "
            f"{fmt.num(sw['lr_min'], 3)} to {fmt.num(sw['lr_max'], 3)} on log axes: for the {sw['n_converged']} runs "
            f"below the boundary it falls as η grows, is smallest near the fastest rate "
            f"{fmt.num(d['lr_best'], 4)}, then rises steeply towards η*; the {sw['n_diverged']} runs above the "
            f"boundary passed the bound. The predicted η* = "
            f"{fmt.num(d['lr_critical'], 4)} and the observed boundary {fmt.num(sw['observed_boundary'], 4)} are "
            f"marked side by side.")
