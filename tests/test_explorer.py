"""The gradient explorer (docs/part3/explorer.md ↔ src/gdbook/chapters/explorer).

Unit tests run the section on a small grid; the site tests read the built
data file and drive the page in Debian's Chromium with the keyboard only.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
from pathlib import Path

import numpy as np
import pytest

from gdbook.core import fmt
from gdbook.chapters.explorer import compute as ex
from gdbook.core.data import make_dataset
from gdbook.core.descent import descend
from gdbook.settings import SettingsError, from_mapping, load

ROOT = Path(__file__).resolve().parent.parent

PAGE = "part3/explorer.html"
SMALL = {
    "explorer": {"batch_sizes": [4], "n_iters": [10, 40]},
    "descent": {m: {"n_iters": 40} for m in ("full_batch", "mini_batch", "stochastic")},
}


def load_data(text: str) -> dict:
    prefix = f"window.{ex.GLOBAL} = "
    assert text.startswith(prefix) and text.endswith(";\n")
    return json.loads(text[len(prefix):-2])


@pytest.fixture(scope="module")
def small():
    s = from_mapping(SMALL)
    out = ex.explorer_section(s, {})
    return s, out, load_data(out["_files"][ex.DATA_FILE])


# --- compute ------------------------------------------------------------------

def test_lr_critical_is_two_over_largest_eigenvalue_computed_independently():
    s = load(ROOT / "pyproject.toml")
    ds = make_dataset(s)
    x = ds.x_train
    # The Hessian of (1/n) Σ (w xᵢ + b − yᵢ)², written out by hand: 2·[[mean x², mean x], [mean x, 1]].
    m1, m2 = float(np.mean(x)), float(np.mean(x * x))
    tr, det = 2 * (m2 + 1), 4 * (m2 - m1 * m1)
    lam_max = tr / 2 + math.sqrt(tr * tr / 4 - det)
    eta, eig = ex.lr_critical(x)
    assert eta == pytest.approx(2 / lam_max, rel=1e-12)
    assert eig[-1] == pytest.approx(lam_max, rel=1e-12)


def test_the_data_file_holds_the_splits_and_the_shuffles_exactly(small):
    s, out, data = small
    ds = make_dataset(s)
    # full precision: the browser's runs start from the very same numbers
    assert data["x"] == ds.x_train.tolist() and data["y_test"] == ds.y_test.tolist()
    assert (data["w0"], data["b0"]) == (ds.w0, ds.b0)
    orders = ex.unpack_orders(data["orders"])
    rng = np.random.default_rng(s.seed)
    assert orders == [rng.permutation(len(ds.x_train)).tolist() for _ in orders]
    assert data["batch_sizes"] == [4, 16] and data["counts"] == [10, 40]
    # the largest offered batch (16 of 160: 10 updates per epoch) needs 4 epochs for 40 updates
    assert data["orders"]["epochs"] == 4 == out["epochs_shipped"]
    assert data["lr_range"] == [s.explorer.lr_min_multiple * out["lr_critical"], s.explorer.lr_max_multiple * out["lr_critical"]]


def test_packed_orders_round_trip_at_every_width():
    for n in (5, 300, 70_000):
        orders = ex.shuffle_orders(1, n, 2)
        packed = ex.pack_orders(orders)
        assert packed["bytes"] == (1 if n <= 256 else 2 if n <= 65536 else 4)
        assert ex.unpack_orders(packed) == orders.tolist()


def test_the_runs_the_prose_quotes(small):
    s, out, _ = small
    ds = make_dataset(s)
    m = s.descent.full_batch
    tr = descend(ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.w0, ds.b0, m.lr, m.n_iters,
                 bound=s.descent.divergence_bound)
    assert out["default"]["full_batch"]["w"] == float(tr.w[-1])
    assert out["default"]["full_batch"]["b"] == float(tr.b[-1])
    below, above = out["near_star"]["below"], out["near_star"]["above"]
    assert below["lr"] < out["lr_critical"] < above["lr"]
    assert not below["diverged"]
    assert not above["diverged"]  # 40 updates are too few to pass the bound just above η*: the page words that case
    book = ex.explorer_section(load(ROOT / "pyproject.toml"), {})["near_star"]["above"]
    assert book["diverged"] and book["diverged_at"] > 0  # the book's 500 are enough


def test_converged_since_is_where_the_loss_stays_within_the_tolerance():
    class T:
        train_loss = np.array([5.0, 1.2, 1.005, 1.02, 1.004, 1.001])
    assert ex.converged_since(T, 1.0, 0.01) == 4
    T.train_loss = np.array([5.0, 4.0])
    assert ex.converged_since(T, 1.0, 0.01) is None


def test_a_batch_size_that_is_not_whole_is_a_bad_setting():
    with pytest.raises(SettingsError, match=r"explorer.batch_sizes\[0\]' = 2.5 is not allowed: expected an integer"):
        from_mapping({**SMALL, "explorer": {**SMALL["explorer"], "batch_sizes": [2.5]}})


# --- the built site -------------------------------------------------------------

def data_of(built_site) -> dict:
    return load_data((built_site / "data" / "explorer" / "data.js").read_text(encoding="utf-8"))


def test_explorer_matches_the_regression_chapters(results):
    runs = {"full_batch": results["full_batch"], "mini_batch": results["stochastic"]["mini_batch"],
            "stochastic": results["stochastic"]["sgd"]}
    for method in ("full_batch", "mini_batch", "stochastic"):
        mine, theirs = results["explorer"]["default"][method], runs[method]
        assert mine["w"] == pytest.approx(theirs["w"], rel=1e-12), method
        assert mine["b"] == pytest.approx(theirs["b"], rel=1e-12), method


def test_eta_star_matches_the_divergence_chapter(results):
    assert results["explorer"]["lr_critical"] == pytest.approx(results["divergence"]["lr_critical"], rel=1e-12)


def test_eta_star_from_the_published_csv(built_site, results):
    with open(built_site / "downloads" / "dataset.csv", encoding="utf-8") as f:
        x = np.array([float(r["x"]) for r in csv.DictReader(f) if r["split"] == "train"])
    X = np.column_stack([np.ones_like(x), x])
    lam = np.linalg.eigvalsh(2 / len(x) * X.T @ X)
    assert results["explorer"]["lr_critical"] == pytest.approx(2 / lam[-1], rel=1e-12)


def test_data_and_scripts_are_light(built_site, results):
    data = (built_site / "data" / "explorer" / "data.js").read_bytes()
    total = len(gzip.compress(data, 9))
    for name in ("gdmath.js", "explorer.js"):
        total += len(gzip.compress((built_site / "assets" / "javascripts" / name).read_bytes(), 9))
    assert total <= 120_000, f"explorer data + scripts are {total} bytes gzip"
    assert results["explorer"]["data_bytes"] == len(data)
    assert len(gzip.compress((built_site / "assets" / "javascripts" / "gdmath.js").read_bytes(), 9)) <= 30_000


def test_script_and_data_load_only_on_the_explorer_page(built_site):
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        here = page.relative_to(built_site).as_posix() == PAGE
        assert ('src="../assets/javascripts/explorer.js"' in text) == here, page
        assert ('src="../data/explorer/data.js"' in text) == here, page
        assert ('href="../assets/stylesheets/explorer.css"' in text) == here, page


def test_without_javascript_the_controls_are_hidden(built_site):
    css = (built_site / "assets" / "stylesheets" / "explorer.css").read_text(encoding="utf-8")
    html = (built_site / PAGE).read_text(encoding="utf-8")
    assert 'data-gd-state-keys="method lr iters batch w0 b0"' in html and "<noscript>" in html
    assert "@media (scripting: none) { .gdx-live { display: none; } }" in css


# --- in the browser -------------------------------------------------------------

@pytest.fixture(scope="module")
def site_browser(built_site):
    from browser import chromium, serve

    with serve(built_site) as base, chromium() as browser:
        yield base, browser


def open_page(site_browser, scheme="light", viewport=None, hash_="", motion="reduce"):
    from browser import DESKTOP

    base, browser = site_browser
    ctx = browser.new_context(viewport=viewport or DESKTOP, color_scheme=scheme, reduced_motion=motion)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/{PAGE}{hash_}", wait_until="networkidle")
    page.wait_for_selector("#gdx-summary:not(:empty)")
    return ctx, page, errors


def view(page) -> dict:
    return page.evaluate("""() => ({
      summary: document.getElementById('gdx-summary').textContent,
      state: document.getElementById('gdx-summary').dataset.state,
      run: document.getElementById('gd-explorer').dataset.run,
      path: [...document.querySelectorAll('#gdx-path .gdx-trace')].map((p) => p.getAttribute('points')).join('|'),
      pieces: [...document.querySelectorAll('#gdx-path .gdx-trace')].map((p) => +(p.getAttribute('stroke-opacity') || 1)),
      loss: document.querySelector('#gdx-loss .gdx-trace').getAttribute('points'),
      fit: document.querySelector('#gdx-fit .gdx-fitline').getAttribute('points'),
      lr: document.getElementById('gdx-lr').value,
      t: +document.getElementById('gdx-t').value,
      lrText: document.getElementById('gdx-lr-out').textContent,
      start: document.getElementById('gdx-start-out').textContent,
      live: document.getElementById('gdx-summary').getAttribute('aria-live'),
      hash: location.hash,
    })""")


def book_run(s, ds, method, lr, iters, batch=16, w0=None, b0=None):
    n = len(ds.x_train)
    bs = {"full_batch": None, "mini_batch": batch, "stochastic": 1}[method]
    return descend(ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.w0 if w0 is None else w0,
                   ds.b0 if b0 is None else b0, lr, iters, batch_size=bs if bs and bs < n else None,
                   rng=None if bs is None else np.random.default_rng(s.seed), bound=s.descent.divergence_bound)


def summary_of(tr, loss_min: float, tol: float) -> str:
    """What the explorer's summary says after a whole run: gdbook's numbers in gdbook's formats."""
    if tr.diverged:
        return f"Diverged at update {fmt.integer(tr.diverged_at)}"
    n = tr.iterations_run
    nums = f"After {fmt.integer(n)} updates: w = {fmt.num(tr.w[-1])}, b = {fmt.num(tr.b[-1])}, training loss {fmt.num(tr.train_loss[-1])}."
    since = ex.converged_since(tr, loss_min, tol)
    if since is None:
        return nums + " Not yet within"
    return nums + f" Within {fmt.num(100 * tol)}\u2009% of the least-squares minimum {fmt.num(loss_min)} from update {fmt.integer(since)} on."


@pytest.fixture(scope="module")
def book():
    s = load(ROOT / "pyproject.toml")
    ds = make_dataset(s)
    out = ex.explorer_section(s, {})
    return s, ds, out


@pytest.mark.browser
def test_the_learning_rate_by_keyboard_and_the_runs_are_the_books(site_browser, book):
    s, ds, out = book
    loss_min, tol, eta_star = out["loss_min"], out["converged_tol"], out["lr_critical"]
    ctx, page, errors = open_page(site_browser)
    first = view(page)
    assert first["live"] == "polite"
    fb = s.descent.full_batch
    assert first["summary"].startswith(summary_of(book_run(s, ds, "full_batch", fb.lr, fb.n_iters), loss_min, tol))
    assert f"η = {fmt.num(fb.lr, 3)} = {fmt.num(fb.lr / eta_star, 3)}" in first["lrText"]

    page.focus("#gdx-lr")
    page.keyboard.press("ArrowRight")
    step = view(page)
    assert step["summary"] != first["summary"] and step["path"] != first["path"] and step["loss"] != first["loss"]

    # Across η*, one slider step (1.2 %) at a time: diverged exactly when gdbook's run diverges, the same numbers.
    seen = set()
    while True:
        v = view(page)
        lr = float(v["run"].split(":")[1])
        mult = lr / eta_star
        if mult > 0.9:
            tr = book_run(s, ds, "full_batch", lr, fb.n_iters)
            assert v["summary"].startswith(summary_of(tr, loss_min, tol)), (lr, v["summary"])
            assert (v["state"] == "diverged") == tr.diverged
            seen.add(tr.diverged)
        if mult > 1.12:
            break
        page.keyboard.press("ArrowRight")
    assert seen == {True, False}

    page.keyboard.press("End")
    top = view(page)
    assert top["state"] == "diverged" and top["summary"].startswith("Diverged at update ")
    page.keyboard.press("Home")
    bottom = view(page)
    lr = float(bottom["run"].split(":")[1])
    assert lr == pytest.approx(s.explorer.lr_min_multiple * eta_star, rel=5e-3)
    assert bottom["state"] == "running" and "Not yet within" in bottom["summary"]
    page.wait_for_function(f"location.hash === '#method=full_batch&lr={lr:g}&iters={fb.n_iters}'")  # after a pause
    assert not errors, errors
    ctx.close()


@pytest.mark.browser
def test_play_and_step_through_a_run(site_browser):
    ctx, page, errors = open_page(site_browser, motion="no-preference")
    end = view(page)
    n = end["t"]
    page.click("#gdx-back")
    back = view(page)
    assert back["t"] == n - 1 and back["summary"].startswith(f"After {fmt.integer(n - 1)} updates")
    assert back["path"] != end["path"] and back["loss"] != end["loss"]
    page.click("#gdx-fwd")
    assert view(page)["t"] == n
    page.focus("#gdx-t")
    page.keyboard.press("Home")
    zero = view(page)
    assert zero["t"] == 0 and zero["summary"].startswith("After 0 updates")
    page.click("#gdx-play")
    assert page.get_attribute("#gdx-play", "aria-pressed") == "true"
    assert page.get_attribute("#gdx-summary", "aria-live") == "off"  # no announcement per frame
    page.wait_for_timeout(600)
    mid = view(page)
    assert 0 < mid["t"] < n, mid["t"]
    page.keyboard.press("Tab")  # the play button is reachable and toggles with the keyboard
    page.focus("#gdx-play")
    page.keyboard.press("Enter")
    paused = view(page)["t"]
    page.wait_for_timeout(300)
    assert view(page)["t"] == paused and page.get_attribute("#gdx-summary", "aria-live") == "polite"
    page.click("#gdx-play")
    page.wait_for_function(f"+document.getElementById('gdx-t').value === {n}", timeout=10_000)
    assert view(page)["summary"] == end["summary"]
    assert not errors, errors
    ctx.close()


@pytest.mark.browser
def test_the_start_by_pointer_and_by_keys(site_browser, book):
    s, ds, out = book
    ctx, page, errors = open_page(site_browser)
    first = view(page)
    box = page.locator("#gdx-path").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2)
    clicked = view(page)
    assert clicked["start"] != first["start"] and clicked["path"] != first["path"]
    page.wait_for_function("location.hash.includes('w0=')")
    state = dict(kv.split("=") for kv in page.evaluate("location.hash")[1:].split("&"))
    w0, b0 = float(state["w0"]), float(state["b0"])
    assert w0 > ds.w0 and b0 > ds.b0  # up and to the right of the book's start
    fb = s.descent.full_batch
    tr = book_run(s, ds, "full_batch", fb.lr, fb.n_iters, w0=w0, b0=b0)
    assert view(page)["summary"].startswith(summary_of(tr, out["loss_min"], out["converged_tol"]))
    page.focus("#gdx-pick")
    page.keyboard.press("ArrowUp")
    up = view(page)
    assert up["start"] != clicked["start"] and f"w = {fmt.num(w0)}" in up["start"]
    page.keyboard.press("Home")
    assert view(page)["start"] == first["start"] and view(page)["summary"] == first["summary"]
    assert page.is_disabled("#gdx-reset")
    assert not errors, errors
    ctx.close()


@pytest.mark.browser
def test_the_state_in_the_hash_and_the_stochastic_path_fades(site_browser, book):
    s, ds, out = book
    sto = s.descent.stochastic
    ctx, page, errors = open_page(site_browser, hash_=f"#method=stochastic&lr={sto.lr}&iters={sto.n_iters}")
    v = view(page)
    assert page.is_checked("#gdx-method-stochastic")
    assert v["summary"].startswith(summary_of(book_run(s, ds, "stochastic", sto.lr, sto.n_iters), out["loss_min"], out["converged_tol"]))
    assert len(v["pieces"]) > 5 and v["pieces"] == sorted(v["pieces"]) and v["pieces"][0] < 0.3 and v["pieces"][-1] == 1
    # Mini-batch of 32 from another start: read from the hash; the same run as gdbook's.
    page.evaluate("location.hash = '#method=mini_batch&lr=0.2&iters=200&batch=32&w0=1&b0=0'")
    page.wait_for_function("document.getElementById('gd-explorer').dataset.run.startsWith('mini_batch:0.2:200:32')")
    assert view(page)["summary"].startswith(summary_of(book_run(s, ds, "mini_batch", 0.2, 200, batch=32, w0=1.0, b0=0.0),
                                                       out["loss_min"], out["converged_tol"]))
    assert page.input_value("#gdx-bs") == "32" and page.input_value("#gdx-iters") == "200"
    # Choosing a batch size chooses mini-batch descent; the method radios move with the arrow keys.
    page.focus("#gdx-method-mini_batch")
    page.keyboard.press("ArrowRight")
    assert page.is_checked("#gdx-method-stochastic") and view(page)["run"].startswith("stochastic")
    page.select_option("#gdx-bs", "8")
    assert page.is_checked("#gdx-method-mini_batch") and view(page)["run"].startswith("mini_batch:0.2:200:8")
    assert not errors, errors
    ctx.close()


@pytest.mark.browser
def test_every_link_into_the_explorer_opens_its_state(built_site, site_browser):
    import re

    links = set()
    for html_page in built_site.rglob("*.html"):
        links |= set(re.findall(r'href="[^"]*explorer\.html#(method=[^"]+)"', html_page.read_text(encoding="utf-8")))
    assert len(links) >= 5
    for link in sorted(links):
        state = dict(kv.split("=") for kv in link.replace("&amp;", "&").split("&"))
        ctx, page, errors = open_page(site_browser, hash_="#" + link.replace("&amp;", "&"))
        run = view(page)["run"].split(":")
        assert run[0] == state["method"] and float(run[1]) == pytest.approx(float(state["lr"]), rel=1e-5), link
        assert run[2] == state["iters"], link
        if "w0" in state:
            assert f"w = {fmt.num(float(state['w0']))}" in view(page)["start"], link
        assert not errors, (link, errors)
        ctx.close()


def axe_violations(page, context=None) -> list[tuple]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, context=context).response
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation(site_browser, scheme):
    """The explorer: zero violations, as it opens, diverged and in stochastic descent."""
    ctx, page, errors = open_page(site_browser, scheme)
    for step in (None, "End", "sgd"):
        if step == "End":
            page.focus("#gdx-lr")
            page.keyboard.press("End")
        elif step == "sgd":
            page.check("#gdx-method-stochastic")
        assert axe_violations(page) == [], step
    assert not errors, errors
    ctx.close()


@pytest.mark.browser
def test_on_a_phone_the_controls_stay_in_view_of_the_plots(site_browser):
    from browser import PHONE

    ctx, page, errors = open_page(site_browser, "dark", PHONE)
    widths = page.evaluate("""() => ({
      doc: document.documentElement.scrollWidth, view: window.innerWidth,
      widget: document.getElementById('gd-explorer').getBoundingClientRect().right,
      plot: document.getElementById('gdx-path').getBoundingClientRect().width,
    })""")
    assert widths["doc"] <= widths["view"] and widths["widget"] <= widths["view"], widths
    assert widths["plot"] > 250, widths
    # Scroll the contour plot to the bottom of the screen: the learning rate and the player stay above it.
    page.evaluate("""() => { const r = document.getElementById('gdx-path').getBoundingClientRect();
                             window.scrollBy(0, r.bottom - window.innerHeight + 10); }""")
    page.wait_for_timeout(100)
    boxes = page.evaluate("""() => ['gdx-lr', 'gdx-play', 'gdx-path'].map((id) => {
        const r = document.getElementById(id).getBoundingClientRect(); return [r.top, r.bottom]; })""")
    (lr_top, _), (_, play_bottom), (path_top, path_bottom) = boxes
    assert lr_top > 40 and play_bottom <= path_top + 1 and path_bottom <= 740, boxes
    page.focus("#gdx-lr")
    page.keyboard.press("ArrowRight")  # still works from there
    assert not errors, errors
    ctx.close()


@pytest.mark.browser
def test_works_from_a_saved_copy(built_site, site_browser):
    """Opened from disk (file://), where fetch() of local files is refused: the data is a script."""
    _, browser = site_browser
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto((built_site / PAGE).as_uri(), wait_until="load")
    page.wait_for_selector("#gdx-summary:not(:empty)", timeout=10_000)
    assert page.text_content("#gdx-summary").startswith("After ")
    ctx.close()


@pytest.mark.browser
def test_the_page_keeps_the_explorers_space_before_its_script_runs(site_browser):
    """The controls and plots are in the HTML at their size: the script moves nothing, at any width."""
    base, browser = site_browser
    pages = []
    for block in (True, False):
        ctx = browser.new_context(viewport={"width": 412, "height": 823})
        page = ctx.new_page()
        if block:  # the page as it is before the script runs
            page.route("**/explorer.js", lambda r: r.abort())
        page.goto(f"{base}/{PAGE}", wait_until="load")
        if not block:
            page.wait_for_selector("#gdx-summary:not(:empty)")
            shifts = page.evaluate("""() => new Promise((resolve) => {
              let total = 0;
              new PerformanceObserver((l) => { for (const e of l.getEntries()) total += e.value; })
                .observe({ type: "layout-shift", buffered: true });
              setTimeout(() => resolve(total), 100);
            })""")
        pages.append((ctx, page))
    height = "() => document.getElementById('gd-explorer').getBoundingClientRect().height"
    off = []
    for width in (320, 360, 375, 412, 480, 600, 768, 1024, 1280, 1440):
        h = []
        for _, page in pages:
            page.set_viewport_size({"width": width, "height": 823})
            h.append(page.evaluate(height))
        if abs(h[0] - h[1]) > 2:
            off.append(f"{width} px: {h[0]:.0f} px kept, {h[1]:.0f} px built")
    for ctx, _ in pages:
        ctx.close()
    assert not off, off
    assert shifts < 0.01, shifts
