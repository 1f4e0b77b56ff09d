"""Honest precision and one voice, on every page of the built book.

The precision policy is written in :mod:`gdbook.core.fmt`: no rounding noise
shown as content (only the gradient-check chapter, which teaches round-off,
shows differences below 10⁻¹²), no × 10⁰, no signed zero, no run of zeros that
only says a value is exact, one number of decimals per table column.  And a
lesson teaches on its own terms: a teaching page mentions the original notes
at most once (the errata page is where they are discussed).
"""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest

from browser import pages as all_pages

ROUND_OFF_TAUGHT = {"part3/gradient-check.html"}
TEACHING = re.compile(r"^part\d/")

SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"
TINY_PROSE = re.compile(rf"× 10⁻(?:¹[³⁴⁵⁶⁷⁸⁹]|[²³⁴⁵⁶⁷⁸⁹][{SUP}]|[{SUP}]{{3}})")
TINY_TEX = re.compile(r"10\^\{-(?:1[3-9]|[2-9]\d|\d{3})\}")
POWER_ZERO = re.compile(rf"× 10⁰(?![{SUP}])|10\^\{{0\}}")
SIGNED_ZERO_PROSE = re.compile(r"[−-]0(?:\.0+)?(?![\d.])")
SIGNED_ZERO_TEX = re.compile(r"(?<![\w}^_])-\s*0(?:\.0+)?(?![\d.])")
ZERO_RUN = re.compile(r"\d\.\d*?0{6,}(?!\d)")
NUMBER = re.compile(r"^[−-]?\d[\d\u2009]*(?:\.(\d+))?$")
NOTES = re.compile(r"\b(?:the|these|their|student's|student’s|original)\s+notes\b", re.I)


def split(page_html: str) -> tuple[str, list[str]]:
    """(the prose a reader sees, with code and math left out; the TeX of every formula)."""
    body = page_html.split('<article', 1)[-1].split("</article>", 1)[0]
    tex = [htmllib.unescape(t) for t in re.findall(r'<annotation encoding="application/x-tex">(.*?)</annotation>', body, re.S)]
    tex += [htmllib.unescape(t) for t in re.findall(r'class="arithmatex">(.*?)</(?:span|div)>', body, re.S)]
    prose = re.sub(r'<span class="katex.*?</span></span></span>|<(?:code|pre|script|style|math)\b.*?</(?:code|pre|script|style|math)>'
                   r'|<(?:span|div) class="arithmatex">.*?</(?:span|div)>', " ", body, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", prose)), tex


@pytest.fixture(scope="module")
def book(built_site) -> dict[str, tuple[str, list[str], str]]:
    out = {}
    for rel in all_pages(built_site):
        if rel.startswith("print/"):  # the printable parts: the same chapters again
            continue
        raw = (built_site / rel).read_text(encoding="utf-8")
        prose, tex = split(raw)
        out[rel] = (prose, tex, raw)
    return out


def _hits(pattern: re.Pattern, texts: list[str]) -> list[str]:
    found = []
    for t in texts:
        for m in pattern.finditer(t):
            found.append(t[max(0, m.start() - 30): m.end() + 30].replace("\n", " "))
    return found


def test_no_rounding_noise_outside_the_chapter_that_teaches_it(book):
    problems = {}
    for rel, (prose, tex, _) in book.items():
        if rel in ROUND_OFF_TAUGHT:
            continue
        hits = _hits(TINY_PROSE, [prose]) + _hits(TINY_TEX, tex)
        if hits:
            problems[rel] = hits[:3]
    assert not problems, problems


def test_no_power_of_ten_zero_no_signed_zero_no_zero_runs(book):
    problems = {}
    for rel, (prose, tex, _) in book.items():
        hits = (_hits(POWER_ZERO, [prose] + tex) + _hits(SIGNED_ZERO_PROSE, [prose]) + _hits(SIGNED_ZERO_TEX, tex)
                + _hits(ZERO_RUN, [prose] + tex))
        if hits:
            problems[rel] = hits[:3]
    assert not problems, problems


def test_one_number_of_decimals_per_table_column(book):
    problems = []
    for rel, (_, _, raw) in book.items():
        for t, table in enumerate(re.findall(r"<table>.*?</table>", raw, re.S)):
            rows = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S) for tr in re.findall(r"<tr>.*?</tr>", table, re.S)]
            for col in range(max((len(r) for r in rows), default=0)):
                decimals = set()
                for r in rows[1:]:
                    if col < len(r):
                        cell = htmllib.unescape(re.sub(r"<[^>]+>", "", r[col])).strip()
                        m = NUMBER.match(cell)
                        if m:
                            decimals.add(len(m.group(1) or ""))
                if len(decimals) > 1:
                    problems.append(f"{rel}, table {t + 1}, column {col + 1}: {sorted(decimals)} decimals")
    assert not problems, "\n".join(problems)


def test_a_teaching_page_mentions_the_original_notes_at_most_once(book):
    over = {rel: len(NOTES.findall(prose)) for rel, (prose, _, _) in book.items() if TEACHING.match(rel)}
    assert {rel: n for rel, n in over.items() if n > 1} == {}


def test_the_patterns_catch_what_they_are_for():
    assert TINY_PROSE.search("differ by 5.33 × 10⁻¹⁵") and not TINY_PROSE.search("1.64 × 10⁻⁹")
    assert TINY_TEX.search(r"1.39 \times 10^{-16}") and not TINY_TEX.search(r"10^{-6}")
    assert POWER_ZERO.search("1.83 × 10⁰") and SIGNED_ZERO_PROSE.search("is −0.0000 here")
    assert not SIGNED_ZERO_PROSE.search("−0.25") and not SIGNED_ZERO_PROSE.search("−0.0012")
    assert SIGNED_ZERO_TEX.search("w = -0.000") and not SIGNED_ZERO_TEX.search("x^{-0.5}")
    assert ZERO_RUN.search("3.000000000") and not ZERO_RUN.search("3.1415926") and not ZERO_RUN.search("0.0000012")
    assert NOTES.search("as the notes put it") and not NOTES.search("notebooks")
