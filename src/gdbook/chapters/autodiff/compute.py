"""Reverse-mode automatic differentiation on scalars, in a few dozen lines, run on the book's loss.

A :class:`Value` holds a number, remembers the values it was computed from
and how, and ``backward()`` walks that record from the output back to the
inputs, multiplying local derivatives by the chain rule (after karpathy's
micrograd).  The section builds the graph of L(w, b) = (1/n) Σ (w xᵢ + b − yᵢ)²
over every point of the book's data at the initial guess, runs the backward
pass, and compares ∂L/∂w, ∂L/∂b with ``gdbook.core.model.gradient``; for one
point it writes the chain rule out with SymPy and compares every adjoint.
"""

from __future__ import annotations

import sympy as sp

from gdbook.core import model
from gdbook.core.data import make_dataset
from gdbook.core.errors import BuildError
from gdbook.core.formula import checked
from gdbook.settings import Settings


# The book includes the code between these markers (pymdownx.snippets).
# --8<-- [start:value]
class Value:
    """A number in a computational graph: its value, its adjoint (grad) and how it was made."""

    def __init__(self, data, parents=(), local=()):
        self.data = float(data)
        self.grad = 0.0  # ∂(output)/∂(this value), filled in by backward()
        self.parents = parents  # the values this one was computed from
        self.local = local  # ∂(this value)/∂(each parent): the local derivatives

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data - other.data, (self, other), (1.0, -1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, k):  # k a plain number
        return Value(self.data**k, (self,), (k * self.data ** (k - 1),))

    __radd__ = __add__
    __rmul__ = __mul__

    def backward(self):
        """Adjoints of every value this one depends on, by the chain rule, output first."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:  # a topological order without recursion (the graph of a long sum is deep)
            v, done = stack.pop()
            if done:
                order.append(v)
            elif id(v) not in seen:
                seen.add(id(v))
                stack.append((v, True))
                stack.extend((p, False) for p in v.parents)
        self.grad = 1.0
        for v in reversed(order):  # every value after all the values that use it
            for parent, d in zip(v.parents, v.local):
                parent.grad += v.grad * d  # the chain rule: ∂out/∂parent += ∂out/∂v · ∂v/∂parent
# --8<-- [end:value]


# --8<-- [start:loss]
def loss(w, b, xs, ys):
    """L(w, b) = (1/n) Σ (w xᵢ + b − yᵢ)², built from Values: one small graph per point, then their mean."""
    total = Value(0.0)
    for x, y in zip(xs, ys):
        r = w * x + b - y  # the residual ŷᵢ − yᵢ
        total = total + r**2
    return total * (1.0 / len(xs))
# --8<-- [end:loss]


def graph_size(out: Value) -> int:
    """How many values the graph of ``out`` holds (inputs and constants included)."""
    seen, stack = set(), [out]
    while stack:
        v = stack.pop()
        if id(v) not in seen:
            seen.add(id(v))
            stack.extend(v.parents)
    return len(seen)


def forward_mode(w0: float, b0: float, xs, ys) -> tuple[float, float, int]:
    """The same two partial derivatives in forward mode: one pass per input, carrying d(value)/d(input)."""
    out = []
    for seed_w, seed_b in ((1.0, 0.0), (0.0, 1.0)):
        total, dtotal = 0.0, 0.0
        for x, y in zip(xs, ys):
            r, dr = w0 * x + b0 - y, seed_w * x + seed_b  # value and its derivative, carried forward
            total, dtotal = total + r * r, dtotal + 2 * r * dr
        out.append(dtotal / len(xs))
    return out[0], out[1], 2


def one_example(w0: float, b0: float, x0: float, y0: float) -> dict:
    """The graph of ℓ = (w x + b − y)² for one point: forward values, adjoints, and the chain rule by SymPy."""
    w, b, x, y = sp.symbols("w b x y", real=True)
    u = w * x  # the product node
    yhat = u + b
    r = yhat - y
    ell = r**2
    # The chain rule written out, each local derivative read back from the page's LaTeX and checked.
    R, Yh, U = sp.symbols("r yhat u", real=True)
    syms = {"w": w, "b": b, "x": x, "y": y, "r": R}
    local = {
        "dl_dr": checked("2r", sp.diff(R**2, R), syms, what="∂ℓ/∂r"),
        "dr_dyhat": checked("1", sp.diff(Yh - y, Yh), syms, what="∂r/∂ŷ"),
        "dyhat_du": checked("1", sp.diff(U + b, U), syms, what="∂ŷ/∂u"),
        "dyhat_db": checked("1", sp.diff(U + b, b), syms, what="∂ŷ/∂b"),
        "du_dw": checked("x", sp.diff(w * x, w), syms, what="∂u/∂w"),
    }
    chain_w = sp.diff(R**2, R).subs(R, r) * sp.diff(Yh - y, Yh) * sp.diff(U + b, U) * sp.diff(w * x, w)
    chain_b = sp.diff(R**2, R).subs(R, r) * sp.diff(Yh - y, Yh) * sp.diff(U + b, b)
    if sp.simplify(chain_w - sp.diff(ell, w)) != 0 or sp.simplify(chain_b - sp.diff(ell, b)) != 0:
        raise BuildError("the chain rule, written out, does not give sympy.diff of one example's loss")
    dw_tex = checked(r"2(wx + b - y)\,x", chain_w, syms, what="∂ℓ/∂w")
    db_tex = checked(r"2(wx + b - y)", chain_b, syms, what="∂ℓ/∂b")
    at = {w: w0, b: b0, x: x0, y: y0}
    # The same graph with Values: forward, then backward.
    W, B = Value(w0), Value(b0)
    Uv = W * x0
    Yv = Uv + B
    Rv = Yv - y0
    Lv = Rv**2
    Lv.backward()
    symbolic = {  # ∂ℓ/∂node by SymPy, at the numbers
        "r": float(sp.diff(R**2, R).subs(R, r).subs(at)),
        "yhat": float((sp.diff(R**2, R).subs(R, r) * sp.diff(Yh - y, Yh)).subs(at)),
        "u": float((sp.diff(R**2, R).subs(R, r) * sp.diff(Yh - y, Yh) * sp.diff(U + b, U)).subs(at)),
        "b": float(sp.diff(ell, b).subs(at)), "w": float(sp.diff(ell, w).subs(at)),
    }
    nodes = [
        ("w", "w", "input", W), ("b", "b", "input", B), ("u", "u = w x", "product", Uv),
        ("yhat", r"\hat y = u + b", "sum", Yv), ("r", r"r = \hat y - y", "difference", Rv),
        ("ell", r"\ell = r^{2}", "square", Lv),
    ]
    rows, worst = [], 0.0
    for key, label, op, v in nodes:
        want = 1.0 if key == "ell" else symbolic[key]
        worst = max(worst, abs(v.grad - want))
        rows.append({"key": key, "label": label, "op": op, "value": v.data, "adjoint": v.grad, "sympy": want})
    scale = max(1.0, *(abs(row["sympy"]) for row in rows))
    return {"x": x0, "y": y0, "rows": rows, "gap": worst, "scale": scale, "local": local,
            "dw_tex": dw_tex, "db_tex": db_tex}


def autodiff_section(s: Settings, deps: dict) -> dict:
    ds = make_dataset(s)
    xs, ys = [float(v) for v in ds.x_train], [float(v) for v in ds.y_train]
    w, b = Value(ds.w0), Value(ds.b0)
    L = loss(w, b, xs, ys)
    L.backward()
    dw, db = model.gradient(ds.w0, ds.b0, ds.x_train, ds.y_train)
    fw, fb, passes = forward_mode(ds.w0, ds.b0, xs, ys)
    scale = max(1.0, abs(dw), abs(db))
    gap = max(abs(w.grad - dw), abs(b.grad - db))
    gap_forward = max(abs(fw - dw), abs(fb - db))
    if gap > 1e-9 * scale or gap_forward > 1e-9 * scale:
        raise BuildError(f"autodiff: the backward pass gives ({w.grad!r}, {b.grad!r}), forward mode ({fw!r}, {fb!r}), "
                         f"model.gradient ({dw!r}, {db!r})")
    n = len(xs)
    return {
        "n": n, "w0": ds.w0, "b0": ds.b0, "loss": L.data, "loss_model": model.mse(ds.w0, ds.b0, ds.x_train, ds.y_train),
        "dw": w.grad, "db": b.grad, "dw_model": dw, "db_model": db, "gap": gap, "scale": scale,
        "gap_forward": gap_forward, "forward_passes": passes, "backward_passes": 1,
        "nodes": graph_size(L),
        "example": one_example(ds.w0, ds.b0, xs[0], ys[0]),
    }
