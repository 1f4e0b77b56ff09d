"""Figures of the gradient-verification chapter: finite-difference error against step size h."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import fmt
from gdbook.core.plotting import Theme


def _panel(ax, theme: Theme, h, fwd, cen, refs, chosen_h, best_c, title):
    floor = 10.0 ** np.floor(np.log10(min(np.min(fwd[fwd > 0]), np.min(cen[cen > 0]))) - 1)
    ax.loglog(h[fwd > 0], fwd[fwd > 0], "o-", ms=3, lw=1.4, color=theme.c("train"), label="forward difference")
    nz = cen > 0
    ax.loglog(h[nz], cen[nz], "s-", ms=3, lw=1.4, color=theme.c("test"), label="central difference")
    if (~nz).any():
        ax.plot(h[~nz], np.full(int(np.sum(~nz)), floor), "v", ms=6, color=theme.c("test"),
                label="central: error exactly 0")
    for (label, y, style) in refs:
        ax.loglog(h, y, style, lw=1.1, color=theme.c("neutral"), label=label)
    ax.axvline(chosen_h, color=theme.c("accent"), lw=1.2, label=f"chosen h = {fmt.sci(chosen_h, 2)}")
    ax.plot([best_c["h"]], [max(best_c["error"], floor)], "*", ms=13, color=theme.c("truth"),
            label=f"central: smallest error, h = {fmt.sci(best_c['h'], 2)}", zorder=5)
    ax.set_ylim(floor / 2, 10.0)
    ax.set_xlabel("step size h")
    ax.set_ylabel("|numeric − analytic|")
    ax.set_title(title, fontsize=10.5, loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, fontsize=9)


def step_size(r, theme: Theme):
    g = r["gradient_check"]
    st = g["study"]
    h = st["_h"]
    eps = st["eps"]
    m, p = st["mse"], st["poly"]
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(6.6, 10.4), layout="constrained")
    fig.get_layout_engine().set(hspace=0.08)
    _panel(a1, theme, h, np.asarray(st["_mse_forward"]), np.asarray(st["_mse_central"]),
           [("h·|∂²L/∂w²|/2 (forward truncation)", h * m["l_ww"] / 2, "--"),
            ("ε·L/h (round-off)", eps * m["loss"] / h, ":")],
           g["h"], m["central_best"], "(a) ∂L/∂w of the MSE at the initial guess: quadratic, so no h² term")
    _panel(a2, theme, h, np.asarray(st["_poly_forward"]), np.asarray(st["_poly_central"]),
           [("h·|f″|/2 (forward truncation)", h * abs(p["d2"]) / 2, "--"),
            ("h²·|f‴|/6 (central truncation)", h * h * abs(p["d3"]) / 6, "-."),
            ("ε·|f|/h (round-off)", eps * abs(p["f"]) / h, ":")],
           g["h"], p["central_best"], f"(b) f′(x) at x = {fmt.num(p['x0'])} for the Part 1 polynomial f")
    return fig


def step_size_alt(r) -> str:
    g = r["gradient_check"]
    st = g["study"]
    m, p = st["mse"], st["poly"]
    return (
        f"Two log-log plots of the finite-difference error against the step h from {fmt.sci(st['h_min'], 1)} to "
        f"{fmt.num(st['h_max'])}. Top, the MSE: the forward-difference error falls with slope "
        f"{fmt.num(m['slope_forward_truncation'], 3)} as h shrinks until round-off takes over near "
        f"h = {fmt.sci(m['forward_best']['h'], 2)}; the central-difference error only rises as h shrinks "
        f"(slope {fmt.num(m['slope_roundoff'], 3)}, round-off), reaching exactly 0 at {m['central_zeros']} of the "
        f"largest steps. Bottom, the polynomial: forward slope {fmt.num(p['slope_forward_truncation'], 3)}, "
        f"central slope {fmt.num(p['slope_central_truncation'], 3)}, smallest central error "
        f"{fmt.sci(p['central_best']['error'], 2)} at h = {fmt.sci(p['central_best']['h'], 2)}, "
        f"against the predicted optimum {fmt.sci(p['h_opt_central'], 2)}."
    )
