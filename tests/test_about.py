"""About this book: the build diagram and the provenance of the build."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess

from gdbook.book import about


def test_build_diagram_names_every_stage_and_counts():
    text = about.build_diagram(40, ["dataset", "model", "gd"], 7, 20, 3)
    assert text.startswith("flowchart TD")
    for stage in ("settings", "compute", "results", "figures", "render", "mkdocs", "site", "notebooks"):
        assert re.search(rf"^\s+{stage}[\[\(]", text, re.M), stage
    assert "3 sections" in text and "7 figures" in text and "20 pages" in text and "40 values" in text
    assert "compute --> figures" in text and "render --> mkdocs" in text and "mkdocs --> site" in text
    assert " end[" not in text


def test_git_state_of_this_checkout(root):
    g = about.git_state(root)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True)
    if head.returncode:
        assert not g["available"]
    else:
        assert g["available"] and g["commit"] == head.stdout.strip()


def test_git_unavailable_is_reported(tmp_path):
    g = about.git_state(tmp_path)  # not a repository
    assert g == {"available": False, "commit": "", "short": "", "date": "", "modified": []}


def test_versions_are_the_installed_ones(root):
    v = about.versions(root)
    assert v["packages"]["numpy"] == importlib.metadata.version("numpy")
    assert v["packages"]["mkdocs-jupyter"] == importlib.metadata.version("mkdocs-jupyter")
    assert set(v["front_end"]) == {"katex", "mermaid"}


def test_about_page(built_site, root, results):
    html = (built_site / "reference" / "about.html").read_text(encoding="utf-8")
    assert "gd:about" not in html
    assert 'class="mermaid"' not in html and "mermaid.min.js" not in html
    assert re.findall(r'<svg\b[^>]*\bgd-mermaid__(light|dark)\b[^>]*>', html) == ["light", "dark"]
    assert html.count('role="img" aria-label="How the book is built"') == 2
    assert "runs no math or diagram script" in html
    g = about.git_state(root)
    if g["available"]:
        assert g["commit"] in html
    else:
        assert "was not available" in html
    assert about.digest((built_site / "downloads" / "results.json").read_bytes()) in html
    assert importlib.metadata.version("numpy") in html
    assert f"<td>{results['settings']['seed']}</td>" in html
    assert "gdbook.chapters.ethics.compute" in html and "gdbook.chapters.flowchart.compute" in html


def test_modified_files_are_named_in_full(tmp_path):
    """A file changed since the commit is named as git names it (the first letter once went missing)."""
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "mkdocs.yml").write_text("a\n")
    (tmp_path / "b.txt").write_text("b\n")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "c")
    (tmp_path / "mkdocs.yml").write_text("changed\n")
    (tmp_path / "b.txt").write_text("staged\n")
    git("add", "b.txt")
    assert about.git_state(tmp_path)["modified"] == ["b.txt", "mkdocs.yml"]
