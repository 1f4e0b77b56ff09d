# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Notebook: differentiation
#
# This notebook goes with Part 1 of the book. It runs with the book's own
# package, `gdbook`: download it (from its page in the book), install
# `gdbook` (`pip install -e .` in the book's repository), change the values in
# the cells marked **try this**, and run it again.
#
# Every result printed below was computed when the book was built.

# %%
import matplotlib.pyplot as plt
import numpy as np
import sympy as sp

from gdbook.core import data as dataset, model, plotting
from gdbook.settings import as_dict, from_mapping

# Plots that read on a light and on a dark page (no background, mid-grey text).
plt.rcParams.update(plotting.notebook_style())

# %% [markdown]
# ## A derivative is a slope
#
# The derivative $f'(x_0)$ is the slope of the tangent to $f$ at $x_0$. A
# computer can estimate it without any rule, from the *symmetric difference quotient*
# $\dfrac{f(x_0 + h) - f(x_0 - h)}{2h}$, and SymPy can find it exactly by the
# rules. **Try this:** change the function, the point `x0` or the step `h`.

# %%
x = sp.symbols("x")
f = 4 + 2 * x - 3 * x**2 - 5 * x**3 - 8 * x**4 + 9 * x**5  # Problem 1 of the worked problems
x0 = 0.5
h = 1e-5

f_prime = sp.diff(f, x)
f_num = sp.lambdify(x, f)
exact = float(f_prime.subs(x, x0))
central = (f_num(x0 + h) - f_num(x0 - h)) / (2 * h)
print("f'(x) =", f_prime)
print(f"f'({x0}) exact          = {exact:.10f}")
print(f"symmetric quotient      = {central:.10f}")
print(f"difference              = {abs(exact - central):.2e}")

# %% [markdown]
# The tangent line $y = f(x_0) + f'(x_0)\,(x - x_0)$ touches the curve at $x_0$:

# %%
xs = np.linspace(x0 - 0.6, x0 + 0.6, 200)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(xs, f_num(xs), label="f(x)")
ax.plot(xs, f_num(x0) + exact * (xs - x0), "--", label=f"tangent at x0 = {x0}, slope {exact:.3g}")
ax.scatter([x0], [f_num(x0)], zorder=3)
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.legend()
plt.show()

# %% [markdown]
# ## Partial derivatives of the loss
#
# The loss of the book's line, $L(w, b) = \frac{1}{n}\sum_i (w x_i + b - y_i)^2$,
# depends on two numbers. Its partial derivatives $\partial L/\partial w$ and
# $\partial L/\partial b$ say how it changes when one of them moves and the other
# is held fixed. SymPy derives them from a small dataset made by `gdbook`;
# **try this:** change `my_settings` (any key of the book's settings) and rerun.

# %%
my_settings = {"seed": 42, "data": {"n": 20}}
settings = from_mapping(my_settings)
print({k: as_dict(settings)["data"][k] for k in ("n", "true_w", "true_b", "noise_std")})

ds = dataset.make_dataset(settings)
w, b = sp.symbols("w b")
xs_train, ys_train = ds.x_train, ds.y_train
L = sum((w * float(xi) + b - float(yi)) ** 2 for xi, yi in zip(xs_train, ys_train)) / len(xs_train)
dL_dw, dL_db = sp.expand(sp.diff(L, w)), sp.expand(sp.diff(L, b))
print("∂L/∂w =", sp.N(dL_dw, 6))
print("∂L/∂b =", sp.N(dL_db, 6))

# %% [markdown]
# The book's code computes the same gradient in vectorised NumPy
# (`gdbook.core.model.gradient`). At the initial guess $(w_0, b_0)$ the two agree:

# %%
w0, b0 = ds.w0, ds.b0
symbolic = (float(dL_dw.subs({w: w0, b: b0})), float(dL_db.subs({w: w0, b: b0})))
numeric = model.gradient(w0, b0, xs_train, ys_train)
print(f"at w0 = {w0:.4f}, b0 = {b0:.4f}")
print("sympy :", np.round(symbolic, 6))
print("gdbook:", np.round(numeric, 6))
assert np.allclose(symbolic, numeric, rtol=1e-9, atol=1e-12)

# %% [markdown]
# Setting both partial derivatives to zero and solving gives the best line, the
# one gradient descent walks towards (Part 2):

# %%
best = sp.solve([dL_dw, dL_db], [w, b], dict=True)[0]
w_cf, b_cf = model.closed_form(xs_train, ys_train)
print(f"solution of ∂L/∂w = 0, ∂L/∂b = 0: w = {float(best[w]):.4f}, b = {float(best[b]):.4f}")
print(f"closed form (gdbook):             w = {w_cf:.4f}, b = {b_cf:.4f}")
