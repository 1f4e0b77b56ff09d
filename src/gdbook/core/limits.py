"""Settings the book cannot honour with the data they generate: refused before anything is built.

Validation in :mod:`gdbook.settings` checks each value alone (type, range) and
pairs of values.  Some limits depend on the data the settings generate (the
curvature of the loss, the size of the gradient at the initial guess, the
rounding floor of the updates): :func:`check_buildable` computes what it needs
from the core, cheaply, and raises :class:`~gdbook.settings.SettingsError`
(exit 2) naming the setting, the value, what is allowed and why.  A chapter
that can say what happened instead of refusing does so; these are the cases
where no page could be true.
"""

from __future__ import annotations

import math

from gdbook.settings import Settings, SettingsError

MIN_TRAIN = 5  # Several features fits three parameters and still needs residuals to estimate the noise from
MAX_COND = 1e10  # the normal equations lose about log10(κ) of the 16 digits a float carries
MIN_NOISE = 1e-9  # relative to the size of y: below it the noise is lost in the rounding of y


def check_buildable(s: Settings) -> Settings:
    """Limits that depend on the data the settings generate, checked before anything is built."""
    _check_fit_data(s)
    _check_tolerance(s)
    _gradient_check_resolves(s)
    _divergence_sweep_brackets(s)
    return s


def _divergence_sweep_brackets(s: Settings) -> None:
    """A divergence run far below η* must not pass the bound, one far above must (gdbook.core.quadratic)."""
    from gdbook.core import quadratic
    from gdbook.core.data import make_dataset

    ds = make_dataset(s)
    q = quadratic.of(ds.x_train, ds.y_train)
    c, d = q.components(ds.w0, ds.b0)
    lo, hi = (m * q.lr_critical for m in quadratic.SWEEP_SPAN)
    bound, n = s.descent.divergence_bound, s.divergence.n_iters
    if quadratic.passes_bound(q, lo, n, c, d, bound):
        loss = q.loss_star + 0.5 * (q.lam[1] * c * c + q.lam[0] * d * d)
        raise SettingsError(
            f"setting 'descent.divergence_bound' = {bound!r} is too low for these data: the loss at the initial guess "
            f"is {loss:.4g}, so even a run with a tiny learning rate would count as diverged; it must be well above it")
    if not quadratic.passes_bound(q, hi, n, c, d, bound):
        need = next((k for k in range(n, 2_001) if quadratic.passes_bound(q, hi, k, c, d, bound)), None)
        fix = (f"raise divergence.n_iters to at least {need}" if need else "lower descent.divergence_bound")
        raise SettingsError(
            f"setting 'divergence.n_iters' = {n} is too small for descent.divergence_bound = {bound!r} on these data: "
            f"even at {quadratic.SWEEP_SPAN[1]:g} times the critical learning rate a run would not pass the bound "
            f"within {n} updates, so no run could be seen to diverge ({fix})")


def _gradient_check_resolves(s: Settings) -> None:
    """The gradient check must be able to resolve check.rel_tol at the initial guess (gdbook.core.gradcheck)."""
    from gdbook.core import gradcheck
    from gdbook.core.data import make_dataset

    ds = make_dataset(s)
    h_min = gradcheck.smallest_h(ds.w0, ds.b0, ds.x_train, ds.y_train, s.check.rel_tol)
    if h_min == float("inf"):
        raise SettingsError(
            "these settings put the initial guess exactly at the least-squares fit (the gradient there is 0), so "
            "there is nothing to descend and no gradient to check: use a non-zero init.scale or data.noise_std")
    if h_min > 1.0:  # the largest check.h allowed
        raise SettingsError(
            f"setting 'check.rel_tol' = {s.check.rel_tol!r} is too tight for these data: no step h up to 1 keeps "
            f"rounding within 1/{gradcheck.MARGIN:g} of it at the initial guess (raise check.rel_tol)")
    if s.check.h < h_min:
        raise SettingsError(
            f"setting 'check.h' = {s.check.h!r} is not allowed with check.rel_tol = {s.check.rel_tol!r} on these "
            f"data: it must be at least {h_min:.2g}, or rounding in the central difference could use more than "
            f"1/{gradcheck.MARGIN:g} of the tolerance at the initial guess (raise check.h or check.rel_tol)")


def _check_tolerance(s: Settings) -> None:
    """descent.tolerance must be a distance the updates can reach: above what floating-point rounding decides.

    Every update rounds its gradient; along the slow direction of the loss those roundings add up, and the
    least-squares answer descent is compared with is itself rounded.  Below that floor (computed from the
    data in gdbook.core.rounding), whether a run "converges" would be decided by rounding, not by descent.
    """
    from gdbook.core.data import make_dataset
    from gdbook.core.model import closed_form
    from gdbook.core.rounding import descent_floor

    ds = make_dataset(s)
    w, b = closed_form(ds.x_train, ds.y_train)
    floor = descent_floor(ds.x_train, ds.y_train, w, b, ds.w0, ds.b0)
    if s.descent.tolerance < floor:
        raise SettingsError(
            f"setting 'descent.tolerance' = {s.descent.tolerance!r} is not allowed with these data: it must be at "
            f"least {floor:.2g}, the distance from least squares below which floating-point rounding in the "
            f"updates, not their number, decides whether full-batch descent gets there")


def _check_fit_data(s: Settings) -> None:
    """What Part 2's fits need of the data: enough training points, noise to estimate, a condition number that
    leaves digits to compare."""
    d = s.data
    if s.n_train < MIN_TRAIN:
        raise SettingsError(
            f"setting 'data.test_fraction' = {d.test_fraction!r} is not allowed with data.n = {d.n}: it leaves "
            f"{s.n_train} training points, and at least {MIN_TRAIN} are needed (Several features fits three "
            f"parameters and estimates the noise from the residuals left over)")
    size = max(1.0, abs(d.true_w * d.x_min + d.true_b), abs(d.true_w * d.x_max + d.true_b))
    if d.noise_std < MIN_NOISE * size:
        raise SettingsError(
            f"setting 'data.noise_std' = {d.noise_std!r} is not allowed: it must be at least {MIN_NOISE:g} times the "
            f"size of y (here {MIN_NOISE * size:.3g}), because the book estimates the noise from the residuals "
            f"(Why squared error) and noise below the rounding of y cannot be estimated; a noise-free line has an "
            f"infinite Gaussian likelihood")
    import numpy as np

    from gdbook.core.data import make_dataset
    from gdbook.core.model import hessian

    x = make_dataset(s).x_train
    lam = np.linalg.eigvalsh(hessian(x))
    kappa = float(lam[-1] / lam[0]) if lam[0] > 0 else math.inf
    if not kappa <= MAX_COND:
        raise SettingsError(
            f"settings 'data.x_min' = {d.x_min!r} and 'data.x_max' = {d.x_max!r} are not allowed together: x lies so "
            f"far from 0 for its spread that the loss surface's condition number is {kappa:.3g}, above {MAX_COND:g}; "
            f"the normal equations would lose more than {math.log10(MAX_COND):.0f} of the 16 digits a number carries, "
            f"and the book's checks of the closed form could not tell rounding from error. Widen the range or move "
            f"it towards 0")
