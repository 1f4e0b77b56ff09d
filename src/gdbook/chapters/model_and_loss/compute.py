"""The model ŷ = w·x + b, its residuals, the mean squared error and its gradient, the other measures of fit,
the least-squares line, the random initial guess, and how low the loss can go.

Every formula the page shows is written here as people write it and proved by
SymPy (:mod:`gdbook.core.notation`): the derivatives against ``sympy.diff`` on
3 and 4 symbolic points, the metrics against the code that computes them on
real points.  The code (``gdbook.core.model``) is then checked against SymPy's
derivatives on the whole training set.  The expected errors of the
least-squares line are checked twice: SymPy proves the facts they rest on for
small symbolic data, and a simulation that redraws the noise checks the
numbers themselves.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from gdbook.core.data import fit_report, held_out_by_x, make_dataset
from gdbook.core.errors import BuildError
from gdbook.core.model import closed_form, gradient, metrics, mse, predict
from gdbook.core.notation import I, XS, YS, checked_as, checked_sum, decimals, evaluate, line_tex, line_text
from gdbook.settings import Settings

w, b = sp.symbols("w b", real=True)
n = sp.Symbol("n", positive=True, integer=True)
X, Y = XS[I], YS[I]
YHAT = w * X + b
HAT = {r"\hat y_i": "h_i"}  # ŷᵢ as SymPy's reader can take it, bound to w·xᵢ + b
MEANS = {r"\bar y": "m"}
BOUND = {"h_{i}": YHAT, "m": sp.Sum(Y, (I, 1, n)) / n}

SIMULATIONS = 2000  # redraws of the noise behind the expected-error check
CHUNK = 100


def loss(nn=n):
    return sp.Sum((YHAT - Y) ** 2, (I, 1, nn)) / nn


def derivation() -> dict:
    """The gradient of L, step by step; each formula shown is proved against sympy.diff."""
    L = loss()
    one = (YHAT - Y) ** 2  # one point's squared residual
    read = {**HAT}
    out = {
        "model": checked_as(r"w x_i + b", YHAT, symbols={"w": w, "b": b}, what="the model"),
        "loss": checked_sum(r"\frac{1}{n}\sum_{i=1}^{n} (\hat y_i - y_i)^2", L, n, symbols=BOUND, read_as=read,
                            what="the mean squared error"),
        "dyhat_dw": checked_as(r"x_i", sp.diff(YHAT, w), what="∂ŷᵢ/∂w"),
        "dyhat_db": checked_as(r"1", sp.diff(YHAT, b), what="∂ŷᵢ/∂b"),
        "chain_w": checked_as(r"2(\hat y_i - y_i)\,x_i", sp.diff(one, w), symbols=BOUND, read_as=read,
                              what="∂/∂w of one squared residual"),
        "chain_b": checked_as(r"2(\hat y_i - y_i)", sp.diff(one, b), symbols=BOUND, read_as=read,
                              what="∂/∂b of one squared residual"),
        "sum_w": checked_sum(r"\frac{1}{n}\sum_{i=1}^{n} 2(\hat y_i - y_i)\,x_i", sp.diff(L, w), n, symbols=BOUND,
                             read_as=read, what="∂L/∂w, term by term"),
        "sum_b": checked_sum(r"\frac{1}{n}\sum_{i=1}^{n} 2(\hat y_i - y_i)", sp.diff(L, b), n, symbols=BOUND,
                             read_as=read, what="∂L/∂b, term by term"),
        "dw": checked_sum(r"\frac{2}{n}\sum_{i=1}^{n} (\hat y_i - y_i)\,x_i", sp.diff(L, w), n, symbols=BOUND,
                          read_as=read, what="∂L/∂w"),
        "db": checked_sum(r"\frac{2}{n}\sum_{i=1}^{n} (\hat y_i - y_i)", sp.diff(L, b), n, symbols=BOUND,
                          read_as=read, what="∂L/∂b"),
    }
    return out


METRIC_TEX = {
    "mse": r"\frac{1}{n}\sum_{i=1}^{n} (\hat y_i - y_i)^2",
    "rmse": r"\sqrt{\frac{1}{n}\sum_{i=1}^{n} (\hat y_i - y_i)^2}",
    "mae": r"\frac{1}{n}\sum_{i=1}^{n} |\hat y_i - y_i|",
    "r2": r"1 - \frac{\sum_{i=1}^{n} (\hat y_i - y_i)^2}{\sum_{i=1}^{n} (y_i - \bar y)^2}",
}


def metric_formulas(x: np.ndarray, y: np.ndarray, w0: float, b0: float) -> dict:
    """Each metric's formula, read by SymPy and evaluated on a few real points, against the code's value."""
    got = metrics(y, predict(w0, b0, x))
    worst = 0.0
    for key, tex in METRIC_TEX.items():
        read = {**HAT, **(MEANS if r"\bar y" in tex else {})}
        value = evaluate(tex, n, x, y, symbols=BOUND, read_as=read, at={w: w0, b: b0})
        rel = abs(value - got[key]) / max(abs(got[key]), 1e-300)
        if not rel <= 1e-9:
            raise BuildError(f"the {key} formula on the model-and-loss page gives {value!r} on {len(x)} points, "
                             f"but gdbook.core.model.metrics gives {got[key]!r}")
        worst = max(worst, rel)
    return {**METRIC_TEX, "points": len(x), "worst_rel": worst}


def code_against_sympy(xs: np.ndarray, ys: np.ndarray, pts: list[tuple[float, float]]) -> dict:
    """SymPy's derivatives of one squared residual, averaged over the training set by NumPy, against the code."""
    xi, yi = sp.symbols("x_i y_i", real=True)
    one = (w * xi + b - yi) ** 2
    on_data = {name: sp.lambdify((w, b, xi, yi), expr, "numpy")
               for name, expr in (("loss", one), ("dw", sp.diff(one, w)), ("db", sp.diff(one, b)))}

    def mean_of(name: str, w0: float, b0: float) -> float:
        return float(np.mean(np.broadcast_to(on_data[name](w0, b0, xs, ys), xs.shape)))

    rows, worst = [], 0.0
    for (w0, b0) in pts:
        sym = (mean_of("loss", w0, b0), mean_of("dw", w0, b0), mean_of("db", w0, b0))
        code = (mse(w0, b0, xs, ys), *gradient(w0, b0, xs, ys))
        scale = max(abs(v) for v in code) or 1.0
        worst = max(worst, max(abs(a - c) for a, c in zip(sym, code)) / scale)
        rows.append({"w": w0, "b": b0, "loss": code[0], "dw": code[1], "db": code[2]})
    if not worst <= 1e-9:
        raise BuildError(f"SymPy's MSE and gradient and gdbook.core.model disagree by {worst:.3g} (relative)")
    dec = {}
    for key in ("w", "b", "loss", "dw", "db"):
        col = [r_[key] for r_ in rows]
        top = max(abs(v) for v in col)
        dec[key] = decimals([v for v in col if abs(v) > 1e-9 * top], sig=3, most=5)
    # where the gradient is rounding: the least-squares point (its gradient is zero there)
    grad_scale = max(abs(rows[0]["dw"]), abs(rows[0]["db"]), 1.0)
    return {"rows": rows, "worst_rel": worst, "decimals": dec, "grad_scale": grad_scale,
            "ls_grad": float(np.hypot(rows[-1]["dw"], rows[-1]["db"])),
            "truth_grad_nonzero": bool(rows[1]["dw"] != 0 or rows[1]["db"] != 0),
            # the least-squares row's derivatives print as zero at the column's decimals
            "ls_grad_shows_zero": bool(all(abs(rows[-1][k]) < 0.5 * 10.0 ** -dec[k] for k in ("dw", "db")))}


def expected_errors_symbolic() -> dict:
    """The two facts the expected errors rest on, proved for 3 and 4 symbolic points.

    With the design matrix A = [x, 1], least squares' fitted values are P·y, P = A(AᵀA)⁻¹Aᵀ, and
    E[Σ residual²] = σ²·trace(I − P) = σ²(n − trace P); trace P = 2.  A new point x₀ has
    Var(ŷ(x₀)) = σ²·a₀ᵀ(AᵀA)⁻¹a₀ with a₀ = (x₀, 1), which is σ²(1/n + (x₀ − x̄)²/Σ(xᵢ − x̄)²).
    """
    x0 = sp.Symbol("x_0", real=True)

    def design(k):
        return sp.Matrix([[XS[j], 1] for j in range(1, k + 1)])

    def trace_p(k):
        A = design(k)
        return sp.cancel((A * (A.T * A).inv() * A.T).trace())

    for k in (3, 4):
        if trace_p(k) != 2:
            raise BuildError(f"the trace of the least-squares projection for {k} symbolic points is not 2")

    def leverage(k):
        A = design(k)
        a0 = sp.Matrix([x0, 1])
        return sp.cancel((a0.T * (A.T * A).inv() * a0)[0, 0])

    xbar = sp.Sum(X, (I, 1, n)) / n
    tex = checked_sum(r"\frac{1}{n} + \frac{(x_0 - \bar x)^2}{\sum_{i=1}^{n} (x_i - \bar x)^2}", leverage, n,
                      symbols={"m": xbar, "x_{0}": x0}, read_as={r"\bar x": "m"}, what="the variance of a new prediction")
    return {"leverage_tex": tex}


def simulate(s: Settings, x: np.ndarray, x_test: np.ndarray) -> dict:
    """Least squares refitted to fresh noise, SIMULATIONS times, on the same x: mean training and test MSE."""
    d = s.data
    rng = np.random.default_rng([s.seed, 1])
    line, line_t = d.true_w * x + d.true_b, d.true_w * x_test + d.true_b
    u = x - x.mean()
    suu = float(u @ u)
    train, test = [], []
    for start in range(0, SIMULATIONS, CHUNK):
        k = min(CHUNK, SIMULATIONS - start)
        yy = line + d.noise_std * rng.standard_normal((k, len(x)))
        yt = line_t + d.noise_std * rng.standard_normal((k, len(x_test)))
        ym = yy.mean(axis=1, keepdims=True)
        ww = ((yy - ym) @ u)[:, None] / suu
        bb = ym - ww * x.mean()
        train.append(np.mean((ww * x + bb - yy) ** 2, axis=1))
        test.append(np.mean((ww * x_test + bb - yt) ** 2, axis=1))
    train, test = np.concatenate(train), np.concatenate(test)
    return {
        "runs": SIMULATIONS,
        "train_mean": float(train.mean()), "train_se": float(train.std(ddof=1) / np.sqrt(len(train))),
        "test_mean": float(test.mean()), "test_se": float(test.std(ddof=1) / np.sqrt(len(test))),
        "train_below_var": float(np.mean(train < d.noise_std ** 2)),
    }


def leverage_mean(x_train: np.ndarray, x_new: np.ndarray) -> float:
    u = x_train - x_train.mean()
    return float(np.mean(1.0 / len(x_train) + (x_new - x_train.mean()) ** 2 / (u @ u)))


def how_low(s: Settings, ds) -> dict:
    """The least-squares line's training and test MSE against σ² and against their expected values."""
    var = s.data.noise_std ** 2
    nt = len(ds.x_train)
    w_ls, b_ls = closed_form(ds.x_train, ds.y_train)
    fit = fit_report(ds, w_ls, b_ls)
    expected_train = var * (nt - 2) / nt
    h = leverage_mean(ds.x_train, ds.x_test)
    expected_test = var * (1 + h)
    sim = simulate(s, ds.x_train, ds.x_test)
    for what, got, se, want in (("training", sim["train_mean"], sim["train_se"], expected_train),
                                ("test", sim["test_mean"], sim["test_se"], expected_test)):
        if not abs(got - want) <= 5 * se:
            raise BuildError(f"the simulated mean {what} MSE of least squares, {got:.6g}, is more than five standard "
                             f"errors ({se:.3g}) from the formula's {want:.6g}")
    return {
        "var": var,
        "n_train": nt,
        "train_mse": fit["train"]["mse"],
        "test_mse": fit["test"]["mse"],
        "expected_train": expected_train,
        "expected_test": expected_test,
        "expected_test_extra": var * h,
        "train_ratio": (nt - 2) / nt,
        "leverage": h,
        "sim": sim,
        "train_below_var": bool(fit["train"]["mse"] < var),
        "train_below_expected": bool(fit["train"]["mse"] < expected_train),
        "test_below_expected": bool(fit["test"]["mse"] < expected_test),
        "test_above_var": bool(fit["test"]["mse"] > var),
        **expected_errors_symbolic(),
    }


def like_with_like(s: Settings, ds) -> dict:
    """The random split and the split by largest x, each fitted and measured, beside what the true line scores
    on the same test points and what each split's test MSE is expected to be."""
    var = s.data.noise_std ** 2
    eps = ds.y - (s.data.true_w * ds.x + s.data.true_b)
    out = {}
    for key, mask in (("random", ds.is_test), ("sorted", held_out_by_x(ds))):
        xt, yt, xs, ys = ds.x[~mask], ds.y[~mask], ds.x[mask], ds.y[mask]
        w_, b_ = closed_form(xt, yt)
        test = mse(w_, b_, xs, ys)
        truth = float(np.mean(eps[mask] ** 2))
        h = leverage_mean(xt, xs)
        out[key] = {"w": w_, "b": b_, "test_mse": test, "truth_mse": truth, "extra": test - truth,
                    "expected_test": var * (1 + h), "expected_extra": var * h}
    r, o = out["random"], out["sorted"]
    observed_gap = o["test_mse"] - r["test_mse"]
    for v in (r, o):
        v["extra_abs"] = abs(v["extra"])
        v["extra_positive"] = bool(v["extra"] > 0)
    truth_gap = o["truth_mse"] - r["truth_mse"]
    out.update({
        "observed_gap": observed_gap,
        "truth_gap": truth_gap,
        "observed_gap_abs": abs(observed_gap),
        "truth_gap_abs": abs(truth_gap),
        "expected_gap": o["expected_test"] - r["expected_test"],
        "expected_ratio": o["expected_extra"] / r["expected_extra"],
        # how much of the observed difference is the noise on the two test sets (what the true line scores)
        "noise_dominates": bool(abs(truth_gap) > abs(observed_gap - truth_gap)),
        "same_sign": bool(np.sign(observed_gap) == np.sign(truth_gap)),
    })
    return out


def residual_sample(ds, k: int = 30) -> np.ndarray:
    """Indices (into the training set) of at most k training points, evenly spread in x, to draw residuals for."""
    order = np.argsort(ds.x_train, kind="stable")
    if len(order) <= k:
        return order
    return order[np.linspace(0, len(order) - 1, k).round().astype(int)]


def exercises(ds, w_ls: float, b_ls: float) -> dict:
    ym = float(np.mean(ds.y_train))
    const = fit_report(ds, 0.0, ym)
    scale = 100.0
    m1 = metrics(ds.y_train, predict(ds.w0, ds.b0, ds.x_train))
    m100 = metrics(scale * ds.y_train, scale * predict(ds.w0, ds.b0, ds.x_train))
    return {
        "mean_y": ym,
        "const_train_r2": const["train"]["r2"],
        "const_train_r2_is_zero": bool(abs(const["train"]["r2"]) <= 1e-12),
        "const_test_r2": const["test"]["r2"],
        "scale": scale,
        "ratio": {k: m100[k] / m1[k] for k in ("mse", "rmse", "mae")},
        "r2_same": bool(abs(m100["r2"] - m1["r2"]) <= 1e-12 * max(1.0, abs(m1["r2"]))),
    }


def initial_guess(s: Settings, ds) -> dict:
    """The random initial guess (w, b) and its metrics on both sets, before any training."""
    rep = fit_report(ds, ds.w0, ds.b0)
    return {
        "w": ds.w0,
        "b": ds.b0,
        "scale": s.init.scale,
        "line_tex": line_tex(ds.w0, ds.b0),
        "line_text": line_text(ds.w0, ds.b0),
        "train_mse": rep["train"]["mse"],
        "test_mse": rep["test"]["mse"],
        "metrics": rep,
        "r2_negative": bool(rep["train"]["r2"] < 0 and rep["test"]["r2"] < 0),
        "r2_mixed": bool((rep["train"]["r2"] < 0) != (rep["test"]["r2"] < 0)),
        "test_over_train": rep["test"]["mse"] / rep["train"]["mse"],
        "similar": bool(0.5 <= rep["test"]["mse"] / rep["train"]["mse"] <= 2.0),
    }


def model_and_loss_section(s: Settings, deps: dict) -> dict:
    ds = make_dataset(s)
    xs, ys = ds.x_train, ds.y_train
    w_ls, b_ls = closed_form(xs, ys)
    few = residual_sample(ds, 5)
    initial = initial_guess(s, ds)
    truth = fit_report(ds, s.data.true_w, s.data.true_b)
    ls = fit_report(ds, w_ls, b_ls)
    table = {"initial": initial["metrics"], "least_squares": ls, "truth": truth}
    dec = {split: {k: decimals([table[row][split][k] for row in table]) for k in ("mse", "rmse", "mae", "r2")}
           for split in ("train", "test")}
    sample = residual_sample(ds)
    r0 = predict(ds.w0, ds.b0, xs) - ys
    return {
        "formulas": derivation(),
        "metric_formulas": metric_formulas(xs[few], ys[few], ds.w0, ds.b0),
        "check": code_against_sympy(xs, ys, [(ds.w0, ds.b0), (s.data.true_w, s.data.true_b), (w_ls, b_ls)]),
        "initial": initial,
        "residuals": {
            "shown": int(len(sample)),
            "positive": int(np.sum(r0 > 0)),
            "negative": int(np.sum(r0 < 0)),
            "largest": float(np.max(np.abs(r0))),
            "mean": float(np.mean(r0)),
        },
        "least_squares": {"w": w_ls, "b": b_ls, "line_tex": line_tex(w_ls, b_ls), "line_text": line_text(w_ls, b_ls),
                          # the largest vertical gap to the true line over [x_min, x_max] (a line's gap is largest at an end)
                          "gap_to_truth": float(max(abs((w_ls - s.data.true_w) * x0 + b_ls - s.data.true_b)
                                                    for x0 in (s.data.x_min, s.data.x_max))),
                          "metrics": ls, "train_mse": ls["train"]["mse"], "test_mse": ls["test"]["mse"]},
        "truth": truth,
        "decimals": dec,
        "how_low": how_low(s, ds),
        "split": like_with_like(s, ds),
        "exercises": exercises(ds, w_ls, b_ls),
        "_sample": sample,
    }
