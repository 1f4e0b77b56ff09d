"""The data: the synthetic points, their summaries, and the seeded random train/test split."""

from __future__ import annotations

import numpy as np

from gdbook.core.data import make_dataset, summary
from gdbook.core.model import closed_form, mse
from gdbook.settings import Settings


def split_summary(s: Settings) -> dict:
    ds = make_dataset(s)
    # The alternative a beginner might use: hold out the last points in x order.
    order = np.argsort(ds.x, kind="stable")
    k = int(np.sum(ds.is_test))
    by_x = np.zeros(len(ds.x), dtype=bool)
    by_x[order[-k:]] = True
    w_r, b_r = closed_form(ds.x_train, ds.y_train)
    w_s, b_s = closed_form(ds.x[~by_x], ds.y[~by_x])
    return {
        "n_train": int(np.sum(~ds.is_test)),
        "n_test": k,
        "test_fraction": s.data.test_fraction,
        "train": {"x": summary(ds.x_train), "y": summary(ds.y_train)},
        "test": {"x": summary(ds.x_test), "y": summary(ds.y_test)},
        "sorted": {
            "train_x_max": float(np.max(ds.x[~by_x])),
            "test_x_min": float(np.min(ds.x[by_x])),
            "train": {"x": summary(ds.x[~by_x])},
            "test": {"x": summary(ds.x[by_x])},
            "w": w_s, "b": b_s,
            "test_mse": mse(w_s, b_s, ds.x[by_x], ds.y[by_x]),
        },
        "random_fit_test_mse": mse(w_r, b_r, ds.x_test, ds.y_test),
    }


def dataset_section(s: Settings, deps: dict) -> dict:
    ds = make_dataset(s)
    return {
        "seed": s.seed,
        "n": s.data.n,
        "true_w": s.data.true_w,
        "true_b": s.data.true_b,
        "noise_std": s.data.noise_std,
        "x_min": s.data.x_min,
        "x_max": s.data.x_max,
        "test_fraction": s.data.test_fraction,
        "n_train": int(np.sum(~ds.is_test)),
        "n_test": int(np.sum(ds.is_test)),
        "x": summary(ds.x),
        "y": summary(ds.y),
        "x_train": summary(ds.x_train),
        "x_test": summary(ds.x_test),
        "split": split_summary(s),
        "_x": ds.x,
        "_y": ds.y,
        "_is_test": ds.is_test,
    }
