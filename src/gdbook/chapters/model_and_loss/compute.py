"""The MSE and its gradient, derived by sympy and checked against the vectorised code.

sympy differentiates L(w, b) = (1/n) Σ (w·xᵢ + b − yᵢ)² with the sum left
symbolic; the result is then checked two ways: symbolically against the
closed formulas for a small symbolic dataset, and numerically against
``gdbook.core.model.mse``/``gradient``/``hessian`` on the training split.
A disagreement fails the build.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from gdbook.core import fmt
from gdbook.core.data import fit_report, make_dataset
from gdbook.core.model import closed_form, gradient, hessian, mse
from gdbook.core.errors import BuildError
from gdbook.settings import Settings

w, b = sp.symbols("w b", real=True)
n = sp.Symbol("n", positive=True, integer=True)
i = sp.Idx("i")
X, Y = sp.IndexedBase("x"), sp.IndexedBase("y")


def loss_expr(nn=n):
    return sp.Sum((w * X[i] + b - Y[i]) ** 2, (i, 1, nn)) / nn


def model_and_loss_section(s: Settings, deps: dict) -> dict:
    L = loss_expr()
    dLdw, dLdb = sp.diff(L, w), sp.diff(L, b)
    # the closed formulas the page states (and model.gradient implements)
    r = w * X[i] + b - Y[i]
    claim_w = sp.Rational(2) / n * sp.Sum(r * X[i], (i, 1, n))
    claim_b = sp.Rational(2) / n * sp.Sum(r, (i, 1, n))
    # symbolic check on a 4-point symbolic dataset
    m = 4
    checks = []
    for got, claim in ((dLdw, claim_w), (dLdb, claim_b)):
        diff = sp.expand((got - claim).subs(n, m).doit())
        checks.append(diff == 0)
    hess = [[sp.diff(L, u, v) for v in (w, b)] for u in (w, b)]
    # stated as (2/n)·[[Σxᵢ², Σxᵢ], [Σxᵢ, n]] = (2/n)·XᵀX
    gram = sp.Matrix([[sp.Sum(X[i] ** 2, (i, 1, n)), sp.Sum(X[i], (i, 1, n))],
                      [sp.Sum(X[i], (i, 1, n)), n]])
    hess_claim = [[sp.Rational(2) / n * gram[r_, c_] for c_ in range(2)] for r_ in range(2)]
    for gr, cr in zip(hess, hess_claim):
        for g_, c_ in zip(gr, cr):
            checks.append(sp.expand((g_ - c_).subs(n, m).doit()) == 0)
    if not all(checks):
        raise BuildError("sympy's derivative of the MSE does not match the formulas on the model-and-loss page")

    # numeric check: SymPy's derivatives of one example's squared error, turned into NumPy
    # functions and averaged over the training data, against the code.  SymPy sees symbols
    # only: the work that grows with the data is NumPy's.
    ds = make_dataset(s)
    xs, ys = ds.x_train, ds.y_train
    xi, yi = sp.symbols("x_i y_i", real=True)
    per_example = (w * xi + b - yi) ** 2
    on_data = {name: sp.lambdify((w, b, xi, yi), expr, "numpy") for name, expr in (
        ("loss", per_example), ("dw", sp.diff(per_example, w)), ("db", sp.diff(per_example, b)),
        ("ww", sp.diff(per_example, w, w)), ("wb", sp.diff(per_example, w, b)), ("bb", sp.diff(per_example, b, b)))}

    def mean_of(name: str, w0: float, b0: float) -> float:
        return float(np.mean(np.broadcast_to(on_data[name](w0, b0, xs, ys), xs.shape)))

    pts = [(ds.w0, ds.b0), (s.data.true_w, s.data.true_b), (0.0, 0.0)]
    worst = 0.0
    rows = []
    for (w0, b0) in pts:
        sym = (mean_of("loss", w0, b0), mean_of("dw", w0, b0), mean_of("db", w0, b0))
        code = (mse(w0, b0, xs, ys), *gradient(w0, b0, xs, ys))
        rel = max(abs(a - c) / max(abs(a), 1e-12) for a, c in zip(sym, code))
        worst = max(worst, rel)
        rows.append({"w": w0, "b": b0, "loss": code[0], "dw": code[1], "db": code[2], "rel": rel})
    H_sym = np.array([[mean_of("ww", 0, 0), mean_of("wb", 0, 0)], [mean_of("wb", 0, 0), mean_of("bb", 0, 0)]])
    h_rel = float(np.max(np.abs(H_sym - hessian(xs))) / np.max(np.abs(H_sym)))
    worst = max(worst, h_rel)
    if not worst <= 1e-9:
        raise BuildError(f"sympy's MSE/gradient and gdbook.core.model disagree by {worst:.3g} (relative)")

    initial = initial_guess(s)
    return {
        "initial": initial,
        "errata": initial.pop("errata"),
        "loss_tex": sp.latex(L),
        "dw_tex": sp.latex(dLdw),
        "db_tex": sp.latex(dLdb),
        "dw_claim_tex": sp.latex(claim_w),
        "db_claim_tex": sp.latex(claim_b),
        "hessian_tex": r"\frac{2}{n}" + sp.latex(gram),
        "symbolic_points": m,
        "points": rows,
        "worst_rel": worst,
        "hessian_rel": h_rel,
    }


def initial_guess(s: Settings) -> dict:
    """The random initial guess (w, b) and its metrics on both splits, before any training."""
    ds = make_dataset(s)
    rep = fit_report(ds, ds.w0, ds.b0)
    w_ls, b_ls = closed_form(ds.x_train, ds.y_train)
    fit = fit_report(ds, w_ls, b_ls)
    return {
        "w": ds.w0,
        "b": ds.b0,
        "scale": s.init.scale,
        "train_mse": rep["train"]["mse"],
        "test_mse": rep["test"]["mse"],
        "metrics": rep,
        "errata": [{
            "title": "The initial guess has learned nothing to generalise",
            "where": "Part 2, Initial Model (Before Training)",
            "notes": "About the initial random guess: “The model appears to generalize its learnings well on the "
                     "validation set.”",
            "correct": (
                f"Before training the line is a random draw (w = {fmt.num(ds.w0)}, b = {fmt.num(ds.b0)}); it has "
                f"learned nothing. Its MSE is {fmt.num(rep['train']['mse'])} on the training split and "
                f"{fmt.num(rep['test']['mse'])} on the test split, with R² = {fmt.num(rep['train']['r2'])} and "
                f"{fmt.num(rep['test']['r2'])}: "
                f"{'worse than predicting the mean' if rep['test']['r2'] < 0 else 'far from a good fit'}. "
                f"Similar errors on both splits only show that both splits come from the same data. The fitted "
                f"line reaches test MSE {fmt.num(fit['test']['mse'])}."
            ),
            "link": "../part2/model-and-loss.md", "link_text": "The initial guess", "explanation": "",
        }],
    }
