"""Figures of the full-batch chapter: the path on the contours, the loss, the distance to least squares
(with the theory's bound), the parameters, and the final line with its residuals.

Each is drawn for a wide screen and for a phone (``theme.phone``: panels stacked, legends below), and each
must stay true for a run that converged, one that stopped short, and one that diverged.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.legend_handler import HandlerTuple

from gdbook.core import fmt
from gdbook.core.paths import box, draw_contours, equal_window, fading_path, log_ticks
from gdbook.core.plotting import Theme, draw_sets, line_label, legend_below

STATUS_WORDS = {
    "converged": "converges",
    "not_yet": "has not yet converged",
    "growing": "is moving away from the minimum",
    "diverged": "diverges",
}


def shown_path(g: dict) -> int:
    """How many iterates of the path the contour plot frames: all of them, unless the run ran away
    (then the first four, and any more within eight times the start's distance of the minimum)."""
    d = np.hypot(g["_err"][:, 0], g["_err"][:, 1])
    if g["status"] in ("converged", "not_yet"):
        return len(d)
    far = np.flatnonzero(d > 8 * max(d[0], 1e-12))
    return max(int(far[0]), min(4, len(d))) if len(far) else len(d)


def path(r, theme: Theme):
    g, cf = r["full_batch"], r["closed_form"]
    fig, ax = plt.subplots(figsize=theme.size((6.2, 5.0), (4.3, 5.6)))
    k = shown_path(g)
    ws, bs = g["_w"], g["_b"]
    window = equal_window(ax, box(np.append(ws[:k], cf["w"]), np.append(bs[:k], cf["b"]), margin=0.12))
    draw_contours(ax, g["_quad"], cf["train_mse"], theme)
    # the valley floor: the line through the minimum along the eigenvector of λmin
    v = g["_eigvec"][:, 0]
    reach = np.hypot(window[1] - window[0], window[3] - window[2])
    ax.plot([cf["w"] - reach * v[0], cf["w"] + reach * v[0]], [cf["b"] - reach * v[1], cf["b"] + reach * v[1]],
            color=theme.fg, lw=0.9, ls=(0, (5, 4)), label="valley floor (direction of λₘᵢₙ)")
    if g["zigzag"]:
        # each update crosses the valley: old crossings pale, recent ones solid, the first few numbered
        fading_path(ax, ws[:k], bs[:k], theme.c("full_batch"), lw=1.3)
        ax.plot([], [], color=theme.c("full_batch"), lw=1.3, label="full-batch path (paler: earlier updates)")
        for t in range(1, min(4, k)):
            ax.annotate(str(t), (ws[t], bs[t]), xytext=(4, 4), textcoords="offset points", color=theme.c("full_batch"),
                        fontsize=theme.small, fontweight="bold")
            ax.plot([ws[t]], [bs[t]], "o", color=theme.c("full_batch"), ms=3.5)
    else:
        ax.plot(ws, bs, color=theme.c("full_batch"), lw=1.8, marker="o", ms=3.2, markevery=slice(1, 11),
                label=f"full-batch path (dots: updates 1 to {min(10, len(ws) - 1)})" if len(ws) > 2 else "full-batch path")
    if g["status"] != "converged":
        ax.plot([ws[k - 1]], [bs[k - 1]], "s", color=theme.c("full_batch"), ms=8, mec=theme.fg, mew=0.8, zorder=4,
                label=f"after update {fmt.integer(k - 1)}")
    ax.plot([ws[0]], [bs[0]], "o", color=theme.c("initial"), ms=9, mec=theme.fg, mew=0.8, label="start", zorder=4)
    ax.plot([cf["w"]], [cf["b"]], "*", color=theme.fg, ms=14, label="least squares (w*, b*)", zorder=4)
    ax.set_xlabel("weight w")
    ax.set_ylabel("bias b")
    ax.grid(False)
    legend_below(ax, ncol=1 if theme.phone else 2)
    fig.tight_layout()
    return fig


def path_alt(r) -> str:
    g, cf = r["full_batch"], r["closed_form"]
    k = shown_path(g)
    text = (
        f"Contours of the training MSE over w and b, drawn to the same scale on both axes: ellipses "
        f"{fmt.num(np.sqrt(g['kappa']), 3)} times longer than wide around the least-squares point w* = {fmt.num(cf['w'])}, "
        f"b* = {fmt.num(cf['b'])}. From the start at w = {fmt.num(float(g['_w'][0]))}, b = {fmt.num(float(g['_b'][0]))}, "
        f"the full-batch path with η = {fmt.num(g['lr'])} {STATUS_WORDS[g['status']]}: "
    )
    if g["status"] == "converged":
        text += "it heads down the steep sides into the valley, then follows the valley floor to the minimum."
    elif g["status"] == "not_yet":
        text += (f"it drops into the valley and is still creeping along its floor after {fmt.integer(g['n_iters'])} "
                 f"updates, {fmt.num(g['dist'], 3)} from the minimum.")
    else:
        text += (f"it jumps from one side of the valley to the other, further out each time; the frame shows its "
                 f"first {fmt.integer(k)} points of {fmt.integer(len(g['_w']))}.")
    return text


def loss(r, theme: Theme):
    g, cf = r["full_batch"], r["closed_form"]
    fig, ax = plt.subplots(figsize=theme.size((6.2, 4.0), (4.3, 4.4)))
    t = np.arange(len(g["_train_loss"]))
    ax.plot(t, g["_train_loss"], color=theme.c("train"), label="training MSE")
    ax.plot(t, g["_test_loss"], color=theme.c("test"), ls="--", label="test MSE")
    ax.axhline(cf["train_mse"], color=theme.fg, lw=0.9, ls=":", label=f"least squares, L* = {fmt.num(cf['train_mse'])}")
    ax.set_yscale("log")
    both = np.concatenate([g["_train_loss"], g["_test_loss"], [cf["train_mse"]]])
    both = both[both > 0]
    log_ticks(ax.yaxis, float(both.min()) * 0.9, float(both.max()) * 1.1)
    ax.set_xlabel("update t (full batch: one update = one epoch)")
    ax.set_ylabel("MSE (log scale)")
    legend_below(ax, ncol=1 if theme.phone else 2)
    fig.tight_layout()
    return fig


def loss_alt(r) -> str:
    g = r["full_batch"]
    moves = "lowers" if g["train_mse"] < g["initial_train_mse"] else "raises"
    text = (
        f"Line chart, log scale: full-batch descent with η = {fmt.num(g['lr'])} {moves} the training MSE from "
        f"{fmt.num(g['initial_train_mse'])} to {fmt.num(g['train_mse'])} in {fmt.integer(g['n_iters'])} updates"
    )
    if g["updates_loss_1pct"] is not None and g["status"] in ("converged", "not_yet"):
        text += f"; it is within 1 % of its minimum from update {fmt.integer(g['updates_loss_1pct'])} on"
    return text + f". The test MSE ends at {fmt.num(g['test_mse'])}."


def distance(r, theme: Theme):
    g = r["full_batch"]
    fig, (a1, a2) = plt.subplots(2, 1, sharex=True, figsize=theme.size((6.2, 5.4), (4.3, 6.4)))
    d = np.hypot(g["_err"][:, 0], g["_err"][:, 1])
    t = np.arange(len(d))
    a1.plot(t, d, color=theme.c("full_batch"), lw=2.0, label="distance ‖θₜ − θ*‖")
    if g["bound"] is not None:
        a1.plot(t, g["dist0"] * g["rho"] ** t.astype(float), color=theme.fg, lw=1.0, ls="--", label="bound ρᵗ·d₀")
        a1.axhline(g["tolerance"], color=theme.c("accent"), lw=1.0, ls=":", label=f"tolerance {fmt.num(g['tolerance'], 2)}")
    a1.set_yscale("log")
    a1.set_ylabel("distance to (w*, b*)")
    a1.legend(loc="upper center", bbox_to_anchor=(0.5, 1.32 if theme.phone else 1.2), ncol=3 if not theme.phone else 2)
    grad = g["_grad"]
    a2.plot(np.arange(1, len(grad) + 1), grad, color=theme.c("accent"), lw=1.6)
    a2.set_yscale("log")
    a2.set_ylabel("gradient length")
    a2.set_xlabel("update t")
    fig.tight_layout()
    return fig


def distance_alt(r) -> str:
    g = r["full_batch"]
    text = (f"Two line charts over {fmt.integer(g['n_iters'])} updates, log scale. Top: the distance from (w, b) to the "
            f"least-squares point goes from {fmt.num(g['dist0'], 3)} to {fmt.num(g['dist'], 3)}")
    if g["bound"] is not None:
        text += (f", always under the dashed bound ρᵗ·d₀ with ρ = {fmt.num(g['rho'], 4)}, which ends at "
                 f"{fmt.num(g['bound'], 3)}; the tolerance is {fmt.sci(g['tolerance'], 2)}")
    return text + (f". Bottom: the gradient's length goes from {fmt.num(g['grad_start'], 3)} to "
                   f"{fmt.num(g['grad_end'], 3)}.")


def params(r, theme: Theme):
    g, cf, d = r["full_batch"], r["closed_form"], r["dataset"]
    fig, axes = plt.subplots(2, 1, figsize=theme.size((6.2, 5.2), (4.3, 6.2)), sharex=True)
    t = np.arange(len(g["_w"]))
    for ax, key, name in ((axes[0], "w", "weight w"), (axes[1], "b", "bias b")):
        ax.plot(t, g["_" + key], color=theme.c("full_batch"), label="during descent")
        ax.axhline(d["true_" + key], color=theme.c("truth"), ls="--", lw=1.2, label="true value")
        ax.axhline(cf[key], color=theme.fg, ls=":", lw=1.2, label="least squares")
        ax.set_ylabel(name)
    axes[0].legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, handlelength=1.6, columnspacing=1.0)
    axes[1].set_xlabel("update t")
    fig.tight_layout()
    return fig


def params_alt(r) -> str:
    g, cf, d = r["full_batch"], r["closed_form"], r["dataset"]
    return (
        f"Two stacked line charts over {fmt.integer(g['n_iters'])} updates. The weight w goes from "
        f"{fmt.num(float(g['_w'][0]))} to {fmt.num(g['w'])} (least squares {fmt.num(cf['w'])}, true "
        f"{fmt.num(d['true_w'])}); the bias b from {fmt.num(float(g['_b'][0]))} to {fmt.num(g['b'])} "
        f"(least squares {fmt.num(cf['b'])}, true {fmt.num(d['true_b'])})."
    )


def fit(r, theme: Theme):
    d, g = r["dataset"], r["full_batch"]
    fig, ax = plt.subplots(figsize=theme.size((6.2, 4.2), (4.3, 5.0)))
    draw_sets(ax, d, theme)
    xs = np.array([d["x_min"], d["x_max"]])
    ax.plot(xs, d["true_b"] + d["true_w"] * xs, color=theme.c("truth"), ls="--", lw=1.4,
            label=line_label("true line", d["true_w"], d["true_b"]))
    ax.plot(xs, g["b"] + g["w"] * xs, color=theme.c("fit"), lw=2.2, label=line_label("after descent", g["w"], g["b"]))
    y = d["_y"]
    pad = 0.1 * (y.max() - y.min())
    ax.set_ylim(y.min() - pad, y.max() + pad)  # the data decide the frame, even when the line runs off it
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    legend_below(ax, ncol=1 if theme.phone else 2)
    fig.tight_layout()
    return fig


def fit_alt(r) -> str:
    g = r["full_batch"]
    return (
        f"The line after full-batch descent, ŷ = {fmt.num(g['w'])}x {'+' if g['b'] >= 0 else '−'} {fmt.num(abs(g['b']))}, "
        f"over the training circles and test triangles, with the true line dashed; R² on the test split is "
        f"{fmt.num(g['r2_test'], 3)}."
    )


def residuals(r, theme: Theme):
    d, g = r["dataset"], r["full_batch"]
    x, y, t = d["_x"], d["_y"], d["_is_test"]
    res = y - (g["w"] * x + g["b"])
    if theme.phone:
        fig, (a1, a2) = plt.subplots(2, 1, figsize=(4.3, 6.4))
    else:
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(6.2, 3.4), gridspec_kw={"width_ratios": [3, 2]})
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
    h1, _ = a1.get_legend_handles_labels()
    h2, _ = a2.get_legend_handles_labels()
    fig.legend([(h1[0], h2[0]), (h1[1], h2[1])], [f"train ({int((~t).sum())} points)", f"test ({int(t.sum())} points)"],
               loc="upper center", ncol=2, bbox_to_anchor=(0.5, 1.0),
               handler_map={tuple: HandlerTuple(ndivide=None, pad=0.6)}, handlelength=3.0)
    fig.tight_layout(rect=(0, 0, 1, 0.95 if theme.phone else 0.9))
    return fig


def small(v: float, scale: float) -> str:
    """A value that may be rounding: said in words when it is, else with three significant figures."""
    return fmt.gap(v, scale) if fmt.rounding(v, scale) else fmt.num(v, 3)


def residuals_alt(r) -> str:
    d, g = r["dataset"], r["full_batch"]
    x, y = d["_x"], d["_y"]
    res = y - (g["w"] * x + g["b"])
    scale = float(np.max(np.abs(y)))
    return (
        f"Two panels. Residuals y − ŷ against x, between {fmt.num(res.min(), 3)} and {fmt.num(res.max(), 3)}; and their "
        f"histogram, with mean {small(float(np.mean(res)), scale)} and standard deviation "
        f"{small(float(np.std(res)), scale)} (the noise's is {fmt.num(d['noise_std'])})."
    )
