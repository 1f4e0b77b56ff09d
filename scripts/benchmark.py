"""Build benchmark: how long the book takes to build, and how heavy its pages are.

Measures, on a temporary copy of the project (the working tree is never
touched), with caches of its own:

* cold     a build with empty caches (computes, draws and executes everything);
* warm     a rebuild with nothing changed;
* prose    a rebuild after editing one page template;
* compute  a rebuild after editing one compute module;
* bare     ``mkdocs build`` of the same rendered pages without gdbook's hook
           (``gdbook render --out``: the pages, figures and executed notebooks
           as the hook hands them to MkDocs): the floor;
* notebooks  executing the three notebooks alone, one fresh kernel each, one
           after the other (what a cold build does beside the pipeline).

and each page's transferred size: gzip of its HTML plus its own images (both
the light and the dark variant of each figure, an upper bound), with the
shared theme and KaTeX assets (CSS and fonts) and the search index listed once,
apart.  Prints a table and writes JSON.  Timing never goes into the tests.

With ``--lighthouse`` it then runs Lighthouse (the pinned npm devDependency,
CLI, mobile, default simulated throttling, performance only) on every page of
the site it built, served with gzip as a static host serves it
(``tests/browser.py``, ``serve(compress=True)``), in Debian's Chromium, and
reports per page the performance score, LCP, TBT and CLS against the targets
(score >= 0.95, TBT <= 200 ms, CLS < 0.05).  Lighthouse never acts on a page, and the
theme's script starts at the reader's first action, so each page is also acted on once in Chromium with
its CPU slowed 4x and the longest task until the theme has started is reported beside (what a second tap
could wait).  ``--lighthouse-only`` skips the
build timings and measures an already built site (``--site``, default ``site/``).

    .venv/bin/python scripts/benchmark.py [--repeat 3] [--json build/benchmark.json] [--lighthouse]
    .venv/bin/python scripts/benchmark.py --lighthouse-only [--site site] [--runs 1] [PAGE ...]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
COPY = ("src", "docs", "scripts", "mkdocs.yml", "pyproject.toml", "package-lock.json")
PROSE_PAGE = "docs/part2/dataset.md"
COMPUTE_MODULE = "src/gdbook/chapters/dataset/compute.py"
PAGE_LIMIT_KB = 300


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 2**20:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return {"cpu": cpu or platform.processor(), "cores": os.cpu_count(), "memory": mem,
            "python": platform.python_version(), "system": f"{platform.system()} {platform.release()}",
            "load_average_at_start": os.getloadavg()}


class Copy:
    def __init__(self, where: Path):
        self.where = where
        self.root = where / "proj"
        self.root.mkdir()
        for name in COPY:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, self.root / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(src, self.root / name)
        (self.root / "node_modules").symlink_to(ROOT / "node_modules")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GDBOOK_")}
        self.env.update(PYTHONPATH=str(self.root / "src"), GDBOOK_CACHE_DIR=str(where / "cache"), NO_MKDOCS_2_WARNING="1",
                        SOURCE_DATE_EPOCH="0")
        self.site = where / "site"

    def run(self, *args: str) -> tuple[float, subprocess.CompletedProcess]:
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, *args], cwd=self.root, env=self.env, capture_output=True, text=True)
        seconds = time.perf_counter() - t
        if proc.returncode != 0:
            sys.exit(f"benchmark: {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
        return seconds, proc

    def build(self, *extra: str) -> tuple[float, dict]:
        report = self.where / "report.json"
        seconds, _ = self.run("-m", "gdbook", "build", "--root", str(self.root), "--site-dir", str(self.site),
                              "--quiet", "--report", str(report), *extra)
        return seconds, json.loads(report.read_text())

    def largest(self) -> tuple[float, float]:
        """A cold build at the largest data set validation accepts: (seconds, peak memory of the build in MB).

        The build runs in a child of its own, so ru_maxrss of the children is that build's peak (the notebook
        kernels it starts are grandchildren, counted when they are waited for)."""
        from dataclasses import fields

        from gdbook.settings import DataSettings

        n_max = next(f for f in fields(DataSettings) if f.name == "n").metadata["rule"].hi
        settings = self.where / "largest.toml"
        settings.write_text(f"[tool.gdbook.data]\nn = {n_max}\n")
        shutil.rmtree(self.where / "cache", ignore_errors=True)
        code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
                "rc = subprocess.run(sys.argv[1:]).returncode; s = time.perf_counter() - t; "
                "print(s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024); sys.exit(rc)")
        _, proc = self.run("-c", code, sys.executable, "-m", "gdbook", "build", "--root", str(self.root),
                           "--site-dir", str(self.where / "largest-site"), "--quiet", "--settings", str(settings))
        seconds, mb = proc.stdout.split()[-2:]
        return float(seconds), float(mb)

    def cold(self) -> tuple[float, dict]:
        shutil.rmtree(self.where / "cache", ignore_errors=True)
        return self.build()

    def notebooks(self) -> tuple[float, None]:
        seconds, _ = self.run("-c", "from pathlib import Path; from gdbook.book import notebooks; "
                                    "[notebooks.execute(p.read_text(), p.parent) for p in notebooks.sources(Path('.'))]")
        return seconds, None

    def bare(self, out: Path) -> float:
        config = out / "mkdocs.yml"
        # Not --strict: pages that other hooks add (the printable book...) are missing from a
        # bare build, and MkDocs warns about them; the floor is a measure of time, not a check.
        seconds, _ = self.run("-m", "mkdocs", "build", "-q", "-f", str(config),
                              "-d", str(self.where / "bare-site"))
        return seconds


def median_of(n: int, fn) -> tuple[float, list[float], object]:
    runs, last = [], None
    for _ in range(n):
        seconds, last = fn()
        runs.append(seconds)
    return statistics.median(runs), runs, last


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def page_sizes(site: Path) -> tuple[list[dict], list[dict]]:
    """Per page: gzip of its HTML plus its own files, i.e. its images and any script or stylesheet
    that no other page loads (the explorer's data and code); what every page shares is listed apart."""
    root = site.resolve()
    refs: dict[Path, tuple[set, set]] = {}
    used_by: dict[Path, int] = {}
    for html in sorted(site.rglob("*.html")):
        text = html.read_text(encoding="utf-8")
        images, other = set(), set()
        for kind, src in re.findall(r'<(img|script|link)\b[^>]*?\b(?:src|href)="([^"#?]+)', text):
            if ":" in src:  # data: URIs are inside the HTML already; other hosts are not ours
                continue
            if kind == "link" and not src.endswith(".css"):
                continue
            target = (html.parent / src).resolve()
            if target.is_file() and root in target.parents:
                (images if kind == "img" and "assets" not in target.relative_to(root).parts else other).add(target)
        for t in other:
            used_by[t] = used_by.get(t, 0) + 1
        refs[html] = (images, other)
    pages, own = [], set()
    for html, (images, other) in refs.items():
        mine = images | {t for t in other if used_by[t] == 1}
        own |= mine
        html_gz = gz(html.read_bytes())
        own_gz = sum(gz(p.read_bytes()) for p in mine)
        pages.append({"page": html.relative_to(site).as_posix(), "html_gzip_kb": html_gz / 1024,
                      "images": len(mine), "images_gzip_kb": own_gz / 1024, "total_kb": (html_gz + own_gz) / 1024})
    shared = []
    groups = {"theme (Material CSS, JS) and the book's own CSS, JS": "assets/stylesheets|assets/javascripts|assets/images",
              "KaTeX (CSS, fonts; math is rendered at build)": "assets/vendor/katex",
              "search index": "search"}
    for label, prefixes in groups.items():
        files = [p for p in site.rglob("*") if p.is_file() and p.resolve() not in own and
                 any(p.relative_to(site).as_posix().startswith(x + "/") for x in prefixes.split("|"))]
        shared.append({"what": label, "files": len(files), "gzip_kb": sum(gz(p.read_bytes()) for p in files) / 1024})
    return pages, shared


LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
LH_TARGETS = {"score": 0.95, "tbt_ms": 200, "cls": 0.05}


def lighthouse_page(url: str, out: Path) -> dict:
    """One Lighthouse run (mobile, simulated throttling, performance only) of one URL."""
    from browser import CHROMIUM, CHROMIUM_ARGS

    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    # Paint holding off: on this machine headless Chromium held the first frame of about half the loads
    # for one or two whole seconds after it was painted (pages with and without math, fonts, figures or
    # the theme's script alike; never a bare page), and Lighthouse's simulation counts every request made
    # in that second as before the first paint: +1 s of FCP and LCP, at random.
    flags = [*CHROMIUM_ARGS, "--disable-features=PaintHolding"]
    cmd = [str(LIGHTHOUSE), url, "--only-categories=performance", "--form-factor=mobile",
           "--output=json", f"--output-path={out}", f"--chrome-path={CHROMIUM}",
           f"--chrome-flags={' '.join(flags)}", "--quiet"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"lighthouse failed on {url}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse could not measure {url}: {report['runtimeError']}")
    if report["categories"]["performance"]["score"] is None:
        # Lighthouse ran but could not score the page (a metric it could not compute): say why, not crash.
        why = [f"{k}: {a.get('errorMessage') or a.get('explanation')}" for k, a in audits.items()
               if k in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                        "cumulative-layout-shift", "speed-index") and a.get("score") is None]
        return {"score": None, "why": "; ".join(why)[:300] or "no score"}

    def value(name: str) -> float:
        return audits[name].get("numericValue") or 0.0

    def details(name: str) -> list:
        audit = audits.get(name, {})
        if audit.get("errorMessage"):  # Lighthouse 12's trace reader trips on some of newer Chromium's events
            return [{"error": audit["errorMessage"][:100]}]
        return (audit.get("details") or {}).get("items") or []

    lcp_el = ""
    for item in details("largest-contentful-paint-element"):  # a list of tables, the first names the element
        rows = item.get("items") or []
        snippet = (rows[0].get("node") or {}).get("snippet", "") if rows else item.get("error", "")
        lcp_el = lcp_el or snippet[:120]
    blocking = [i.get("url", "").split("/", 3)[-1] if "url" in i else i.get("error", "")
                for i in details("render-blocking-resources")]
    bootup = [{"url": i.get("url", "").split("/", 3)[-1], "ms": round(i.get("total", 0))}
              for i in details("bootup-time")[:4] if "url" in i]
    return {"score": report["categories"]["performance"]["score"], "fcp_ms": value("first-contentful-paint"),
            "lcp_ms": value("largest-contentful-paint"), "tbt_ms": value("total-blocking-time"),
            "cls": value("cumulative-layout-shift"), "si_ms": value("speed-index"),
            "lcp_element": lcp_el, "render_blocking": blocking, "main_thread_by_script": bootup}


def lighthouse(site: Path, only: list[str], runs: int, baseline: Path | None = None) -> list[dict] | tuple[list[dict], list[dict]]:
    """Every page of ``site`` (or ``only``) through Lighthouse; the median of ``runs`` runs per page.

    With ``baseline`` (another built site, e.g. of an earlier commit) each run of a page is taken on
    both sites one after the other, so that both see the same load on the machine; returns the two
    tables (site, baseline).
    """
    from browser import pages, serve

    if not LIGHTHOUSE.exists():
        sys.exit("benchmark: Lighthouse is not installed: run `npm ci` (it is a devDependency in package.json)")
    sites = [site] + ([baseline] if baseline else [])
    tables: list[list[dict]] = [[] for _ in sites]
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory(prefix="gdbook-lh-") as tmp:
        bases = [stack.enter_context(serve(s, compress=True)) for s in sites]
        for page in only or pages(site):
            results: list[list[dict]] = [[] for _ in sites]
            for i in range(runs):
                for k, base in enumerate(bases):
                    results[k].append(lighthouse_page(f"{base}/{page}", Path(tmp) / f"{k}-{i}.json"))
            for k, all_res in enumerate(results):
                res = [r for r in all_res if r["score"] is not None]
                row = {"page": page, "runs": len(res)}
                if not res:  # no run could score the page
                    row.update(score=None, ok=False, why=all_res[-1]["why"])
                    tables[k].append(row)
                    continue
                for key in ("score", "fcp_ms", "lcp_ms", "tbt_ms", "cls", "si_ms"):
                    row[key] = statistics.median(r[key] for r in res)
                for key in ("lcp_element", "render_blocking", "main_thread_by_script"):
                    row[key] = res[-1][key]
                row["ok"] = (row["score"] >= LH_TARGETS["score"] and row["tbt_ms"] <= LH_TARGETS["tbt_ms"]
                             and row["cls"] < LH_TARGETS["cls"])
                tables[k].append(row)
            print(f"  lighthouse {page}: " + " | ".join(_score(t[-1]) for t in tables), file=sys.stderr, flush=True)
    for s, table in zip(sites, tables):
        acts = first_action(s, [row["page"] for row in table])
        for row in table:
            row["first_action"] = acts[row["page"]]
    return (tables[0], tables[1]) if baseline else tables[0]


# What Lighthouse does not see: it loads a page and never acts on it, and the theme's script starts at the
# reader's first action (docs/overrides/partials/javascripts/theme-on-demand.html).  So each page is also
# loaded in Chromium with its CPU slowed 4x (Lighthouse's mobile multiplier), acted on once (tests/browser.py start_theme,
# a second after the load) and watched until the theme has started: the longest task in that time is how
# long a second tap, right after the first action, could wait.
ACT = """async () => {
  window.__gdTasks = [];
  new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__gdTasks.push(e.duration))).observe({ type: "longtask" });
}"""


def first_action(site: Path, only: list[str]) -> dict[str, dict]:
    """Per page: the longest main-thread task (ms, 4x CPU slowdown) from the first action until the theme's
    script has started, and all the long tasks' time; None on a page that runs no theme script."""
    from browser import PHONE, chromium, pages, serve, start_theme

    out: dict[str, dict] = {}
    with serve(site, compress=True) as base, chromium() as browser:
        for page_path in only or pages(site):
            ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
            page = ctx.new_page()
            ctx.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
            page.goto(f"{base}/{page_path}", wait_until="load")
            page.wait_for_timeout(1000)
            if page.evaluate("window.gdTheme") != "waiting":
                out[page_path] = {"longest_ms": None, "total_ms": None}
            else:
                page.evaluate(ACT)
                if start_theme(page) != "started":
                    raise RuntimeError(f"the theme's script did not start on {page_path}")
                page.wait_for_timeout(300)
                tasks = page.evaluate("window.__gdTasks")
                out[page_path] = {"longest_ms": max(tasks, default=0.0), "total_ms": sum(tasks)}
            ctx.close()
    return out


def _score(row: dict) -> str:
    return "no result" if row["score"] is None else f"{row['score']:.2f}"


def print_lighthouse(rows: list[dict]) -> None:
    print(f"\nLighthouse {lighthouse_version()} (mobile, simulated throttling, performance), "
          f"served with gzip; targets: score >= {LH_TARGETS['score']}, TBT <= {LH_TARGETS['tbt_ms']} ms, "
          f"CLS < {LH_TARGETS['cls']}")
    print("\n| page | performance | LCP | TBT | CLS | met | first action: longest task |\n"
          "|---|---:|---:|---:|---:|---|---:|")
    for r in rows:
        act = r.get("first_action", {}).get("longest_ms")
        act = "no theme script" if act is None else f"{act:.0f} ms"
        if r["score"] is None:
            print(f"| {r['page']} | no result | | | | NO ({r['why']}) | {act} |")
            continue
        print(f"| {r['page']} | {r['score']:.2f} | {r['lcp_ms'] / 1000:.1f} s | {r['tbt_ms']:.0f} ms | "
              f"{r['cls']:.3f} | {'yes' if r['ok'] else 'NO'} | {act} |")


def lighthouse_version() -> str:
    try:
        return json.loads((ROOT / "node_modules" / "lighthouse" / "package.json").read_text())["version"]
    except OSError:
        return "?"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs of each cheap measurement (the median is kept)")
    ap.add_argument("--json", default=str(ROOT / "build" / "benchmark.json"), help="where to write the results")
    ap.add_argument("--lighthouse", action="store_true", help="also run Lighthouse on every page of the built copy")
    ap.add_argument("--lighthouse-only", action="store_true",
                    help="only run Lighthouse, on an already built site (--site)")
    ap.add_argument("--site", default=str(ROOT / "site"), help="the site --lighthouse-only measures")
    ap.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (the median is kept)")
    ap.add_argument("--baseline", help="with --lighthouse-only: another built site (an earlier commit's) measured "
                                       "page by page alongside, run for run, so both see the same machine load")
    ap.add_argument("pages", nargs="*", help="with --lighthouse-only: only these pages (e.g. part1/rules.html)")
    args = ap.parse_args()
    info = machine()
    if args.lighthouse_only:
        base_rows = None
        if args.baseline:
            rows, base_rows = lighthouse(Path(args.site), args.pages, args.runs, Path(args.baseline))
        else:
            rows = lighthouse(Path(args.site), args.pages, args.runs)
        info["load_average_at_end"] = os.getloadavg()
        result = {"machine": info, "lighthouse_version": lighthouse_version(), "lighthouse": rows,
                  "lighthouse_targets": LH_TARGETS, "site": str(Path(args.site).resolve())}
        if base_rows is not None:
            result.update(baseline=str(Path(args.baseline).resolve()), lighthouse_baseline=base_rows)
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")
        print(f"Machine: {info['cpu']}, {info['cores']} cores; load average {info['load_average_at_start'][0]:.1f} "
              f"at the start, {info['load_average_at_end'][0]:.1f} at the end")
        if base_rows is not None:
            print(f"\nbaseline: {args.baseline}")
            print_lighthouse(base_rows)
            print(f"\nthis site: {args.site}")
        print_lighthouse(rows)
        print(f"\nwritten to {args.json}")
        return 0 if all(r["ok"] for r in rows) else 1
    with tempfile.TemporaryDirectory(prefix="gdbook-bench-") as tmp:
        c = Copy(Path(tmp))
        cold, cold_runs, cold_report = median_of(args.repeat, c.cold)
        warm, warm_runs, warm_report = median_of(args.repeat, c.build)
        page = c.root / PROSE_PAGE
        counter = iter(range(10**6))

        def prose():
            page.write_text(page.read_text() + f"\nBenchmark sentence {next(counter)}.\n")
            return c.build()

        prose_s, prose_runs, prose_report = median_of(args.repeat, prose)
        module = c.root / COMPUTE_MODULE

        def compute():
            module.write_text(module.read_text() + f"\n# benchmark edit {next(counter)}\n")
            return c.build()

        compute_s, compute_runs, compute_report = median_of(max(1, args.repeat - 1), compute)
        out = Path(tmp) / "rendered"
        render_s, _ = c.run("-m", "gdbook", "render", "--root", str(c.root), "--out", str(out), "--quiet")
        bare, bare_runs, _ = median_of(args.repeat, lambda: (c.bare(out), None))
        notebooks, notebook_runs, _ = median_of(args.repeat, c.notebooks)
        pages, shared = page_sizes(c.site)
        largest_s, largest_mb = c.largest()
        lh_site = None
        if args.lighthouse:  # measured after the build tables are printed (and kept, should Lighthouse fail)
            lh_site = Path(tempfile.mkdtemp(prefix="gdbook-bench-site-"))
            shutil.copytree(c.site, lh_site, dirs_exist_ok=True)
    rows = [
        ("cold build (empty caches)", cold, f"{len(cold_report['recomputed'])} sections computed, {len(cold_report['redrawn'])} figures drawn"),
        ("warm rebuild, nothing changed", warm, f"{len(warm_report['recomputed'])} recomputed, {len(warm_report['redrawn'])} redrawn"),
        (f"rebuild after editing {PROSE_PAGE}", prose_s, f"{len(prose_report['recomputed'])} recomputed, {len(prose_report['redrawn'])} redrawn"),
        (f"rebuild after editing {COMPUTE_MODULE}", compute_s, f"{len(compute_report['recomputed'])} recomputed, {len(compute_report['redrawn'])} redrawn"),
        ("bare mkdocs build of the rendered pages", bare, "the floor (notebooks already executed)"),
        ("executing the notebooks alone", notebooks, "three fresh kernels, one after the other"),
        ("cold build at the largest data.n allowed", largest_s, f"peak memory {largest_mb:.0f} MB"),
    ]
    targets = {
        "warm <= 1.2 x bare": {"value": warm / bare, "ok": warm <= 1.2 * bare},
        "cold <= 2.5 x bare + notebooks": {"value": cold / (2.5 * bare + notebooks),
                                           "ok": cold <= 2.5 * bare + notebooks},
        f"no page over {PAGE_LIMIT_KB} KB": {"value": max(p["total_kb"] for p in pages),
                                            "ok": all(p["total_kb"] <= PAGE_LIMIT_KB for p in pages)},
    }
    result = {"machine": info, "repeat": args.repeat,
              "timings": [{"what": w, "seconds": round(s, 3), "detail": d} for w, s, d in rows],
              "runs": {"cold": cold_runs, "warm": warm_runs, "prose": prose_runs, "compute": compute_runs,
                       "bare": bare_runs, "notebooks": notebook_runs},
              "render_seconds": render_s, "largest": {"seconds": largest_s, "peak_mb": largest_mb}, "targets": targets, "pages": pages, "shared_assets": shared}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=1) + "\n")

    print(f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}, Python {info['python']}, "
          f"load average at start {info['load_average_at_start'][0]:.1f}")
    print(f"\n| build | seconds | ratio to bare | what it did |\n|---|---:|---:|---|")
    for w, s, d in rows:
        print(f"| {w} | {s:.2f} | {s / bare:.2f}× | {d} |")
    print("\n| target | measured | met |\n|---|---:|---|")
    for name, t in targets.items():
        value = f"{t['value']:.0f} KB" if "KB" in name else f"{t['value']:.2f}"
        print(f"| {name} | {value} | {'yes' if t['ok'] else 'NO'} |")
    print(f"\n| page | HTML (gzip) | own files: images, scripts no other page loads (gzip) | total |\n|---|---:|---:|---:|")
    for p in sorted(pages, key=lambda p: -p["total_kb"]):
        print(f"| {p['page']} | {p['html_gzip_kb']:.1f} KB | {p['images']} · {p['images_gzip_kb']:.1f} KB | {p['total_kb']:.1f} KB |")
    print("\n| shared, loaded once | files | gzip |\n|---|---:|---:|")
    for s in shared:
        print(f"| {s['what']} | {s['files']} | {s['gzip_kb']:.1f} KB |")
    sys.stdout.flush()
    if lh_site is not None:
        lh_rows = lighthouse(lh_site, [], args.runs)
        shutil.rmtree(lh_site, ignore_errors=True)
        targets["Lighthouse: every page meets its targets"] = {
            "value": min((r["score"] for r in lh_rows if r["score"] is not None), default=0.0),
            "ok": all(r["ok"] for r in lh_rows)}
        result.update(targets=targets, lighthouse_version=lighthouse_version(), lighthouse=lh_rows,
                      lighthouse_targets=LH_TARGETS)
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")
        print_lighthouse(lh_rows)
    print(f"\nwritten to {args.json}")
    return 0 if all(t["ok"] for t in targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
