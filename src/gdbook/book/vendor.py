"""Front-end files the site serves itself, taken from ``node_modules``.

KaTeX and mermaid come from the npm registry, pinned by ``package-lock.json``
and installed by ``npm ci`` in the set-up; nothing third-party is committed.
The build checks that what is installed is what the lock file pins.  Both run
when the book is built (:mod:`gdbook.book.katex`, :mod:`gdbook.book.diagrams`):
the site serves only KaTeX's stylesheet and fonts, and no script of either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from gdbook.core.errors import BuildError

# (package, files inside it to serve) → served under assets/vendor/<package>/
ASSETS = {
    "katex": ["dist/katex.min.css", "dist/fonts/*.woff2"],
    "mermaid": [],  # drawn at build time; listed so that its pinned version is checked
}


@dataclass(frozen=True)
class Asset:
    src: Path
    dest: str  # path in the site, e.g. "assets/vendor/katex/katex.min.js"


def assets(root: Path) -> list[Asset]:
    lock = json.loads((root / "package-lock.json").read_text(encoding="utf-8"))
    found: list[Asset] = []
    for package, patterns in ASSETS.items():
        folder = root / "node_modules" / package
        pinned = lock["packages"].get(f"node_modules/{package}", {}).get("version")
        try:
            installed = json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]
        except FileNotFoundError:
            raise BuildError(f"front-end package '{package}' is not installed: run `npm ci` (scripts/setup.sh does)") from None
        if installed != pinned:
            raise BuildError(f"front-end package '{package}' is {installed} but package-lock.json pins {pinned}: run `npm ci`")
        for pattern in patterns:
            matches = sorted(folder.glob(pattern))
            if not matches:
                raise BuildError(f"front-end package '{package}' has no file matching '{pattern}'")
            for src in matches:
                rel = src.relative_to(folder / "dist").as_posix()
                found.append(Asset(src, f"assets/vendor/{package}/{rel}"))
    return found
