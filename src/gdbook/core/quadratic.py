"""The MSE as the quadratic it is: its curvature, its critical learning rate, and full-batch descent in closed form.

Around the least-squares solution θ* the loss is exactly
L(θ) = L* + ½ (θ − θ*)ᵀ H (θ − θ*), with H = (2/n)·XᵀX, X = [x, 1].  Write the
error in H's eigenvectors, θ − θ* = c·v_max + d·v_min: one full-batch update
with learning rate η multiplies c by 1 − η·λ_max and d by 1 − η·λ_min, so after
N updates the excess loss is

    L(θ_N) − L* = ½ (λ_max c² (1 − ηλ_max)^(2N) + λ_min d² (1 − ηλ_min)^(2N)).

Descent converges from every start exactly when η < η* = 2/λ_max, the
critical learning rate.  Shared by the chapters that need η* or a prediction
of a run, and by ``gdbook.core.limits.check_buildable``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdbook.core.model import closed_form, hessian, mse

# The learning rates, as multiples of η*, over which the divergence chapter sweeps: from far below
# the critical rate to far above it (gdbook.core.limits.check_buildable refuses settings under which a run at
# the low end would count as diverged, or one at the high end would not).
SWEEP_SPAN = (1e-2, 1e1)


@dataclass(frozen=True)
class Quadratic:
    lam: np.ndarray  # eigenvalues of H, ascending: (λ_min, λ_max)
    V: np.ndarray  # columns: v_min, v_max (first component ≥ 0, so signs do not flip between builds)
    theta_star: np.ndarray  # (w*, b*)
    loss_star: float

    @property
    def lr_critical(self) -> float:
        return critical_lr(self.lam)

    def components(self, w: float, b: float) -> tuple[float, float]:
        """(c, d): the error θ − θ* along v_max and along v_min."""
        e = np.array([w, b]) - self.theta_star
        return float(e @ self.V[:, 1]), float(e @ self.V[:, 0])


def critical_lr(lam) -> float:
    """η* = 2/λ_max: the largest learning rate at which full-batch descent converges from every start."""
    return 2.0 / float(np.max(lam))


def of(x: np.ndarray, y: np.ndarray) -> Quadratic:
    """The quadratic form of the MSE on (x, y)."""
    lam, V = np.linalg.eigh(hessian(x))
    for k in range(2):
        if V[0, k] < 0:
            V[:, k] *= -1
    w, b = closed_form(x, y)
    return Quadratic(lam=lam, V=V, theta_star=np.array([w, b]), loss_star=mse(w, b, x, y))


def log_excess(q: Quadratic, lr: float, n_updates: int, c: float, d: float) -> float:
    """ln(L(θ_N) − L*) for a start with components (c, d), without overflow (−inf when it is 0)."""
    logs = [math.log(0.5 * float(lam) * comp * comp) + 2 * n_updates * math.log(abs(1.0 - lr * float(lam)))
            for lam, comp in ((q.lam[1], c), (q.lam[0], d)) if comp != 0.0 and lr * float(lam) != 1.0]
    if not logs:
        return -math.inf
    top = max(logs)
    return top + math.log(sum(math.exp(v - top) for v in logs))


def passes_bound(q: Quadratic, lr: float, n_updates: int, c: float, d: float, bound: float) -> bool:
    """Whether a run of ``n_updates`` from (c, d) is stopped as diverged: its loss after some update is above ``bound``.

    The excess loss is a sum of two exponentials in the update count, so it is convex in it: its largest
    value over updates 1 … N is at update 1 or update N.
    """
    if bound <= q.loss_star:
        return True
    limit = math.log(bound - q.loss_star)
    return any(log_excess(q, lr, t, c, d) > limit for t in {1, n_updates})
