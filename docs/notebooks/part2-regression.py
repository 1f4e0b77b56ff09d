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
# # Notebook: linear regression by gradient descent
#
# This notebook goes with Part 2 of the book. It runs the book's own code,
# `gdbook`, end to end: generate the data, split it, start from a random guess,
# descend, and compare with the exact least-squares answer. Download it (from
# its page in the book), install `gdbook` (`pip install -e .` in the book's
# repository), change the settings and run it again.

# %%
import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import data as dataset, descent, model
from gdbook.settings import as_dict, from_mapping

# %% [markdown]
# ## Settings
#
# `my_settings` overrides the book's defaults; any key of the book's *Settings*
# page can go here, and a value that is not allowed is refused with a message
# saying what is. **Try this:** more noise (`"noise_std": 2.0`), fewer points
# (`"n": 30`), another seed, or a larger learning rate (`"lr": 0.5`).

# %%
my_settings = {
    "seed": 42,
    "data": {"noise_std": 0.5},
    "descent": {"full_batch": {"lr": 0.1, "n_iters": 500}},
}
settings = from_mapping(my_settings)
s = as_dict(settings)
print("data:      ", s["data"])
print("full batch:", s["descent"]["full_batch"])

# %% [markdown]
# ## The data and the split
#
# $y_i = w\,x_i + b + \varepsilon_i$ with Gaussian noise $\varepsilon_i$, drawn from
# one seeded generator, then split at random into a training and a test set.

# %%
ds = dataset.make_dataset(settings)
print(f"{len(ds.x_train)} training points, {len(ds.x_test)} test points")
print(f"initial guess: w0 = {ds.w0:.4f}, b0 = {ds.b0:.4f}")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.scatter(ds.x_train, ds.y_train, s=12, label="train")
ax.scatter(ds.x_test, ds.y_test, s=12, label="test")
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.legend()
plt.show()

# %% [markdown]
# ## Gradient descent
#
# Each update moves $(w, b)$ against the gradient of the mean squared error:
# $w \leftarrow w - \eta\,\partial L/\partial w$, $b \leftarrow b - \eta\,\partial L/\partial b$.
# Full batch uses every training point for each update; mini-batch and
# stochastic descent use a few, or one, drawn at random.

# %%
fb = settings.descent.full_batch
runs = {}
for name, bs in (("full batch", None), ("mini-batch", settings.descent.mini_batch.batch_size), ("stochastic", 1)):
    runs[name] = descent.descend(
        ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.w0, ds.b0,
        lr=fb.lr, n_iters=fb.n_iters, batch_size=bs,
        rng=np.random.default_rng(settings.seed), bound=settings.descent.divergence_bound,
    )

fig, ax = plt.subplots(figsize=(6, 3.5))
for name, tr in runs.items():
    ax.plot(tr.train_loss, label=name)
ax.set_yscale("log")
ax.set_xlabel("update")
ax.set_ylabel("training MSE")
ax.legend()
plt.show()

# %% [markdown]
# ## Compare with the closed form
#
# Least squares has an exact answer, from the normal equations. Gradient
# descent should approach it; the noisier methods hover around it.

# %%
w_cf, b_cf = model.closed_form(ds.x_train, ds.y_train)
print(f"{'method':<12} {'w':>9} {'b':>9} {'test MSE':>9}  diverged")
for name, tr in runs.items():
    print(f"{name:<12} {tr.w[-1]:9.4f} {tr.b[-1]:9.4f} {tr.test_loss[-1]:9.4f}  {tr.diverged}")
print(f"{'closed form':<12} {w_cf:9.4f} {b_cf:9.4f} {model.mse(w_cf, b_cf, ds.x_test, ds.y_test):9.4f}")
print(f"true line    {settings.data.true_w:9.4f} {settings.data.true_b:9.4f}")
