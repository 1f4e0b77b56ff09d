"""Why squared error: with Gaussian noise, least squares is the maximum-likelihood fit.

The derivation (each step proved by SymPy on 3 and 4 symbolic points): the
Gaussian density of one observation, its logarithm, the log-likelihood of the
data as −(n/2)·ln(2πσ²) − (n/2σ²)·L(w, b), the σ² that maximises it (the
mean squared residual).  Then the numbers: the log-likelihood maximised by
Newton's method from the initial guess, with no use of least squares, lands on
the least-squares line; and what changes with Laplace noise (absolute error,
the median), measured by redrawing the noise.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from gdbook.core.data import make_dataset
from gdbook.core.errors import BuildError
from gdbook.core.model import closed_form, mse
from gdbook.core.notation import I, XS, YS, checked_as, checked_sum, decimals
from gdbook.settings import Settings

w, b = sp.symbols("w b", real=True)
s = sp.Symbol("s", positive=True)  # σ²
a = sp.Symbol("a", positive=True)  # the Laplace scale
c = sp.Symbol("c", real=True)
n = sp.Symbol("n", positive=True, integer=True)
X, Y = XS[I], YS[I]
YHAT = w * X + b
READ = {r"\hat y_i": "h_i", r"\sigma^2": " s "}
BOUND = {"h_{i}": YHAT, "s": s, "a": a, "w": w, "b": b, "c": c, "pi": sp.pi}

SIMULATIONS = 2000


def density(i_=I):
    return sp.exp(-(YS[i_] - (w * XS[i_] + b)) ** 2 / (2 * s)) / sp.sqrt(2 * sp.pi * s)


def laplace(i_=I):
    return sp.exp(-sp.Abs(YS[i_] - (w * XS[i_] + b)) / a) / (2 * a)


def _read(tex: str) -> dict:
    return {k: v for k, v in {**READ, r"L(w, b)": r"(\frac{1}{n}\sum_{i=1}^{n} (\hat y_i - y_i)^2)"}.items() if k in tex}


def _read_all(tex: str) -> dict:
    """Display notation, in the order it must be renamed (L(w, b) first: it brings a ŷᵢ of its own)."""
    out = {}
    if "L(w, b)" in tex:
        out["L(w, b)"] = r"(\frac{1}{n}\sum_{i=1}^{n} (\hat y_i - y_i)^2)"
        tex = tex.replace("L(w, b)", out["L(w, b)"])
    for k, v in READ.items():
        if k in tex:
            out[k] = v
    return out


def _check(tex: str, equals, *, sums: bool = True, what: str = "") -> str:
    """Check ``tex`` (display notation renamed in order) with or without sums over the points."""
    text = tex
    for shown, read in _read_all(tex).items():
        text = text.replace(shown, read)
    if sums:
        checked_sum(text, equals, n, symbols=BOUND, what=what)
    else:
        checked_as(text, equals, symbols=BOUND, what=what)
    return tex


def _log_product(k: int, dens) -> sp.Expr:
    """ln ∏ p(yᵢ) for k symbolic points, the logarithm taken apart (every factor is positive)."""
    return sp.expand_log(sp.log(sp.Mul(*[dens(j) for j in range(1, k + 1)])), force=True)


def derivation() -> dict:
    one = density()
    L = sp.Sum((YHAT - Y) ** 2, (I, 1, n)) / n
    ell = r"-\frac{n}{2}\ln(2\pi\sigma^2) - \frac{1}{2\sigma^2}\sum_{i=1}^{n} (\hat y_i - y_i)^2"
    out = {
        "density": _check(r"\frac{1}{\sqrt{2\pi\sigma^2}}\exp\left(-\frac{(y_i - \hat y_i)^2}{2\sigma^2}\right)", one,
                          sums=False, what="the Gaussian density of one observation"),
        "log_density": _check(r"-\frac{1}{2}\ln(2\pi\sigma^2) - \frac{(\hat y_i - y_i)^2}{2\sigma^2}",
                              sp.expand_log(sp.log(one), force=True), sums=False, what="its logarithm"),
        "log_likelihood": _check(ell, lambda k: _log_product(k, density), what="the log-likelihood"),
        "in_mse": _check(r"-\frac{n}{2}\ln(2\pi\sigma^2) - \frac{n}{2\sigma^2}\,L(w, b)",
                         lambda k: _log_product(k, density), what="the log-likelihood through the MSE"),
    }
    # maximising over σ²: the derivative, and where it is zero
    ell_n = -n / 2 * sp.log(2 * sp.pi * s) - sp.Sum((YHAT - Y) ** 2, (I, 1, n)) / (2 * s)
    out["d_sigma"] = _check(r"-\frac{n}{2\sigma^2} + \frac{1}{2(\sigma^2)^2}\sum_{i=1}^{n} (\hat y_i - y_i)^2",
                            sp.diff(ell_n, s), what="∂ℓ/∂σ²")
    for k in (3, 4):
        roots = sp.solve(sp.diff(ell_n.subs(n, k).doit(), s), s)
        if len(roots) != 1 or sp.simplify(roots[0] - L.subs(n, k).doit()) != 0:
            raise BuildError(f"∂ℓ/∂σ² = 0 for {k} symbolic points is not solved by the mean squared residual: {roots}")
    out["sigma_hat"] = _check(r"\frac{1}{n}\sum_{i=1}^{n} (\hat y_i - y_i)^2", L, what="the σ² that maximises ℓ")
    # at that σ², ℓ is a decreasing function of L alone
    out["profile"] = _check(r"-\frac{n}{2}\left(\ln(2\pi L(w, b)) + 1\right)",
                            lambda k: sp.simplify((ell_n.subs(n, k).doit()).subs(s, L.subs(n, k).doit())),
                            what="ℓ at the best σ²")

    # Laplace noise
    out["laplace_density"] = _check(r"\frac{1}{2a}\exp\left(-\frac{|y_i - \hat y_i|}{a}\right)", laplace(), sums=False,
                                    what="the Laplace density")
    out["laplace_ell"] = _check(r"-n\ln(2a) - \frac{1}{a}\sum_{i=1}^{n} |\hat y_i - y_i|",
                                lambda k: _log_product(k, laplace), what="the Laplace log-likelihood")
    # the constant model: the c minimising Σ(yᵢ − c)² is the mean
    sq = sp.Sum((Y - c) ** 2, (I, 1, n))
    out["d_const"] = _check(r"-2\sum_{i=1}^{n} (y_i - c)", sp.diff(sq, c), what="d/dc Σ(yᵢ − c)²")
    for k in (3, 4):
        roots = sp.solve(sp.diff(sq.subs(n, k).doit(), c), c)
        if len(roots) != 1 or sp.simplify(roots[0] - sp.Sum(Y, (I, 1, k)).doit() / k) != 0:
            raise BuildError(f"the constant minimising the squared error of {k} symbolic points is not their mean")
    out["mean"] = _check(r"\frac{1}{n}\sum_{i=1}^{n} y_i", sp.Sum(Y, (I, 1, n)) / n, what="the mean")
    return out


def maximise(x: np.ndarray, y: np.ndarray, w0: float, b0: float) -> dict:
    """Maximise ℓ(w, b, τ), τ = ln σ², by Newton's method, damped where needed.

    ℓ is the sum over the points of one point's log-density; SymPy differentiates
    that once and twice, NumPy evaluates and sums over the data (residuals computed
    directly, so no digits are lost however small the noise).  Nothing here solves
    the normal equations.
    """
    tau, xi, yi = sp.symbols("tau x_i y_i", real=True)
    one = -(sp.log(2 * sp.pi) + tau) / 2 - (w * xi + b - yi) ** 2 / (2 * sp.exp(tau))
    v = (w, b, tau)
    f1 = sp.lambdify(v + (xi, yi), one, "numpy")
    g1 = [sp.lambdify(v + (xi, yi), sp.diff(one, q), "numpy") for q in v]
    h1 = [[sp.lambdify(v + (xi, yi), sp.diff(one, p_, q), "numpy") for q in v] for p_ in v]

    def total(fn, t):
        # a trial step far out in τ can overflow exp(−τ): such a step scores −inf and is refused
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            value = float(np.sum(np.broadcast_to(fn(*t, x, y), x.shape)))
        return value if np.isfinite(value) else -np.inf

    def f(*t):
        return total(f1, t)

    def g(*t):
        return [total(fn, t) for fn in g1]

    def h(*t):
        return [[total(fn, t) for fn in row] for row in h1]

    d = ()
    theta = np.array([w0, b0, float(np.log(np.var(y)))])
    steps, mu = 0, 0.0
    for steps in range(1, 501):
        grad = np.array(g(*theta, *d))
        hess = np.array(h(*theta, *d))
        now = f(*theta, *d)
        # Newton's step, damped (Levenberg–Marquardt) until it goes uphill: far from the top ℓ is not concave
        floor = 1e-9 * max(1.0, float(np.max(np.abs(np.diag(hess)))))
        new = theta
        while mu < 1e30:
            try:
                step = np.linalg.solve(-hess + mu * np.eye(3), grad)
            except np.linalg.LinAlgError:
                step = None
            if step is not None and np.all(np.isfinite(step)) and grad @ step >= 0 and f(*(theta + step), *d) >= now:
                new = theta + step
                mu = mu / 10 if mu > floor else 0.0
                break
            mu = max(10 * mu, floor)
        done = np.all(np.abs(new - theta) <= 1e-15 * np.maximum(np.abs(theta), 1.0))
        theta = new
        if done:
            break
    return {"w": float(theta[0]), "b": float(theta[1]), "sigma2": float(np.exp(theta[2])), "steps": steps,
            "ell": float(f(*theta, *d)), "gradient": [float(v_) for v_ in g(*theta, *d)]}


def curves(x: np.ndarray, y: np.ndarray, w_s: float, b_s: float, sigma2: float, k: int = 201) -> dict:
    """L(w, b*) and ℓ(w, b*, σ̂²) against w, around w*, for the figure."""
    spread = max(abs(w_s) * 0.5, 4 * np.sqrt(sigma2 / max(np.sum((x - x.mean()) ** 2), 1e-300)) * 5, 1e-6)
    ws = np.linspace(w_s - spread, w_s + spread, k)
    L = np.array([mse(v, b_s, x, y) for v in ws])
    nn = len(x)
    ell = -nn / 2 * np.log(2 * np.pi * sigma2) - nn * L / (2 * sigma2)
    return {"ws": ws, "L": L, "ell": ell}


def constant_model(y: np.ndarray) -> dict:
    """The single number c that best predicts every y: by squared error the mean, by absolute error the median."""
    grid = np.sort(y)
    # Σ|yᵢ − c| is piecewise linear with corners at the data: its minimum is at a data point
    abs_at = np.array([np.sum(np.abs(y - v)) for v in grid])
    best = grid[abs_at <= abs_at.min() * (1 + 1e-12)]
    med = float(np.median(y))
    mean = float(np.mean(y))
    lo, hi = float(best.min()), float(best.max())
    if not lo - 1e-12 * max(1, abs(lo)) <= med <= hi + 1e-12 * max(1, abs(hi)):
        raise BuildError(f"the median {med!r} does not minimise the absolute error (minimisers from {lo!r} to {hi!r})")
    # one wild value: what each estimate does
    wild = float(np.max(y) + 20 * np.std(y))
    y2 = np.append(y, wild)
    return {
        "n": len(y), "mean": mean, "median": med, "abs_min_lo": lo, "abs_min_hi": hi, "interval": bool(hi > lo),
        "sq_at_mean": float(np.mean((y - mean) ** 2)), "abs_at_median": float(np.mean(np.abs(y - med))),
        "wild": wild, "mean_wild": float(np.mean(y2)), "median_wild": float(np.median(y2)),
        "mean_moved": float(np.mean(y2) - mean), "median_moved": float(np.median(y2) - med),
    }


def noise_shapes(s_: Settings, n_pts: int) -> dict:
    """Mean and median of n_pts noise values, redrawn many times, under Gaussian and Laplace noise of one s.d."""
    rng = np.random.default_rng([s_.seed, 2])
    sd = s_.data.noise_std
    out = {}
    for key, draw in (("gauss", lambda: rng.normal(0.0, sd, (SIMULATIONS, n_pts))),
                      ("laplace", lambda: rng.laplace(0.0, sd / np.sqrt(2), (SIMULATIONS, n_pts)))):
        e = draw()
        mean_sd = float(np.std(e.mean(axis=1), ddof=1))
        med_sd = float(np.std(np.median(e, axis=1), ddof=1))
        out[key] = {"mean_sd": mean_sd, "median_sd": med_sd, "ratio": med_sd / mean_sd}
    out["runs"] = SIMULATIONS
    out["points"] = n_pts
    out["gauss_mean_wins"] = bool(out["gauss"]["ratio"] > 1)
    out["laplace_median_wins"] = bool(out["laplace"]["ratio"] < 1)
    out["theory_gauss"] = float(np.sqrt(np.pi / 2))
    out["theory_laplace"] = float(np.sqrt(0.5))
    return out


def why_squared_error_section(s_: Settings, deps: dict) -> dict:
    ds = make_dataset(s_)
    x, y = ds.x_train, ds.y_train
    nn = len(x)
    w_s, b_s = closed_form(x, y)
    l_star = mse(w_s, b_s, x, y)
    ml = maximise(x, y, ds.w0, ds.b0)
    scale_w, scale_b = max(abs(w_s), 1.0), max(abs(b_s), 1.0)
    gaps = {"w": abs(ml["w"] - w_s) / scale_w, "b": abs(ml["b"] - b_s) / scale_b,
            "sigma2": abs(ml["sigma2"] - l_star) / max(l_star, 1e-300)}
    worst = max(gaps.values())
    if not worst <= 1e-6:
        raise BuildError(f"maximising the Gaussian log-likelihood did not reach the least-squares line: relative gaps {gaps}")
    ell_max = -nn / 2 * (np.log(2 * np.pi * l_star) + 1)
    cv = curves(x, y, w_s, b_s, l_star)
    var = s_.data.noise_std ** 2
    return {
        "formulas": derivation(),
        "n_train": nn,
        "w_star": w_s, "b_star": b_s, "l_star": l_star,
        "ml": ml,
        # decimals of the comparison table: seven significant figures of each column's smaller value
        "dec": {"w": decimals([ml["w"], w_s], sig=7, most=10), "b": decimals([ml["b"], b_s], sig=7, most=10),
                "sigma2": decimals([ml["sigma2"], l_star], sig=7, most=12)},
        "gap": worst,
        "gaps": gaps,
        "ell_max": float(ell_max),
        "sigma2_hat": l_star,
        "sigma2_unbiased": l_star * nn / (nn - 2),
        "sigma2_true": var,
        "sigma_hat": float(np.sqrt(l_star)),
        "expected_hat": var * (nn - 2) / nn,
        "hat_below_true": bool(l_star < var),
        "unbiased_closer": bool(abs(l_star * nn / (nn - 2) - var) < abs(l_star - var)),
        "constant": constant_model(y),
        "shapes": noise_shapes(s_, nn),
        "_curves": cv,
        "_y": y,
    }
