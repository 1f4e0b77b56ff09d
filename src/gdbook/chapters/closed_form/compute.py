"""Ordinary least squares by the normal equations, checked against numpy's lstsq.

The fit uses the training split only; its metrics are reported on both splits.
"""

from __future__ import annotations

import numpy as np

from gdbook.core import fmt
from gdbook.core.data import fit_report, make_dataset
from gdbook.core.model import closed_form, gradient, hessian
from gdbook.core.errors import BuildError
from gdbook.settings import Settings


def closed_form_section(s: Settings, deps: dict) -> dict:
    ds = make_dataset(s)
    x, y = ds.x_train, ds.y_train
    w, b = closed_form(x, y)
    X = np.column_stack([x, np.ones_like(x)])
    (w_ls, b_ls), *_ = np.linalg.lstsq(X, y, rcond=None)
    lstsq_diff = max(abs(w - w_ls), abs(b - b_ls))
    if not lstsq_diff <= 1e-10 * max(1.0, abs(w), abs(b)):
        raise BuildError(f"normal equations and numpy.linalg.lstsq disagree by {lstsq_diff:.3g}")
    dw, db = gradient(w, b, x, y)
    xtx, xty = X.T @ X, X.T @ y
    rep = fit_report(ds, w, b)
    return {
        "w": w,
        "b": b,
        "train_mse": rep["train"]["mse"],
        "test_mse": rep["test"]["mse"],
        "metrics": rep,
        "lstsq_w": float(w_ls),
        "lstsq_b": float(b_ls),
        "lstsq_diff": float(lstsq_diff),
        "grad_norm": float(np.hypot(dw, db)),
        "xtx": [[float(v) for v in row] for row in xtx],
        "xty": [float(v) for v in xty],
        "cond_xtx": float(np.linalg.cond(xtx)),
        "hessian_eig": [float(v) for v in np.linalg.eigvalsh(hessian(x))],
        "err_w": w - s.data.true_w,
        "err_b": b - s.data.true_b,
        "errata": [
            {
                "title": "The closed form is not “the Gauss–Markov theorem”",
                "where": "Part 2, Gradient Verification tab (“the analytical method (Gauss Markov Theorem)”)",
                "notes": "The weights were computed “using … the analytical method (Gauss Markov Theorem)”.",
                "correct": (
                    f"The analytical method is ordinary least squares solved by the normal equations "
                    f"\\(X^\\top X\\,\\theta = X^\\top y\\); on this book's training split it gives "
                    f"\\(w = {fmt.tex(w, 7)}\\), \\(b = {fmt.tex(b, 7)}\\). The Gauss–Markov theorem computes nothing: it says "
                    "that, when the errors have mean zero, equal variance and no correlation, this least-squares "
                    "estimate has the smallest variance among all linear unbiased estimators (it is BLUE)."
                ),
                "link": "../part2/closed-form.md",
                "link_text": "Closed form",
                "explanation": (
                    "The normal equations are a way to compute the least-squares line; Gauss–Markov is a reason to "
                    "prefer that line when its assumptions hold. The book computes the first and states the second."
                ),
            },
        ],
    }
