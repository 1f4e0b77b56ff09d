"""End to end: the command line builds a strict site, atomically and reproducibly."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from conftest import run_gdbook


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


def test_mermaid_script_only_where_needed(built_site):
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        has_diagram = 'class="mermaid"' in html
        assert ("mermaid.min.js" in html) == has_diagram, page


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
