"""The program flowchart is drawn from the description that the program runs."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from gdbook.chapters.flowchart import compute as flowchart
from gdbook.chapters.flowchart.compute import PROGRAM, Arrow, Step, flowchart_section, mermaid, run_program
from gdbook.core import data as dataset, descent, gradcheck, model
from gdbook.core.errors import BuildError
from gdbook.settings import Settings, from_mapping


def test_run_matches_descend_and_closed_form():
    s = Settings()
    st, visits = run_program(s)
    ds = dataset.make_dataset(s)
    fb = s.descent.full_batch
    trace = descent.descend(ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.w0, ds.b0, fb.lr, fb.n_iters,
                            bound=s.descent.divergence_bound)
    assert st.stopped == "budget" and st.t == fb.n_iters
    assert st.w == pytest.approx(trace.w[-1], rel=1e-12, abs=1e-12)
    assert st.b == pytest.approx(trace.b[-1], rel=1e-12, abs=1e-12)
    assert np.allclose(st.losses, trace.train_loss, rtol=1e-12, atol=0)
    w_cf, b_cf = model.closed_form(ds.x_train, ds.y_train)
    ref = np.linalg.lstsq(np.column_stack([ds.x_train, np.ones_like(ds.x_train)]), ds.y_train, rcond=None)[0]
    assert (w_cf, b_cf) == pytest.approx(tuple(ref), rel=1e-10)
    assert abs(st.w - w_cf) < 1e-5 and abs(st.b - b_cf) < 1e-5
    assert visits["predict"] == fb.n_iters + 1 and visits["update"] == fb.n_iters
    assert visits["evaluate"] == visits["verify"] == 1


@pytest.mark.parametrize("n_iters", [1, 7, 60])
def test_every_prefix_matches_descend(n_iters):
    s = from_mapping({"seed": 3, "data": {"n": 40}})
    st, _ = run_program(s, n_iters=n_iters)
    ds = dataset.make_dataset(s)
    trace = descent.descend(ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.w0, ds.b0,
                            s.descent.full_batch.lr, n_iters)
    assert (st.w, st.b) == pytest.approx((trace.w[-1], trace.b[-1]), rel=1e-12)


def test_the_other_run_takes_the_divergence_exit_like_descend():
    s = Settings()
    r = flowchart_section(s, {})
    other = r["other"]
    assert other["stopped"] == "diverged" and other["lr"] > r["lr_limit"]
    assert other["visits"]["evaluate"] == 0 and other["visits"]["verify"] == 0 and other["visits"]["report"] == 1
    ds = dataset.make_dataset(s)
    trace = descent.descend(ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.w0, ds.b0, other["lr"], 500,
                            bound=s.descent.divergence_bound)
    assert trace.diverged and trace.diverged_at == other["updates"]


def test_when_the_books_run_diverges_the_other_run_converges():
    """With a learning rate past η* the book's own run takes the divergence exit; the page then shows the other one."""
    r = flowchart_section(from_mapping({"seed": 5, "descent": {"full_batch": {"lr": 1.0}}}), {})
    assert r["run"]["stopped"] == "diverged" and "gradient_check" not in r["run"]
    assert r["other"]["stopped"] in ("budget", "converged") and r["other"]["lr"] < r["lr_limit"]
    assert r["other"]["gradient_check"]["ok"]


def test_the_program_checks_the_gradient_as_the_gradient_check_chapter_does():
    """Same step check.h, same relative error (gdbook.core.gradcheck), at the initial guess."""
    s = from_mapping({"check": {"h": 1e-4}})
    g = flowchart_section(s, {})["run"]["gradient_check"]
    ds = dataset.make_dataset(s)
    expected = gradcheck.check(ds.w0, ds.b0, ds.x_train, ds.y_train, 1e-4)
    assert g["h"] == 1e-4 and g["rel_error"] == expected["rel_error"] and g["ok"]


def test_flowchart_has_a_node_per_step_and_an_edge_per_arrow():
    text = mermaid()
    assert text.startswith("flowchart TD")
    for s in PROGRAM.steps:
        assert re.search(rf"^\s+{s.id}[\[\(\{{]", text, re.M), s.id
    edges = re.findall(r"^\s+(\w+) -->(?:\|(\w+)\|)? (\w+)$", text, re.M)
    assert sorted(edges) == sorted((a.src, a.label, a.dst) for a in PROGRAM.arrows)
    for word in ("predict", "loss", "gradient", "update", "diverged", "evaluate", "verify", "report", "generate", "split"):
        assert any(s.id == word for s in PROGRAM.steps), word
    assert " end[" not in text and " end(" not in text, "mermaid reserves 'end'"


def test_changing_the_description_changes_the_flowchart_and_the_run():
    """Insert a step into the loop: the diagram shows it and the run executes it."""
    calls = []
    extra = Step("log", "Log the loss", "list.append", lambda st: calls.append(st.loss), loop=True)
    steps = list(PROGRAM.steps)
    steps.insert(steps.index(PROGRAM.step("loss")) + 1, extra)
    arrows = [a for a in PROGRAM.arrows if not (a.src == "loss" and a.dst == "diverged")]
    arrows += [Arrow("loss", "log"), Arrow("log", "diverged")]
    changed = dataclasses.replace(PROGRAM, steps=tuple(steps), arrows=tuple(arrows))

    before, after = mermaid(PROGRAM), mermaid(changed)
    assert before != after
    assert "log[" in after and "loss --> log" in after and "log --> diverged" in after
    assert "loss --> diverged" not in after and "loss --> diverged" in before

    s = from_mapping({"data": {"n": 30}, "descent": {"full_batch": {"n_iters": 12}}})
    st, visits = run_program(s, program=changed)
    assert visits["log"] == 13 and len(calls) == 13
    assert calls == st.losses


def test_the_section_uses_the_module_description(monkeypatch):
    """The build's flowchart comes from PROGRAM: swap it and the section output changes."""
    steps = tuple(dataclasses.replace(s, label="Guess w, b") if s.id == "init" else s for s in PROGRAM.steps)
    monkeypatch.setattr(flowchart, "PROGRAM", dataclasses.replace(PROGRAM, steps=steps))
    r = flowchart_section(Settings(), {})
    assert "Guess w, b" in r["mermaid"] and "Initialise w, b at random" not in r["mermaid"]


def test_miswired_program_fails_loudly():
    arrows = tuple(Arrow(a.src, "predict", "yes") if a.src == "stop" and a.label == "yes" else a for a in PROGRAM.arrows)
    broken = dataclasses.replace(PROGRAM, arrows=arrows)
    with pytest.raises(BuildError, match="did not reach"):
        run_program(from_mapping({"data": {"n": 20}, "descent": {"full_batch": {"n_iters": 3}}}), program=broken)
    dangling = dataclasses.replace(PROGRAM, arrows=tuple(a for a in PROGRAM.arrows if a.src != "split"))
    with pytest.raises(BuildError, match="split"):
        run_program(Settings(), program=dangling)


def test_flowchart_page_shows_diagram_and_source(built_site, results):
    html = (built_site / "part4" / "flowchart.html").read_text(encoding="utf-8")
    # Drawn when the book was built: two inline SVGs (light, dark), named, no script.
    svgs = re.findall(r'<svg\b[^>]*\bgd-mermaid__(light|dark)\b[^>]*>', html)
    assert svgs == ["light", "dark"]
    name = "Flowchart of the program, with how often each step ran"
    assert html.count(f'role="img" aria-label="{name}"') == 2
    assert 'class="mermaid"' not in html and "mermaid.min.js" not in html
    # Every step's box, as drawn, and the run counts from the book's own run.
    for s in PROGRAM.steps:
        assert f"{s.label.split('<br>')[0]}" in html, s.id
    assert f"ran {results['flowchart']['run']['visits']['update']}×" in html
    # Beside it, the diagram as text: what a reader reads, never markup shown as text.
    text = html[html.index('<details class="gd-diagram-text">'):]
    text = text[:text.index("</details>")]
    assert "&lt;br&gt;" not in text and "&lt;code&gt;" not in text and "<code>model.gradient</code>" in text
    # The source listing shows the generated text, escaped, and the Python description.
    assert "flowchart TD" in html and "PROGRAM" in html and "run_program" in html
    assert results["flowchart"]["mermaid"].splitlines()[1].strip().split("[")[0] in html
    assert results["flowchart"]["other"]["stopped"] == "diverged"
    assert "gdbook.chapters.flowchart.compute" in html and "gdbook.compute.program" not in html
