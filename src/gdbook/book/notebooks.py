"""The book's notebooks: executed (and cached) by gdbook, light pages, downloadable .ipynb files.

The notebooks are kept as jupytext percent-format sources,
``docs/notebooks/*.py``.  This module does everything around them:

* :class:`Runner` executes them at build time, in a child process that runs
  while the pipeline computes (``python -m gdbook.notebooks``), and caches
  each executed notebook under a key covering its source, every gdbook
  source and the versions of the libraries involved; a cell that raises
  fails the build, naming the notebook, the cell and the error.  MkDocs
  (mkdocs-jupyter, ``execute: false``) then only turns the executed notebook
  into HTML, so a rebuild in which no notebook and no gdbook code changed
  runs no kernel at all.
* :func:`to_ipynb` turns a source into the ``.ipynb`` a reader downloads:
  unexecuted, with cell ids ``cell-1``, ``cell-2``, ... instead of nbformat's
  random ones (builds are byte-identical), validated by nbformat.
* :func:`slim_page` cleans the HTML mkdocs-jupyter makes: it drops the
  ~590 KB of JupyterLab CSS and the MathJax and mermaid loaders inlined into
  every page (the book renders ``$...$`` with KaTeX at build time,
  :mod:`gdbook.book.katex`, and ``docs/assets/stylesheets/gdbook.css``
  styles the cells), replaces random ids, and adds the download links.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

FOLDER = "notebooks"  # under docs/
TIMEOUT = 600  # seconds a cell may run
LIBRARIES = ("nbclient", "nbformat", "ipykernel", "jupytext", "jupyter_client")


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
# The module script that would import mermaid from a CDN for JupyterLab's own mermaid cells.
_MERMAID = re.compile(r'<script type="module">\s*document\.addEventListener\("DOMContentLoaded", async \(\) => \{\s*'
                      r'const diagrams = document\.querySelectorAll\("\.jp-Mermaid.*?</script>\s*'
                      r"<!-- End of mermaid configuration -->\s*", re.S)
_CELL_ID = re.compile(r'id="cell-id=[^"]*"')


def slim_page(body: str, src_uri: str) -> str:
    """mkdocs-jupyter's HTML for one notebook, without its inlined CSS, MathJax and mermaid, with download links."""
    body = _STYLE.sub("", body)
    body = _MATHJAX.sub("", body)
    body = _MERMAID.sub("", body)
    if "mathjax" in body.lower():
        raise ValueError(f"{src_uri}: a MathJax loader is left in the notebook page")
    if "mermaid.esm" in body:
        raise ValueError(f"{src_uri}: a mermaid loader is left in the notebook page")
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


def sources(root: Path) -> list[Path]:
    return sorted((root / "docs" / FOLDER).glob("*.py"))


def execute(source: str, cwd: Path) -> str:
    """The .ipynb of a source with every cell run in a fresh kernel (raises on the first cell error)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.reads(to_ipynb(source), as_version=4)
    # No timings in the outputs: the same source gives the same bytes.
    NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3", allow_errors=False, record_timing=False,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    merge_streams(nb)
    return nbformat.writes(nb) + "\n"


def merge_streams(nb: Any) -> None:
    """Join each run of consecutive stdout (or stderr) outputs of a cell into one.

    How a cell's printing arrives in pieces depends on when the kernel flushed,
    that is on the machine's load: without this, two builds of the same notebook
    can differ (seen: one print line split in two under load).
    """
    for cell in nb.cells:
        merged: list = []
        for out in cell.get("outputs", []):
            prev = merged[-1] if merged else None
            if (out.get("output_type") == "stream" and prev is not None and prev.get("output_type") == "stream"
                    and prev.get("name") == out.get("name")):
                prev["text"] += out["text"]
            else:
                merged.append(out)
        if "outputs" in cell:
            cell["outputs"] = merged


def code_key() -> str:
    """What every notebook's outputs depend on besides its own source: all gdbook code, the libraries."""
    from gdbook.book.keys import package_key, versions_of

    return package_key({"jupyter": versions_of(set(LIBRARIES))})


def key_of(source: str, code: str) -> str:
    return hashlib.sha256(f"{code}\0{source}".encode()).hexdigest()[:32]


class Runner:
    """Executes the notebooks whose cached run is missing, in a child process, while the caller works.

    ``finish()`` waits for it, caches what it ran (unless a gdbook source
    changed meanwhile: then the outputs may come from either version), writes
    every executed notebook into ``work_dir`` (the build's own folder) and
    returns ``{src_uri: path}``.  The child dies with its parent: it is killed
    when the build is cancelled, and the kernel asks the system to kill it if
    the build process itself dies.
    """

    def __init__(self, paths: list[Path], cache: Any, work_dir: Path):
        self.t0 = time.perf_counter()
        self.cache, self.dir = cache, work_dir / "notebooks"
        self.items = []  # (src_uri, path, source, key, cached text or None)
        self.code = code_key()  # hashed once for all notebooks
        for path in paths:
            source = path.read_text(encoding="utf-8")
            key = key_of(source, self.code)
            self.items.append((f"{FOLDER}/{path.name}", path, source, key, cache.get("notebook", path.stem, key)))
        self.todo = [it for it in self.items if it[4] is None]
        self.proc = None
        if self.todo:
            self.tmp = work_dir / "notebook-runs"
            self.tmp.mkdir(parents=True, exist_ok=True)
            jobs = self.tmp / "jobs.json"
            jobs.write_text(json.dumps([{"name": p.stem, "source": src, "cwd": str(p.parent)}
                                        for _, p, src, _, _ in self.todo]), encoding="utf-8")
            self.proc = subprocess.Popen([sys.executable, "-m", "gdbook.book.notebooks", str(jobs), str(self.tmp)],
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                         start_new_session=True, preexec_fn=_die_with_parent)

    def cancel(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the child and the kernels it started
            except ProcessLookupError:
                pass
            self.proc.communicate()

    def finish(self) -> tuple[dict[str, str], float, str]:
        """(src_uri → executed .ipynb path, seconds spent waiting, what was done)."""
        from gdbook.book.outputs import write_atomic
        from gdbook.core.errors import BuildError

        t_wait = time.perf_counter()
        texts = {it[0]: it[4] for it in self.items}
        if self.proc is not None:
            _, err = self.proc.communicate()
            if self.proc.returncode != 0:
                # The child's own line names the notebook and the cell; anything else it printed
                # (a kernel that would not start...) is shown whole.
                mine = [line for line in err.splitlines() if line.startswith(f"notebook docs/{FOLDER}/")]
                raise BuildError(mine[-1].replace(" | ", "\n") if mine else f"notebook execution failed:\n{err.strip()}")
            unchanged = code_key() == self.code  # the sources were read once, at the start
            for uri, path, _, key, _ in self.todo:
                texts[uri] = (self.tmp / f"{path.stem}.ipynb").read_text(encoding="utf-8")
                if unchanged:
                    self.cache.put("notebook", path.stem, key, texts[uri])
        out = {}
        for uri, path, *_ in self.items:
            dest = self.dir / f"{path.stem}.ipynb"
            write_atomic(dest, texts[uri])
            out[uri] = str(dest)
        waited = time.perf_counter() - t_wait
        ran = f"{len(self.todo)} executed in {time.perf_counter() - self.t0:.1f} s, beside the pipeline" if self.todo \
            else "none executed"
        return out, waited, f"{len(self.items)} notebooks, {ran}"


def _die_with_parent() -> None:
    """In the child, before it runs: ask Linux to kill it when the build process dies (prctl PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
    except OSError:  # not Linux: cancel() still kills it
        pass


def main(argv: list[str]) -> int:
    """``python -m gdbook.book.notebooks JOBS OUT``: run each job's notebook, write OUT/<name>.ipynb."""
    jobs, out = json.loads(Path(argv[0]).read_text(encoding="utf-8")), Path(argv[1])
    for job in jobs:
        try:
            text = execute(job["source"], Path(job["cwd"]))
        except Exception as e:  # noqa: BLE001 - any failure of a notebook fails the build, with its cell
            one_line = describe_error(e).replace("\n", " | ")
            print(f"notebook docs/{FOLDER}/{job['name']}.py failed at build: {one_line}", file=sys.stderr)
            return 1
        (out / f"{job['name']}.ipynb").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
