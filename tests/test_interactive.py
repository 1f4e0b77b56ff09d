"""The interactive figures compute in the reader's browser; the browser and the book must never disagree.

``docs/assets/javascripts/gdmath.js`` is run in Chromium against gdbook's Python
on a sample of inputs: the number formats of gdbook.core.fmt (string for
string), numpy's pairwise sums, the model's loss and gradient and whole
descent runs (bit for bit: the same operations in the same order), the
secant slopes and gradients of the Part 1 figures (bit for bit where the
arithmetic order is the same, else within 1e-12 relative).  Then each live
figure of the built site is driven by keyboard and pointer: its readout and
its drawing change, and the numbers it prints are gdbook's.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from gdbook.chapters.derivative import compute as deriv
from gdbook.chapters.divergence import compute as div
from gdbook.chapters.explorer import compute as ex
from gdbook.chapters.partial_derivatives import compute as partial
from gdbook.core import fmt, live, model
from gdbook.core.data import make_dataset
from gdbook.core.descent import descend
from gdbook.settings import load

ROOT = Path(__file__).resolve().parent.parent
GDMATH = ROOT / "docs" / "assets" / "javascripts" / "gdmath.js"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chrome():
    from browser import chromium

    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def js(chrome):
    """A blank Chromium page with gdmath.js loaded: js(expression, arg) evaluates in it."""
    page = chrome.new_page()
    page.set_content("<!doctype html><title>gdmath</title>")
    page.add_script_tag(path=str(GDMATH))

    def run(expr: str, arg=None):
        return page.evaluate(expr, arg)

    yield run
    page.close()


@pytest.fixture(scope="module")
def book():
    s = load(ROOT / "pyproject.toml")
    return s, make_dataset(s)


# --- numbers as the book prints them ------------------------------------------------

def format_cases() -> list[list]:
    rng = random.Random(7)
    values = [0.0, -0.0, 1.0, 3.0, 2.99971, 0.125, 0.375, 2.5, 0.5, 1234567.0, 0.00012345, -0.0004, 9999.6, 999.95,
              0.1, 1e-17, 123.456, -1.5e-7, 0.30000000000000004, 1e6, 999999.5, 1e-4, 9.9995e-5, 5e-324, 1.7e308]
    for _ in range(1500):
        values.append(rng.choice([1, -1]) * 10 ** rng.uniform(-20, 9))
        values.append(round(rng.uniform(-100, 100), rng.randint(0, 5)))
        values.append(rng.randint(-2000, 2000) / 8)  # exact binary fractions: rounding ties
    cases = []
    for v in values:
        cases += [["num", v, k, fmt.num(v, k)] for k in (2, 3, 4, 6)]
        cases += [["fixed", v, d, fmt.fixed(v, d)] for d in (0, 2, 4, 6)]
        cases += [["sci", v, 3, fmt.sci(v, 3)], ["gap", v, 1.0, fmt.gap(v, 1.0)]]
    cases += [["integer", i, None, fmt.integer(i)] for i in (0, 7, 999, 1000, 123456789, -4321)]
    return cases


def test_numbers_are_formatted_as_the_book_formats_them(js):
    cases = format_cases()
    wrong = js("""(cases) => cases.filter(([f, v, a, want]) =>
        (a === null ? gdmath[f](v) : gdmath[f](v, a)) !== want)
      .map(([f, v, a, want]) => [f, v, a, want, a === null ? gdmath[f](v) : gdmath[f](v, a)])""", cases)
    assert len(cases) > 10_000
    assert wrong == [], wrong[:10]


def test_the_format_check_can_fail(js):
    """A formatter that differs in one rounding tie is caught: the check above is not vacuous."""
    assert js("gdmath.fixed(0.125, 2)") == fmt.fixed(0.125, 2) == "0.12"  # half to even, as Python
    assert js("(0.125).toFixed(2)") == "0.13"  # what JavaScript's own toFixed would have printed


# --- sums, loss, gradient, descent: bit for bit --------------------------------------------

def test_pairwise_sums_are_numpys(js):
    rng = np.random.default_rng(3)
    arrays = [rng.normal(size=n) * 10.0 ** rng.uniform(-6, 6, size=n) for n in [*range(1, 140), 255, 256, 257, 1000, 4097]]
    got = js("(arrays) => arrays.map((a) => gdmath.pairwise(a, 0, a.length))", [a.tolist() for a in arrays])
    want = [float(np.add.reduce(a)) for a in arrays]
    assert got == want
    # and the check can fail: a plain left-to-right sum differs for some of them
    plain = [math.fsum([0.0]) + sum(a.tolist()) for a in arrays]
    assert plain != want


def test_loss_and_gradient_are_the_models(js, book):
    s, ds = book
    rng = np.random.default_rng(5)
    points = [(ds.w0, ds.b0), *zip(rng.uniform(-10, 10, 40).tolist(), rng.uniform(-10, 10, 40).tolist())]
    got = js("""([x, y, pts]) => pts.map(([w, b]) => [gdmath.mse(w, b, x, y), ...gdmath.gradient(w, b, x, y)])""",
             [ds.x_train.tolist(), ds.y_train.tolist(), [list(p) for p in points]])
    want = [[model.mse(w, b, ds.x_train, ds.y_train), *model.gradient(w, b, ds.x_train, ds.y_train)] for w, b in points]
    assert got == want


class Shipped:
    """A stand-in for np.random.Generator whose permutations are the orders the page ships."""

    def __init__(self, orders):
        self.orders = iter(orders)

    def permutation(self, n):
        order = np.array(next(self.orders))
        assert len(order) == n
        return order


def explorer_data(s) -> dict:
    """The explorer's data file as the page reads it, its orders unpacked."""
    data = json.loads(ex.explorer_section(s, {})["_files"][ex.DATA_FILE].split(" = ", 1)[1].rstrip(";\n"))
    return {**data, "orders": ex.unpack_orders(data["orders"])}


RUNS = [  # (what, lr as a multiple of η* or absolute, updates, batch (None: full), start (None: the book's), decay)
    ("the book's full-batch run", None, None, None, None, 0.0),
    ("0.95·η*", 0.95, 500, None, None, 0.0),
    ("1.05·η*: diverges slowly", 1.05, 500, None, None, 0.0),
    ("2·η*: diverges fast", 2.0, 500, None, None, 0.0),
    ("60·η*: overflows", 60.0, 50, None, None, 0.0),
    ("stochastic, the book's", "stochastic", None, 1, None, 0.0),
    ("mini-batch of 7: a short last batch", 0.3, 400, 7, None, 0.0),
    ("mini-batch of 16 from another start, with decay", 0.5, 300, 16, (5.0, 2.0), 0.01),
    ("stochastic above η*", 1.5, 600, 1, None, 0.0),
]


def python_run(ds, s, lr, n, batch, start, decay, rng):
    w0, b0 = start or (ds.w0, ds.b0)
    return descend(ds.x_train, ds.y_train, ds.x_test, ds.y_test, w0, b0, lr, n, batch_size=batch, rng=rng,
                   decay=decay, bound=s.descent.divergence_bound)


@pytest.mark.parametrize("case", RUNS, ids=[r[0] for r in RUNS])
def test_descent_in_the_browser_is_the_books_bit_for_bit(js, book, case):
    s, ds = book
    _, mult, n, batch, start, decay = case
    data = explorer_data(s)
    eta_star = data["lr_critical"]
    if mult is None:
        lr, n = s.descent.full_batch.lr, s.descent.full_batch.n_iters
    elif mult == "stochastic":
        lr, n = s.descent.stochastic.lr, s.descent.stochastic.n_iters
    else:
        lr = mult * eta_star
    book_run = python_run(ds, s, lr, n, batch, start, decay, None if batch is None else np.random.default_rng(s.seed))
    if batch is not None:  # the shipped orders are the seeded generator's: the same run from them
        shipped = python_run(ds, s, lr, n, batch, start, decay, Shipped(data["orders"]))
        assert np.array_equal(shipped.w, book_run.w) and np.array_equal(shipped.train_loss, book_run.train_loss)
    w0, b0 = start or (ds.w0, ds.b0)
    got = js("""(o) => { const r = gdmath.descend(o);
        return {w: [...r.w], b: [...r.b], train: [...r.trainLoss], test: [...r.testLoss], dw: [...r.dw], db: [...r.db],
                diverged: r.diverged, at: r.divergedAt}; }""",
             {"x": data["x"], "y": data["y"], "xTest": data["x_test"], "yTest": data["y_test"], "w0": w0, "b0": b0,
              "lr": lr, "nIters": n, "batch": batch, "orders": data["orders"], "decay": decay, "bound": data["bound"]})
    assert got["diverged"] == book_run.diverged and got["at"] == book_run.diverged_at
    for key, want in (("w", book_run.w), ("b", book_run.b), ("train", book_run.train_loss),
                      ("test", book_run.test_loss), ("dw", book_run.dw), ("db", book_run.db)):
        assert got[key] == want.tolist(), key
    if mult in (1.05, 2.0, 60.0):
        assert book_run.diverged


def test_the_shipped_orders_are_the_seeded_generators(book):
    s, ds = book
    data = explorer_data(s)
    rng = np.random.default_rng(s.seed)
    n = len(ds.x_train)
    assert [rng.permutation(n).tolist() for _ in data["orders"]] == data["orders"]
    # enough for the longest run the page offers with its largest batch (the fewest updates per epoch)
    assert len(data["orders"]) * math.ceil(n / max(data["batch_sizes"])) >= max(data["counts"])


# --- Part 1: secant slopes and gradients ----------------------------------------------

def test_secant_slopes_are_the_chapters(js):
    d = deriv.secant_live(deriv.CURVE, deriv.SECANT_AT)
    table = deriv.secant_table(deriv.CURVE, deriv.SECANT_AT)["rows"]
    rng = np.random.default_rng(11)
    hs = [r["h"] for r in table] + (10 ** rng.uniform(math.log10(d["h_range"][0]), 0, 60)).tolist()
    got = js("([c, a, hs]) => hs.map((h) => gdmath.secant((x) => gdmath.poly(c, x), a, h))",
             [d["coefficients"], d["a"], hs])
    # The chapter evaluates f by Horner's rule too (gdbook.core.live.polynomial): the same numbers, bit for bit.
    g = live.polynomial(d["coefficients"])
    assert got == [r["quotient"] for r in table] + [(g(d["a"] + h) - g(d["a"])) / h for h in hs[len(table):]]
    # and they are the curve's: x³/3 − x as SymPy writes it, to 1e-12 relative where rounding allows
    f = sp.lambdify(deriv.x, deriv.CURVE, "math")
    for h, q in zip(hs, got):
        assert q == pytest.approx((f(d["a"] + h) - f(d["a"])) / h, rel=1e-16 / h * 100)
    assert d["exact"] == table[0]["quotient"] - table[0]["error"]


def test_gradients_on_the_contour_map_are_the_chapters(js, book):
    s, _ = book
    d = json.loads(partial.partial_derivatives_section(s, {})["_files"]["partial_derivatives/live.js"]
                   .split("})(", 1)[1].rstrip(");\n"))["partial-derivatives-gradient"]
    x, y = partial.x, partial.y
    p1 = next(p for p in partial.problems() if p["id"] == "partial-1")
    solved = partial.solve(p1, s)
    f, (gx, gy) = solved["_f"], solved["_grad"]
    fz, fgx, fgy = (sp.lambdify((x, y), e, "math") for e in (f, gx, gy))
    rng = np.random.default_rng(2)
    pts = [[1.0, 1.0], [0.0, 0.0], *rng.uniform(-2, 2, (60, 2)).round(2).tolist(), *rng.uniform(-2, 2, (20, 2)).tolist()]
    got = js("([d, pts]) => pts.map(([x, y]) => [gdmath.poly2(d.z, x, y), gdmath.poly2(d.dzdx, x, y), gdmath.poly2(d.dzdy, x, y)])",
             [d, pts])
    for (px, py), (z, dx, dy) in zip(pts, got):
        # the partial derivatives are c·x + c·y in both: the same operations, bit for bit
        assert (dx, dy) == (fgx(px, py), fgy(px, py)), (px, py)
        assert z == pytest.approx(fz(px, py), rel=1e-12, abs=1e-12), (px, py)
    assert d["z"] == live.terms(f, x, y)


def live_data(section_out: dict, chapter: str, name: str) -> dict:
    text = section_out["_files"][f"{chapter}/live.js"]
    return json.loads(text.split("})(", 1)[1].rstrip(");\n"))[name]


@pytest.fixture(scope="module")
def divergence(book):
    s, _ = book
    out = div.divergence_section(s, {})
    return out, live_data(out, "divergence", "divergence-eigen")


def eigen_in_browser(js, d, multiple):
    return js("""([d, m]) => { const lr = m * d.lr_critical;
        const r = gdmath.descend({x: d.x, y: d.y, xTest: d.x, yTest: d.y, w0: d.w0, b0: d.b0, lr: lr, nIters: 100, bound: d.bound});
        const c = (t) => (r.w[t] - d.theta_star[0]) * d.v_max[0] + (r.b[t] - d.theta_star[1]) * d.v_max[1];
        return {w: [...r.w], b: [...r.b], loss: [...r.trainLoss], at: r.divergedAt,
                fmax: 1.0 - lr * d.lam[1], fmin: 1.0 - lr * d.lam[0], ratio: c(1) / c(0)}; }""", [d, multiple])


def test_the_eigen_directions_are_the_chapters(js, book, divergence):
    s, ds = book
    out, d = divergence
    for r in out["runs"]:  # the chapter's runs at its multiples of η*
        got = eigen_in_browser(js, d, r["multiple"])
        tr = div.run(ds.x_train, ds.y_train, ds.w0, ds.b0, r["multiple"] * d["lr_critical"], 100, d["bound"])
        assert got["w"] == tr.w.tolist() and got["loss"] == tr.train_loss.tolist(), r["multiple"]
        assert got["at"] == tr.diverged_at
        assert (got["fmax"], got["fmin"]) == (r["factor_max"], r["factor_min"]), r["multiple"]  # the same arithmetic
        # c₁/c₀: the projection on v_max is a dot product (numpy's may fuse): within 1e-12
        assert got["ratio"] == pytest.approx(r["top_ratio_observed"], rel=1e-12)


# --- the live figures in the built site -------------------------------------------------

@pytest.fixture(scope="module")
def site(built_site, chrome):
    from browser import serve

    with serve(built_site) as base:
        yield base, chrome


def open_figure(site, path, name, viewport=None, scheme="light"):
    from browser import DESKTOP

    base, browser = site
    ctx = browser.new_context(viewport=viewport or DESKTOP, color_scheme=scheme)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/{path}", wait_until="networkidle")
    fig = f'figure[data-gd-live="{name}"]'
    page.locator(fig).scroll_into_view_if_needed()  # a figure comes alive as it nears the screen
    page.wait_for_selector(f"{fig}.gdl-ready")
    return ctx, page, fig, errors


def figure_view(page, fig):
    return page.evaluate("""(sel) => { const f = document.querySelector(sel);
      return {readout: f.querySelector('.gdl-readout').textContent, live: f.querySelector('.gdl-readout').getAttribute('aria-live'),
              drawing: f.querySelector('svg.gdl-svg').innerHTML, state: JSON.parse(f.dataset.gdState),
              pictures: [...f.querySelectorAll('picture')].every((p) => p.hidden)}; }""", fig)


def horner(c, x):
    s = c[-1]
    for k in reversed(c[:-1]):
        s = s * x + k
    return s


def test_secant_figure_follows_h_by_keyboard_and_pointer(site):
    d = deriv.secant_live(deriv.CURVE, deriv.SECANT_AT)
    table = {r["h"]: r for r in deriv.secant_table(deriv.CURVE, deriv.SECANT_AT)["rows"]}
    ctx, page, fig, errors = open_figure(site, "part1/derivative.html", "derivative-secants")
    first = figure_view(page, fig)
    assert first["pictures"] and first["live"] == "polite"
    assert first["state"]["h"] == d["h_start"]

    def says(v):
        h = v["state"]["h"]
        q = (horner(d["coefficients"], d["a"] + h) - horner(d["coefficients"], d["a"])) / h
        assert v["state"]["slope"] == q  # the browser's slope is gdbook's (same arithmetic)
        assert f"h = {fmt.num(h)}: the secant's slope is {fmt.fixed(q, 6)}, above" in v["readout"]
        if h in table:  # where the chapter's table has a row, the same number as the table
            assert fmt.fixed(q, 6) == fmt.fixed(table[h]["quotient"], 6)

    says(first)
    page.focus(f"{fig} input[type=range]")
    for _ in range(6):
        page.keyboard.press("ArrowLeft")
    smaller = figure_view(page, fig)
    assert smaller["state"]["h"] == 0.25 and smaller["readout"] != first["readout"]
    assert smaller["drawing"] != first["drawing"]
    says(smaller)
    page.keyboard.press("Home")
    tiny = figure_view(page, fig)
    says(tiny)
    assert tiny["state"]["h"] == d["h_range"][0]
    assert abs(tiny["state"]["error"]) < abs(smaller["state"]["error"]) / 1000  # the secant has become the tangent
    # pointer: drag the point to x = a + 1 (h = 1)
    box = page.locator(f"{fig} svg.gdl-svg").bounding_box()
    handle = page.locator(f"{fig} .gdl-handle").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.8, handle["y"], steps=5)
    page.mouse.up()
    dragged = figure_view(page, fig)
    assert dragged["state"]["h"] > 0.5 and dragged["drawing"] != tiny["drawing"]
    says(dragged)
    assert page.input_value(f"{fig} input[type=range]") != str(math.log10(d["h_range"][0]))
    assert not errors, errors
    ctx.close()


def test_gradient_figure_follows_the_point_by_keyboard_and_pointer(site, book):
    s, _ = book
    x, y = partial.x, partial.y
    solved = partial.solve(next(p for p in partial.problems() if p["id"] == "partial-1"), s)
    fgx, fgy = (sp.lambdify((x, y), e, "math") for e in solved["_grad"])
    ctx, page, fig, errors = open_figure(site, "part1/partial-derivatives.html", "partial-derivatives-gradient")
    first = figure_view(page, fig)

    def says(v):
        st = v["state"]
        gx, gy = fgx(st["x"], st["y"]), fgy(st["x"], st["y"])
        assert (st["dzdx"], st["dzdy"]) == (gx, gy)
        if gx == gy == 0:
            assert "the gradient is zero" in v["readout"]
        else:
            assert f"∂z/∂x = {fmt.num(gx)}, ∂z/∂y = {fmt.num(gy)}, so ∇z = ({fmt.num(gx)}, {fmt.num(gy)}), " \
                   f"of length {fmt.num(math.hypot(gx, gy))}" in v["readout"]

    assert first["state"]["x"] == 1 and first["state"]["y"] == 1
    says(first)
    page.focus(f"{fig} input[id$='-x']")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    moved = figure_view(page, fig)
    assert moved["state"]["x"] == 0.8 and moved["drawing"] != first["drawing"]
    says(moved)
    page.focus(f"{fig} input[id$='-y']")
    page.keyboard.press("ArrowDown")
    says(figure_view(page, fig))
    # pointer: the centre of the plot is the origin, the lowest point
    axes = page.evaluate("""(sel) => { const f = document.querySelector(sel);
        const ticks = [...f.querySelectorAll('.gdl-tick')].filter((t) => t.textContent === '0');
        return ticks.map((t) => t.getBoundingClientRect()).map((r) => [r.x + r.width / 2, r.y + r.height / 2]); }""", fig)
    (x0, _), (_, y0) = axes[0], axes[1]  # the x-axis "0" gives the x of the origin, the y-axis "0" its y
    page.mouse.click(x0, y0 - 4)
    origin = figure_view(page, fig)
    assert abs(origin["state"]["x"]) <= 0.05 and abs(origin["state"]["y"]) <= 0.1
    says(origin)
    assert not errors, errors
    ctx.close()


LIVE = [("part1/derivative.html", "derivative-secants"),
        ("part1/partial-derivatives.html", "partial-derivatives-gradient"),
        ("part3/divergence.html", "divergence-eigen")]


def test_eta_across_eta_star_in_the_eigen_figure(site, divergence):
    out, d = divergence
    ctx, page, fig, errors = open_figure(site, "part3/divergence.html", "divergence-eigen")
    first = figure_view(page, fig)
    assert first["state"]["multiple"] == d["start"] < 1
    assert "per update: shrinks, flipping sign" in first["readout"] and first["state"]["diverged"] is False
    page.focus(f"{fig} input[type=range]")
    crossed = None
    while True:
        page.keyboard.press("ArrowRight")
        v = figure_view(page, fig)
        m, lr = v["state"]["multiple"], v["state"]["lr"]
        assert v["state"]["factor_max"] == 1.0 - lr * d["lam"][1]
        assert f"η = {fmt.num(m, 3)}·η* = {fmt.num(lr, 3)}" in v["readout"]
        assert f"= {fmt.num(1.0 - lr * d['lam'][1], 3)} per update" in v["readout"]
        if abs(v["state"]["factor_max"]) > 1:
            crossed = v
            break
    assert crossed["state"]["multiple"] == pytest.approx(1.0, abs=0.011) and crossed["state"]["multiple"] > 1
    assert "per update: grows, flipping sign" in crossed["readout"] and crossed["drawing"] != first["drawing"]
    page.keyboard.press("End")
    far = figure_view(page, fig)
    tr = div.run(np.array(d["x"]), np.array(d["y"]), d["w0"], d["b0"], far["state"]["lr"], d["steps"], d["bound"])
    assert far["state"]["diverged"] == tr.diverged
    if tr.diverged:
        assert f"The loss passes {fmt.num(d['bound'])} at update {fmt.integer(tr.diverged_at)}." in far["readout"]
    assert not errors, errors
    ctx.close()


@pytest.mark.parametrize("path,name", LIVE)
def test_without_javascript_the_static_figure_shows(site, path, name):
    base, browser = site
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(f"{base}/{path}", wait_until="load")
    fig = page.locator(f'figure[data-gd-live="{name}"]')
    assert fig.locator("picture.gd-light img").is_visible()
    assert fig.locator("picture.gd-light img").get_attribute("alt")
    assert not fig.locator(".gd-live-panel").is_visible()
    ctx.close()


@pytest.mark.parametrize("path,name", LIVE)
@pytest.mark.parametrize("width", [375, 1280])
def test_the_figure_keeps_its_place_and_size(site, path, name, width):
    """The drawing takes the picture's box and the panel its reserved room: nothing below moves."""
    from browser import RENDER_ALL

    base, browser = site
    sizes = []
    for block in (True, False):
        ctx = browser.new_context(viewport={"width": width, "height": 800})
        page = ctx.new_page()
        if block:
            page.route("**/live.js", lambda r: r.abort())
        page.goto(f"{base}/{path}", wait_until="load")
        # every block laid out as when scrolled to (the browser skips off-screen ones: content-visibility),
        # so the two loads differ only by the script
        page.add_style_tag(content=RENDER_ALL)
        page.locator(f'figure[data-gd-live="{name}"]').scroll_into_view_if_needed()
        if not block:
            page.wait_for_selector(f'figure[data-gd-live="{name}"].gdl-ready')
        sizes.append(page.evaluate("""(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
            return [r.top + scrollY, r.height]; }""", f'figure[data-gd-live="{name}"]'))
        ctx.close()
    assert abs(sizes[0][0] - sizes[1][0]) < 1 and abs(sizes[0][1] - sizes[1][1]) < 2, sizes
