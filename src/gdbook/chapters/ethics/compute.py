"""Computed demonstrations for the ethics chapter, with the book's own model.

Everything starts from the book's dataset (``dataset.make_dataset``) and is
fitted with the book's descent (``descent.descend``, full batch, the book's
learning rate and update count), cross-checked against the closed form.

* **Who is in the sample.**  A population in which the relation changes
  beyond a cut: y follows the book's line below it, and a line
  ``1 + HINGE`` times as steep above it (continuous at the cut), plus the same
  noise.  One model is trained only on training points below the cut (a
  truncated sample); another on a random sample of the same size.  Both are
  scored on the test split, separately below and above the cut.
* **What the parameters explain.**  Residuals, binned along x, of a straight
  line fitted to the book's (linear) data and to the bent population.
* **One person's data.**  How far removing any single training point moves w
  and b (leave-one-out refits): the model remembers something of each point.
* **Errors a user will meet.**  Quantiles of the absolute test error of the
  book's model.
"""

from __future__ import annotations

import numpy as np

from gdbook.core import fmt
from gdbook.core import data as dataset, descent, model
from gdbook.settings import Settings

CUT_FRACTION = 0.5  # the truncated sample keeps x below x_min + CUT_FRACTION·(x_max − x_min)
HINGE = 1.0  # above the cut the true slope is (1 + HINGE)·w
N_BINS = 5  # bins along x for the residual means
SAMPLE_SEED_OFFSET = 1  # the random comparison sample uses seed + this (independent of the data's draws)


def cut_point(s: Settings) -> float:
    return s.data.x_min + CUT_FRACTION * (s.data.x_max - s.data.x_min)


def bent_truth(x: np.ndarray, s: Settings) -> np.ndarray:
    """The noiseless truth of the bent population."""
    d = s.data
    return d.true_b + d.true_w * x + HINGE * d.true_w * np.maximum(0.0, x - cut_point(s))


def bent_population(s: Settings) -> tuple[dataset.Dataset, np.ndarray]:
    """The book's dataset (same x, noise and split) with y following the bent truth."""
    ds = dataset.make_dataset(s)
    d = s.data
    noise = ds.y - (d.true_b + d.true_w * ds.x)
    return ds, bent_truth(ds.x, s) + noise


def fit(x: np.ndarray, y: np.ndarray, ds: dataset.Dataset, s: Settings) -> dict:
    """The book's full-batch descent on (x, y), with the closed form beside it."""
    fb = s.descent.full_batch
    tr = descent.descend(x, y, x, y, ds.w0, ds.b0, fb.lr, fb.n_iters, bound=s.descent.divergence_bound)
    w_cf, b_cf = model.closed_form(x, y)
    return {"w": float(tr.w[-1]), "b": float(tr.b[-1]), "n": int(len(x)), "diverged": tr.diverged,
            "w_closed": w_cf, "b_closed": b_cf, "gap": max(abs(tr.w[-1] - w_cf), abs(tr.b[-1] - b_cf))}


def region_scores(w: float, b: float, x: np.ndarray, y: np.ndarray, cut: float) -> dict:
    out = {}
    for name, mask in (("below", x < cut), ("above", x >= cut), ("all", np.ones_like(x, dtype=bool))):
        r = model.predict(w, b, x[mask]) - y[mask]
        out[name] = {"n": int(mask.sum()), "mse": float(np.mean(r * r)), "mean_error": float(np.mean(r)),
                     "r2": model.metrics(y[mask], model.predict(w, b, x[mask]))["r2"] if mask.sum() > 1 else 0.0}
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
    out = {"cut": cut, "hinge": HINGE, "slope_above": (1 + HINGE) * s.data.true_w,
           "n_population": int(len(ds.x)), "n_train": int(train.sum()),
           "n_train_above": int((train & (ds.x >= cut)).sum())}
    for name, mask in (("truncated", truncated), ("random", random_)):
        f = fit(ds.x[mask], y[mask], ds, s)
        f["test"] = region_scores(f["w"], f["b"], xt, yt, cut)
        f["x_max_seen"] = float(ds.x[mask].max())
        out[name] = f
        out[f"_mask_{name}"] = mask
    t, r = out["truncated"]["test"], out["random"]["test"]
    out["ratio_above_below"] = t["above"]["mse"] / t["below"]["mse"]
    out["ratio_truncated_random_above"] = t["above"]["mse"] / r["above"]["mse"]
    out["noise_var"] = s.data.noise_std ** 2
    out["_x"], out["_y"], out["_is_test"] = ds.x, y, ds.is_test
    return out


def binned_residuals(x: np.ndarray, r: np.ndarray, lo: float, hi: float) -> list[dict]:
    edges = np.linspace(lo, hi, N_BINS + 1)
    which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, N_BINS - 1)
    return [{"lo": float(edges[k]), "hi": float(edges[k + 1]), "n": int((which == k).sum()),
             "mean": float(np.mean(r[which == k]))} for k in range(N_BINS)]


def explain_demo(s: Settings) -> dict:
    ds, y_bent = bent_population(s)
    train = ~ds.is_test
    out = {}
    for name, y in (("linear", ds.y), ("bent", y_bent)):
        f = fit(ds.x[train], y[train], ds, s)
        test_metrics = model.metrics(y[ds.is_test], model.predict(f["w"], f["b"], ds.x[ds.is_test]))
        r = model.predict(f["w"], f["b"], ds.x) - y  # ŷ − y on every point of the population
        bins = binned_residuals(ds.x, r, s.data.x_min, s.data.x_max)
        means = [abs(bn["mean"]) for bn in bins]
        out[name] = {**f, "test": test_metrics, "bins": bins, "largest_bin_mean": max(means),
                     # a bin mean of n noise terms has standard error σ/√n
                     "largest_bin_se": float(s.data.noise_std / np.sqrt(bins[int(np.argmax(means))]["n"])),
                     "_r": r}
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
            "residual_most": float(model.predict(w, b, x[k]) - y[k]), "x_mean": float(np.mean(x))}


def error_demo(s: Settings) -> dict:
    ds = dataset.make_dataset(s)
    f = fit(ds.x_train, ds.y_train, ds, s)
    err = np.abs(model.predict(f["w"], f["b"], ds.x_test) - ds.y_test)
    rmse_train = model.metrics(ds.y_train, model.predict(f["w"], f["b"], ds.x_train))["rmse"]
    return {"n_test": int(len(err)), "median": float(np.median(err)), "q90": float(np.quantile(err, 0.9)),
            "max": float(err.max()), "rmse_train": rmse_train,
            "share_beyond_2rmse": float(np.mean(err > 2 * rmse_train)),
            "x_worst": float(ds.x_test[int(np.argmax(err))])}


def errata(t: dict, e: dict, s: Settings) -> list[dict]:
    tb, ta = t["truncated"]["test"]["below"], t["truncated"]["test"]["above"]
    ra = t["random"]["test"]["above"]
    bent = e["bent"]
    return [
        {
            "title": "A model does not just inherit the bias of its data",
            "where": "Ethical Considerations · Potential for bias in data generation",
            "notes": "“The bias exhibited by the model will be the same biases that we have when creating the dataset.”",
            "correct": (
                f"Imprecise in both directions. A gap in the sample is not copied but *amplified* where the model "
                f"extrapolates: trained only on x < {fmt.num(t['cut'])}, the book's model has test MSE "
                f"{fmt.num(tb['mse'])} where it saw data and {fmt.num(ta['mse'])} on the part of the population "
                f"it never saw ({fmt.num(t['ratio_above_below'], 3)} times as large), predicting too low there by "
                f"{fmt.num(-ta['mean_error'])} on average. And a model adds bias of its own: a straight line fitted "
                f"to a perfectly random sample of the same population still errs systematically (mean residual "
                f"{fmt.num(bent['largest_bin_mean'])} in the worst x-bin, against a standard error of "
                f"{fmt.num(bent['largest_bin_se'])} for noise alone)."
            ),
            "explanation": "Bias in a model's errors comes from who is in the sample *and* from what the model can represent.",
            "link": "../part4/ethics.md#bias-in-data-generation",
            "link_text": "Ethics: bias in data generation",
        },
        {
            "title": "A representative sample is necessary, not sufficient",
            "where": "Ethical Considerations · Mitigating negative impacts of prediction errors",
            "notes": "“The primary mitigator of negative impacts of prediction is to get a dataset that most accurately "
                     "represents the parent distribution.”",
            "correct": (
                f"A random sample removes the sampling gap (the left-out region's test MSE falls from "
                f"{fmt.num(ta['mse'])} to {fmt.num(ra['mse'])}), but not the model's own error: with the random "
                f"sample the line is still off by up to {fmt.num(bent['largest_bin_mean'])} on average in one "
                f"x-bin, and its R² of {fmt.num(bent['test']['r2'])} does not reveal it. Mitigation also needs a "
                f"model that fits, error reported by subgroup, and a way for people to contest a prediction."
            ),
            "explanation": "Sampling bias and model bias are different errors with different cures.",
            "link": "../part4/ethics.md#mitigating-the-harm-of-prediction-errors",
            "link_text": "Ethics: mitigating harm",
        },
        {
            "title": "The section on transparency is empty",
            "where": "Ethical Considerations · Importance of model transparency and explainability",
            "notes": "(The heading is there; the text under it is missing.)",
            "correct": (
                f"The book writes it: what the two parameters of ŷ = w·x + b explain (w = {fmt.num(e['linear']['w'])}: "
                f"each unit of x adds that much to the prediction), and what they hide (the structure in the residuals)."
            ),
            "explanation": "Transparency is the section a reader most needs when a model's decision affects them.",
            "link": "../part4/ethics.md#transparency-and-explainability",
            "link_text": "Ethics: transparency",
        },
    ]


def ethics_section(s: Settings, deps: dict) -> dict:
    t = truncation_demo(s)
    e = explain_demo(s)
    return {
        "truncation": t,
        "explain": e,
        "influence": influence_demo(s),
        "errors": error_demo(s),
        "n_bins": N_BINS,
        "cut_fraction": CUT_FRACTION,
        "errata": errata(t, e, s),
    }
