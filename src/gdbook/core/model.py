"""The model ŷ = w·x + b, its loss, gradient, metrics and closed-form fit.

Vectorised numpy; no loops.  ``dw`` and ``db`` are ∂L/∂w and ∂L/∂b of the
mean squared error L(w, b) = (1/n) Σ (ŷᵢ − yᵢ)².
"""

from __future__ import annotations

import numpy as np


# The book includes the code between these markers (pymdownx.snippets).
# --8<-- [start:mse]
def predict(w: float, b: float, x: np.ndarray) -> np.ndarray:
    return w * x + b


def mse(w: float, b: float, x: np.ndarray, y: np.ndarray) -> float:
    r = predict(w, b, x) - y
    return float(np.mean(r * r))
# --8<-- [end:mse]


# --8<-- [start:gradient]
def gradient(w: float, b: float, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    r = predict(w, b, x) - y
    dw = 2.0 * np.mean(r * x)
    db = 2.0 * np.mean(r)
    return float(dw), float(db)
# --8<-- [end:gradient]


# --8<-- [start:closed_form]
def closed_form(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Ordinary least squares by the normal equations XᵀX θ = Xᵀy, X = [x, 1]."""
    X = np.column_stack([x, np.ones_like(x)])
    w, b = np.linalg.solve(X.T @ X, X.T @ y)
    return float(w), float(b)
# --8<-- [end:closed_form]


def hessian(x: np.ndarray) -> np.ndarray:
    """Hessian of the MSE in (w, b): (2/n)·XᵀX with X = [x, 1]; it does not depend on w, b or y."""
    X = np.column_stack([x, np.ones_like(x)])
    return 2.0 / len(x) * (X.T @ X)


def metrics(y: np.ndarray, y_hat: np.ndarray) -> dict:
    r = y_hat - y
    mse_ = float(np.mean(r * r))
    ss_tot = float(np.sum((y - np.mean(y)) ** 2))
    return {
        "mse": mse_,
        "rmse": float(np.sqrt(mse_)),
        "mae": float(np.mean(np.abs(r))),
        "r2": 1.0 - float(np.sum(r * r)) / ss_tot,
    }



def loss_grid(x: np.ndarray, y: np.ndarray, ws: np.ndarray, bs: np.ndarray) -> np.ndarray:
    """L(w, b) on the grid ws × bs (rows: b, columns: w), for contour maps; equals :func:`mse` at every node.

    L is a quadratic in w and b.  Written around its minimum (w*, b*) with the centred
    u = x − x̄, it is L* + (Σu²/n)(w − w*)² + (w·x̄ + b − ȳ)², which costs no pass over
    the data per node and loses no digits near the minimum (expanding Σ(w·x + b − y)²
    into Σx², Σxy, Σy² would, when y is large and the residuals small).
    """
    xm, ym = float(np.mean(x)), float(np.mean(y))
    u = x - xm
    suu = float(u @ u)
    w_star = float(u @ (y - ym)) / suu
    r = w_star * u - (y - ym)
    l_star = float(np.mean(r * r))
    W, B = np.meshgrid(ws, bs)
    c = W * xm + B - ym
    return l_star + suu / len(x) * (W - w_star) ** 2 + c * c
