"""The book builds, and tells the truth, under settings other than its own.

Each case is a settings file that validation accepts, spread over seeds, data
sizes, noise, the sign and size of the slope, x ranges (positive, centred on 0,
far from 0), learning rates that converge and that diverge for each method, and
batch sizes.  Each must build strictly (every asserted claim holds: a false
one fails the build) and the pages must agree with what the data say, checked
here from the published dataset.csv and results.json alone.

Cost: one cold-ish build per case (chapters whose inputs a case leaves alone
come from the shared cache: Part 1 never recomputes); the cases are spread
over both test workers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from part2_csv import load, lstsq, page_text

from conftest import run_gdbook

MATRIX: dict[str, str] = {
    "seed-7": "seed = 7\n",
    "small-noisy-falling": "seed = 3\n[data]\nn = 50\nnoise_std = 2.0\ntrue_w = -1.5\ntrue_b = 4.0\n",
    "large-quiet": "seed = 11\n[data]\nn = 2000\nnoise_std = 0.1\ntrue_w = 0.5\ntrue_b = 0.0\n",
    "x-centred-on-zero": "[data]\nx_min = -1.0\nx_max = 1.0\ntrue_w = 2.0\ntrue_b = 1.0\n",
    "x-far-from-zero": ("[data]\nx_min = 10.0\nx_max = 12.0\n[descent.full_batch]\nlr = 0.008\n"
                        "[descent.mini_batch]\nlr = 0.004\n[descent.stochastic]\nlr = 0.002\n"),
    "full-batch-diverges": "seed = 5\n[descent.full_batch]\nlr = 1.0\n",
    "stochastic-settles": "[descent.mini_batch]\nlr = 0.2\nbatch_size = 64\n[descent.stochastic]\nlr = 0.05\nn_iters = 2000\n",
    "mini-batch-and-stochastic-diverge": "seed = 9\n[descent.mini_batch]\nlr = 1.5\nbatch_size = 4\n[descent.stochastic]\nlr = 1.0\n",
    "steep-and-wide": "seed = 13\n[data]\nn = 300\nx_min = 0.0\nx_max = 5.0\ntrue_w = 25.0\ntrue_b = -40.0\nnoise_std = 1.0\n",
}

pytestmark = pytest.mark.slow


def _cases():
    return [pytest.param(name, marks=pytest.mark.xdist_group(f"matrix-{i % 2}")) for i, name in enumerate(MATRIX)]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> str:
    # One cache for every case: what a case does not change is computed once.
    return os.environ.get("GDBOOK_MATRIX_CACHE") or str(tmp_path_factory.mktemp("matrix-cache"))


@pytest.mark.parametrize("name", _cases())
def test_the_book_builds_and_tells_the_truth(name, tmp_path, cache):
    settings = tmp_path / f"{name}.toml"
    settings.write_text(MATRIX[name])
    site = tmp_path / "site"
    report = tmp_path / "report.json"
    proc = run_gdbook("build", "--quiet", "--settings", str(settings), "--site-dir", str(site),
                      "--report", str(report), env={"GDBOOK_CACHE_DIR": cache})
    assert proc.returncode == 0, f"{name}:\n{proc.stderr[-3000:]}"
    claims = json.loads(report.read_text())["claims"]
    assert len(claims) >= 20, f"{name}: only {len(claims)} claims were made"
    results = json.loads((site / "downloads" / "results.json").read_text(encoding="utf-8"))
    check_against_the_data(name, site, results)


def check_against_the_data(name: str, site: Path, results: dict) -> None:
    """What the pages say about the fit, recomputed from dataset.csv and compared with the page text."""
    data = load(site)
    x, y = data["train"]
    w, b = lstsq(x, y)
    cf = results["closed_form"]
    assert cf["w"] == pytest.approx(w, rel=1e-8, abs=1e-10) and cf["b"] == pytest.approx(b, rel=1e-8, abs=1e-10), name
    fb = results["full_batch"]
    text = page_text(site, "part2/full-batch.html")
    # The test error is described on the right side of the training error.
    xt, yt = data["test"]
    train = float(np.mean((fb["w"] * x + fb["b"] - y) ** 2))
    test = float(np.mean((fb["w"] * xt + fb["b"] - yt) ** 2))
    if not fb["diverged"]:
        assert fb["train_mse"] == pytest.approx(train, rel=1e-9), name
        side = "below" if test < train else "above"
        assert f"ends {side} the training" in text or f"{side} the training MSE" in text, (name, side)
    else:
        assert "diverge" in text, name
    check_part2_foundations(name, site, results, x, y, w, b)


def check_part2_foundations(name: str, site: Path, results: dict, x: np.ndarray, y: np.ndarray, w: float,
                            b: float) -> None:
    """The data, model-and-loss, why-squared-error, loss-surface and closed-form pages against dataset.csv."""
    sigma2 = results["dataset"]["noise_std"] ** 2
    train_mse = float(np.mean((w * x + b - y) ** 2))
    # the maximum-likelihood noise variance is the least-squares training MSE
    assert results["why_squared_error"]["sigma2_hat"] == pytest.approx(train_mse, rel=1e-8), name
    # the condition number of the loss surface, from the training x alone, and the page's word for it
    X = np.column_stack([x, np.ones_like(x)])
    lam = np.linalg.eigvalsh(2.0 / len(x) * X.T @ X)
    kappa = float(lam[-1] / lam[0])
    assert results["loss_surface"]["cond"] == pytest.approx(kappa, rel=1e-6), name
    surface = page_text(site, "part2/loss-surface.html")
    assert ("is large" in surface) == (kappa >= 100), (name, kappa)
    # model and loss: the least-squares training MSE is said to be on the right side of σ²
    text = " ".join(page_text(site, "part2/model-and-loss.html").split())
    wider = "because the noise drawn for these training points is spread wider" in text
    assert wider == (train_mse >= sigma2), (name, train_mse, sigma2)
