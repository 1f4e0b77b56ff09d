"""How close floating point lets gradient descent get to least squares.

Every update rounds its gradient, a mean of terms as large as
|x|·(|w x| + |b| + |y|), at about machine ε of that size; along the slow
direction of the loss those roundings add up over about 1/(ηλmin) updates,
while the step shrinks the error by ηλmin: the two balance at about
ε·(term size)/λmin.  The least-squares θ* the run is compared with is itself
rounded, by about ε·κ·|θ*|.  :func:`descent_floor` is a generous multiple of
their sum: a tolerance below it asks for a distance rounding decides, and a
run that ends further from θ* than its theory allows by more than it is a bug.
"""

from __future__ import annotations

import numpy as np

from gdbook.core.model import hessian

EPS = float(np.finfo(float).eps)
ULPS = 64  # the multiple of ε the floor allows


def descent_floor(x: np.ndarray, y: np.ndarray, w_star: float, b_star: float, w0: float, b0: float) -> float:
    """A distance from least squares below which rounding, not the number of updates, decides."""
    lam = np.linalg.eigvalsh(hessian(x))
    kappa = float(lam[1] / lam[0])
    xm, ym = float(np.max(np.abs(x))), float(np.max(np.abs(y)))
    scale = max(1.0, abs(w_star), abs(b_star), abs(w0), abs(b0))
    terms = 2 * (1 + xm) * (abs(w_star) * xm + abs(b_star) + ym)
    return ULPS * EPS * (terms / float(lam[0]) + kappa * scale)
