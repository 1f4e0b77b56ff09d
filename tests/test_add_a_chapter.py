"""CONTRIBUTING.md's "How to add a chapter", followed to the letter on a copy of the project.

The files the guide shows are written from its own code blocks (each names its
path in its first line), the nav line is added where it says, and the copy is
built: the new page must show the number and the figure, and nothing else
must be recomputed.
"""

from __future__ import annotations

import re

import pytest
from projects import ROOT, Project

pytestmark = pytest.mark.slow


def guide_blocks() -> dict[str, str]:
    """{path: text} of every code block of the guide whose first line names a file."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## How to add a chapter", 1)[1].split("\n## ", 1)[0]
    blocks = {}
    for body in re.findall(r"```\w*\n(.*?)```", section, re.S):
        lines = [line[3:] if line.startswith("   ") else line for line in body.splitlines()]
        first = lines[0]
        m = re.match(r"^(?:#|<!--)\s*([\w./-]+\.(?:py|md|yml))\b", first)
        if m:
            blocks[m.group(1)] = "\n".join(lines[1:] if first.startswith("<!--") or m.group(1) == "mkdocs.yml"
                                           else lines) + "\n"
    return blocks


def test_the_guide_shows_every_file():
    blocks = guide_blocks()
    assert set(blocks) == {"src/gdbook/chapters/hello/compute.py", "src/gdbook/chapters/hello/figures.py",
                           "src/gdbook/chapters/hello/__init__.py", "docs/part4/hello.md", "mkdocs.yml"}


def test_adding_a_chapter_as_the_guide_says(tmp_path):
    project = Project(tmp_path)
    for path, text in guide_blocks().items():
        if path == "mkdocs.yml":
            config = project.root / "mkdocs.yml"
            nav = config.read_text(encoding="utf-8")
            anchor = "      - Ethics: part4/ethics.md\n"
            assert anchor in nav
            config.write_text(nav.replace(anchor, anchor + text.strip("\n") + "\n"), encoding="utf-8")
        else:
            (project.root / path).parent.mkdir(parents=True, exist_ok=True)
            (project.root / path).write_text(text, encoding="utf-8")
    report = project.build("--quiet")
    assert report["recomputed"] == ["hello"], report["recomputed"]
    assert report["redrawn"] == ["hello-points"], report["redrawn"]
    html = (project.site / "part4" / "hello.html").read_text(encoding="utf-8")
    import json

    import numpy as np

    results = json.loads((project.site / "downloads" / "results.json").read_text(encoding="utf-8"))
    from part2_csv import load

    x_train = load(project.site)["train"][0]
    assert results["hello"]["mean_x"] == pytest.approx(float(np.mean(x_train)), rel=1e-12)
    from gdbook.core import fmt

    assert f"mean x = {fmt.num(results['hello']['mean_x'])}" in html and "positive" in html
    assert '<img src="../img/hello-points-light.svg"' in html and "hello-points-dark-phone.svg" in html
    assert 'href="hello.html"' in (project.site / "part4" / "ethics.html").read_text(encoding="utf-8")
