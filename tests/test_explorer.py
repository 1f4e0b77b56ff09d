"""The gradient explorer (docs/part3/explorer.md ↔ src/gdbook/compute/explorer.py).

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
    "explorer": {"lr_steps_per_decade": 2, "batch_sizes": [4], "n_iters": [10, 40], "points_per_view": 10},
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


def test_lr_grid_is_log_uniform_through_the_anchor_and_spans_eta_star():
    plain = ex.lr_grid(0.1, 0.47, 0.01, 3.0, 10, [])
    assert 0.1 in plain
    assert np.allclose(np.diff(np.log10(plain)), 0.1)
    assert 0.01 * 0.47 * (1 - 1e-9) <= plain[0] <= 0.01 * 0.47 * 10 ** 0.1
    assert 3.0 * 0.47 / 10 ** 0.1 <= plain[-1] <= 3.0 * 0.47 * (1 + 1e-9)
    # An extra learning rate replaces its nearest grid point (never the anchor) and keeps the grid sorted.
    grid = ex.lr_grid(0.1, 0.47, 0.01, 3.0, 10, [0.1, 0.123, 0.4])
    assert 0.1 in grid and 0.123 in grid and 0.4 in grid and len(grid) == len(plain)
    assert grid == sorted(grid)
    steps = np.diff(np.log10(grid))
    assert steps.min() > 0.05 and steps.max() < 0.15


def test_view_indices_hold_every_count_and_stay_small():
    keep = ex.view_indices([10, 20, 50, 100, 200, 500, 1000], 100)
    for n in (10, 20, 50, 100, 200, 500, 1000):
        assert n in keep
        assert sum(1 for i in keep if i <= n) >= min(n + 1, 100)
    assert keep == sorted(set(keep)) and keep[0] == 0
    assert len(keep) < 400


def test_a_short_run_is_the_start_of_the_long_one():
    s = load(ROOT / "pyproject.toml")
    ds = make_dataset(s)
    for bs in (None, 16, 1):
        args = (ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.w0, ds.b0, 0.1)
        short = descend(*args, 50, batch_size=bs, rng=np.random.default_rng(s.seed))
        long = descend(*args, 200, batch_size=bs, rng=np.random.default_rng(s.seed))
        assert np.array_equal(short.w, long.w[:51]) and np.array_equal(short.b, long.b[:51])


def test_every_combination_is_shipped_and_decodes(small):
    s, out, data = small
    keys = [m["key"] for m in data["methods"]]
    assert keys == ["full", "mini4", "mini16", "sgd"]
    assert data["counts"] == [10, 40]
    assert len(data["lr"]) == len(out["learning_rates"]) >= 5
    ds = make_dataset(s)
    for m in data["methods"]:
        runs = data["runs"][m["key"]]
        assert len(runs) == len(data["lr"])
        for lr, r in zip(out["learning_rates"], runs):
            tr = ex.run(ds, lr, 40, m["batch_size"], s)
            idx = [i for i in data["keep"] if i <= r["last"]]
            if idx[-1] != r["last"]:
                idx.append(r["last"])
            w = np.cumsum(r["w"]) / data["q_param"]
            loss = np.cumsum(r["loss"]) / data["q_loss"]
            assert r["last"] == tr.iterations_run
            assert np.allclose(w, tr.w[idx], atol=1e-3)
            assert np.allclose(loss, np.log10(tr.train_loss[idx]), atol=1e-3)
            for n, st in zip(data["counts"], r["states"]):
                if tr.diverged and tr.diverged_at <= n:
                    assert st == {"state": "diverged", "at": tr.diverged_at, "at_text": fmt.integer(tr.diverged_at)}
                else:
                    assert st["w"] == fmt.num(tr.w[n]) and st["b"] == fmt.num(tr.b[n])
                    assert st["loss"] == fmt.num(tr.train_loss[n])
                    ok = tr.train_loss[: n + 1] <= out["loss_min"] * (1 + s.explorer.converged_tol)
                    if st["state"] == "converged":
                        assert ok[st["since"]:].all() and (st["since"] == 0 or not ok[st["since"] - 1])
                    else:
                        assert st["state"] == "running" and not ok[n]


def test_full_batch_diverges_above_eta_star_and_not_below(small):
    s, out, data = small
    eta = out["lr_critical"]
    for lr, r in zip(out["learning_rates"], data["runs"]["full"]):
        if lr > 1.05 * eta:
            assert r["diverged_at"] > 0, lr / eta
        if lr < 0.95 * eta:
            assert r["diverged_at"] == 0, lr / eta
    assert any(lr > eta for lr in out["learning_rates"]) and any(lr < 0.05 * eta for lr in out["learning_rates"])


def test_default_entry_is_the_regression_chapters_run(small):
    s, out, _ = small
    ds = make_dataset(s)
    m = s.descent.full_batch
    tr = descend(ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.w0, ds.b0, m.lr, m.n_iters,
                 bound=s.descent.divergence_bound)
    assert out["default"]["full_batch"]["w"] == float(tr.w[-1])
    assert out["default"]["full_batch"]["b"] == float(tr.b[-1])


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


def test_data_and_script_are_light(built_site, results):
    data = (built_site / "data" / "explorer" / "data.js").read_bytes()
    script = (built_site / "assets" / "javascripts" / "explorer.js").read_bytes()
    total = len(gzip.compress(data, 9)) + len(gzip.compress(script, 9))
    assert total <= 300_000, f"explorer data + script are {total} bytes gzip, over the 300 kB budget"
    assert results["explorer"]["data_bytes"] == len(data)


def test_script_and_data_load_only_on_the_explorer_page(built_site):
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        here = page.relative_to(built_site).as_posix() == PAGE
        assert ('src="../assets/javascripts/explorer.js"' in text) == here, page
        assert ('src="../data/explorer/data.js"' in text) == here, page
        assert ('href="../assets/stylesheets/explorer.css"' in text) == here, page


# --- in the browser -------------------------------------------------------------

@pytest.fixture(scope="module")
def site_browser(built_site):
    from browser import chromium, serve

    with serve(built_site) as base, chromium() as browser:
        yield base, browser


def open_page(site_browser, scheme="light", viewport=None):
    from browser import DESKTOP

    base, browser = site_browser
    ctx = browser.new_context(viewport=viewport or DESKTOP, color_scheme=scheme)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/{PAGE}", wait_until="networkidle")
    page.wait_for_selector("#gdx-summary:not(:empty)")
    return ctx, page, errors


def view(page) -> dict:
    return page.evaluate("""() => ({
      summary: document.getElementById('gdx-summary').textContent,
      state: document.getElementById('gdx-summary').dataset.state,
      run: document.getElementById('gd-explorer').dataset.run,
      path: document.querySelector('#gdx-path .gdx-trace').getAttribute('points'),
      loss: document.querySelector('#gdx-loss .gdx-trace').getAttribute('points'),
      fit: document.querySelector('#gdx-fit .gdx-fitline').getAttribute('points'),
      lr: document.getElementById('gdx-lr').value,
      n: document.getElementById('gdx-n').value,
      lrText: document.getElementById('gdx-lr-out').textContent,
      live: document.getElementById('gdx-summary').getAttribute('aria-live'),
    })""")


@pytest.mark.browser
def test_keyboard_moves_the_controls_and_the_views_follow(built_site, results, site_browser):
    data = data_of(built_site)
    ctx, page, errors = open_page(site_browser)
    first = view(page)
    assert first["live"] == "polite"

    # The default run is the regression chapter's full-batch run, with its numbers.
    gd = results["full_batch"]
    assert first["summary"].startswith("Converged to w = ")
    assert f"w = {fmt.num(gd['w'])}, b = {fmt.num(gd['b'])} in {fmt.integer(gd['n_iters'])} updates" in first["summary"]
    assert f"η = {fmt.num(results['settings']['descent']['full_batch']['lr'], 3)}" in first["lrText"]

    # Learning rate: one step right changes every view.
    page.focus("#gdx-lr")
    page.keyboard.press("ArrowRight")
    step = view(page)
    assert int(step["lr"]) == int(first["lr"]) + 1
    for k in ("summary", "path", "loss"):  # both runs converge, so their fitted lines agree
        assert step[k] != first[k], k

    # End: far above η*, the summary says it diverged.
    page.keyboard.press("End")
    top = view(page)
    assert int(top["lr"]) == len(data["lr"]) - 1 and data["lr"][-1] > data["lr_critical"]
    assert top["state"] == "diverged" and top["summary"].startswith("Diverged at update ")
    at = data["runs"]["full"][-1]["diverged_at"]
    assert f"update {fmt.integer(at)}:" in top["summary"]

    # Every step above η* diverges in the default number of updates; below it does not.
    page.keyboard.press("Home")
    bottom = view(page)
    assert bottom["state"] == "running" and bottom["summary"].startswith("Not within ")
    for k in ("summary", "path", "loss", "fit"):
        assert bottom[k] != first[k], k
    for i in range(1, len(data["lr"])):
        page.keyboard.press("ArrowRight")
        v = view(page)
        assert int(v["lr"]) == i
        assert (v["state"] == "diverged") == (data["lr"][i] > data["lr_critical"]), (data["lr"][i], v["summary"])

    # Back to the default learning rate, then fewer updates.
    page.keyboard.press("Home")
    for _ in range(data["defaults"]["lr_index"]):
        page.keyboard.press("ArrowRight")
    assert view(page)["summary"] == first["summary"]
    page.focus("#gdx-n")
    page.keyboard.press("Home")
    short = view(page)
    assert short["n"] == "0" and f"after {data['count_text'][0]} updates" in short["summary"]
    assert len(short["loss"].split()) < len(first["loss"].split())
    page.keyboard.press("End")
    assert view(page)["n"] == str(len(data["counts"]) - 1)

    # Method: Tab reaches the checked method, arrow keys move through the group.
    page.focus("#gdx-lr")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "gdx-method-full"
    page.keyboard.press("ArrowRight")
    mini = view(page)
    assert page.is_checked("#gdx-method-mini") and mini["run"].startswith("mini")
    assert page.evaluate("document.activeElement.id") == "gdx-method-mini"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "gdx-bs"
    page.keyboard.press("ArrowDown")
    assert view(page)["run"] != mini["run"] and view(page)["run"].startswith("mini")
    page.focus("#gdx-method-mini")
    page.keyboard.press("ArrowRight")
    sgd = view(page)
    assert page.is_checked("#gdx-method-sgd") and sgd["run"].startswith("sgd")
    assert sgd["path"] != mini["path"]
    # Choosing a batch size goes back to mini-batch descent.
    page.focus("#gdx-bs")
    page.keyboard.press("ArrowUp")
    assert page.is_checked("#gdx-method-mini") and view(page)["run"].startswith("mini")
    assert not errors, errors
    ctx.close()


def axe_violations(page, context=None) -> list[tuple]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, context=context).response
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation(site_browser, scheme):
    """The explorer itself: zero violations, in the default and in the diverged state.

    The whole page may show only what the site's home page shows too (the
    stock theme's few violations, which the site-wide accessibility work
    removes with theme overrides); once those are gone this is zero as well.
    """
    ctx, page, errors = open_page(site_browser, scheme)
    for key in (None, "End"):
        if key:
            page.focus("#gdx-lr")
            page.keyboard.press(key)
        assert axe_violations(page, "#gd-explorer") == [], key
        mine = axe_violations(page)
        assert not [v for v in mine if any("gdx" in str(t) for t in v[1])], mine
    base, _ = site_browser
    page.goto(f"{base}/index.html", wait_until="networkidle")
    baseline = {rule for rule, _ in axe_violations(page)}
    extra = [v for v in mine if v[0] not in baseline]
    assert not extra, f"the explorer page adds violations the rest of the site does not have: {extra}"
    assert not errors, errors
    ctx.close()


@pytest.mark.browser
def test_phone_width_has_no_sideways_scroll(site_browser):
    from browser import PHONE

    ctx, page, errors = open_page(site_browser, "dark", PHONE)
    widths = page.evaluate("""() => ({
      doc: document.documentElement.scrollWidth, view: window.innerWidth,
      widget: document.getElementById('gd-explorer').getBoundingClientRect().right,
      plot: document.getElementById('gdx-path').getBoundingClientRect().width,
    })""")
    assert widths["doc"] <= widths["view"] and widths["widget"] <= widths["view"], widths
    assert widths["plot"] > 250, widths
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
    assert page.text_content("#gdx-summary").startswith("Converged")
    ctx.close()


@pytest.mark.browser
def test_the_page_keeps_the_explorers_space_before_its_script_builds_it(site_browser):
    """Its placeholder (explorer.css) is as tall as what the script builds, at every width: nothing moves."""
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
            # The layout shifts Chromium saw while the script built it, on a phone.
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
        if abs(h[0] - h[1]) > 4:
            off.append(f"{width} px: {h[0]:.0f} px kept, {h[1]:.0f} px built")
    for ctx, _ in pages:
        ctx.close()
    assert not off, off
    assert shifts < 0.01, shifts


def test_without_javascript_nothing_is_reserved(built_site):
    css = (built_site / "assets" / "stylesheets" / "explorer.css").read_text(encoding="utf-8")
    html = (built_site / PAGE).read_text(encoding="utf-8")
    assert '<div class="gdx-reserve" aria-hidden="true"></div>' in html and "<noscript>" in html
    assert ".gdx-reserve { display: none; }\n@media (scripting: enabled) {" in css
