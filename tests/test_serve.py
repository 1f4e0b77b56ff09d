"""`gdbook serve` (MkDocs' live server with the gdbook plugin) through a session of edits.

A real server process on a copy of the project, driven as an author would:
a comment added to every module of the package, a code change that alters a
value on a page, a Python error in a chapter, a template with an unknown key,
the fixes and the reverts.  After every edit the server rebuilds, answers
every request promptly, and shows either the new page or the error; a good
edit after a bad one recovers without a restart.
"""

from __future__ import annotations

import html
import re
import time

import pytest
from projects import Project, fetch_json, serving

from gdbook.core import fmt

pytestmark = pytest.mark.slow

CHAPTER = "src/gdbook/chapters/model_and_loss/compute.py"
PAGE = "docs/part2/dataset.md"


def text_of(page_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page_html))


def initial_w(server) -> float:
    return fetch_json(server, "downloads/results.json")["model_and_loss"]["initial"]["w"]


def test_serve_through_code_edits_errors_and_reverts(tmp_path):
    project = Project(tmp_path)
    with serving(project) as server:
        server.wait_for_build(0)
        w0 = initial_w(server)
        page = text_of(server.get("part2/model-and-loss.html"))
        assert fmt.num(w0) in page

        # 1. A comment in every module of the package: everything is re-imported and rebuilt.
        done = server.builds()
        modules = sorted((project.root / "src" / "gdbook").rglob("*.py"))
        assert len(modules) > 40
        for path in modules:
            path.write_text(path.read_text(encoding="utf-8") + "\n# a comment added while serving\n", encoding="utf-8")
        server.wait_for_build(done)
        assert initial_w(server) == w0
        assert "could not be built" not in server.get("index.html")

        # 2. A code change that alters a value on a page.
        done = server.builds()
        project.edit(CHAPTER, '"w": ds.w0,', '"w": ds.w0 + 1.0,')
        server.wait_for_build(done)
        assert initial_w(server) == pytest.approx(w0 + 1.0, rel=1e-12)
        assert fmt.num(w0 + 1.0) in text_of(server.get("part2/model-and-loss.html"))

        # 3. A Python error in a chapter: every page says so, naming the module and the error.
        done = server.builds()
        project.edit(CHAPTER, "    ds = make_dataset(s)\n", "    ds = make_dataset(s)\n    raise RuntimeError('a bug put in by the serve test')\n")
        server.wait_for_build(done)
        t0 = time.monotonic()
        shown = text_of(server.get("part2/model-and-loss.html"))
        assert time.monotonic() - t0 < 10, "the server was slow to answer"
        assert "The book could not be built" in shown
        assert "gdbook.chapters.model_and_loss.compute" in shown and "RuntimeError" in shown
        assert "a bug put in by the serve test" in text_of(server.get("index.html"))

        # 4. Fixed: the book is back, with the changed value.
        done = server.builds()
        project.edit(CHAPTER, "    raise RuntimeError('a bug put in by the serve test')\n", "")
        server.wait_for_build(done)
        assert "could not be built" not in text_of(server.get("part2/model-and-loss.html"))
        assert initial_w(server) == pytest.approx(w0 + 1.0, rel=1e-12)

        # 5. An unknown key in a page template: that page shows the error, naming the page, line and key;
        #    every other page carries a banner naming it.
        done = server.builds()
        page_path = project.root / PAGE
        good = page_path.read_text(encoding="utf-8")
        page_path.write_text(good + "\nThe size is {{ dataset.no_such_key | num }}.\n", encoding="utf-8")
        server.wait_for_build(done)
        line = good.count("\n") + 2
        bad = text_of(server.get("part2/dataset.html"))
        assert "docs/part2/dataset.md could not be rendered" in bad
        assert f"docs/part2/dataset.md, line {line}: unknown placeholder 'dataset.no_such_key'" in bad
        other = text_of(server.get("part2/full-batch.html"))
        assert "dataset.no_such_key" in other and "problem" in other

        # 6. The template fixed: no error, no banner.
        done = server.builds()
        page_path.write_text(good, encoding="utf-8")
        server.wait_for_build(done)
        assert "no_such_key" not in server.get("part2/dataset.html")
        assert "gd-build-problems" not in server.get("part2/full-batch.html")

        # 7. The code change reverted: the original value is back.
        done = server.builds()
        project.edit(CHAPTER, '"w": ds.w0 + 1.0,', '"w": ds.w0,')
        server.wait_for_build(done)
        assert initial_w(server) == w0
        assert fmt.num(w0) in text_of(server.get("part2/model-and-loss.html"))

        log = server.log()
    assert "PicklingError" not in log and "Traceback" not in log, log[-3000:]
