"""What the MkDocs hooks do: run the pipeline, add its files, render templates."""

from __future__ import annotations

import logging
import os
import time
import warnings
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from gdbook import notebooks, pipeline, render, vendor
from gdbook.cache import Cache, default_dir
from gdbook.registry import BuildError
from gdbook.settings import SettingsError, describe, load

log = logging.getLogger("mkdocs.gdbook")
_state: dict[str, Any] = {"command": None}
GENERATED = Path("build") / "generated"


def generated_dir(root: Path) -> Path:
    # Overridable so that parallel builds (tests, benchmarks) never share files.
    return Path(os.environ.get("GDBOOK_GENERATED_DIR") or root / GENERATED)


def root_of(config: Any) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_startup(command: str, dirty: bool) -> None:
    _state["command"] = command


def on_config(config: Any) -> Any:
    root = root_of(config)
    try:
        _state["settings"] = load(os.environ.get("GDBOOK_SETTINGS") or root / "pyproject.toml")
    except SettingsError as e:
        raise PluginError(str(e)) from None
    _state["root"] = root
    return config


def on_pre_build(config: Any) -> None:
    root = _state["root"]
    cache = Cache(default_dir(root), enabled=os.environ.get("GDBOOK_NO_CACHE") != "1")
    try:
        with warnings.catch_warnings():
            # A numpy or matplotlib warning is a bug in the book: fail loudly.
            warnings.simplefilter("error")
            gen = pipeline.generate(_state["settings"], generated_dir(root), cache, notebooks.sources(root))
        _state["assets"] = vendor.assets(root)
    except (BuildError, Warning) as e:
        raise PluginError(f"gdbook: {e}") from None
    _state["generated"] = gen
    _state["env"] = render.make_env([str(root / "docs" / "overrides" / "book")])
    _state["render_seconds"] = 0.0
    # Documentation of the book's own machinery, for the reference pages.
    _state["extra"] = {
        "settings_schema": [{**row, "current": _lookup(gen.results["settings"], row["name"])} for row in describe()],
        "results_layout": pipeline.layout(gen.public),
        "sections": gen.sections,  # kept by the pipeline, so a fully cached build imports no compute module
    }
    for stage, seconds, detail in gen.timings:
        log.info(f"gdbook {stage:<9} {seconds:6.2f} s  {detail}")


def on_files(files: Files, config: Any) -> Files:
    gen_dir = generated_dir(_state["root"])
    for rel in _state["generated"].files:
        files.append(File.generated(config, rel, abs_src_path=str(gen_dir / rel)))
    for asset in _state["assets"]:
        files.append(File.generated(config, asset.dest, abs_src_path=str(asset.src)))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if not page.file.src_uri.endswith(".md"):
        return markdown
    gen = _state["generated"]
    t = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out = render.render_page(markdown, page.file.src_uri, gen.results, gen.figures, _state["env"],
                                     extra=_state["extra"])
    except BuildError as e:
        raise PluginError(f"gdbook: {e}") from None
    _state["render_seconds"] += time.perf_counter() - t
    return out


def generated() -> pipeline.Generated:
    return _state["generated"]


def _lookup(tree: dict, dotted: str) -> Any:
    for part in dotted.split("."):
        tree = tree[part]
    return tree


def on_post_build(config: Any) -> None:
    # A book whose nav shows no notebook still runs them: a failing one fails the build.
    try:
        _state["generated"].executed_notebooks()
    except BuildError as e:
        raise PluginError(f"gdbook: {e}") from None


def on_build_error(error: Exception) -> None:
    gen = _state.get("generated")
    if gen is not None:
        gen.cancel_notebooks()  # nothing will read them
