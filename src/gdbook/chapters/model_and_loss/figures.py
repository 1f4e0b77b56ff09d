"""Figure of the initial-guess chapter: the random starting line over both splits."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import fmt
from gdbook.core.plotting import Theme, draw_sets, line_label


def guess(r, theme: Theme):
    d, g = r["dataset"], r["model_and_loss"]["initial"]
    fig, ax = plt.subplots()
    draw_sets(ax, d, theme)
    xs = np.array([d["x_min"], d["x_max"]])
    ax.plot(xs, d["true_b"] + d["true_w"] * xs, color=theme.c("truth"), ls="--", lw=1.4,
            label=line_label("true line", d["true_w"], d["true_b"]))
    ax.plot(xs, g["b"] + g["w"] * xs, color=theme.c("initial"), lw=2.2, label=line_label("initial guess", g["w"], g["b"]))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper left", fontsize=9)
    return fig


def guess_alt(r) -> str:
    g = r["model_and_loss"]["initial"]
    return (
        f"The initial guess ŷ = {fmt.num(g['w'])}x {'+' if g['b'] >= 0 else '−'} {fmt.num(abs(g['b']))} drawn over the "
        f"training points (circles) and test points (triangles): "
        f"{'flatter' if abs(g['w']) < abs(r['dataset']['true_w']) else 'steeper'} than the true line "
        f"y = {fmt.num(r['dataset']['true_w'])}x {'+' if r['dataset']['true_b'] >= 0 else '−'} {fmt.num(abs(r['dataset']['true_b']))}, "
        f"with MSE {fmt.num(g['train_mse'])} on the training split and {fmt.num(g['test_mse'])} on the test split."
    )
