"""Figures of the gradient-verification chapter: finite-difference error against step size h."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import LogLocator

from gdbook.core import fmt
from gdbook.core.plotting import Theme, legend_below


def _panel(ax, theme: Theme, h, fwd, cen, refs, chosen_h, best_c, title):
    floor = 10.0 ** np.floor(np.log10(min(np.min(fwd[fwd > 0]), np.min(cen[cen > 0]))) - 1)
    ax.loglog(h[fwd > 0], fwd[fwd > 0], "o-", ms=3, lw=1.4, color=theme.c("train"), label="forward difference")
    nz = cen > 0
    ax.loglog(h[nz], cen[nz], "s-", ms=3, lw=1.4, color=theme.c("test"), label="central difference")
    if (~nz).any():
        ax.plot(h[~nz], np.full(int(np.sum(~nz)), floor), "v", ms=6, color=theme.c("test"),
                label="central: error exactly 0 (drawn at the bottom)")
    for (label, y, style) in refs:
        ax.loglog(h, y, style, lw=1.1, color=theme.c("neutral"), label=label)
    ax.axvline(chosen_h, color=theme.c("accent"), lw=1.2, label=f"the book's h = {fmt.num(chosen_h)}")
    ax.plot([best_c["h"]], [max(best_c["error"], floor)], "*", ms=13, color=theme.c("truth"),
            label=f"central: smallest error, at h = {fmt.sci(best_c['h'], 2)}", zorder=5)
    ax.set_ylim(floor / 2, 10.0)
    ax.set_xlabel("step size h")
    # Fourteen decades: label every other one or so, fewer on a phone, so the labels never touch.
    ax.xaxis.set_major_locator(LogLocator(base=10, numticks=5 if theme.phone else 8))
    ax.set_ylabel("|numeric − analytic|")
    ax.set_title(title, loc="left", fontsize="medium")
    legend_below(ax, ncols=1 if theme.phone else 2)


def step_size(r, theme: Theme):
    g = r["gradient_check"]
    st = g["study"]
    h = st["_h"]
    m, p = st["mse"], st["poly"]
    fig, (a1, a2) = plt.subplots(2, 1, figsize=theme.size((6.4, 10.0), (4.6, 13.6)), layout="constrained")
    fig.get_layout_engine().set(hspace=0.06)
    _panel(a1, theme, h, np.asarray(st["_mse_forward"]), np.asarray(st["_mse_central"]),
           [("h·m₂/2: forward truncation", h * m["l_ww"] / 2, "--"),
            ("δ/h: rounding bound of the central difference", m["delta"] / h, ":")],
           g["h"], m["central_best"], "(a) ∂L/∂w of the MSE at the initial guess")
    _panel(a2, theme, h, np.asarray(st["_poly_forward"]), np.asarray(st["_poly_central"]),
           [("h·m₂/2: forward truncation", h * abs(p["d2"]) / 2, "--"),
            ("h²·m₃/6: central truncation", h * h * abs(p["d3"]) / 6, "-."),
            ("δ/h: central rounding, δ = ε·|f|", p["delta"] / h, ":")],
           g["h"], p["central_best"], f"(b) f′(x) at x = {fmt.num(p['x0'])}, f the polynomial")
    return fig


def step_size_alt(r) -> str:
    g = r["gradient_check"]
    st = g["study"]
    m, p = st["mse"], st["poly"]
    zeros = (f", and is exactly 0 at {m['central_zeros']} of the largest steps" if m["central_zeros"] else "")
    return (
        f"Two log-log plots of the finite-difference error against the step h from {fmt.sci(st['h_min'], 1)} to "
        f"{fmt.num(st['h_max'])}. Top, the MSE: the forward-difference error falls with slope "
        f"{fmt.num(m['slope_forward_truncation'], 3)} as h shrinks until rounding takes over near "
        f"h = {fmt.sci(m['forward_best']['h'], 2)}; the central-difference error only grows as h shrinks "
        f"(slope {fmt.num(m['slope_roundoff'], 3)}, rounding){zeros}. Bottom, the polynomial: forward slope "
        f"{fmt.num(p['slope_forward_truncation'], 3)}, central slope {fmt.num(p['slope_central_truncation'], 3)}, "
        f"smallest central error {fmt.sci(p['central_best']['error'], 2)} at h = {fmt.sci(p['central_best']['h'], 2)}, "
        f"against the predicted best step {fmt.sci(p['h_opt_central'], 2)}."
    )
