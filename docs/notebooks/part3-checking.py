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
# This notebook goes with Part 3 of the book: it checks the analytic
# gradient against central differences, shows where such a check means
# something, then finds the learning rate beyond which gradient descent
# diverges, from the data alone. Download it, install `gdbook`, change the
# settings and run it again.

# %%
import matplotlib.pyplot as plt
import numpy as np

from gdbook.core import data as dataset, descent, gradcheck, model, plotting, quadratic
from gdbook.settings import from_mapping

# Plots that read on a light and on a dark page (no background, mid-grey text).
plt.rcParams.update(plotting.notebook_style())

my_settings = {"seed": 42, "data": {"n": 200}}  # try this: another seed, more noise, a wider x range
settings = from_mapping(my_settings)
ds = dataset.make_dataset(settings)
x, y = ds.x_train, ds.y_train

# %% [markdown]
# ## The gradient check and its step h
#
# The central difference $\dfrac{L(w+h, b) - L(w-h, b)}{2h}$ estimates
# $\partial L/\partial w$. For most functions its error has two parts: a
# truncation error that shrinks like $h^2$ and a round-off error that grows
# like $1/h$. The mean squared error is a *quadratic* in $w$ and $b$, and for a
# quadratic the truncation error is exactly zero: only round-off is left, so
# below the error falls as $h$ *grows*. The dotted line is the book's bound on
# the round-off, $\delta_L/h$ divided by the size of the gradient.
# **Try this:** other steps `hs`, or check at the least-squares solution
# instead of the initial guess (`w0, b0 = model.closed_form(x, y)`).

# %%
w0, b0 = ds.w0, ds.b0
hs = np.logspace(-12, 0, 25)
checks = [gradcheck.check(w0, b0, x, y, h) for h in hs]
errors = np.array([c["rel_error"] for c in checks])
bounds = np.array([c["roundoff"] / c["grad_norm"] for c in checks])
shown = np.maximum(errors, 1e-17)  # an exact match would be log(0)
best = int(np.argmin(errors))
print(f"analytic gradient at the initial guess: dw = {checks[0]['dw_analytic']:.6g}, db = {checks[0]['db_analytic']:.6g}")
print(f"smallest relative error {errors[best]:.2g} at h = {hs[best]:.1g}")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.loglog(hs, shown, marker="o", markersize=3, label="relative error")
ax.loglog(hs, bounds, ":", label="round-off bound")
ax.set_xlabel("step h")
ax.set_ylabel("relative error")
ax.legend()
plt.show()

# %% [markdown]
# ## Where to check
#
# Along the path of full-batch descent the gradient shrinks towards zero,
# while the round-off of the difference does not: near the minimum a relative
# error is round-off divided by almost nothing. The book checks only where the
# round-off bound is at most a tenth of the tolerance `check.rel_tol`.
# **Try this:** a smaller `settings.check.h`, or a tighter tolerance.

# %%
fb = settings.descent.full_batch
trace = descent.descend(x, y, ds.x_test, ds.y_test, w0, b0, fb.lr, fb.n_iters)
path = [gradcheck.check(w, b, x, y, settings.check.h) for w, b in zip(trace.w, trace.b)]
share = np.array([p["roundoff"] / p["grad_norm"] if p["grad_norm"] > 0 else np.inf for p in path])
usable = share <= settings.check.rel_tol / gradcheck.MARGIN
last = int(np.argmin(usable)) - 1 if not usable.all() else len(usable) - 1
print(f"the check can resolve its tolerance up to update {last} of {len(path) - 1}")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.semilogy([p["rel_error"] for p in path], label="relative error")
ax.semilogy(share, ":", label="round-off bound")
ax.axhline(settings.check.rel_tol, color=plotting.NOTEBOOK_GREY, lw=1, label="tolerance")
ax.set_xlabel("update")
ax.legend()
plt.show()

# %% [markdown]
# ## The largest stable learning rate
#
# The loss is a quadratic bowl whose curvature is set by its Hessian,
# $\frac{2}{n} X^\top X$ with $X = [x, 1]$. Full-batch descent with a fixed
# learning rate $\eta$ converges from every start exactly when
# $\eta < \eta^* = 2/\lambda_{\max}$, where $\lambda_{\max}$ is the Hessian's
# largest eigenvalue. **Try this:** other multiples of $\eta^*$; predict first
# whether the loss will rise, fall, or both.

# %%
q = quadratic.of(x, y)
print(f"λmax = {q.lam[1]:.4f}, so descent is stable for η < η* = {q.lr_critical:.4f}")

fig, ax = plt.subplots(figsize=(6, 3.5))
for multiple in (0.5, 0.9, 1.1):
    tr = descent.descend(x, y, ds.x_test, ds.y_test, w0, b0, lr=multiple * q.lr_critical, n_iters=60,
                         bound=settings.descent.divergence_bound)
    ax.plot(tr.train_loss, label=f"η = {multiple}·η*" + (" (diverged)" if tr.diverged else ""))
ax.set_yscale("log")
ax.set_xlabel("update")
ax.set_ylabel("training MSE")
ax.legend()
plt.show()
