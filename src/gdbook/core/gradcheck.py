"""Checking the analytic gradient of the MSE against central differences.

Shared by every chapter that checks a gradient (the gradient-verification
chapter teaches it; the flowchart's program runs it), so that both use one
difference, one error measure and one rule for where a check means anything.

* :func:`central_gradient`: (L(w + h, b) − L(w − h, b)) / 2h, and the same in b.
* :func:`relative_error`: ‖a − n‖ / max(‖a‖, ‖n‖).
* :func:`roundoff_bound`: how far rounding alone can move the central
  difference.  The MSE is computed from residuals rᵢ = w·xᵢ + b − yᵢ, each
  the difference of numbers of size |w·xᵢ| + |b| + |yᵢ|, so each carries a
  rounding error of about ε·(|w·xᵢ| + |b| + |yᵢ|), and rᵢ² about twice that
  times |rᵢ|.  One evaluation of L is then off by up to
  δL = 2ε·mean(|rᵢ|·(|w·xᵢ| + |b| + |yᵢ|)), and the central difference,
  a difference of two such values divided by 2h, by up to δL/h.  (Measured on
  thousands of points under every settings case, the actual error stays
  below half of it.)  Near the least-squares fit, where |rᵢ| is much smaller
  than |yᵢ|, this is much larger than the ε·L/h a rule of thumb would give.
* :func:`resolves`: whether a point can be checked against a tolerance τ at
  all: the gradient there must be non-zero and rounding alone must use at most
  1/:data:`MARGIN` of the tolerance, ``bound ≤ τ·‖g‖/MARGIN``.  At the minimum
  the gradient is zero and a relative error is rounding divided by (almost)
  nothing: no gradient can be checked there, right or wrong.
"""

from __future__ import annotations

import numpy as np

from gdbook.core.model import gradient, mse, predict

EPS = float(np.finfo(float).eps)
MARGIN = 10.0  # rounding may use at most a tenth of the tolerance at a checked point


def central_gradient(w: float, b: float, x: np.ndarray, y: np.ndarray, h: float) -> tuple[float, float]:
    """(∂L/∂w, ∂L/∂b) of the MSE by central differences with step h."""
    dw = (mse(w + h, b, x, y) - mse(w - h, b, x, y)) / (2.0 * h)
    db = (mse(w, b + h, x, y) - mse(w, b - h, x, y)) / (2.0 * h)
    return float(dw), float(db)


def relative_error(a, n) -> float:
    """‖a − n‖ / max(‖a‖, ‖n‖); 0 when both are exactly zero."""
    a, n = np.asarray(a, float), np.asarray(n, float)
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(n)))
    return 0.0 if scale == 0.0 else float(np.linalg.norm(a - n)) / scale


def loss_rounding(w: float, b: float, x: np.ndarray, y: np.ndarray) -> float:
    """δL: how far rounding can move one evaluation of the MSE at (w, b) (see the module's text)."""
    r = predict(w, b, x) - y
    return float(2.0 * EPS * np.mean(np.abs(r) * (np.abs(w * x) + abs(b) + np.abs(y))))


def roundoff_bound(w: float, b: float, x: np.ndarray, y: np.ndarray, h: float) -> float:
    """δL/h: how far rounding can move a central difference with step h at (w, b)."""
    return loss_rounding(w, b, x, y) / h


def resolves(grad_norm: float, bound: float, rel_tol: float) -> bool:
    """Whether a check against ``rel_tol`` means something where ‖g‖ = grad_norm and rounding is up to ``bound``."""
    return grad_norm > 0.0 and bound <= rel_tol * grad_norm / MARGIN


def smallest_h(w: float, b: float, x: np.ndarray, y: np.ndarray, rel_tol: float) -> float:
    """The smallest step at which rounding uses at most 1/MARGIN of ``rel_tol`` at (w, b) (inf at the minimum)."""
    g = float(np.hypot(*gradient(w, b, x, y)))
    return float("inf") if g == 0.0 else MARGIN * loss_rounding(w, b, x, y) / (rel_tol * g)


def check(w: float, b: float, x: np.ndarray, y: np.ndarray, h: float, grad=gradient) -> dict:
    """The analytic gradient ``grad`` against the central difference at (w, b), with what rounding allows."""
    dw_a, db_a = grad(w, b, x, y)
    dw_n, db_n = central_gradient(w, b, x, y, h)
    return {
        "w": float(w), "b": float(b), "loss": mse(w, b, x, y),
        "dw_analytic": float(dw_a), "dw_numeric": dw_n,
        "db_analytic": float(db_a), "db_numeric": db_n,
        "abs_error_dw": abs(float(dw_a) - dw_n), "abs_error_db": abs(float(db_a) - db_n),
        "grad_norm": float(np.hypot(dw_a, db_a)),
        "roundoff": roundoff_bound(w, b, x, y, h),
        "rel_error": relative_error([dw_a, db_a], [dw_n, db_n]),
    }
