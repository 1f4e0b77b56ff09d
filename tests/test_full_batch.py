"""Full-batch descent: metrics recomputed from dataset.csv; convergence to the closed form when the theory says so;
the chapter says how its run ended under settings that converge, stop short, move away and diverge."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from part2_csv import load, lstsq, metrics

from gdbook.chapters.closed_form.compute import closed_form_section
from gdbook.chapters.full_batch.compute import derivation, first_below, full_batch_section, updates_needed
from gdbook.core.errors import BuildError
from gdbook.core.formula import identity
from gdbook.core.limits import check_buildable
from gdbook.settings import Settings, SettingsError, from_mapping

METHODS = ("full_batch", "mini_batch", "stochastic")


def run_of(results: dict, method: str) -> dict:
    """Full batch has its chapter; mini-batch and stochastic runs live in theirs."""
    return results["full_batch"] if method == "full_batch" else \
        results["stochastic"]["mini_batch" if method == "mini_batch" else "sgd"]


def section(raw: dict) -> dict:
    s = from_mapping(raw)
    return full_batch_section(s, {"closed_form": closed_form_section(s, {})})


@pytest.mark.parametrize("method", METHODS)
def test_gd_metrics_recomputed_from_csv(built_site, results, method):
    data = load(built_site)
    g = run_of(results, method)
    train = metrics(g["w"], g["b"], *data["train"])
    test = metrics(g["w"], g["b"], *data["test"])
    assert g["train_mse"] == pytest.approx(train["mse"], rel=1e-9)
    assert g["test_mse"] == pytest.approx(test["mse"], rel=1e-9)
    assert g["r2_test"] == pytest.approx(test["r2"], rel=1e-9)
    for k in ("mse", "rmse", "mae", "r2"):
        assert g["metrics"]["train"][k] == pytest.approx(train[k], rel=1e-9)
        assert g["metrics"]["test"][k] == pytest.approx(test[k], rel=1e-9)


def test_required_keys(results):
    for method in METHODS:
        g = run_of(results, method)
        for k in ("lr", "n_iters", "w", "b", "train_mse", "test_mse", "r2_test"):
            assert k in g, (method, k)
    assert "batch_size" in run_of(results, "mini_batch") and "batch_size" in run_of(results, "stochastic")


def test_the_book_run_converges_within_tolerance_of_lstsq_and_under_the_bound(built_site, results):
    w, b = lstsq(*load(built_site)["train"])
    fb = results["full_batch"]
    assert fb["status"] == "converged"
    tol = fb["tolerance"]
    assert abs(fb["w"] - w) <= tol and abs(fb["b"] - b) <= tol
    assert fb["dist"] <= fb["bound"] + fb["rounding_floor"]
    # ρ and η* from the Hessian, recomputed from the CSV
    x = load(built_site)["train"][0]
    lam = np.linalg.eigvalsh(2 / len(x) * np.array([[x @ x, x.sum()], [x.sum(), len(x)]]))
    assert fb["lr_star"] == pytest.approx(2 / lam[1], rel=1e-12)
    assert fb["rho"] == pytest.approx(max(abs(1 - fb["lr"] * lam[0]), abs(1 - fb["lr"] * lam[1])), rel=1e-12)


def test_the_page_says_how_the_run_ended(built_site, results):
    from part2_csv import page_text

    text = page_text(built_site, "part2/full-batch.html")
    ended = text.split("How close it gets")[-1].split("The loss")[0]
    assert "It converged." in ended and "diverged" not in ended and "not yet" not in ended


# --- the four endings, from the compute alone (no build) -----------------------------------------

def test_too_few_updates_is_not_yet_with_the_updates_it_would_need():
    fb = section({"descent": {"full_batch": {"n_iters": 20}}})
    assert fb["status"] == "not_yet" and not fb["converged"]
    assert fb["max_abs_diff"] > fb["tolerance"]
    # the count it would need follows from ρ, and the default run (500 updates) is past it
    assert fb["updates_needed"] == updates_needed(fb["rho"], fb["dist0"], fb["tolerance"])
    assert 20 < fb["updates_needed"] <= 500
    assert fb["rho"] ** fb["updates_needed"] * fb["dist0"] <= fb["tolerance"] < fb["rho"] ** (fb["updates_needed"] - 1) * fb["dist0"]
    assert fb["updates_more"] == fb["updates_needed"] - 20 and fb["needed_within_limit"]


def test_ill_conditioned_data_are_not_yet_and_need_more_than_the_settings_allow():
    fb = section({"data": {"x_min": 10.0, "x_max": 12.0}, "descent": {"full_batch": {"lr": 0.008}}})
    assert fb["status"] == "not_yet"
    assert 1e4 < fb["kappa"] < 1e5  # "tens of thousands"
    assert fb["updates_needed"] > fb["n_iters_limit"] and not fb["needed_within_limit"]
    assert fb["dist"] <= fb["bound"]


def test_above_eta_star_it_diverges_when_the_formula_says():
    fb = section({"seed": 5, "descent": {"full_batch": {"lr": 1.0}}})
    assert fb["status"] == "diverged" and fb["diverged"]
    assert fb["lr"] > fb["lr_star"] and fb["rho"] > 1 and fb["zigzag"]
    assert fb["diverged_at"] == fb["n_iters"] and fb["predicted_diverged_at"] == fb["diverged_at"]
    assert fb["crossing_as_predicted"] and fb["bound"] is None and fb["updates_needed"] is None
    assert fb["max_train_mse"] > 1e6


def test_just_above_eta_star_with_few_updates_is_moving_away_not_diverged():
    base = section({})
    fb = section({"descent": {"full_batch": {"lr": 1.02 * base["lr_star"], "n_iters": 50}}})
    assert fb["status"] == "growing" and not fb["diverged"]
    assert fb["dist"] > fb["dist0"] and fb["predicted_diverged_at"] > 50


def test_the_test_dip_is_never_the_last_update_nor_the_start():
    for raw in ({}, {"seed": 5, "descent": {"full_batch": {"lr": 1.0}}}, {"seed": 11, "data": {"n": 2000}}):
        fb = section(raw)
        if fb["test_dip"]:
            assert 0 < fb["test_min_at"] < fb["n_iters"] and fb["test_min"] < fb["test_mse"]
        assert fb["test_below_train"] == (fb["test_mse"] < fb["train_mse"])


def test_a_run_that_strays_from_the_theory_fails_the_build(monkeypatch):
    """The update-by-update check e_{t+1} = (I − ηH)e_t is a real check: a wrong update fails it."""
    from gdbook.chapters.full_batch import compute

    real = compute.run

    def wrong(*args, **kw):
        t = real(*args, **kw)
        w = t.w.copy()
        w[len(w) // 2:] += 1e-6  # from one update on, w is a little off what its gradient says
        return dataclasses.replace(t, w=w)

    monkeypatch.setattr(compute, "run", wrong)
    with pytest.raises(BuildError, match="the update and the theory disagree"):
        section({})


def test_a_tolerance_rounding_cannot_reach_is_refused_up_front():
    with pytest.raises(SettingsError, match=r"descent.tolerance.*1e-13.*at least .*rounding"):
        check_buildable(from_mapping({"descent": {"tolerance": 1e-13}}))
    check_buildable(Settings())  # the defaults are fine


def test_the_displayed_recursion_is_checked_and_a_wrong_one_fails():
    d = derivation()
    assert d["step_tex"] == r"e_t - \eta H e_t = (I - \eta H) e_t"
    import sympy as sp

    names = {"eta": sp.Symbol("eta"), "H": sp.Symbol("H"), "e_{t}": sp.Symbol("e_t"), "I": sp.Integer(1)}
    with pytest.raises(BuildError, match="does not hold"):
        identity(r"e_t - \eta H e_t = (I + \eta H) e_t", names)


def test_first_below():
    assert first_below(np.array([5.0, 3.0, 1.0, 2.0, 0.5, 0.4]), 1.5) == 4
    assert first_below(np.array([1.0, 0.5]), 2.0) == 0
    assert first_below(np.array([1.0, 3.0]), 2.0) is None


def test_updates_and_epochs(results):
    n_train = results["dataset"]["n_train"]
    for method in METHODS:
        g = run_of(results, method)
        bs = g.get("batch_size", n_train)
        assert g["epochs"] == pytest.approx(g["n_iters"] * bs / n_train)


def test_no_build_error_for_short_runs_any_more():
    """A run that stops short is a finding the chapter states, not a failure."""
    s = Settings()
    short = dataclasses.replace(s.descent, full_batch=dataclasses.replace(s.descent.full_batch, n_iters=3))
    s = dataclasses.replace(s, descent=short)
    fb = full_batch_section(s, {"closed_form": closed_form_section(s, {})})
    assert fb["status"] == "not_yet" and fb["n_iters"] == 3
