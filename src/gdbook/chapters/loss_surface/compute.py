"""The loss surface L(w, b): a quadratic bowl, its Hessian, eigenvalues, condition number, and centring.

L is a polynomial of degree two in (w, b), so it equals
L* + ½(θ − θ*)ᵀ H (θ − θ*) exactly, with the constant Hessian H = (2/n)·XᵀX,
X = [x, 1] the design matrix.  H's eigenvectors are the axes of the elliptical
contours and its eigenvalues their curvatures; their ratio, the condition
number κ, is how long and narrow the valley is.  Every formula shown is proved
by SymPy on 3 and 4 symbolic points; the numbers come from the training set.

The contour grid, window and levels are results too (``_ws``, ``_bs``, ``_Z``,
``window``, ``levels``), so that the descent chapters can draw their paths on
the same map (or recompute it with :func:`gdbook.core.model.loss_grid`).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from gdbook.core.data import make_dataset
from gdbook.core.errors import BuildError
from gdbook.core.model import closed_form, gradient, hessian, loss_grid, mse
from gdbook.core.notation import I, XS, YS, checked_as, checked_sum
from gdbook.settings import Settings

GRID = 161
w, b, c = sp.symbols("w b c", real=True)
n = sp.Symbol("n", positive=True, integer=True)
X, Y = XS[I], YS[I]
MEANS = {r"\overline{x^2}": "p", r"\overline{xy}": "q", r"\overline{y^2}": "r", r"\bar x": "m", r"\bar y": "k"}
BOUND = {"p": sp.Sum(X ** 2, (I, 1, n)) / n, "q": sp.Sum(X * Y, (I, 1, n)) / n, "r": sp.Sum(Y ** 2, (I, 1, n)) / n,
         "m": sp.Sum(X, (I, 1, n)) / n, "k": sp.Sum(Y, (I, 1, n)) / n, "w": w, "b": b}


def loss(nn=n, bias=b):
    return sp.Sum((w * X + bias - Y) ** 2, (I, 1, nn)) / nn


def read(tex: str) -> dict:
    return {shown: name for shown, name in MEANS.items() if shown in tex}


def formulas() -> dict:
    L = loss()
    expanded = r"\overline{x^2}\,w^2 + 2\bar x\,w b + b^2 - 2\overline{xy}\,w - 2\bar y\,b + \overline{y^2}"
    out = {
        "expanded": checked_sum(expanded, L, n, symbols=BOUND, read_as=read(expanded), what="L expanded"),
        "h_ww": checked_sum(r"\frac{2}{n}\sum_{i=1}^{n} x_i^2", sp.diff(L, w, w), n, what="∂²L/∂w²"),
        "h_wb": checked_sum(r"\frac{2}{n}\sum_{i=1}^{n} x_i", sp.diff(L, w, b), n, what="∂²L/∂w∂b"),
        "h_bb": checked_sum(r"2", sp.diff(L, b, b), n, what="∂²L/∂b²"),
    }

    det = r"4(\overline{x^2} - \bar x^2)"
    out["det"] = checked_sum(det, lambda k: sp.hessian(loss(k).doit(), (w, b)).det(), n, symbols=BOUND,
                             read_as=read(det), what="det H")

    # H = (2/n)·XᵀX with X = [x, 1], entry by entry, for 3 and 4 symbolic points
    for k in (3, 4):
        A = sp.Matrix([[XS[j], 1] for j in range(1, k + 1)])
        Lk = loss(k).doit()
        H = sp.hessian(Lk, (w, b))
        if sp.simplify(H - sp.Rational(2, k) * A.T * A) != sp.zeros(2, 2):
            raise BuildError(f"the Hessian of L for {k} symbolic points is not (2/n)·XᵀX")

    # L(θ) = L(θ₀) + ∇L(θ₀)ᵀ(θ − θ₀) + ½(θ − θ₀)ᵀH(θ − θ₀) exactly (no higher terms), for any θ₀
    w0, b0 = sp.symbols("w_0 b_0", real=True)
    for k in (3, 4):
        Lk = loss(k).doit()
        at0 = {w: w0, b: b0}
        d = sp.Matrix([w - w0, b - b0])
        grad0 = sp.Matrix([sp.diff(Lk, v).subs(at0) for v in (w, b)])
        H = sp.hessian(Lk, (w, b))
        taylor = Lk.subs(at0) + (grad0.T * d)[0, 0] + sp.Rational(1, 2) * (d.T * H * d)[0, 0]
        if sp.expand(Lk - taylor) != 0:
            raise BuildError(f"L for {k} symbolic points is not its second-order Taylor expansion")

    # the eigenvalues of H = 2[[p, m], [m, 1]] (p = mean of x², m = mean of x)
    p, m = sp.symbols("p m", real=True)
    eig = list(sp.Matrix([[2 * p, 2 * m], [2 * m, 2]]).eigenvals())
    names = {"p": p, "m": m}
    for key, tex in (("lam_min", r"\overline{x^2} + 1 - \sqrt{(\overline{x^2} - 1)^2 + 4\bar x^2}"),
                     ("lam_max", r"\overline{x^2} + 1 + \sqrt{(\overline{x^2} - 1)^2 + 4\bar x^2}")):
        errors = []
        for e in eig:
            try:
                out[key] = checked_as(tex, e, symbols=names, read_as=read(tex), what=key)
                break
            except BuildError as err:
                errors.append(str(err))
        else:
            raise BuildError(f"{key}: {tex!r} is neither eigenvalue of the Hessian ({'; '.join(errors)})")
    return out


def eigen(H: np.ndarray) -> dict:
    lam, vec = np.linalg.eigh(H)
    slow, fast = vec[:, 0], vec[:, 1]
    # a direction, not a sign: point the eigenvectors into w > 0 (or b > 0 when along b)
    slow = slow if (slow[0], slow[1]) > (0, 0) else -slow
    fast = fast if (fast[0], fast[1]) > (0, 0) else -fast
    return {
        "lam_min": float(lam[0]), "lam_max": float(lam[1]),
        "cond": float(lam[1] / lam[0]), "axis_ratio": float(np.sqrt(lam[1] / lam[0])),
        "slow": [float(v) for v in slow], "fast": [float(v) for v in fast],
        # angle of each direction to the w axis, in degrees within (−90, 90]
        "slow_angle": float(np.degrees(np.arctan2(slow[1], slow[0]))),
        "fast_angle": float(np.degrees(np.arctan2(fast[1], fast[0]))),
    }


def window(points: list[tuple[float, float]], margin: float = 0.35) -> dict:
    """A square window (equal scales on w and b) around the points, with a margin."""
    ws, bs = [p[0] for p in points], [p[1] for p in points]
    cw, cb = (min(ws) + max(ws)) / 2, (min(bs) + max(bs)) / 2
    half = max(max(ws) - min(ws), max(bs) - min(bs), 1e-9) / 2 * (1 + 2 * margin)
    return {"w_min": cw - half, "w_max": cw + half, "b_min": cb - half, "b_max": cb + half}


def levels(l_star: float, top: float, k: int = 12) -> list[float]:
    """Contour levels between the minimum and the top of the window, denser near the minimum."""
    return [float(v) for v in l_star + np.geomspace((top - l_star) * 2e-3, (top - l_star) * 0.9, k)]


def centred(x: np.ndarray, y: np.ndarray, ds) -> dict:
    """The same fit with x centred: ŷ = w(x − x̄) + c, c = b + w·x̄. Same lines, new coordinates (w, c)."""
    xm = float(np.mean(x))
    H = hessian(x - xm)
    e = eigen(H)
    w_s, b_s = closed_form(x, y)
    return {
        "x_mean": xm,
        "var": float(np.mean((x - xm) ** 2)),
        "h": [[float(v) for v in row] for row in H],
        **e,
        "w_star": w_s, "c_star": b_s + w_s * xm,
        "w0": ds.w0, "c0": ds.b0 + ds.w0 * xm,
        "y_mean": float(np.mean(y)),
        "c_star_is_mean_y": bool(abs(b_s + w_s * xm - np.mean(y)) <= 1e-9 * max(1.0, abs(np.mean(y)))),
    }


def loss_surface_section(s: Settings, deps: dict) -> dict:
    ds = make_dataset(s)
    x, y = ds.x_train, ds.y_train
    w_s, b_s = closed_form(x, y)
    l_star = mse(w_s, b_s, x, y)
    H = hessian(x)
    e = eigen(H)
    means = {"x": float(np.mean(x)), "x2": float(np.mean(x * x)), "xy": float(np.mean(x * y)),
             "y": float(np.mean(y)), "y2": float(np.mean(y * y))}

    # the window: the initial guess and the minimum, equal scales
    win = window([(ds.w0, ds.b0), (w_s, b_s)])
    ws, bs = np.linspace(win["w_min"], win["w_max"], GRID), np.linspace(win["b_min"], win["b_max"], GRID)
    Z = loss_grid(x, y, ws, bs)
    W, B = np.meshgrid(ws, bs)
    d = np.stack([W - w_s, B - b_s])
    quad = l_star + 0.5 * np.einsum("iab,ij,jab->ab", d, H, d)
    quad_rel = float(np.max(np.abs(quad - Z) / Z))
    if not quad_rel <= 1e-9:
        raise BuildError(f"L* + ½(θ − θ*)ᵀH(θ − θ*) differs from L on the grid by {quad_rel:.3g} (relative)")
    top = float(Z.max())
    lv = levels(l_star, top)

    # the gradient at the initial guess: equal to H(θ₀ − θ*), and not pointing at the minimum
    g0 = np.array(gradient(ds.w0, ds.b0, x, y))
    g_h = H @ np.array([ds.w0 - w_s, ds.b0 - b_s])
    g_rel = float(np.max(np.abs(g0 - g_h)) / max(np.max(np.abs(g0)), 1e-300))
    to_min = np.array([w_s - ds.w0, b_s - ds.b0])
    cosang = float(-g0 @ to_min / (np.linalg.norm(g0) * np.linalg.norm(to_min)))
    miss_deg = float(np.degrees(np.arccos(np.clip(cosang, -1.0, 1.0))))

    cen = centred(x, y, ds)
    start_loss = mse(ds.w0, ds.b0, x, y)

    # the same loss in the centred coordinates (w, c): two square windows of one size, for a side-by-side map
    win_c = window([(cen["w0"], cen["c0"]), (cen["w_star"], cen["c_star"])])
    half = max(win["w_max"] - win["w_min"], win_c["w_max"] - win_c["w_min"]) / 2
    pair = {}
    for key, (cw, cb) in (("raw", ((win["w_min"] + win["w_max"]) / 2, (win["b_min"] + win["b_max"]) / 2)),
                          ("centred", ((win_c["w_min"] + win_c["w_max"]) / 2, (win_c["b_min"] + win_c["b_max"]) / 2))):
        pair[key] = {"w_min": cw - half, "w_max": cw + half, "b_min": cb - half, "b_max": cb + half}
    xm = cen["x_mean"]
    grids = {}
    for key, xx in (("raw", x), ("centred", x - xm)):
        pw = np.linspace(pair[key]["w_min"], pair[key]["w_max"], GRID // 2)
        pb = np.linspace(pair[key]["b_min"], pair[key]["b_max"], GRID // 2)
        grids[key] = (pw, pb, loss_grid(xx, y, pw, pb))
    return {
        "formulas": formulas(),
        "means": means,
        "w_star": w_s, "b_star": b_s, "l_star": l_star,
        "w0": ds.w0, "b0": ds.b0, "start_loss": start_loss,
        "h": [[float(v) for v in row] for row in H],
        **e,
        "quad_rel": quad_rel,
        "grad0": [float(v) for v in g0],
        "grad0_norm": float(np.linalg.norm(g0)),
        "grad0_h_rel": g_rel,
        "grad0_miss_deg": miss_deg,
        # on one contour the gradient is √κ times longer across the valley than along it
        "steep_ratio": float(np.sqrt(e["cond"])),
        "centred": cen,
        "cond_drop": e["cond"] / cen["cond"],
        "centring_helps": bool(cen["cond"] < e["cond"]),
        "cond_large": bool(e["cond"] >= 100),
        "nearly_centred": bool(e["cond"] / cen["cond"] < 1.1),
        "grad0_points_at_min": bool(miss_deg < 2.0),
        "cond_digits": float(np.log10(e["cond"])),
        "window": win,
        "grid": GRID,
        "levels": lv,
        "top": top,
        "grid_min_loss": float(Z.min()),
        "pair": pair,
        "exercises": {
            "shift": 10.0,
            "cond_shifted": eigen(hessian(x + 10.0))["cond"],
            "cond_doubled": eigen(hessian(2.0 * x))["cond"],
            "doubled_ww": float(hessian(2.0 * x)[0, 0]), "doubled_wb": float(hessian(2.0 * x)[0, 1]),
        },
        "determinant": float(np.linalg.det(H)),
        "var_x": cen["var"],
        "_ws": ws, "_bs": bs, "_Z": Z,
        "_pair": grids,
    }
