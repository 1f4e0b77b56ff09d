"""Property-based tests (hypothesis) of the regression core on random data and parameters.

* the analytic gradient (``dw``, ``db``) equals central finite differences;
* the closed form is a minimum of the loss (and agrees with ``numpy.linalg.lstsq``);
* full-batch descent with a learning rate below η* = 2/λ_max(Hessian) never
  increases the loss, while one above η* does.

Tolerances are stated, never ``==``: float rounding is the only slack allowed.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gdbook.core.descent import descend
from gdbook.core.model import closed_form, gradient, hessian, mse

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

finite = dict(allow_nan=False, allow_infinity=False)


@st.composite
def datasets(draw, min_n: int = 2, max_n: int = 60):
    """Random (x, y): n points, x in [-10, 10], y in [-100, 100]."""
    n = draw(st.integers(min_n, max_n))
    x = draw(arrays(np.float64, n, elements=st.floats(-10, 10, **finite)))
    y = draw(arrays(np.float64, n, elements=st.floats(-100, 100, **finite)))
    return x, y


params = st.floats(-20, 20, **finite)


def spread(x: np.ndarray) -> float:
    return float(np.ptp(x))


@SETTINGS
@given(datasets(), params, params)
def test_gradient_equals_central_differences(data, w, b):
    x, y = data
    dw, db = gradient(w, b, x, y)
    loss = mse(w, b, x, y)
    h = 1e-4
    fd_w = (mse(w + h, b, x, y) - mse(w - h, b, x, y)) / (2 * h)
    fd_b = (mse(w, b + h, x, y) - mse(w, b - h, x, y)) / (2 * h)
    # The loss is quadratic, so the central difference has no truncation error:
    # what is left is rounding in the loss values, about eps·L/h.
    tol = 1e-7 * max(1.0, abs(dw), abs(db)) + 64 * np.finfo(float).eps * (1.0 + loss) / h
    assert abs(dw - fd_w) <= tol, (dw, fd_w, tol)
    assert abs(db - fd_b) <= tol, (db, fd_b, tol)


@SETTINGS
@given(datasets(min_n=3), st.floats(-1, 1, **finite), st.floats(-1, 1, **finite))
def test_closed_form_is_a_minimum(data, dw_step, db_step):
    x, y = data
    assume(spread(x) > 0.5)  # otherwise XᵀX is (nearly) singular and there is no unique minimum
    w, b = closed_form(x, y)
    best = mse(w, b, x, y)
    slack = 1e-9 * (1.0 + best)
    # no nearby point does better, in any direction or at any scale
    for scale in (1e-3, 1e-1, 10.0):
        assert mse(w + scale * dw_step, b + scale * db_step, x, y) >= best - slack
    # the gradient vanishes there (relative to the size of the data)
    g = np.array(gradient(w, b, x, y))
    assert np.all(np.abs(g) <= 1e-8 * (1.0 + np.max(np.abs(y))) * (1.0 + np.max(np.abs(x))))
    # the Hessian is positive definite, so the stationary point is the minimum
    assert np.all(np.linalg.eigvalsh(hessian(x)) > 0)
    # an independent reference: numpy's least squares
    X = np.column_stack([x, np.ones_like(x)])
    (w_ref, b_ref), *_ = np.linalg.lstsq(X, y, rcond=None)
    assert mse(w_ref, b_ref, x, y) >= best - slack
    assert abs(w - w_ref) <= 1e-6 * (1.0 + abs(w_ref)) and abs(b - b_ref) <= 1e-6 * (1.0 + abs(b_ref))


def eta_star(x: np.ndarray) -> float:
    return 2.0 / float(np.max(np.linalg.eigvalsh(hessian(x))))


@SETTINGS
@given(datasets(min_n=2, max_n=40), params, params, st.floats(0.01, 0.99))
def test_descent_below_eta_star_never_increases_the_loss(data, w0, b0, fraction):
    x, y = data
    assume(spread(x) > 1e-3)
    lr = fraction * eta_star(x)
    trace = descend(x, y, x, y, w0, b0, lr=lr, n_iters=60, bound=1e300)
    assert not trace.diverged
    loss = trace.train_loss
    # each eigen-component of the error shrinks by |1 − η·λ| < 1, so the loss cannot rise;
    # allow only rounding in the loss itself
    rises = np.diff(loss) - 1e-12 * (1.0 + loss[:-1])
    assert np.all(rises <= 0), (lr, eta_star(x), loss[np.argmax(rises)], np.max(rises))


@SETTINGS
@given(datasets(min_n=3, max_n=40), st.floats(1.05, 3.0))
def test_descent_above_eta_star_increases_the_loss(data, factor):
    """The bound is sharp: just above η* the loss rises (the check above can fail)."""
    x, y = data
    assume(spread(x) > 0.5)
    w_opt, b_opt = closed_form(x, y)
    # start away from the minimum along the Hessian's top eigenvector, the direction η* is about
    vals, vecs = np.linalg.eigh(hessian(x))
    w0, b0 = np.array([w_opt, b_opt]) + 5.0 * vecs[:, -1]
    trace = descend(x, y, x, y, w0, b0, lr=factor * eta_star(x), n_iters=30, bound=1e300)
    assert trace.diverged or np.any(np.diff(trace.train_loss) > 0)
