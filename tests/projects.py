"""Copies of the project in temporary folders, built or served by the real command line.

The working tree is never touched: a copy gets its own sources, cache and
site, and imports gdbook from its own ``src`` (``PYTHONPATH``), so a test may
edit the copy's code as an author would.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPY = ("src", "docs", "scripts", "mkdocs.yml", "pyproject.toml", "package-lock.json")
WARM_CACHE = Path(os.environ.get("GDBOOK_CACHE_DIR") or ROOT / ".cache" / "gdbook")


class Project:
    def __init__(self, where: Path, warm: bool = True):
        self.where = where
        self.root = where / "proj"
        self.root.mkdir(parents=True)
        for name in COPY:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, self.root / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
            else:
                shutil.copy2(src, self.root / name)
        (self.root / "node_modules").symlink_to(ROOT / "node_modules")
        self.cache = where / "cache"
        # Start from a copy of the working tree's cache when the set-up left one: the copy's
        # sources are the same, so its entries are valid, and a cold build is saved.
        if warm and WARM_CACHE.is_dir():
            shutil.copytree(WARM_CACHE, self.cache, ignore=shutil.ignore_patterns("work"))
        self.site = where / "site"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GDBOOK_")}
        self.env.update(PYTHONPATH=str(self.root / "src"), GDBOOK_CACHE_DIR=str(self.cache))

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "gdbook", *args]

    def run(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        return subprocess.run(self.command(*args), env=self.env, capture_output=True, text=True,
                              timeout=timeout, cwd=self.root)

    def build(self, *args: str, site: Path | None = None) -> dict:
        """``gdbook build`` of the copy; returns its report (what it recomputed, redrew...) and stderr."""
        report_path = self.where / "report.json"
        site = site or self.site
        proc = self.run("build", "--root", str(self.root), "--site-dir", str(site), "--report", str(report_path), *args)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        report = json.loads(report_path.read_text(encoding="utf-8"))
        assert report["site"] == str(site)  # the copy, not the working tree, was built
        report["stderr"] = proc.stderr
        return report

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``gdbook serve`` of a project copy, with its log, and page fetching that never waits forever."""

    def __init__(self, project: Project, *args: str):
        self.project = project
        self.port = free_port()
        self.log_path = project.where / f"serve-{self.port}.log"
        self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            project.command("serve", "--root", str(project.root), "-a", f"127.0.0.1:{self.port}", *args),
            env=project.env, stdout=self._log, stderr=subprocess.STDOUT, cwd=project.root)
        self.url = f"http://127.0.0.1:{self.port}/"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def builds(self) -> int:
        """Builds finished so far (MkDocs logs one line at the end of each)."""
        return len(re.findall(r"Documentation built in", self.log()))

    def get(self, path: str, timeout: float = 60) -> str:
        with urllib.request.urlopen(self.url + path, timeout=timeout) as r:
            return r.read().decode("utf-8")

    def wait_for_build(self, after: int, timeout: float = 300, quiet: float = 3.0) -> None:
        """Until a build newer than ``after`` finished and none started for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"gdbook serve exited with {self.proc.returncode}:\n{self.log()[-4000:]}")
            text = self.log()
            done = len(re.findall(r"Documentation built in", text))
            started = len(re.findall(r"Building documentation\.\.\.", text))
            if done > after and started == done:
                time.sleep(quiet)
                text = self.log()
                if len(re.findall(r"Building documentation\.\.\.", text)) == done:
                    return
            time.sleep(0.5)
        raise AssertionError(f"no build finished within {timeout} s:\n{self.log()[-4000:]}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


@contextlib.contextmanager
def serving(project: Project, *args: str) -> Iterator[Server]:
    server = Server(project, *args)
    try:
        deadline = time.monotonic() + 600
        while True:
            if server.proc.poll() is not None:
                raise AssertionError(f"gdbook serve exited with {server.proc.returncode}:\n{server.log()[-4000:]}")
            if "Serving on" in server.log():
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"gdbook serve did not start:\n{server.log()[-4000:]}")
            time.sleep(0.5)
        yield server
    finally:
        server.stop()


def fetch_json(server: Server, path: str) -> dict:
    try:
        return json.loads(server.get(path))
    except urllib.error.HTTPError as e:  # pragma: no cover - shown in the assertion
        raise AssertionError(f"{path}: HTTP {e.code}") from e
