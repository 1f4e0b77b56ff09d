"""Notebooks: executed at build, light pages, valid deterministic downloads, a cell error fails the build."""

from __future__ import annotations

import ast
import gzip
import re
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, docs_copy, run_gdbook
from gdbook.book import notebooks

SOURCES = sorted((ROOT / "docs" / "notebooks").glob("*.py"))


def test_there_is_a_notebook_per_part():
    names = [p.name for p in SOURCES]
    assert any(n.startswith("part1-") for n in names) and any(n.startswith("part2-") for n in names), names


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.name)
def test_ipynb_is_valid_deterministic_and_imports_gdbook(src):
    text = src.read_text(encoding="utf-8")
    a, b = notebooks.to_ipynb(text), notebooks.to_ipynb(text)
    assert a == b, "two conversions of the same source differ"
    nb = nbformat.reads(a, as_version=4)
    nbformat.validate(nb)
    assert [c["id"] for c in nb.cells] == [f"cell-{i}" for i in range(1, len(nb.cells) + 1)]
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "from gdbook" in code and "from_mapping" in code, "a notebook must run the book's own code and settings"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_slim_page_drops_jupyterlab_css_mathjax_and_mermaid():
    """Measured on a real mkdocs-jupyter conversion (not executed: fast)."""
    from mkdocs_jupyter import convert

    src = SOURCES[0]
    raw = convert.nb2html(str(src), execute=False, allow_errors=False, no_prompt=True, custom_mathjax_url="")
    slim = notebooks.slim_page(raw, f"notebooks/{src.name}")
    assert len(raw) > 500_000, len(raw)  # what mkdocs-jupyter inlines by default
    assert len(slim) < 60_000, len(slim)
    assert "<style" not in slim and "mathjax" not in slim.lower()
    assert "mermaid" in raw and "mermaid" not in slim.lower()  # its loader would import mermaid from a CDN
    assert "cell-id=" not in slim
    assert f'href="{src.with_suffix(".ipynb").name}"' in slim
    assert 'class="highlight' in slim and "highlight-ipynb" not in slim
    ids = re.findall(r'\bid="([^"]+)"', slim)
    assert len(ids) == len(set(ids)), "duplicate ids in a notebook page"


def test_notebook_pages_in_the_site(built_site):
    for src in SOURCES:
        page = built_site / "notebooks" / src.with_suffix(".html").name
        html = page.read_text(encoding="utf-8")
        # Executed at build: every code cell has its output (none of them is silent).
        assert html.count("jp-OutputArea-output") >= 3, page
        assert "Traceback" not in html, page
        assert "<style" not in html and "mathjax" not in html.lower() and "mermaid" not in html.lower()
        assert "jp-RenderedMarkdown" in html
        # The $...$ of markdown cells rendered when the book was built.
        assert html.count('class="katex"') >= 3
        # Light: the JupyterLab CSS alone is ~590 KB; a notebook page with its figures stays well under it.
        assert len(gzip.compress(page.read_bytes())) < 150_000, page
        ipynb = built_site / "notebooks" / src.with_suffix(".ipynb").name
        assert f'href="{ipynb.name}"' in html
        nb = nbformat.read(ipynb, as_version=4)
        nbformat.validate(nb)
        assert ipynb.read_text(encoding="utf-8") == notebooks.to_ipynb(src.read_text(encoding="utf-8"))
        assert (built_site / "notebooks" / src.name).read_bytes() == src.read_bytes()


def test_notebook_outputs_come_from_gdbook(built_site):
    """The regression notebook, executed at build, prints the closed form gdbook computes for its settings."""
    from gdbook.core import data as dataset, model
    from gdbook.settings import from_mapping

    html = (built_site / "notebooks" / "part2-regression.html").read_text(encoding="utf-8")
    src = (ROOT / "docs" / "notebooks" / "part2-regression.py").read_text(encoding="utf-8")
    mine = re.search(r"^my_settings = (\{.*?^\})", src, re.S | re.M).group(1)
    ds = dataset.make_dataset(from_mapping(ast.literal_eval(mine)))
    w, b = model.closed_form(ds.x_train, ds.y_train)
    assert f"closed form  {w:9.4f} {b:9.4f}" in html


@pytest.mark.slow
def test_a_failing_cell_fails_the_build(tmp_path, root):
    """Copy the project, break one notebook cell: `gdbook build` exits 1 and publishes nothing."""
    proj = docs_copy(tmp_path, root)
    broken = proj / "docs" / "notebooks" / SOURCES[0].name  # the first one runs first: fails fast
    broken.write_text(broken.read_text(encoding="utf-8") + '\n# %%\nraise ValueError("a broken cell")\n', encoding="utf-8")
    site = tmp_path / "site"
    proc = run_gdbook("build", "--root", str(proj), "--site-dir", str(site), "--quiet",
                      env={"GDBOOK_CACHE_DIR": str(root / ".cache" / "gdbook"),
                           "GDBOOK_GENERATED_DIR": str(tmp_path / "generated")})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "a broken cell" in proc.stderr and broken.name in proc.stderr
    assert not site.exists()


def test_printing_split_by_the_kernel_is_joined():
    """Streams arrive in pieces depending on load; joined, two builds give the same page."""
    nb = nbformat.v4.new_notebook()
    stream = lambda name, text: nbformat.v4.new_output("stream", name=name, text=text)  # noqa: E731
    image = nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>"})
    cell = nbformat.v4.new_code_cell("...")
    cell.outputs = [stream("stdout", "a = 1\nb "), stream("stdout", "= 2\n"), stream("stderr", "warn\n"),
                    image, stream("stdout", "after\n"), stream("stdout", "the figure\n")]
    nb.cells = [cell, nbformat.v4.new_markdown_cell("text")]
    notebooks.merge_streams(nb)
    outs = nb.cells[0].outputs
    assert [(o.output_type, o.get("name"), o.get("text")) for o in outs] == [
        ("stream", "stdout", "a = 1\nb = 2\n"), ("stream", "stderr", "warn\n"),
        ("display_data", None, None), ("stream", "stdout", "after\nthe figure\n")]
    nbformat.validate(nb)
