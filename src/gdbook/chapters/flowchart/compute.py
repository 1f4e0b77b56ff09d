"""The whole program as data: the steps it takes, and the interpreter that takes them.

:data:`PROGRAM` is a list of :class:`Step` objects and the arrows between them.
Each step names the gdbook function it calls and holds a small ``run``
function that calls it.  :func:`run_program` walks the arrows from ``start``
to ``end``, running each step it reaches, so the flowchart of the book
(:func:`mermaid`, drawn from the same list) is a picture of the code that
actually ran: add, remove or rewire a step and both the run and the
diagram change.

The loop is the full-batch gradient descent of Part 2, one box per line of
``gdbook.core.descent.descend``: predict, measure the loss, stop if the
loss has passed the divergence bound, compute the gradient, stop if the
gradient is (numerically) zero or the update budget is spent, update.  The
tests check that it reaches the very same w and b as ``descend``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gdbook.core import data as dataset, gradcheck, model, quadratic
from gdbook.core.errors import BuildError
from gdbook.settings import Settings

# The loop also stops when the gradient is this small (both components, in
# absolute value): every further update would move w and b by less than
# lr · GRAD_TOL.  With the book's settings the update budget runs out first.
GRAD_TOL = 1e-10
# The learning rate of the second run, as a multiple of the critical rate η* = 2/λ_max: past it when
# the book's own run converges (to take the divergence exit), below it when the book's run diverges.
OTHER_EXIT = {"past": 1.1, "below": 0.5}


@dataclass
class State:
    """What the program knows while it runs (one per run)."""

    settings: Settings
    lr: float
    n_iters: int
    data: Any = None  # gdbook.core.data.Dataset
    x: np.ndarray | None = None  # training split
    y: np.ndarray | None = None
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    w: float = 0.0
    b: float = 0.0
    t: int = 0  # updates made so far
    y_hat: np.ndarray | None = None
    loss: float = 0.0
    dw: float = 0.0
    db: float = 0.0
    losses: list[float] = field(default_factory=list)
    stopped: str = ""  # "converged", "budget" or "diverged"
    report: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One box of the flowchart.

    ``calls`` is the gdbook function the step runs (shown in the box),
    ``run(state)`` does it and returns the label of the arrow to follow
    (``None``: the only arrow).  ``shape`` is how mermaid draws it:
    ``terminal``, ``io``, ``process`` or ``decision`` (a decision's box
    shows its question only; ``calls`` is listed in the table of steps).  Steps with
    ``loop=True`` are drawn inside the training-loop frame.
    """

    id: str
    label: str
    calls: str
    run: Callable[[State], str | None]
    shape: str = "process"
    loop: bool = False


@dataclass(frozen=True)
class Arrow:
    src: str
    dst: str
    label: str = ""  # the outcome of a decision that takes this arrow


@dataclass(frozen=True)
class Program:
    steps: tuple[Step, ...]
    arrows: tuple[Arrow, ...]
    start: str = "start"
    end: str = "finish"  # not "end": a keyword of mermaid

    def step(self, id_: str) -> Step:
        for s in self.steps:
            if s.id == id_:
                return s
        raise KeyError(id_)

    def next(self, src: str, outcome: str | None) -> str:
        out = [a for a in self.arrows if a.src == src]
        if outcome is None:
            if len(out) != 1:
                raise BuildError(f"program step '{src}' has {len(out)} arrows out but chose none")
            return out[0].dst
        for a in out:
            if a.label == outcome:
                return a.dst
        raise BuildError(f"program step '{src}' chose '{outcome}' but has no arrow labelled so")


# --- what each step does -------------------------------------------------------------

def _start(st: State) -> None:
    return None


def _generate(st: State) -> None:
    st.data = dataset.make_dataset(st.settings)


def _split(st: State) -> None:
    d = st.data
    st.x, st.y, st.x_test, st.y_test = d.x_train, d.y_train, d.x_test, d.y_test


def _initialise(st: State) -> None:
    st.w, st.b = st.data.w0, st.data.b0


def _predict(st: State) -> None:
    st.y_hat = model.predict(st.w, st.b, st.x)


def _loss(st: State) -> None:
    r = st.y_hat - st.y
    st.loss = float(np.mean(r * r))
    st.losses.append(st.loss)


def _diverged(st: State) -> str:
    if not st.loss <= st.settings.descent.divergence_bound:
        st.stopped = "diverged"
        return "yes"
    return "no"


def _gradient(st: State) -> None:
    st.dw, st.db = model.gradient(st.w, st.b, st.x, st.y)


def _stop(st: State) -> str:
    if max(abs(st.dw), abs(st.db)) < GRAD_TOL:
        st.stopped = "converged"
        return "yes"
    if st.t >= st.n_iters:
        st.stopped = "budget"
        return "yes"
    return "no"


def _update(st: State) -> None:
    st.w, st.b = st.w - st.lr * st.dw, st.b - st.lr * st.db
    st.t += 1


def _evaluate(st: State) -> None:
    st.report["train"] = model.metrics(st.y, model.predict(st.w, st.b, st.x))
    st.report["test"] = model.metrics(st.y_test, model.predict(st.w, st.b, st.x_test))
    w_cf, b_cf = model.closed_form(st.x, st.y)
    st.report["closed_form"] = {"w": w_cf, "b": b_cf, "gap_w": abs(st.w - w_cf), "gap_b": abs(st.b - b_cf)}


def _verify(st: State) -> None:
    # The gradient-verification chapter's check (same step check.h, same relative error), at the
    # initial guess: far from the minimum, where the settings guarantee it can resolve its tolerance.
    c = st.settings.check
    p = gradcheck.check(st.data.w0, st.data.b0, st.x, st.y, c.h)
    st.report["gradient_check"] = {"w": p["w"], "b": p["b"], "analytic": [p["dw_analytic"], p["db_analytic"]],
                                   "numeric": [p["dw_numeric"], p["db_numeric"]], "rel_error": p["rel_error"],
                                   "h": c.h, "rel_tol": c.rel_tol, "ok": p["rel_error"] <= c.rel_tol}


def _report(st: State) -> None:
    st.report.update(stopped=st.stopped, updates=st.t, w=st.w, b=st.b,
                     first_loss=st.losses[0], last_loss=st.losses[-1])


def _end(st: State) -> None:
    return None


# --- the program -----------------------------------------------------------------------
# --8<-- [start:program]
PROGRAM = Program(
    steps=(
        Step("start", "Settings: seed, data, η, n_iters", "gdbook.settings.load", _start, "terminal"),
        Step("generate", "Generate the data<br>y = w·x + b + ε", "dataset.make_dataset", _generate, "io"),
        Step("split", "Split into train and test", "Dataset.x_train, Dataset.x_test", _split),
        Step("init", "Initialise w, b at random", "Dataset.w0, Dataset.b0", _initialise),
        Step("predict", "Predict ŷ = w·x + b", "model.predict", _predict, loop=True),
        Step("loss", "Loss L = mean of (ŷ − y)²", "ŷ − y, np.mean", _loss, loop=True),
        Step("diverged", "Loss above<br>the bound?", "settings.descent.divergence_bound",
             _diverged, "decision", loop=True),
        Step("gradient", "Gradient ∂L/∂w, ∂L/∂b", "model.gradient", _gradient, loop=True),
        Step("stop", "Gradient ≈ 0, or<br>n_iters updates?", "GRAD_TOL, n_iters", _stop, "decision", loop=True),
        Step("update", "Update<br>w ← w − η·∂L/∂w<br>b ← b − η·∂L/∂b", "w − lr·dw, b − lr·db", _update, loop=True),
        Step("evaluate", "Evaluate on train and test,<br>compare with the closed form", "model.metrics, model.closed_form",
             _evaluate),
        Step("verify", "Verify the gradient<br>by central differences", "gradcheck.check", _verify),
        Step("report", "Report w, b, losses, checks", "results.json", _report, "io"),
        Step("finish", "End", "", _end, "terminal"),
    ),
    arrows=(
        Arrow("start", "generate"), Arrow("generate", "split"), Arrow("split", "init"),
        Arrow("init", "predict"), Arrow("predict", "loss"), Arrow("loss", "diverged"),
        Arrow("diverged", "gradient", "no"), Arrow("diverged", "report", "yes"),
        Arrow("gradient", "stop"), Arrow("stop", "update", "no"), Arrow("stop", "evaluate", "yes"),
        Arrow("update", "predict"),
        Arrow("evaluate", "verify"), Arrow("verify", "report"), Arrow("report", "finish"),
    ),
)
# --8<-- [end:program]


def run_program(settings: Settings, lr: float | None = None, n_iters: int | None = None,
                program: Program | None = None) -> tuple[State, dict[str, int]]:
    """Walk ``program`` (default :data:`PROGRAM`) from start to end.

    Returns the final state and how often each step ran.  ``lr`` and
    ``n_iters`` default to the full-batch settings.
    """
    program = PROGRAM if program is None else program
    fb = settings.descent.full_batch
    st = State(settings=settings, lr=fb.lr if lr is None else lr, n_iters=fb.n_iters if n_iters is None else n_iters)
    visits = {s.id: 0 for s in program.steps}
    here = program.start
    limit = 10 * (st.n_iters + 1) * len(program.steps) + 100  # a miswired loop must not hang the build
    for _ in range(limit):
        step = program.step(here)
        visits[here] += 1
        outcome = step.run(st)
        if here == program.end:
            return st, visits
        here = program.next(here, outcome)
    raise BuildError(f"the program did not reach '{program.end}' in {limit} steps: is a loop miswired?")


# --- the flowchart, drawn from the same description ------------------------------------

_SHAPES = {"terminal": ('(["', '"])'), "io": ('[/"', '"/]'), "process": ('["', '"]'), "decision": ('{"', '"}')}


def _box(s: Step, visits: dict[str, int] | None) -> str:
    left, right = _SHAPES[s.shape]
    text = s.label
    if s.calls and s.shape != "decision":  # a diamond grows with its text: keep decisions short
        text += f"<br><code>{s.calls}</code>"
    if visits is not None and s.shape != "terminal":
        text += f"<br><i>ran {visits[s.id]}×</i>"
    return f"{s.id}{left}{text.replace(chr(34), '#quot;')}{right}"


def one_line(label: str) -> str:
    """A box's label on one line: its lines joined by spaces, two assignments in a row by a comma."""
    lines = label.split("<br>")
    out = lines[0]
    for prev, line in zip(lines, lines[1:]):
        out += (", " if "←" in prev and "←" in line else " ") + line
    return out


def mermaid(program: Program | None = None, visits: dict[str, int] | None = None) -> str:
    """The mermaid source of the flowchart of ``program`` (default :data:`PROGRAM`), with run counts if given."""
    program = PROGRAM if program is None else program
    lines = ["flowchart TD"]
    outside = [s for s in program.steps if not s.loop]
    inside = [s for s in program.steps if s.loop]
    first_loop = program.steps.index(inside[0]) if inside else len(program.steps)
    for s in outside:
        if program.steps.index(s) > first_loop:
            break
        lines.append(f"    {_box(s, visits)}")
    if inside:
        lines.append('    subgraph loop["Training loop: full-batch gradient descent"]')
        lines.extend(f"        {_box(s, visits)}" for s in inside)
        lines.append("    end")
    lines.extend(f"    {_box(s, visits)}" for s in outside if program.steps.index(s) > first_loop)
    for a in program.arrows:
        lines.append(f"    {a.src} -->|{a.label}| {a.dst}" if a.label else f"    {a.src} --> {a.dst}")
    return "\n".join(lines)


def _summary(st: State, visits: dict[str, int]) -> dict:
    r = st.report
    out = {"lr": st.lr, "n_iters": st.n_iters, "stopped": st.stopped, "updates": st.t,
           "w": st.w, "b": st.b, "first_loss": r["first_loss"], "last_loss": r["last_loss"], "visits": visits}
    steps = np.diff(st.losses)
    out["loss_rose_every_turn"] = bool(len(steps) and np.all(steps > 0))
    out["loss_fell_every_turn"] = bool(len(steps) and np.all(steps <= 0))
    for k in ("train", "test", "closed_form", "gradient_check"):
        if k in r:
            out[k] = r[k]
    return out


def flowchart_section(s: Settings, deps: dict) -> dict:
    st, visits = run_program(s)
    g = st.report.get("gradient_check")
    if g is not None and not g["ok"]:
        raise BuildError(f"gradient check of the program failed: relative error {g['rel_error']:.3g} > {g['rel_tol']:.3g}")
    # A second run takes the loop's other exit: past the critical learning rate 2/λ_max when the
    # book's own run converges, below it when the book's run diverges.
    lam = np.linalg.eigvalsh(model.hessian(st.x))
    lr_limit = quadratic.critical_lr(lam)
    side = "below" if st.stopped == "diverged" else "past"
    other, other_visits = run_program(s, lr=OTHER_EXIT[side] * lr_limit)
    if (other.stopped == "diverged") == (side == "below"):
        raise BuildError(f"the second run at {OTHER_EXIT[side]}·η* stopped as '{other.stopped}', not by the other exit")
    steps = [{"id": x.id, "label": one_line(x.label), "calls": x.calls, "shape": x.shape,
              "loop": x.loop, "visits": visits[x.id], "visits_other": other_visits[x.id]} for x in PROGRAM.steps]
    return {
        "mermaid": mermaid(PROGRAM),
        "mermaid_visits": mermaid(PROGRAM, visits),
        "steps": steps,
        "n_steps": len(PROGRAM.steps),
        "n_arrows": len(PROGRAM.arrows),
        "n_loop": sum(x.loop for x in PROGRAM.steps),
        "n_exits": sum(PROGRAM.step(a.src).loop and not PROGRAM.step(a.dst).loop for a in PROGRAM.arrows),
        "grad_tol": GRAD_TOL,
        "run": _summary(st, visits),
        "lam_max": float(lam[-1]),
        # the model before training (the initial guess) on the test split, for the errata page
        "initial_test_mse": model.mse(st.data.w0, st.data.b0, st.x_test, st.y_test),
        "lr_limit": lr_limit,
        "other": {**_summary(other, other_visits), "multiple": OTHER_EXIT[side]},
    }
