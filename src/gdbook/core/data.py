"""The synthetic dataset y = b + w·x + ε, its seeded split and the initial guess.

One generator, ``rng = np.random.default_rng(seed)``, is drawn from in a fixed
order (x, then ε, then the split permutation, then the initial w and b), so the
same settings always give the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdbook.core.model import metrics, predict
from gdbook.settings import Settings


@dataclass(frozen=True)
class Dataset:
    x: np.ndarray
    y: np.ndarray
    is_test: np.ndarray  # bool mask: True for the test split
    w0: float  # the initial guess, drawn after the split
    b0: float

    @property
    def x_train(self) -> np.ndarray:
        return self.x[~self.is_test]

    @property
    def y_train(self) -> np.ndarray:
        return self.y[~self.is_test]

    @property
    def x_test(self) -> np.ndarray:
        return self.x[self.is_test]

    @property
    def y_test(self) -> np.ndarray:
        return self.y[self.is_test]


def make_dataset(s: Settings) -> Dataset:
    d = s.data
    rng = np.random.default_rng(s.seed)
    x = rng.uniform(d.x_min, d.x_max, size=d.n)
    eps = rng.normal(0.0, d.noise_std, size=d.n)
    y = d.true_b + d.true_w * x + eps
    is_test = np.zeros(d.n, dtype=bool)
    is_test[rng.permutation(d.n)[: s.n_test]] = True
    w0, b0 = rng.normal(0.0, s.init.scale, size=2)
    return Dataset(x=x, y=y, is_test=is_test, w0=float(w0), b0=float(b0))


def fit_report(ds: Dataset, w: float, b: float) -> dict:
    """MSE, RMSE, MAE and R² of the line ŷ = w·x + b on each split (each MSE over its own split)."""
    return {
        "train": metrics(ds.y_train, predict(w, b, ds.x_train)),
        "test": metrics(ds.y_test, predict(w, b, ds.x_test)),
    }


def summary(values: np.ndarray) -> dict:
    return {
        "mean": float(np.mean(values)),
        "std": float(np.std(values, ddof=1)),
        "min": float(np.min(values)),
        "max": float(np.max(values)),
    }


def held_out_by_x(ds: Dataset) -> np.ndarray:
    """The split a beginner might make instead of a random one: the points with the largest x held out.

    As many test points as the random split has; a bool mask like ``ds.is_test``.
    """
    k = int(np.sum(ds.is_test))
    mask = np.zeros(len(ds.x), dtype=bool)
    mask[np.argsort(ds.x, kind="stable")[len(ds.x) - k:]] = True
    return mask
