"""The data: points drawn from a known line plus Gaussian noise, the noise itself, and the seeded split.

Everything here is about the data before any line is fitted: the points and
their summaries, the noise ε = y − (w_true·x + b_true) that was drawn (its
spread against σ, its average square on each split), the expected squared
miss of a prediction at a point (checked with SymPy's statistics module), and
two ways to hold out test points: at random, and the largest x.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
from sympy.stats import E as expectation
from sympy.stats import Normal

from gdbook.core.data import held_out_by_x, make_dataset, summary
from gdbook.core.notation import checked_as, decimals, line_tex, line_text
from gdbook.settings import Settings

TRUE = {r"w_{\text{true}}": "u", r"b_{\text{true}}": "v"}  # display names of the true line, as SymPy reads them


def expected_miss() -> dict:
    """E[(y − c)²] for y = w_true·x + b_true + ε, ε ~ N(0, σ²): the noise's share and the line's share."""
    u, v, x, c = sp.symbols("u v x c", real=True)
    sigma = sp.Symbol("sigma", positive=True)
    eps = Normal("epsilon", 0, sigma)
    exp = sp.simplify(expectation((u * x + v + eps - c) ** 2))
    names = {"u": u, "v": v, "x": x, "c": c, "sigma": sigma}
    return {
        "tex": checked_as(r"\sigma^2 + (w_{\text{true}}\,x + b_{\text{true}} - c)^2", exp, symbols=names, read_as=TRUE,
                          what="expected squared miss"),
        "noise_mean_tex": checked_as(r"0", sp.simplify(expectation(eps)), what="mean of the noise"),
        "noise_var_tex": checked_as(r"\sigma^2", sp.simplify(expectation(eps ** 2)), symbols=names,
                                    what="mean square of the noise"),
    }


def noise_on(eps: np.ndarray, sigma: float) -> dict:
    z = np.abs(eps) / sigma
    return {
        "mean": float(np.mean(eps)),
        "std": float(np.std(eps, ddof=1)) if len(eps) > 1 else 0.0,
        "mean_sq": float(np.mean(eps * eps)),
        "within_1": float(np.mean(z <= 1)),
        "within_2": float(np.mean(z <= 2)),
        "largest": float(np.max(z)),
    }


def split_summary(s: Settings) -> dict:
    ds = make_dataset(s)
    eps = ds.y - (s.data.true_w * ds.x + s.data.true_b)
    by_x = held_out_by_x(ds)
    k = int(np.sum(ds.is_test))
    return {
        "n_train": int(np.sum(~ds.is_test)),
        "n_test": k,
        "test_fraction": s.data.test_fraction,
        "train": {"x": summary(ds.x_train), "y": summary(ds.y_train)},
        "test": {"x": summary(ds.x_test), "y": summary(ds.y_test)},
        # the mean square of the noise on each set of test points: what even the true line scores there
        "noise_sq_test": float(np.mean(eps[ds.is_test] ** 2)),
        "noise_sq_train": float(np.mean(eps[~ds.is_test] ** 2)),
        "sorted": {
            "train_x_max": float(np.max(ds.x[~by_x])),
            "test_x_min": float(np.min(ds.x[by_x])),
            "train": {"x": summary(ds.x[~by_x])},
            "test": {"x": summary(ds.x[by_x])},
            "noise_sq_test": float(np.mean(eps[by_x] ** 2)),
            # how far the test points sit from the middle of the training x, in training standard deviations
            "test_distance": float(np.mean(np.abs(ds.x[by_x] - np.mean(ds.x[~by_x]))) / np.std(ds.x[~by_x])),
        },
        "test_distance": float(np.mean(np.abs(ds.x_test - np.mean(ds.x_train))) / np.std(ds.x_train)),
        "_by_x": by_x,
    }


def dataset_section(s: Settings, deps: dict) -> dict:
    ds = make_dataset(s)
    d = s.data
    eps = ds.y - (d.true_w * ds.x + d.true_b)
    noise = noise_on(eps, d.noise_std)
    # what a normal distribution puts within one and two standard deviations of its mean
    noise["normal_1"] = math.erf(1 / math.sqrt(2))
    noise["normal_2"] = math.erf(2 / math.sqrt(2))
    # one count of decimals for the noise table: three significant figures of σ
    noise["decimals"] = decimals([d.noise_std], sig=3, most=10)
    noise["beyond_2"] = 1.0 - noise["within_2"]
    noise["beyond_2_count"] = int(np.sum(np.abs(eps) > 2 * d.noise_std))
    noise["normal_beyond_2"] = 1.0 - noise["normal_2"]
    noise["normal_beyond_2_count"] = noise["normal_beyond_2"] * d.n
    noise["train"] = noise_on(eps[~ds.is_test], d.noise_std)
    noise["test"] = noise_on(eps[ds.is_test], d.noise_std)
    split = split_summary(s)
    by_x = split.pop("_by_x")
    split["noise_sq_gap"] = abs(split["sorted"]["noise_sq_test"] - split["noise_sq_test"])
    return {
        "seed": s.seed,
        "n": d.n,
        "true_w": d.true_w,
        "true_b": d.true_b,
        "noise_std": d.noise_std,
        "noise_var": d.noise_std ** 2,
        "noise_var_doubled": (2 * d.noise_std) ** 2,
        "line_tex": line_tex(d.true_w, d.true_b),
        "line_text": line_text(d.true_w, d.true_b),
        "x_min": d.x_min,
        "x_max": d.x_max,
        "test_fraction": d.test_fraction,
        "n_train": int(np.sum(~ds.is_test)),
        "n_test": int(np.sum(ds.is_test)),
        "x": summary(ds.x),
        "y": summary(ds.y),
        "x_train": summary(ds.x_train),
        "x_test": summary(ds.x_test),
        # the line's values at the ends of the x range (for "y runs from … to …")
        "line_at_min": d.true_w * d.x_min + d.true_b,
        "line_at_max": d.true_w * d.x_max + d.true_b,
        "noise": noise,
        "expected": expected_miss(),
        "split": split,
        "_x": ds.x,
        "_y": ds.y,
        "_is_test": ds.is_test,
        "_eps": eps,
        "_by_x": by_x,
    }
