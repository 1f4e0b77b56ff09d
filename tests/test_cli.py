"""The gdbook command as authors and publishers meet it: help, version, settings files, failures,
interruptions, builds at once, and what a build leaves behind (nothing)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from projects import Project

from conftest import run_gdbook


def tree_digest(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


# --- help and version ---------------------------------------------------------------

def test_version():
    from gdbook import __version__

    proc = run_gdbook("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"gdbook {__version__}"


def test_help_lists_every_command_with_what_it_does_and_the_exit_codes():
    proc = run_gdbook("--help")
    assert proc.returncode == 0
    out = proc.stdout
    for command, words in (("build", "publish it into site/"), ("serve", "rebuild it on every edit"),
                           ("render", "bare mkdocs build")):
        assert command in out and words in out, (command, out)
    for code in ("0", "1", "2", "130"):
        assert f"\n  {code} " in out, code
    assert "``" not in out and ":func:" not in out  # no reStructuredText in a terminal
    sub = run_gdbook("build", "--help")
    assert sub.returncode == 0 and "--settings FILE" in sub.stdout and "--debug" in sub.stdout and "exit status" in sub.stdout


# --- settings files -------------------------------------------------------------------

@pytest.mark.parametrize("text, fragments", [
    ("[tool.black]\nline-length = 100\n", ["no [tool.gdbook] table", "[tool.black]", "add one"]),
    ("seed = 7\n[tool.gdbook]\n", ["'seed'", "top level", "beside a [tool] table", "[tool.gdbook]"]),
    ("seed = 7\n[tool.black]\nline-length = 100\n", ["'seed'", "beside a [tool] table"]),
])
def test_settings_a_file_would_silently_ignore_are_an_error(tmp_path, text, fragments):
    f = tmp_path / "s.toml"
    f.write_text(text)
    proc = run_gdbook("build", "--settings", str(f), "--site-dir", str(tmp_path / "site"))
    assert proc.returncode == 2, proc.stderr
    for fragment in fragments:
        assert fragment in proc.stderr, (fragment, proc.stderr)
    assert not (tmp_path / "site").exists()


def test_an_empty_gdbook_table_is_the_defaults(tmp_path):
    from gdbook.settings import Settings, load

    f = tmp_path / "s.toml"
    f.write_text("[project]\nname = 'x'\n[tool.gdbook]\n")
    assert load(f) == Settings()


# --- failures ---------------------------------------------------------------------------

@pytest.mark.slow
def test_a_python_error_is_one_line_naming_module_and_error_and_debug_shows_the_traceback(tmp_path):
    project = Project(tmp_path)
    project.edit("src/gdbook/chapters/closed_form/compute.py", "    ds = make_dataset(s)\n",
                 "    ds = make_dataset(s)\n    raise ZeroDivisionError('planted by the test')\n")
    proc = project.run("build", "--root", str(project.root), "--site-dir", str(project.site), "--quiet")
    assert proc.returncode == 1
    assert "computing 'closed_form' (gdbook.chapters.closed_form.compute) raised ZeroDivisionError: planted by the test" in proc.stderr
    assert "--debug" in proc.stderr and "Traceback" not in proc.stderr
    assert not project.site.exists()
    debug = project.run("build", "--root", str(project.root), "--site-dir", str(project.site), "--quiet", "--debug")
    assert debug.returncode == 1 and "Traceback" in debug.stderr and "planted by the test" in debug.stderr


def _running(pattern: str) -> list[str]:
    out = subprocess.run(["ps", "-ww", "-eo", "pid,args"], capture_output=True, text=True).stdout  # -ww: never cut
    return [line for line in out.splitlines() if pattern in line and "ps -ww" not in line]


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
def test_ctrl_c_exits_130_with_one_line_and_leaves_site_and_nothing_else(tmp_path):
    project = Project(tmp_path, warm=False)  # cold: the build is busy computing when interrupted
    project.site.mkdir()
    (project.site / "index.html").write_text("the last good site")
    before = tree_digest(project.site)
    proc = subprocess.Popen(project.command("build", "--root", str(project.root), "--site-dir", str(project.site)),
                            env=project.env, cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    work = project.cache / "work"
    _wait_for(lambda: any(work.glob("*/notebook-runs/jobs.json")), 120, "the notebooks to start")
    time.sleep(0.2)  # still computing: a warm machine finishes the whole build within seconds
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "gdbook: interrupted; site/ left as it was"
    assert "Traceback" not in err
    assert tree_digest(project.site) == before
    assert not list(tmp_path.glob(".site-staging-*")) and not list(tmp_path.glob(".site-old-*"))
    assert not any(work.iterdir()), list(work.iterdir())
    _wait_for(lambda: not _running(str(work)), 10, "the notebook child to stop")


@pytest.mark.slow
def test_a_killed_build_leaves_nothing_running_and_the_next_build_tidies_up(tmp_path):
    project = Project(tmp_path, warm=False)
    proc = subprocess.Popen(project.command("build", "--root", str(project.root), "--site-dir", str(project.site)),
                            env=project.env, cwd=project.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    work = project.cache / "work"
    _wait_for(lambda: any(work.glob("*/notebook-runs/jobs.json")), 120, "the notebooks to start")
    _wait_for(lambda: bool(_running(str(work))), 30, "the notebook child")
    proc.kill()  # no chance to clean up: only the kernel can stop the child now
    proc.wait()
    _wait_for(lambda: not _running(str(work)), 15, "the notebook child to die with its parent")
    assert any(work.iterdir()) and list(tmp_path.glob(".site-staging-*"))  # what the killed build left
    project.build("--quiet")
    assert not any(work.iterdir())
    assert not list(tmp_path.glob(".site-staging-*")) and not list(tmp_path.glob(".site-old-*"))


# --- two builds at once ----------------------------------------------------------------

@pytest.mark.slow
def test_two_builds_at_once_each_give_what_they_give_alone(tmp_path, built_site, root):
    other = tmp_path / "other.toml"
    other.write_text("seed = 7\n")  # other settings build alike: tests/test_settings_matrix.py
    shared = {"GDBOOK_CACHE_DIR": str(tmp_path / "shared-cache")}  # cold and shared: both compute at once
    runs = [subprocess.Popen([sys.executable, "-m", "gdbook", "build", "--quiet", "--site-dir", str(tmp_path / name),
                              *args], cwd=root, env={**os.environ, **shared}, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
            for name, args in (("A", []), ("B", ["--settings", str(other)]))]
    for r in runs:
        _, err = r.communicate(timeout=900)
        assert r.returncode == 0, err
    # alone: the project's own cache, which the pair never touched (what it holds for other settings is reused)
    alone = run_gdbook("build", "--quiet", "--settings", str(other), "--site-dir", str(tmp_path / "B-alone"))
    assert alone.returncode == 0, alone.stderr
    assert tree_digest(tmp_path / "A") == tree_digest(built_site)
    assert tree_digest(tmp_path / "B") == tree_digest(tmp_path / "B-alone")
    assert tree_digest(tmp_path / "A") != tree_digest(tmp_path / "B")


# --- strings from outside reach HTML escaped --------------------------------------------

@pytest.mark.slow
def test_a_settings_file_name_is_escaped_where_it_reaches_html(tmp_path, root):
    name = '<img src=x onerror=alert(1)>.toml'
    f = tmp_path / name
    f.write_text("[tool.gdbook]\n")
    proc = run_gdbook("build", "--quiet", "--settings", str(f), "--site-dir", str(tmp_path / "site"))
    assert proc.returncode == 0, proc.stderr
    for page in ("reference/about.html", "print/reference.html"):
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert "<img src=x onerror" not in html, page
        assert "&lt;img src=x onerror=alert(1)&gt;.toml" in html, page


# --- gdbook render: the pages as MkDocs sees them, for the benchmark's bare build -------------------

@pytest.mark.slow
def test_render_writes_every_page_and_a_bare_configuration_that_builds(tmp_path, root):
    proc = run_gdbook("render", "--quiet", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    docs = tmp_path / "out" / "docs"
    for page in ("index.md", "part2/dataset.md", "print.md", "print/part-2-linear-regression.md"):
        assert (docs / page).is_file(), page  # the generated pages too, in folders of their own
    assert "{{" not in (docs / "part2/dataset.md").read_text(encoding="utf-8")  # filled, not the template
    config = (tmp_path / "out" / "mkdocs.yml").read_text(encoding="utf-8")
    plugins = config.split("plugins:")[1].split("markdown_extensions:")[0]
    assert "- gdbook" not in plugins and "- mkdocs-jupyter" in plugins
    bare = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(tmp_path / "out" / "mkdocs.yml"),
                           "-d", str(tmp_path / "bare")], cwd=root, capture_output=True, text=True, timeout=600)
    assert bare.returncode == 0, bare.stderr
    assert (tmp_path / "bare" / "part2" / "dataset.html").is_file()
