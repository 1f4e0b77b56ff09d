"""Several features: the gradient and the normal equations in vector form, and a two-feature example.

The matrix formulas, ∇L = (2/n)·Xᵀ(Xθ − y) and XᵀXθ = Xᵀy, are proved by
SymPy as matrix expressions on 3 and 4 symbolic points with symbolic features
(SymPy's LaTeX reader does not read matrices, so the expression checked is
built next to the TeX shown); the per-parameter form, a sum, is read from its
TeX and proved like the one-feature gradient.

The example: a second feature x₂, drawn from the book's seed and partly tied
to x (so that leaving it out matters), and y₂ = y + w₂·x₂ with the book's own
y (same line, same noise).  It is fitted by the normal equations, checked
against ``numpy.linalg.lstsq``, and reached again by gradient descent in
vector form on standardised features.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from gdbook.core.data import make_dataset
from gdbook.core.errors import BuildError
from gdbook.core.notation import I, XS, YS, checked_sum
from gdbook.settings import Settings

W2 = 1.5  # the true weight of the second feature in the example
TIE = 0.5  # how much of x₂'s position along its range comes from x (the rest is independent)
TOL = 1e-12  # descent runs until its error has shrunk by this factor (by the contraction bound)

n = sp.Symbol("n", positive=True, integer=True)
w1, w2, b = sp.symbols("w_1 w_2 b", real=True)
X1, X2 = sp.IndexedBase("x1"), sp.IndexedBase("x2")


def matrix_checks() -> None:
    """∇L = (2/n)Xᵀ(Xθ − y) and (n/2)∇L = XᵀXθ − Xᵀy for k points, two features and an intercept."""
    for k in (3, 4):
        Xm = sp.Matrix(k, 3, lambda r, c_: sp.Symbol(f"x_{r + 1}{c_ + 1}") if c_ < 2 else 1)
        y = sp.Matrix(k, 1, lambda r, _: sp.Symbol(f"y_{r + 1}"))
        theta = sp.Matrix([w1, w2, b])
        resid = Xm * theta - y
        L = (resid.T * resid)[0, 0] / k
        grad = sp.Matrix([sp.diff(L, v) for v in theta])
        if sp.simplify(grad - sp.Rational(2, k) * Xm.T * resid) != sp.zeros(3, 1):
            raise BuildError(f"∇L ≠ (2/n)Xᵀ(Xθ − y) for {k} symbolic points")
        if sp.simplify(sp.Rational(k, 2) * grad - (Xm.T * Xm * theta - Xm.T * y)) != sp.zeros(3, 1):
            raise BuildError(f"(n/2)∇L ≠ XᵀXθ − Xᵀy for {k} symbolic points")


def component_formulas() -> dict:
    """∂L/∂w_j = (2/n)Σ(ŷᵢ − yᵢ)x_ij, read from its TeX, for j = 1, 2 and the intercept (x_i3 = 1)."""
    yhat = w1 * X1[I] + w2 * X2[I] + b
    L = sp.Sum((yhat - YS[I]) ** 2, (I, 1, n)) / n
    tex = r"\frac{2}{n}\sum_{i=1}^{n} (\hat y_i - y_i)\,x_{ij}"
    for var, column in ((w1, X1[I]), (w2, X2[I]), (b, sp.Integer(1))):
        checked_sum(tex, sp.diff(L, var), n, symbols={"h_{i}": yhat, "z_{i}": column},
                    read_as={r"\hat y_i": "h_i", "x_{ij}": "z_i"}, what=f"∂L/∂{var}")
    model = r"w_1 x_{i1} + w_2 x_{i2} + b"
    checked_sum(model.replace("x_{i1}", "p_i").replace("x_{i2}", "q_i"), yhat, n,
                symbols={"p_{i}": X1[I], "q_{i}": X2[I], "w_{1}": w1, "w_{2}": w2, "b": b}, sizes=(1,), what="the model")
    return {"component": tex, "model": model}


def second_feature(s: Settings, x: np.ndarray) -> np.ndarray:
    """x₂ on the same range as x: TIE of its position from x, the rest uniform, from the book's seed."""
    rng = np.random.default_rng([s.seed, 3])
    lo, hi = s.data.x_min, s.data.x_max
    u = rng.uniform(0.0, 1.0, size=len(x))
    return lo + (hi - lo) * (TIE * (x - lo) / (hi - lo) + (1 - TIE) * u)


# --8<-- [start:descent]
def descend(X: np.ndarray, y: np.ndarray, lr: float, steps: int) -> np.ndarray:
    """Gradient descent in vector form: θ ← θ − η·(2/n)·Xᵀ(Xθ − y), from θ = 0."""
    theta = np.zeros(X.shape[1])
    for _ in range(steps):
        grad = 2.0 / len(y) * X.T @ (X @ theta - y)
        theta = theta - lr * grad
    return theta
# --8<-- [end:descent]


def cond(X: np.ndarray) -> tuple[float, float, float]:
    lam = np.linalg.eigvalsh(2.0 / len(X) * X.T @ X)
    return float(lam[0]), float(lam[-1]), float(lam[-1] / lam[0])


def several_features_section(s: Settings, deps: dict) -> dict:
    matrix_checks()
    formulas = component_formulas()
    ds = make_dataset(s)
    x2_all = second_feature(s, ds.x)
    y2_all = ds.y + W2 * x2_all
    tr = ~ds.is_test
    x1, x2, y = ds.x[tr], x2_all[tr], y2_all[tr]
    nt = len(y)
    X = np.column_stack([x1, x2, np.ones(nt)])
    xtx, xty = X.T @ X, X.T @ y
    theta = np.linalg.solve(xtx, xty)
    theta_ls, *_ = np.linalg.lstsq(X, y, rcond=None)
    scale = max(1.0, float(np.max(np.abs(theta))))
    lstsq_gap = float(np.max(np.abs(theta - theta_ls)) / scale)
    lam_min, lam_max, kappa = cond(X)
    if not lstsq_gap <= 1e3 * np.finfo(float).eps * np.linalg.cond(xtx):
        raise BuildError(f"the normal equations and numpy.linalg.lstsq disagree by {lstsq_gap:.3g} for two features")

    # descent on standardised features: z = (x − mean)/sd, then back to the original units
    mu, sd = X[:, :2].mean(axis=0), X[:, :2].std(axis=0)
    Z = np.column_stack([(X[:, :2] - mu) / sd, np.ones(nt)])
    z_min, z_max, z_kappa = cond(Z)
    lr = 1.0 / z_max
    rho = 1.0 - z_min / z_max  # the error shrinks at least this much per step at η = 1/λmax
    steps = int(math.ceil(math.log(TOL) / math.log(rho))) if rho > 0 else 1
    tz = descend(Z, y, lr, steps)
    w_gd = tz[:2] / sd
    theta_gd = np.array([w_gd[0], w_gd[1], tz[2] - float(w_gd @ mu)])
    gd_gap = float(np.max(np.abs(theta_gd - theta)) / scale)
    if not gd_gap <= 1e-8:
        raise BuildError(f"vector-form descent ended {gd_gap:.3g} (relative) from the normal equations' θ")
    raw_rho = 1.0 - 1.0 / kappa
    raw_steps = math.log(TOL) / math.log(raw_rho) if raw_rho > 0 else 1.0

    # leaving x₂ out: the one-feature slope absorbs part of w₂
    u1 = x1 - x1.mean()
    slope_alone = float(u1 @ (y - y.mean()) / (u1 @ u1))
    x2_on_x1 = float(u1 @ (x2 - x2.mean()) / (u1 @ u1))
    corr = float(np.corrcoef(x1, x2)[0, 1])
    test = ds.is_test
    Xt = np.column_stack([ds.x[test], x2_all[test], np.ones(int(test.sum()))])
    yt = y2_all[test]
    both_test = float(np.mean((Xt @ theta - yt) ** 2))
    one_b = float(y.mean() - slope_alone * x1.mean())
    one_test = float(np.mean((slope_alone * ds.x[test] + one_b - yt) ** 2))
    return {
        "formulas": formulas,
        "w2_true": W2,
        "tie": TIE,
        "true": [s.data.true_w, W2, s.data.true_b],
        "n_train": nt,
        "corr": corr,
        "xtx": [[float(v) for v in row] for row in xtx],
        "xty": [float(v) for v in xty],
        "theta": [float(v) for v in theta],
        "theta_lstsq": [float(v) for v in theta_ls],
        "lstsq_gap": lstsq_gap,
        "lam_min": lam_min, "lam_max": lam_max, "cond": kappa,
        "raw_steps": float(raw_steps),
        "z_cond": z_kappa, "z_lam_max": z_max, "lr": lr, "rho": rho, "steps": steps, "tol": TOL,
        "theta_gd": [float(v) for v in theta_gd],
        "gd_gap": gd_gap,
        "slope_alone": slope_alone,
        "slope_shift": abs(slope_alone - float(theta[0])),
        "x2_on_x1": x2_on_x1,
        "slope_predicted": float(theta[0] + theta[1] * x2_on_x1),
        "test_mse_both": both_test,
        "test_mse_one": one_test,
        "both_better": bool(both_test < one_test),
        "_x1": x1, "_x2": x2, "_y": y,
    }
