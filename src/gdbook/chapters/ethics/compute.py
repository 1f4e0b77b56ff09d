"""Computed demonstrations for the ethics chapter, with the book's own data and model.

Every model here is the least-squares line of its sample (the closed form of
Part 2, :func:`gdbook.core.model.closed_form`): the point full-batch descent
converges to, reached exactly, whatever the sample's conditioning or the
book's learning rate.

* **Who is in the sample.**  A population in which the relation changes
  beyond a cut: y follows the book's line below it, and a line whose slope is
  larger by ``bend`` above it (continuous at the cut), plus the same noise.
  One model is fitted only to training points below the cut (a truncated
  sample); another to a random sample of the same size.  Both are scored on
  the test split, separately below and above the cut.
* **What the parameters explain.**  Residuals, binned along x, of a straight
  line fitted to the book's (linear) data and to the bent population.
* **One person's data.**  How far removing any single training point moves w
  and b (leave-one-out refits): the model remembers something of each point.
* **Errors a user will meet.**  Quantiles of the absolute test error of the
  book's model, and where its inputs lie outside the range it was fitted on.
"""

from __future__ import annotations

import numpy as np

from gdbook.core import data as dataset, model
from gdbook.settings import Settings

CUT_FRACTION = 0.5  # the truncated sample keeps x below x_min + CUT_FRACTION·(x_max − x_min)
HINGE = 1.0  # above the cut the slope grows by HINGE·max(|w|, 4σ/(x_max − x_min), 1/(x_max − x_min))
N_BINS = 5  # bins along x for the residual means
SAMPLE_SEED_OFFSET = 1  # the random comparison sample uses seed + this (independent of the data's draws)


def cut_point(s: Settings) -> float:
    return s.data.x_min + CUT_FRACTION * (s.data.x_max - s.data.x_min)


def bend(s: Settings) -> float:
    """How much steeper the bent population is above the cut: always upwards, and visible above the noise."""
    d = s.data
    width = d.x_max - d.x_min
    return HINGE * max(abs(d.true_w), 4.0 * d.noise_std / width, 1.0 / width)


def bent_truth(x: np.ndarray, s: Settings) -> np.ndarray:
    """The noiseless truth of the bent population."""
    d = s.data
    return d.true_b + d.true_w * x + bend(s) * np.maximum(0.0, x - cut_point(s))


def bent_population(s: Settings) -> tuple[dataset.Dataset, np.ndarray]:
    """The book's dataset (same x, noise and split) with y following the bent truth."""
    ds = dataset.make_dataset(s)
    d = s.data
    noise = ds.y - (d.true_b + d.true_w * ds.x)
    return ds, bent_truth(ds.x, s) + noise


def fit(x: np.ndarray, y: np.ndarray) -> dict:
    """The least-squares line of (x, y)."""
    w, b = model.closed_form(x, y)
    return {"w": w, "b": b, "n": int(len(x))}


def region_scores(w: float, b: float, x: np.ndarray, y: np.ndarray, cut: float) -> dict:
    out = {}
    for name, mask in (("below", x < cut), ("above", x >= cut), ("all", np.ones_like(x, dtype=bool))):
        r = model.predict(w, b, x[mask]) - y[mask]
        out[name] = {"n": int(mask.sum()),
                     "mse": float(np.mean(r * r)) if mask.any() else None,
                     "mean_error": float(np.mean(r)) if mask.any() else None}
    return out


def truncation_demo(s: Settings) -> dict:
    ds, y = bent_population(s)
    cut = cut_point(s)
    train = ~ds.is_test
    truncated = train & (ds.x < cut)
    rng = np.random.default_rng(s.seed + SAMPLE_SEED_OFFSET)
    random_ = np.zeros_like(train)
    random_[rng.choice(np.flatnonzero(train), int(truncated.sum()), replace=False)] = True
    xt, yt = ds.x[ds.is_test], y[ds.is_test]
    noise_var = s.data.noise_std ** 2
    out = {"cut": cut, "bend": bend(s), "slope_above": s.data.true_w + bend(s),
           "n_population": int(len(ds.x)), "n_train": int(train.sum()),
           "n_train_above": int((train & (ds.x >= cut)).sum()), "noise_var": noise_var}
    for name, mask in (("truncated", truncated), ("random", random_)):
        f = fit(ds.x[mask], y[mask])
        f["test"] = region_scores(f["w"], f["b"], xt, yt, cut)
        f["x_max_seen"] = float(ds.x[mask].max())
        out[name] = f
        out[f"_mask_{name}"] = mask
    t, r = out["truncated"]["test"], out["random"]["test"]
    both = t["above"]["n"] > 0 and t["below"]["n"] > 0
    out["both_sides_tested"] = bool(both)
    out["ratio_above_below"] = (t["above"]["mse"] / t["below"]["mse"]) if both and t["below"]["mse"] > 0 else None
    out["ratio_truncated_random_above"] = (t["above"]["mse"] / r["above"]["mse"]
                                           if both and r["above"]["mse"] > 0 else None)
    # σ² is what even the true line scores on new data on average; a finite test set can come out below it
    out["below_under_noise"] = bool(both and t["below"]["mse"] < noise_var)
    out["_x"], out["_y"], out["_is_test"] = ds.x, y, ds.is_test
    return out


def binned_residuals(x: np.ndarray, r: np.ndarray, lo: float, hi: float) -> list[dict]:
    edges = np.linspace(lo, hi, N_BINS + 1)
    which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, N_BINS - 1)
    return [{"lo": float(edges[k]), "hi": float(edges[k + 1]), "n": int((which == k).sum()),
             "mean": float(np.mean(r[which == k])) if (which == k).any() else 0.0} for k in range(N_BINS)]


def explain_demo(s: Settings) -> dict:
    ds, y_bent = bent_population(s)
    train = ~ds.is_test
    out = {}
    for name, y in (("linear", ds.y), ("bent", y_bent)):
        f = fit(ds.x[train], y[train])
        test_metrics = model.metrics(y[ds.is_test], model.predict(f["w"], f["b"], ds.x[ds.is_test]))
        r = model.predict(f["w"], f["b"], ds.x) - y  # ŷ − y on every point of the population
        bins = binned_residuals(ds.x, r, s.data.x_min, s.data.x_max)
        means = [abs(bn["mean"]) for bn in bins]
        worst = int(np.argmax(means))
        out[name] = {**f, "test": test_metrics, "bins": bins, "largest_bin_mean": max(means),
                     # a bin mean of n noise terms has standard error σ/√n
                     "largest_bin_se": float(s.data.noise_std / np.sqrt(max(bins[worst]["n"], 1))),
                     "_r": r}
    lin, bent = out["linear"], out["bent"]
    out["bent_r2_higher"] = bool(bent["test"]["r2"] > lin["test"]["r2"])
    out["linear_within_noise"] = bool(lin["largest_bin_mean"] <= 3 * lin["largest_bin_se"])
    out["bent_beyond_noise"] = bool(bent["largest_bin_mean"] > 3 * bent["largest_bin_se"])
    middle = bent["bins"][N_BINS // 2]["mean"]
    out["bent_middle_high"] = bool(middle > 0 and bent["bins"][0]["mean"] < 0 and bent["bins"][-1]["mean"] < 0)
    out["_x"] = ds.x
    return out


def influence_demo(s: Settings) -> dict:
    ds = dataset.make_dataset(s)
    x, y = ds.x_train, ds.y_train
    w, b = model.closed_form(x, y)
    dw, db = np.empty(len(x)), np.empty(len(x))
    for i in range(len(x)):
        keep = np.arange(len(x)) != i
        wi, bi = model.closed_form(x[keep], y[keep])
        dw[i], db[i] = wi - w, bi - b
    k = int(np.argmax(np.abs(dw)))
    return {"w": w, "b": b, "n": int(len(x)), "max_dw": float(np.abs(dw).max()), "max_db": float(np.abs(db).max()),
            "median_dw": float(np.median(np.abs(dw))), "x_most": float(x[k]), "y_most": float(y[k]),
            "residual_most": float(model.predict(w, b, x[k]) - y[k]), "x_mean": float(np.mean(x)),
            "most_far_from_mean": bool(abs(x[k] - np.mean(x)) >= np.quantile(np.abs(x - np.mean(x)), 0.75))}


def error_demo(s: Settings) -> dict:
    ds = dataset.make_dataset(s)
    f = fit(ds.x_train, ds.y_train)
    err = np.abs(model.predict(f["w"], f["b"], ds.x_test) - ds.y_test)
    rmse_train = model.metrics(ds.y_train, model.predict(f["w"], f["b"], ds.x_train))["rmse"]
    lo, hi = float(ds.x_train.min()), float(ds.x_train.max())
    outside = (ds.x_test < lo) | (ds.x_test > hi)
    worst = int(np.argmax(err))
    return {"n_test": int(len(err)), "median": float(np.median(err)), "q90": float(np.quantile(err, 0.9)),
            "max": float(err.max()), "rmse_train": rmse_train,
            "share_beyond_2rmse": float(np.mean(err > 2 * rmse_train)),
            "x_worst": float(ds.x_test[worst]), "worst_outside": bool(outside[worst]),
            # the range the model was fitted on, and the test inputs outside it (extrapolations)
            "x_train_min": lo, "x_train_max": hi,
            "n_outside": int(outside.sum()), "x_outside": [float(v) for v in np.sort(ds.x_test[outside])],
            "expected_train_mse": s.data.noise_std ** 2 * (len(ds.x_train) - 2) / len(ds.x_train),
            "train_mse": rmse_train ** 2,
            "true_line_train_mse": float(np.mean((s.data.true_b + s.data.true_w * ds.x_train - ds.y_train) ** 2)),
            "test_mse": float(np.mean(err * err)), "noise_var": s.data.noise_std ** 2}


def ethics_section(s: Settings, deps: dict) -> dict:
    return {
        "truncation": truncation_demo(s),
        "explain": explain_demo(s),
        "influence": influence_demo(s),
        "errors": error_demo(s),
        "n_bins": N_BINS,
        "cut_fraction": CUT_FRACTION,
    }
