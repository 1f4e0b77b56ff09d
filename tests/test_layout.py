"""The shape of the code: layers that import in one direction, chapters as units with one name each.

Read from the sources (every import, those inside functions and the modules
named to ``importlib.import_module`` included), never by importing them.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "gdbook"


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    name = ".".join(rel.parts)
    return name.removesuffix(".__init__")


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """The gdbook modules a source imports, wherever the import stands; import_module("...") counts."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module":
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return {m for m in found if m in known}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(path, name, known) - {name} for name, path in mods.items()}


def test_no_import_cycle(graph):
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for dep in sorted(graph[m]):
            # A package's __init__ is imported with its submodules: following parent packages adds nothing.
            if m.startswith(dep + "."):
                continue
            if state.get(dep) == 1:
                pytest.fail("import cycle: " + " -> ".join(stack[stack.index(dep):] + [dep]))
            if state.get(dep) is None:
                visit(dep)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_layers_import_downwards_only(graph):
    def layer(m: str) -> str:
        parts = m.split(".")
        return parts[1] if len(parts) > 1 else "package"

    for m, deps in graph.items():
        for d in deps:
            if layer(m) == "core":
                assert layer(d) in ("core", "settings"), f"the core imports {d} ({m})"
            if layer(m) == "chapters":
                assert layer(d) in ("core", "settings", "chapters"), f"chapter module {m} imports {d}"
                if layer(d) == "chapters":
                    assert d.split(".")[2] == m.split(".")[2], f"chapter {m} imports another chapter: {d}"
            if m == "gdbook.settings":
                assert not deps, f"settings imports {deps}"
    plugin = ast.parse((PACKAGE / "plugin.py").read_text(encoding="utf-8"))
    top = [n for n in plugin.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert not [ast.unparse(n) for n in top if "gdbook" in ast.unparse(n)], \
        "the plugin imports no gdbook module at its top: it reloads them under mkdocs serve"


def test_compute_modules_draw_nothing():
    for path in sorted((PACKAGE / "chapters").glob("*/compute.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+matplotlib", text, re.M), path


def test_each_environment_variable_is_read_or_written_in_one_module():
    owners: dict[str, set[str]] = {}
    for name, path in modules().items():
        text = path.read_text(encoding="utf-8")
        for var in re.findall(r"""(?:environ(?:\.get|\.setdefault)?\(|environ\[|getenv\()\s*["']?([A-Z][A-Z0-9_]+)""", text):
            owners.setdefault(var, set()).add(name)
        for const in re.findall(r"""^([A-Z_]+_ENV)\s*=\s*["']([A-Z0-9_]+)["']""", text, re.M):
            if re.search(rf"environ[^\n]*\b{const[0]}\b", text):
                owners.setdefault(const[1], set()).add(name)
    for name, path in modules().items():
        text = path.read_text(encoding="utf-8")
        for var in owners:
            if re.search(rf"environ[^\n]*\b{var}\b", text):
                owners[var].add(name)
    shared = {v: sorted(m) for v, m in owners.items() if len(m) > 1}
    assert not shared, shared


def test_no_module_holds_state_between_builds():
    """No module-level dict or list that a build fills (the plugin's Book holds a build's state)."""
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                value = node.value
                if any(isinstance(t, ast.Name) and t.id.startswith("_") and not t.id.isupper() for t in targets) and \
                        isinstance(value, (ast.Dict, ast.List, ast.Set)):
                    pytest.fail(f"{name} holds module-level state: {ast.unparse(node)[:80]}")


# --- chapters ---------------------------------------------------------------------

def nav_pages() -> list[str]:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return re.findall(r":\s*([\w/-]+\.(?:md|py))\s*$", text, re.M)


@pytest.fixture(scope="module")
def chapters():
    from gdbook.core import registry

    return registry.chapters()


def test_one_name_per_chapter(chapters):
    """Chapter full_batch: page part2/full-batch.md, results key full_batch, figures full-batch-*, tests/test_full_batch.py."""
    pages = nav_pages()
    assert len(chapters) >= 15
    for ch in chapters:
        assert Path(ch.page).stem == ch.name.replace("_", "-"), ch
        assert ch.page in pages, f"{ch.page} is not in the navigation"
        assert (ROOT / "docs" / ch.page).is_file(), ch.page
        assert ch.section is not None and ch.section.key == ch.name, ch
        for fig in ch.figures:
            assert fig.name.startswith(ch.figure_prefix), (ch.name, fig.name)
        assert (ROOT / "tests" / f"test_{ch.name}.py").is_file(), f"tests/test_{ch.name}.py"
        for part in ("compute.py", "__init__.py"):
            assert (PACKAGE / "chapters" / ch.name / part).is_file()


def test_every_teaching_page_is_a_chapter(chapters):
    pages = {ch.page for ch in chapters}
    teaching = [p for p in nav_pages() if re.match(r"part\d/", p)]
    assert sorted(teaching) == sorted(pages), set(teaching) ^ pages


def test_the_plugin_is_registered_and_configured():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["entry-points"]["mkdocs.plugins"] == {"gdbook": "gdbook.plugin:GdbookPlugin"}
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^  - gdbook:\n      settings: !ENV \[GDBOOK_SETTINGS, pyproject.toml\]", config, re.M)
    assert "hooks:" not in config
    assert not list((ROOT / "scripts").glob("*hooks*.py"))


def test_the_layout_test_sees_a_cycle(tmp_path):
    """The cycle check can fail: two modules importing each other inside functions."""
    a = tmp_path / "gdbook" / "a.py"
    a.parent.mkdir()
    a.write_text("def f():\n    from gdbook import b\n")
    (tmp_path / "gdbook" / "b.py").write_text("import importlib\nX = importlib.import_module('gdbook.a')\n")
    known = {"gdbook.a", "gdbook.b"}
    assert imports_of(a, "gdbook.a", known) == {"gdbook.b"}
    assert imports_of(tmp_path / "gdbook" / "b.py", "gdbook.b", known) == {"gdbook.a"}
