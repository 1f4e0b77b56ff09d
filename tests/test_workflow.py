"""The GitHub Actions workflow that tests the book and publishes it to GitHub Pages.

actionlint (the ``actionlint`` command, installed into the virtual environment
by the ``test`` extra) must find nothing; the workflow must run exactly the
README's two Quick start commands and deploy ``site/`` from ``main`` only.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def actionlint() -> str:
    """The actionlint binary: beside this Python (the venv's bin/) or on PATH."""
    here = Path(sys.executable).parent / "actionlint"
    found = str(here) if here.is_file() else shutil.which("actionlint")
    assert found, "actionlint is not installed: it comes with the test extra (pip install -e '.[test]')"
    return found


def lint(path: Path) -> subprocess.CompletedProcess:
    # shellcheck/pyflakes are optional; disable them so the result does not depend on the machine.
    return subprocess.run([actionlint(), "-no-color", "-oneline", "-shellcheck=", "-pyflakes=", str(path)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def load() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start\s+```bash\n(.*?)```", readme, re.S)
    assert block, "README.md has no Quick start block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_actionlint_finds_nothing():
    proc = lint(WORKFLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    """The lint can fail: an undefined job in `needs` and a bad expression are reported."""
    broken = tmp_path / ".github" / "workflows" / "pages.yml"
    broken.parent.mkdir(parents=True)
    text = WORKFLOW.read_text(encoding="utf-8").replace("needs: test", "needs: tests")
    text = text.replace("steps.deployment.outputs.page_url", "steps.deployment.outputs.page_url.(")
    broken.write_text(text, encoding="utf-8")
    proc = lint(broken)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "tests" in proc.stdout


def test_runs_the_readme_commands_in_order():
    runs = [s["run"].strip() for s in load()["jobs"]["test"]["steps"] if "run" in s]
    assert runs == quick_start_commands()


def test_deploys_site_from_main_only():
    wf = load()
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` as true
    assert on["push"]["branches"] == ["main"]
    test, deploy = wf["jobs"]["test"], wf["jobs"]["deploy"]
    upload = [s for s in test["steps"] if str(s.get("uses", "")).startswith("actions/upload-pages-artifact@")]
    assert len(upload) == 1 and upload[0]["with"]["path"] == "site"
    assert "refs/heads/main" in upload[0]["if"] and "refs/heads/main" in deploy["if"]
    assert deploy["needs"] == "test"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    # least privilege everywhere else, and no two deployments at once
    assert wf["permissions"] == {"contents": "read"}
    assert "group" in wf["concurrency"]


@pytest.mark.parametrize("job", ["test", "deploy"])
def test_jobs_have_time_limits(job):
    # CI must stay well under the 15-minute budget for the suite; a hung job must not run for 6 hours.
    assert 0 < load()["jobs"][job]["timeout-minutes"] <= 30


def test_the_published_site_gets_its_address_from_github_pages():
    """configure-pages on main gives the address (a fork's own); the build step hands it to mkdocs.yml's site_url."""
    steps = load()["jobs"]["test"]["steps"]
    pages = [s for s in steps if str(s.get("uses", "")).startswith("actions/configure-pages@")]
    assert len(pages) == 1 and pages[0]["id"] == "pages" and "refs/heads/main" in pages[0]["if"]
    build = next(s for s in steps if s.get("run", "").strip() == quick_start_commands()[0])
    assert "steps.pages.outputs.base_url" in build["env"]["GDBOOK_SITE_URL"]
    assert steps.index(pages[0]) < steps.index(build)
    assert load()["jobs"]["test"]["permissions"]["pages"] == "read"
    assert "site_url: !ENV [GDBOOK_SITE_URL," in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
