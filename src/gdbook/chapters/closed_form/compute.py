"""The closed form: least squares by the normal equations, derived, solved and checked.

Setting the gradient to zero gives two linear equations (each proved by SymPy
on 3 and 4 symbolic points); their solution, in the familiar centred form, is
proved against SymPy's own solution of the system.  The numbers: the solve on
the training set, NumPy's independent least-squares solver beside it, the
gradient and the residual sums at the solution, how many digits the normal
equations can lose (the condition number of XᵀX), how far the fit is from the
true line in standard errors, and the Gauss–Markov comparison with another
linear unbiased estimator of the slope.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import sympy as sp

from gdbook.core.data import fit_report, make_dataset
from gdbook.core.errors import BuildError
from gdbook.core.model import closed_form, gradient, hessian
from gdbook.core.notation import I, XS, YS, checked_sum, line_tex
from gdbook.settings import Settings

w, b = sp.symbols("w b", real=True)
n = sp.Symbol("n", positive=True, integer=True)
X, Y = XS[I], YS[I]
MEANS = {r"\bar x": "m", r"\bar y": "k"}
BOUND = {"m": sp.Sum(X, (I, 1, n)) / n, "k": sp.Sum(Y, (I, 1, n)) / n, "w": w, "b": b}
EPS = float(np.finfo(float).eps)


def loss(nn=n):
    return sp.Sum((w * X + b - Y) ** 2, (I, 1, nn)) / nn


def equation(lhs: str, rhs: str, equals, what: str) -> dict:
    """An equation lhs = rhs whose difference lhs − rhs is proved equal to ``equals``."""
    checked_sum(f"({lhs}) - ({rhs})", equals, n, symbols=BOUND, what=what)
    return {"lhs": lhs, "rhs": rhs, "tex": f"{lhs} = {rhs}"}


@functools.lru_cache(maxsize=None)
def solved(k: int) -> dict:
    Lk = loss(k).doit()
    return sp.solve([sp.diff(Lk, w), sp.diff(Lk, b)], [w, b], dict=True)[0]


def formulas() -> dict:
    L = loss()
    half = n / 2
    out = {
        "row_w": equation(r"w\sum_{i=1}^{n} x_i^2 + b\sum_{i=1}^{n} x_i", r"\sum_{i=1}^{n} x_i y_i",
                          half * sp.diff(L, w), "the first normal equation"),
        "row_b": equation(r"w\sum_{i=1}^{n} x_i + b\,n", r"\sum_{i=1}^{n} y_i", half * sp.diff(L, b),
                          "the second normal equation"),
    }
    w_tex = r"\frac{\sum_{i=1}^{n} (x_i - \bar x)(y_i - \bar y)}{\sum_{i=1}^{n} (x_i - \bar x)^2}"
    out["w_star"] = checked_sum(w_tex, lambda k: solved(k)[w], n, symbols=BOUND, read_as=MEANS, what="w*")
    # b* = ȳ − w*·x̄, with w* as above
    b_read = {r"w^*": "(" + w_tex.replace(r"\bar x", "m").replace(r"\bar y", "k") + ")", **MEANS}
    out["b_star"] = checked_sum(r"\bar y - w^*\,\bar x", lambda k: solved(k)[b], n, symbols=BOUND, read_as=b_read,
                                what="b*")

    # w* = Σ cᵢ yᵢ with cᵢ = (xᵢ − x̄)/Σ(xⱼ − x̄)²; independent noise of variance σ² gives Var(w*) = σ²·Σ cᵢ²
    def sum_c2(k):
        xbar = sp.Add(*[XS[j] for j in range(1, k + 1)]) / k
        sxx = sp.Add(*[(XS[j] - xbar) ** 2 for j in range(1, k + 1)])
        return sp.cancel(sp.Add(*[((XS[j] - xbar) / sxx) ** 2 for j in range(1, k + 1)]))

    out["var_w"] = checked_sum(r"\frac{1}{\sum_{i=1}^{n} (x_i - \bar x)^2}", sum_c2, n, symbols=BOUND, read_as={r"\bar x": "m"},
                               what="Σcᵢ² of the slope's weights")
    # and w* is one of these sums: Σ cᵢ yᵢ equals the formula above
    out["w_linear"] = checked_sum(r"\sum_{i=1}^{n} \frac{x_i - \bar x}{\sum_{j=1}^{n} (x_j - \bar x)^2}\,y_i",
                                  lambda k: solved(k)[w], n, symbols={**BOUND, "x_{j}": XS[sp.Symbol("j")]},
                                  read_as={r"\bar x": "m"}, what="w* as a weighted sum of the yᵢ")
    return out


def gauss_markov(x: np.ndarray, sigma: float) -> dict:
    """Var of the least-squares slope against another linear unbiased slope: the two halves' means joined.

    Both are linear in y and unbiased for w; Gauss–Markov says least squares has the smaller variance.
    Exact variances (the x are fixed), in units of σ².
    """
    order = np.argsort(x, kind="stable")
    half = len(x) // 2
    lo, hi = order[:half], order[len(x) - half:]
    u = x - x.mean()
    var_ls = 1.0 / float(u @ u)
    gap = float(x[hi].mean() - x[lo].mean())
    var_halves = (1.0 / len(lo) + 1.0 / len(hi)) / gap ** 2
    return {"sd_ls": sigma * np.sqrt(var_ls), "sd_halves": sigma * np.sqrt(var_halves),
            "ratio": float(np.sqrt(var_halves / var_ls)), "per_half": half}


def closed_form_section(s: Settings, deps: dict) -> dict:
    ds = make_dataset(s)
    x, y = ds.x_train, ds.y_train
    nt = len(x)
    w, b = closed_form(x, y)
    X = np.column_stack([x, np.ones_like(x)])
    (w_ls, b_ls), *_ = np.linalg.lstsq(X, y, rcond=None)
    xtx, xty = X.T @ X, X.T @ y
    cond = float(np.linalg.cond(xtx))
    scale = max(1.0, abs(w), abs(b))
    lstsq_gap = max(abs(w - w_ls), abs(b - b_ls)) / scale
    # the normal equations lose about log10(cond) digits; far more than that is a bug, not rounding
    if not lstsq_gap <= 1e3 * EPS * cond:
        raise BuildError(f"normal equations and numpy.linalg.lstsq disagree by {lstsq_gap:.3g} (relative), more than "
                         f"the condition number of XᵀX ({cond:.3g}) explains")
    g = np.array(gradient(w, b, x, y))
    g0 = np.array(gradient(ds.w0, ds.b0, x, y))
    r = w * x + b - y
    rep = fit_report(ds, w, b)
    sigma = s.data.noise_std
    u = x - x.mean()
    se_w = sigma / np.sqrt(u @ u)
    se_b = sigma * np.sqrt(1 / nt + x.mean() ** 2 / (u @ u))
    err_w, err_b = w - s.data.true_w, b - s.data.true_b
    return {
        "formulas": formulas(),
        "w": w,
        "b": b,
        "line_tex": line_tex(w, b),
        "train_mse": rep["train"]["mse"],
        "test_mse": rep["test"]["mse"],
        "metrics": rep,
        "n_train": nt,
        "xtx": [[float(v) for v in row] for row in xtx],
        "xty": [float(v) for v in xty],
        "lstsq_w": float(w_ls),
        "lstsq_b": float(b_ls),
        "lstsq_gap": float(lstsq_gap),
        "cond_xtx": cond,
        "digits_lost": float(np.log10(cond)),
        "digits_left": float(max(0.0, -np.log10(EPS) - np.log10(cond))),
        # the gradient at the solution, relative to its size at the initial guess; the residual sums, relative
        "grad_rel": float(np.linalg.norm(g) / np.linalg.norm(g0)),
        "sum_r_rel": float(abs(r.sum()) / np.abs(r).sum()),
        "sum_rx_rel": float(abs(r @ x) / np.abs(r * x).sum()),
        "hessian_eig": [float(v) for v in np.linalg.eigvalsh(hessian(x))],
        "err_w": float(err_w),
        "err_b": float(err_b),
        "se_w": float(se_w),
        "se_b": float(se_b),
        "z_w": float(abs(err_w) / se_w),
        "z_b": float(abs(err_b) / se_b),
        "within_2se": bool(abs(err_w) <= 2 * se_w and abs(err_b) <= 2 * se_b),
        "w_within_2se": bool(abs(err_w) <= 2 * se_w),
        # how often a draw of the noise puts w* at least this far from w_true (two-sided, normal)
        "p_w": float(math.erfc(abs(err_w) / se_w / math.sqrt(2))),
        "through_means_gap": float(abs(w * x.mean() + b - y.mean()) / max(1.0, abs(y.mean()))),
        "exact_w": bool(err_w == 0),
        "gauss_markov": gauss_markov(x, sigma),
    }
