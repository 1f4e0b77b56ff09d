"""The search index reads math as text: no TeX source, no glyph twice, no diagram internals."""

from __future__ import annotations

import json
import re

import pytest


@pytest.fixture(scope="module")
def index(built_site) -> dict[str, str]:
    docs = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    return {d["location"]: d["text"] for d in docs}


def prose(text: str) -> str:
    """An entry's text without its code (code may hold backslashes of its own)."""
    return re.sub(r"<(code|pre)>.*?</\1>", "", text, flags=re.S)


def test_no_tex_in_the_index(index):
    bad = []
    for where, text in index.items():
        t = prose(text)
        for pattern in (r"\\[a-zA-Z]+", r"\\[()\[\]]", r"\$[^$\s][^$]*\$", r"x-tex", r"annotation", r"katex-"):
            for m in re.finditer(pattern, t):
                bad.append(f"{where}: {t[max(0, m.start() - 30):m.end() + 30]!r}")
    assert not bad, "\n".join(bad[:20])
    assert len(index) > 100


def test_formulas_read_once_as_text(index):
    update = index["part2/full-batch.html#the-update"]
    assert "w ← w − η ∂L/∂w" in update and "b ← b − η ∂L/∂b" in update
    assert update.count("η = 0.1") == 1  # KaTeX's HTML would add its glyphs to the MathML's: η=0.1η=0.1
    assert "η=0.1" not in update.replace("η = 0.1", "")
    fit = index["part2/full-batch.html#the-fitted-line-and-its-residuals"]
    assert "y<sub>i</sub> − ŷ<sub>i</sub>" in fit


def test_diagrams_are_indexed_by_their_text(index):
    about = index["reference/about.html#how-the-book-is-built"]
    assert "Settings" in about and "results.json" in about
    assert "fill:" not in about and "stroke" not in about  # no SVG styles
    text = index["part4/flowchart.html#the-diagram"]
    assert text.count("<li>Initialise w, b at random") == 1  # one text version, not the light and the dark drawing
    assert "Generate the data y = w·x + b + ε" in text  # its lines do not run together
