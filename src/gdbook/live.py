"""Keeps ``mkdocs serve`` on the current code of the package.

MkDocs re-reads its config on every rebuild but Python keeps imported modules;
when a file under ``src/gdbook`` changes, the gdbook modules are dropped from
``sys.modules`` and the event handlers are imported afresh.  This module holds
no book logic and is never reloaded itself.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
_KEEP = {"gdbook", "gdbook.live"}
_state: dict[str, Any] = {"stamp": None, "module": None, "startup": None}


def _stamp() -> tuple:
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in PACKAGE_DIR.rglob("*.py")))


def events(fresh: bool = False) -> ModuleType:
    """The event handlers; with ``fresh``, re-imported first if any source changed.

    Only the start of a build (``on_config``) asks for fresh handlers: a file
    saved while a build runs must not swap the handlers under it.
    """
    stamp = _stamp() if fresh or _state["module"] is None else _state["stamp"]
    if _state["module"] is None or stamp != _state["stamp"]:
        if _state["module"] is not None:
            for name in [m for m in sys.modules if m.startswith("gdbook.") and m not in _KEEP]:
                del sys.modules[name]
        module = importlib.import_module("gdbook.mkdocs_events")
        if _state["startup"] is not None:
            module.on_startup(**_state["startup"])
        _state.update(stamp=stamp, module=module)
    return _state["module"]


def loaded_code_is_current() -> bool:
    """False when a gdbook source changed since the handlers (and the modules they import) were loaded.

    The stamp is taken just before importing, so an edit that lands during the
    import also reads as a change: the answer errs on the side of not caching.
    Outside MkDocs' hooks nothing was loaded here, and the pipeline's own key
    check is all there is.
    """
    return _state["stamp"] is None or _stamp() == _state["stamp"]


def call(event: str, *args: Any, **kwargs: Any) -> Any:
    if event == "on_startup":
        _state["startup"] = kwargs
    return getattr(events(fresh=event == "on_config"), event)(*args, **kwargs)
