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
    check_full_batch(name, site, results, data, (w, b))
    check_stochastic(name, site, results, data)
    check_part3_and_4(name, site, results, x, y, data)


# --- the descent chapters ------------------------------------------------------------------------------

def flat(text: str) -> str:
    """Line breaks and runs of spaces as one space (a thin space inside a number stays)."""
    import re

    return re.sub(r"[ \t\r\n]+", " ", text)


def _plain_descent(x, y, w, b, lr, n_iters, bound):
    """Full-batch descent as the chapter defines it, one update at a time: (ws, bs, losses, diverged_at)."""
    ws, bs, losses = [w], [b], [float(np.mean((w * x + b - y) ** 2))]
    with np.errstate(all="ignore"):
        for t in range(1, n_iters + 1):
            r = w * x + b - y
            w, b = w - lr * 2 * np.mean(r * x), b - lr * 2 * np.mean(r)
            loss = float(np.mean((w * x + b - y) ** 2))
            if not np.isfinite(loss):
                return ws, bs, losses, t
            ws.append(w), bs.append(b), losses.append(loss)
            if loss > bound:
                return ws, bs, losses, t
    return ws, bs, losses, None


def check_full_batch(name: str, site: Path, results: dict, data: dict, star: tuple[float, float]) -> None:
    """How the full-batch run ended, decided again from the CSV (convergence, ρ, η*, the update it diverged at)
    and found in the page's words; the test MSE on the side of the training MSE the page says."""
    from gdbook.core import fmt

    (x, y), (xt, yt) = data["train"], data["test"]
    fb, cfg = results["full_batch"], results["settings"]["descent"]
    lr, n_iters, bound, tol = cfg["full_batch"]["lr"], cfg["full_batch"]["n_iters"], cfg["divergence_bound"], cfg["tolerance"]
    text = page_text(site, "part2/full-batch.html")
    H = 2 / len(x) * np.array([[x @ x, x.sum()], [x.sum(), len(x)]])
    lam = np.linalg.eigvalsh(H)
    rho = max(abs(1 - lr * lam[0]), abs(1 - lr * lam[1]))
    assert fb["lr_star"] == pytest.approx(2 / lam[1], rel=1e-9) and fb["rho"] == pytest.approx(rho, rel=1e-9), name
    ws, bs, losses, diverged_at = _plain_descent(x, y, fb["w_start"], fb["b_start"], lr, n_iters, bound)
    assert fb["diverged_at"] == diverged_at, name
    if diverged_at is None:
        assert fb["w"] == pytest.approx(ws[-1], rel=1e-9, abs=1e-12) and fb["b"] == pytest.approx(bs[-1], rel=1e-9, abs=1e-12), name
    worst = max(abs(ws[-1] - star[0]), abs(bs[-1] - star[1]))
    if diverged_at is not None:
        status, words = "diverged", "It diverged."
        assert f"at update {fmt.integer(diverged_at)}, where the run was stopped" in flat(text), name
    elif rho >= 1:
        status, words = "growing", "It is moving away."
    elif worst <= tol:
        status, words = "converged", "It converged."
        # the theory's bound, recomputed: the distance after t updates is at most ρᵗ·d₀
        d0 = np.hypot(fb["w_start"] - star[0], fb["b_start"] - star[1])
        assert np.hypot(ws[-1] - star[0], bs[-1] - star[1]) <= rho ** n_iters * d0 + fb["rounding_floor"], name
    else:
        status, words = "not_yet", "It has not yet converged."
        d0 = np.hypot(fb["w_start"] - star[0], fb["b_start"] - star[1])
        needed = int(np.ceil(np.log(tol / d0) / np.log(rho)))
        assert needed > n_iters and f"after about {fmt.integer(needed)} updates" in flat(text), (name, needed)
    assert fb["status"] == status, (name, fb["status"], status)
    endings = ("It diverged.", "It is moving away.", "It converged.", "It has not yet converged.")
    assert [e for e in endings if e in text] == [words], (name, words)
    # the test error is said to be on its side of the training error
    train = float(np.mean((fb["w"] * x + fb["b"] - y) ** 2))
    test = float(np.mean((fb["w"] * xt + fb["b"] - yt) ** 2))
    side = "below" if test < train else "above"
    assert f"The test MSE ends at {fmt.num(fb['test_mse'])}, {side} the training MSE" in flat(text), (name, side)
    # a dip of the test MSE is only reported where there is one, before the last update
    if "On the way it passed through a lower value" in text:
        test_losses = [float(np.mean((w_ * xt + b_ * 1.0 - yt) ** 2)) for w_, b_ in zip(ws, bs)]
        k = int(np.argmin(test_losses))
        assert status in ("converged", "not_yet") and 0 < k < len(test_losses) - 1, name
        assert f"after {fmt.integer(k)} update{'' if k == 1 else 's'}." in flat(text), (name, k)


def check_stochastic(name: str, site: Path, results: dict, data: dict) -> None:
    """The stochastic chapter's statements checked from the CSV: the share of examples whose residual one large
    step flips or grows, where the case study's run ended against its start, and each run's state in the words
    of the page."""
    from gdbook.core import fmt

    (x, y) = data["train"]
    sg, cfg = results["stochastic"], results["settings"]["descent"]
    text = flat(page_text(site, "part2/stochastic.html"))
    large = cfg["stochastic"]["large_lr"]
    factor = 1 - 2 * large * (1 + x * x)  # one step on example i multiplies its residual by this
    sign, grow = float(np.mean(factor < 0)), float(np.mean(factor < -1))
    assert sg["one_example"]["at_large"]["sign"] == pytest.approx(sign) and sg["one_example"]["at_large"]["grow"] == pytest.approx(grow)
    assert f"a step on {fmt.pct(sign)} of the training points changes the sign of their residual, and on {fmt.pct(grow)}" in text, name
    # the case study's run: its end against its start, from its final line and the CSV
    g = sg["large"]
    fb = results["full_batch"]  # every run starts from the same initial guess
    start = float(np.mean((fb["w_start"] * x + fb["b_start"] - y) ** 2))
    end = float(np.mean((g["w"] * x + g["b"] - y) ** 2))
    assert end == pytest.approx(g["train_mse"], rel=1e-9), name
    if g["diverged"]:
        assert f"This run diverged: its loss passed {fmt.num(cfg['divergence_bound'])} at update {fmt.integer(g['diverged_at'])}" in text, name
    elif end > start:
        assert f"This run ends at training MSE {fmt.num(end)}, above its start" in text, name
    else:
        assert f"This run ends at training MSE {fmt.num(end)}, below its start" in text, name
    # each noisy run's state, in the page's words
    section = text.split("Where the loss comes to rest", 1)[1].split("What sets the resting level", 1)[0]
    for key, label in (("mini_batch", "Mini-batch"), ("sgd", "Stochastic")):
        run = sg[key]
        said = {"settled": "of its resting level", "descending": "on the way down", "unstable": "has no resting level",
                "diverged": "the run diverged; its loss passed"}[run["status"]]
        part = section.split(f"{label} (", 1)[1][:600]
        assert said in part or (sg["noise_free"] and "resting level is the minimum itself" in part), (name, key, run["status"])
    # the per-example comparison names the method with the lowest loss after the same examples
    losses = {k: c["loss"] for k, c in sg["compare"].items() if c["loss"] is not None}
    if losses:
        assert sg["compare_fastest"] == min(losses, key=losses.get), name


def check_part3_and_4(name: str, site: Path, results: dict, x: np.ndarray, y: np.ndarray, data: dict) -> None:
    """Gradient check, divergence, flowchart and ethics, recomputed from dataset.csv and compared with the pages."""
    # η* = 2/λmax of the Hessian of the published training split
    lam = np.linalg.eigvalsh(2.0 / len(x) * np.column_stack([x, np.ones_like(x)]).T @ np.column_stack([x, np.ones_like(x)]))
    d = results["divergence"]
    assert d["lr_critical"] == pytest.approx(2.0 / lam[-1], rel=1e-10), name
    # every run below η* falls at every update, as the page says
    assert all(r["shape"] == "falls" for r in d["runs"] if r["multiple"] < 1.0), name
    # the gradient check is made only where it resolves its tolerance, and every checked point passes
    g = results["gradient_check"]
    assert all(p["rel_error"] <= g["rel_tol"] and p["roundoff"] <= g["rel_tol"] * p["grad_norm"] / g["margin"]
               for p in g["points"]), name
    for p in g["points"]:
        r = p["w"] * x + p["b"] - y
        assert p["dw_analytic"] == pytest.approx(2 * np.mean(r * x), rel=1e-9, abs=1e-12), name
    # the ethics page states the range the model was fitted on: the training split's
    e = results["ethics"]["errors"]
    assert (e["x_train_min"], e["x_train_max"]) == (float(x.min()), float(x.max())), name
    xt, _ = data["test"]
    assert e["n_outside"] == int(np.sum((xt < x.min()) | (xt > x.max()))), name
    # the flowchart reports the run it made: diverged exactly when the full-batch η is past η*-bound
    text = page_text(site, "part4/flowchart.html")
    f = results["flowchart"]
    said = "left through the divergence check" in text
    assert said == (f["run"]["stopped"] == "diverged"), name

