"""End to end: the command line builds a strict site, atomically and reproducibly."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pytest

from conftest import docs_copy, run_gdbook


def tree_digest(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_site_has_landing_page_and_downloads(built_site, results):
    assert (built_site / "index.html").is_file()
    index = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'href="downloads/results.json"' in index and 'href="downloads/dataset.csv"' in index
    with open(built_site / "downloads" / "dataset.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["x", "y", "split"]
    assert {r["split"] for r in rows} == {"train", "test"}
    assert len(rows) == results["dataset"]["n"]
    assert sum(r["split"] == "test" for r in rows) == results["dataset"]["n_test"]


def test_results_json_is_strict_json(built_site):
    text = (built_site / "downloads" / "results.json").read_text(encoding="utf-8")

    def no_constants(name):
        raise AssertionError(f"results.json holds {name}")

    data = json.loads(text, parse_constant=no_constants)
    assert "_x" not in data["dataset"], "private figure data leaked into results.json"


def test_no_external_host_in_html(built_site):
    """The static half of the 'no request to another host' rule (the browser test is the other)."""
    import re

    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for m in re.finditer(r'<(?:script|link|img|iframe|source)\b([^>]*?)(?:src|href)="(https?:)?//([^"/]+)', html):
            if 'rel="canonical"' in m.group(0):  # where the page lives, not something it loads
                continue
            pytest.fail(f"{page.relative_to(built_site)} loads from {m.group(3)}")
        assert "fonts.googleapis" not in html and "unpkg.com" not in html and "cdn.jsdelivr" not in html


MATH_OR_DIAGRAM_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=\"[^\"]*(katex|mermaid|auto-render|mathjax)[^\"]*\"", re.I)


def test_no_page_loads_a_math_or_diagram_script(built_site):
    """Math and diagrams are rendered when the book is built: no page asks the reader's browser to do it."""
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        where = page.relative_to(built_site)
        assert not MATH_OR_DIAGRAM_SCRIPT.search(html), where
        assert 'class="arithmatex"' not in html, f"{where}: math left for the browser"
        # Material's bundle fetches mermaid from a CDN for any element of class "mermaid".
        assert 'class="mermaid"' not in html and "mermaid.esm" not in html, where
    vendor = sorted(p.relative_to(built_site).as_posix() for p in (built_site / "assets" / "vendor").rglob("*") if p.is_file())
    assert "assets/vendor/katex/katex.min.css" in vendor
    assert any(v.startswith("assets/vendor/katex/fonts/") and v.endswith(".woff2") for v in vendor)
    assert not [v for v in vendor if v.endswith(".js")], "a script is still shipped"
    assert not list(built_site.rglob("katex-init.js"))


def test_no_page_runs_the_theme_script_while_it_loads(built_site):
    """The theme's script is on every page (bar the printable parts, which run none) as an inert tag that
    theme-on-demand.html starts at the reader's first action; no page loads it as it is parsed."""
    bundle = re.compile(r"<script\b[^>]*(?<![\w-])src=\"[^\"]*/bundle\.[0-9a-f]+\.min\.js\"")
    inert = re.compile(r'<script type="gd/theme" data-src="[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js"></script>')
    pages = sorted(built_site.rglob("*.html"))
    for page in pages:
        html = page.read_text(encoding="utf-8")
        where = page.relative_to(built_site).as_posix()
        assert not bundle.search(html), where
        if where.startswith("print/"):
            assert "bundle." not in html, where
        else:
            assert len(inert.findall(html)) == 1 and "window.gdTheme" in html, where
    assert len(pages) > 20


def test_every_figure_image_reserves_its_space(built_site):
    """Every figure image and phone source carries width and height, the SVG's own size: the page does not move
    when it loads."""
    from gdbook.book.drawing import css_size

    seen = 0
    for page in built_site.rglob("*.html"):
        for tag in re.findall(r"<(?:img|source)\b[^>]*>", page.read_text(encoding="utf-8")):
            src = re.search(r'(?:src|srcset)="([^"#]+)', tag).group(1)
            if not src.endswith(".svg") or "img/" not in src:
                continue
            seen += 1
            w, h = re.search(r'width="(\d+)"', tag), re.search(r'height="(\d+)"', tag)
            assert w and h, f"{page.relative_to(built_site)}: {tag[:120]}"
            assert (int(w.group(1)), int(h.group(1))) == css_size((page.parent / src).read_bytes()), tag[:120]
    assert seen > 80


@pytest.mark.slow
def test_failed_build_leaves_site_untouched(tmp_path, built_site, root):
    """A failure after MkDocs has started (here: a strict-mode warning) publishes nothing."""
    before = tree_digest(built_site)
    # Point the command at a copy of the project whose mkdocs.yml warns.
    proj = tmp_path / "proj"
    proj.mkdir()
    for name in ("pyproject.toml", "package-lock.json"):
        (proj / name).write_bytes((root / name).read_bytes())
    (proj / "node_modules").symlink_to(root / "node_modules")
    (proj / "scripts").symlink_to(root / "scripts")
    (proj / "docs").symlink_to(root / "docs")
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (proj / "mkdocs.yml").write_text(text + "\nnot_a_real_option: 1\n")
    proc = run_gdbook("build", "--root", str(proj), "--site-dir", str(built_site))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "left as it was" in proc.stderr
    assert tree_digest(built_site) == before


@pytest.mark.slow
def test_two_builds_are_byte_identical(tmp_path, built_site):
    """A second build, with a cold cache, gives the same bytes as the first."""
    site = tmp_path / "site"
    proc = run_gdbook("build", "--site-dir", str(site), "--quiet", env={"GDBOOK_CACHE_DIR": str(tmp_path / "cache")})
    assert proc.returncode == 0, proc.stderr
    a, b = tree_digest(built_site), tree_digest(site)
    assert a.keys() == b.keys(), set(a) ^ set(b)
    differ = [k for k in a if a[k] != b[k]]
    assert not differ, differ


def test_sitemap_lists_every_page_at_the_site_address(built_site):
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.parse(built_site / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    pages = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html") if p.name != "404.html")
    assert len(locs) == len(pages) and all(loc.startswith("http://127.0.0.1:8000/") for loc in locs), locs[:3]
    assert sorted(loc.removeprefix("http://127.0.0.1:8000/") or "index.html" for loc in locs) == pages
@pytest.mark.slow
def test_a_rebuild_with_nothing_changed_starts_neither_node_nor_chromium(tmp_path, built_site):
    """The formulas and diagrams of a warm rebuild all come from the cache (built_site filled it)."""
    report = tmp_path / "report.json"
    proc = run_gdbook("build", "--site-dir", str(tmp_path / "site"), "--quiet", "--report", str(report))
    assert proc.returncode == 0, proc.stderr
    stage = {s["stage"]: s["detail"] for s in json.loads(report.read_text())["stages"]}["math+svg"]
    assert "0 rendered by KaTeX, no Node" in stage and "0 drawn, no browser" in stage, stage
    assert tree_digest(tmp_path / "site") == tree_digest(built_site)


@pytest.mark.slow
def test_a_formula_katex_cannot_parse_fails_the_build(tmp_path, built_site, root):
    """Naming the page and the formula; nothing is published."""
    before = tree_digest(built_site)
    proj = docs_copy(tmp_path, root)
    page = proj / "docs" / "part2" / "dataset.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA broken formula: \\(\\frac{1}{\\nosuchmacro}\\).\n",
                    encoding="utf-8")
    proc = run_gdbook("build", "--root", str(proj), "--site-dir", str(built_site))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "docs/part2/dataset.md" in proc.stderr and "\\frac{1}{\\nosuchmacro}" in proc.stderr, proc.stderr
    assert "left as it was" in proc.stderr
    assert tree_digest(built_site) == before


@pytest.mark.slow
def test_front_matter_that_is_not_yaml_fails_the_build(tmp_path, built_site, root):
    """MkDocs would show it as text and drop the page's terms; the build names the page instead."""
    before = tree_digest(built_site)
    proj = docs_copy(tmp_path, root)
    page = proj / "docs" / "part3" / "gradient-check.md"
    text = page.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    # a quote inside a single-quoted YAML string, unescaped
    page.write_text(text.replace("---\n", "---\nbroken: 'f'(x)'\n", 1), encoding="utf-8")
    proc = run_gdbook("build", "--root", str(proj), "--site-dir", str(built_site))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "docs/part3/gradient-check.md" in proc.stderr and "front matter" in proc.stderr, proc.stderr
    assert tree_digest(built_site) == before
