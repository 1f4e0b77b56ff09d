"""The seeded random train/test split, and what a non-random split would do instead."""

from __future__ import annotations

import numpy as np

from gdbook.compute.dataset import make_dataset, summary
from gdbook.compute.model import closed_form, mse
from gdbook.registry import Section
from gdbook.settings import Settings


def split_section(s: Settings, deps: dict) -> dict:
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


SECTIONS = [
    Section("split", split_section,
            doc="the seeded random train/test split: sizes and summaries of each split, and a split by x for contrast"),
]
