"""The initial guess: w and b drawn from the seeded generator, before any training."""

from __future__ import annotations

from gdbook import fmt
from gdbook.compute.dataset import fit_report, make_dataset
from gdbook.compute.model import closed_form
from gdbook.registry import Section
from gdbook.settings import Settings


def initial_section(s: Settings, deps: dict) -> dict:
    ds = make_dataset(s)
    rep = fit_report(ds, ds.w0, ds.b0)
    w_ls, b_ls = closed_form(ds.x_train, ds.y_train)
    fit = fit_report(ds, w_ls, b_ls)
    return {
        "w": ds.w0,
        "b": ds.b0,
        "scale": s.init.scale,
        "train_mse": rep["train"]["mse"],
        "test_mse": rep["test"]["mse"],
        "metrics": rep,
        "errata": [{
            "title": "The initial guess has learned nothing to generalise",
            "where": "Part 2, Initial Model (Before Training)",
            "notes": "About the initial random guess: “The model appears to generalize its learnings well on the "
                     "validation set.”",
            "correct": (
                f"Before training the line is a random draw (w = {fmt.num(ds.w0)}, b = {fmt.num(ds.b0)}); it has "
                f"learned nothing. Its MSE is {fmt.num(rep['train']['mse'])} on the training split and "
                f"{fmt.num(rep['test']['mse'])} on the test split, with R² = {fmt.num(rep['train']['r2'])} and "
                f"{fmt.num(rep['test']['r2'])}: "
                f"{'worse than predicting the mean' if rep['test']['r2'] < 0 else 'far from a good fit'}. "
                f"Similar errors on both splits only show that both splits come from the same data. The fitted "
                f"line reaches test MSE {fmt.num(fit['test']['mse'])}."
            ),
            "link": "../part2/initial-guess.md", "link_text": "The initial guess", "explanation": "",
        }],
    }


SECTIONS = [
    Section("initial", initial_section,
            doc="the random initial guess (w, b) and its metrics on both splits, before any training"),
]
