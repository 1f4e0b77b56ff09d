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
# # Notebook: checking the gradient and tuning the learning rate
#
# This notebook goes with Part 3 of the book: it verifies the analytic
# gradient against finite differences, then finds the learning rate beyond
# which gradient descent diverges, from the data alone. Download it, install
# `gdbook`, change the settings and run it again.

# %%
import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import data as dataset, descent, model
from gdbook.settings import from_mapping

my_settings = {"seed": 42, "data": {"n": 200}}  # try this: another seed, more noise, a wider x range
settings = from_mapping(my_settings)
ds = dataset.make_dataset(settings)
x, y = ds.x_train, ds.y_train

# %% [markdown]
# ## Gradient check
#
# The central difference $\dfrac{L(w+h, b) - L(w-h, b)}{2h}$ approximates
# $\partial L/\partial w$. For most functions its error has two parts: a
# truncation error that shrinks like $h^2$ and a rounding error that grows like
# $1/h$. The mean squared error is a *quadratic* in $w$ and $b$, and for a
# quadratic the truncation error is exactly zero: only rounding is left, so
# below the error falls as $h$ *grows*. **Try this:** other steps `hs`.

# %%
w0, b0 = ds.w0, ds.b0
dw, db = model.gradient(w0, b0, x, y)
hs = np.logspace(-12, -1, 23)
errors = []
for h in hs:
    num_dw = (model.mse(w0 + h, b0, x, y) - model.mse(w0 - h, b0, x, y)) / (2 * h)
    num_db = (model.mse(w0, b0 + h, x, y) - model.mse(w0, b0 - h, x, y)) / (2 * h)
    errors.append(max(abs(num_dw - dw), abs(num_db - db)) / max(abs(dw), abs(db)))
errors = np.maximum(errors, 1e-17)  # an exact match would be log(0)
best = int(np.argmin(errors))
print(f"analytic gradient at the initial guess: dw = {dw:.8f}, db = {db:.8f}")
print(f"smallest relative error {errors[best]:.2e} at h = {hs[best]:.1e}")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.loglog(hs, errors, marker="o", markersize=3)
ax.set_xlabel("step h")
ax.set_ylabel("relative error")
plt.show()

# %% [markdown]
# ## The largest stable learning rate
#
# The loss is a quadratic bowl whose curvature is set by its Hessian,
# $\frac{2}{n} X^\top X$ with $X = [x, 1]$. Full-batch descent with a fixed
# learning rate $\eta$ converges exactly when $\eta < 2/\lambda_{\max}$, where
# $\lambda_{\max}$ is the Hessian's largest eigenvalue. **Try this:** other
# multiples of the limit.

# %%
lam_max = np.linalg.eigvalsh(model.hessian(x))[-1]
limit = 2 / lam_max
print(f"λ_max = {lam_max:.4f}, so descent is stable for η < {limit:.4f}")

fig, ax = plt.subplots(figsize=(6, 3.5))
for multiple in (0.5, 0.9, 1.1):
    tr = descent.descend(x, y, ds.x_test, ds.y_test, w0, b0, lr=multiple * limit, n_iters=60,
                         bound=settings.descent.divergence_bound)
    ax.plot(tr.train_loss, label=f"η = {multiple} × limit" + (" (diverged)" if tr.diverged else ""))
ax.set_yscale("log")
ax.set_xlabel("update")
ax.set_ylabel("training MSE")
ax.legend()
plt.show()
