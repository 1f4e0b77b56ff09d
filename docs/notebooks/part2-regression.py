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

from gdbook.core import data as dataset, descent, model, plotting
from gdbook.settings import as_dict, from_mapping

# Plots that read on a light and on a dark page (no background, mid-grey text).
plt.rcParams.update(plotting.notebook_style())

# %% [markdown]
# ## Settings
#
# `my_settings` overrides the book's defaults; any key of the book's *Settings*
# page can go here, and a value that is not allowed is refused with a message
# saying what is. With none changed, every run below is the very run of the
# book's chapters (same settings, same seeded shuffles). **Try this:** more
# noise (`"noise_std": 2.0`), fewer points (`"n": 30`), another seed, a
# full-batch learning rate above η\* (`"full_batch": {"lr": 0.5}`), or the
# stochastic step of the chapter's case study (`"stochastic": {"lr": 0.4}`).

# %%
my_settings = {
    "seed": 42,
    "data": {"noise_std": 0.5},
    "descent": {"full_batch": {"lr": 0.1, "n_iters": 500}},
}
settings = from_mapping(my_settings)
s = as_dict(settings)
print("data:      ", s["data"])
for method in ("full_batch", "mini_batch", "stochastic"):
    print(f"{method + ':':<12}", s["descent"][method])

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
# stochastic descent use a few, or one, from a fresh shuffle each epoch. Each
# method runs with its own settings, as in the chapters: its learning rate, its
# number of updates and its batch size (the stochastic step is smaller than the
# others because one example's gradient is much noisier).

# %%
methods = settings.descent
runs = {}
for name, m, full in (("full batch", methods.full_batch, True), ("mini-batch", methods.mini_batch, False),
                      ("stochastic", methods.stochastic, False)):
    runs[name] = descent.run(ds, m, settings.seed, methods.divergence_bound, full=full)
    print(f"{name:<11} η = {m.lr:<6g} {runs[name].iterations_run:>5} updates"
          + ("" if full else f", batches of {m.batch_size}"))

fig, ax = plt.subplots(figsize=(6, 3.5))
for (name, tr), m in zip(runs.items(), (methods.full_batch, methods.mini_batch, methods.stochastic)):
    per = len(ds.x_train) if name == "full batch" else m.batch_size
    epochs = np.arange(1, len(tr.train_loss)) * per / len(ds.x_train)
    ax.plot(epochs, tr.train_loss[1:], label=name, lw=0.8 if name == "stochastic" else 1.8)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("epochs (examples seen ÷ training points)")
ax.set_ylabel("training MSE")
ax.legend()
plt.show()

# %% [markdown]
# ## Why full batch converges: ρ and η\*
#
# The Hessian $H$ of the loss is constant; each update multiplies the error
# $\theta_t - \theta^*$ along an eigenvector of $H$ by $1 - \eta\lambda$. The
# convergence factor $\rho = \max|1 - \eta\lambda|$ must be below 1, which
# holds exactly when $\eta < \eta^* = 2/\lambda_{\max}$.

# %%
lam = np.linalg.eigvalsh(model.hessian(ds.x_train))
lr = methods.full_batch.lr
rho = max(abs(1 - lr * lam[0]), abs(1 - lr * lam[1]))
print(f"λmin = {lam[0]:.4g}, λmax = {lam[1]:.4g}, condition number κ = {lam[1] / lam[0]:.4g}")
print(f"η* = 2/λmax = {2 / lam[1]:.4g}; η = {lr:g} gives ρ = {rho:.6g}")

# %% [markdown]
# ## Compare with the closed form
#
# Least squares has an exact answer, from the normal equations. Full-batch
# descent converges to it when η < η\* and it has updates enough; the noisier
# methods, with a step small enough, come to rest in a cloud around it.

# %%
w_cf, b_cf = model.closed_form(ds.x_train, ds.y_train)
print(f"{'method':<12} {'w':>9} {'b':>9} {'test MSE':>9}  diverged")
for name, tr in runs.items():
    print(f"{name:<12} {tr.w[-1]:9.4f} {tr.b[-1]:9.4f} {tr.test_loss[-1]:9.4f}  {tr.diverged}")
print(f"{'closed form':<12} {w_cf:9.4f} {b_cf:9.4f} {model.mse(w_cf, b_cf, ds.x_test, ds.y_test):9.4f}")
print(f"true line    {settings.data.true_w:9.4f} {settings.data.true_b:9.4f}")
