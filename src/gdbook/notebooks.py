"""The book's notebooks: downloadable .ipynb files and light notebook pages.

The notebooks are kept as jupytext percent-format sources,
``docs/notebooks/*.py``.  mkdocs-jupyter executes each one at build time and
renders it as a page (a cell error fails the build: ``allow_errors: false``).
This module does the two things around that:

* :func:`to_ipynb` turns a source into the ``.ipynb`` a reader downloads:
  unexecuted, with cell ids ``cell-1``, ``cell-2``, ... instead of nbformat's
  random ones (builds are byte-identical), validated by nbformat.
* :func:`slim_page` cleans the HTML mkdocs-jupyter makes: it drops the
  ~590 KB of JupyterLab CSS and the MathJax loader inlined into every page
  (the book's own KaTeX renders ``$...$`` and ``docs/assets/stylesheets/
  notebooks.css`` styles the cells), replaces random ids, and adds the
  download links.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

FOLDER = "notebooks"  # under docs/


def is_notebook(src_uri: str) -> bool:
    return src_uri.startswith(f"{FOLDER}/") and src_uri.endswith(".py")


def ipynb_name(src_uri: str) -> str:
    return Path(src_uri).with_suffix(".ipynb").name


def to_ipynb(source: str) -> str:
    """The .ipynb (nbformat 4, JSON text) of a jupytext percent-format source."""
    import jupytext
    import nbformat

    nb = jupytext.reads(source, fmt="py:percent")
    nb.metadata.pop("jupytext", None)  # the pairing with the .py is the book's business
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells, start=1):
        cell["id"] = f"cell-{i}"
        cell.metadata.pop("lines_to_next_cell", None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def describe_error(e: BaseException) -> str:
    """One readable paragraph for a failed notebook: the error and the cell that raised it."""
    ename, evalue = getattr(e, "ename", type(e).__name__), getattr(e, "evalue", str(e))
    text = _ANSI.sub("", str(e))
    parts = text.split("------------------")
    cell = parts[1].strip() if len(parts) > 2 else ""
    return f"{ename}: {_ANSI.sub('', str(evalue))}" + (f", in the cell:\n{cell}" if cell else "")


_STYLE = re.compile(r"<style[^>]*>.*?</style>\s*", re.S)
_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->\s*", re.S)
_CELL_ID = re.compile(r'id="cell-id=[^"]*"')


def slim_page(body: str, src_uri: str) -> str:
    """mkdocs-jupyter's HTML for one notebook, without its inlined CSS and MathJax, with download links."""
    body = _STYLE.sub("", body)
    body = _MATHJAX.sub("", body)
    if "mathjax" in body.lower():
        raise ValueError(f"{src_uri}: a MathJax loader is left in the notebook page")
    counter = iter(range(1, 10_000))
    body = _CELL_ID.sub(lambda m: f'id="nb-cell-{next(counter)}"', body)
    # Material's code colours (light and dark) apply to ".highlight".
    body = body.replace('class="highlight-ipynb', 'class="highlight')
    name = ipynb_name(src_uri)
    source = Path(src_uri).name
    links = (
        '<div class="admonition tip gd-notebook-download">'
        '<p class="admonition-title">Run it yourself</p>'
        f'<p><a href="{html.escape(name)}" download>Download the notebook ({html.escape(name)})</a> '
        f'or its <a href="{html.escape(source)}" download>jupytext source ({html.escape(source)})</a>, '
        "install gdbook, change the settings and run it again. The outputs below were computed "
        "when this page was built.</p></div>\n"
    )
    # After the notebook's first heading (its title), before everything else.
    m = re.search(r"</h1>", body)
    at = m.end() if m else 0
    body = body[:at] + "\n" + links + body[at:]
    return body
