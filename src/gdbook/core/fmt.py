"""Number formatting: the one place that decides how a number looks on a page.

Templates reach these through filters of the same name (``{{ x | num }}``).
Prose uses the typographic minus sign (U+2212); math (``tex``) uses ``-``.
"""

from __future__ import annotations

import math

MINUS = "\u2212"
SIG = 4  # default significant figures in prose


def _check(x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"expected a number, got {x!r}")
    x = float(x)
    if not math.isfinite(x):
        # A NaN or inf on a page is a bug upstream, never something to print.
        raise ValueError(f"refusing to format a non-finite number: {x!r}")
    return x


def _plain(x: float, sig: int) -> str:
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    if -4 <= mag < 6:
        decimals = max(sig - 1 - mag, 0)
        s = f"{x:.{decimals}f}"
        # Drop trailing zeros only when the number is exactly what remains:
        # 3.0 shows as "3", but 2.99971 stays "3.000" (four significant figures).
        if "." in s and float(s.rstrip("0").rstrip(".")) == x:
            s = s.rstrip("0").rstrip(".")
        return s
    mant, exp = f"{x:.{sig - 1}e}".split("e")
    mant = mant.rstrip("0").rstrip(".") if "." in mant else mant
    return f"{mant}e{int(exp)}"


def num(x: object, sig: int = SIG) -> str:
    """A number in prose: ``sig`` significant figures, trailing zeros dropped."""
    s = _plain(_check(x), sig)
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant} × 10{_superscript(exp)}"
    return s.replace("-", MINUS)


def fixed(x: object, decimals: int = 4) -> str:
    """A number with a fixed count of decimals (tables that line up)."""
    return f"{_check(x):.{decimals}f}".replace("-", MINUS)


def sci(x: object, sig: int = 3) -> str:
    """Scientific notation, for errors and tolerances: 1.64 × 10⁻⁹."""
    x = _check(x)
    if x == 0:
        return "0"
    mant, exp = f"{x:.{sig - 1}e}".split("e")
    return f"{mant} × 10{_superscript(str(int(exp)))}".replace("-", MINUS)


def tex(x: object, sig: int = SIG) -> str:
    """A number inside LaTeX math: 1.5 \\times 10^{-9}."""
    s = _plain(_check(x), sig)
    if "e" in s:
        mant, exp = s.split("e")
        return f"{mant} \\times 10^{{{exp}}}"
    return s


def integer(x: object) -> str:
    """A count: thousands separated by a thin space."""
    x = _check(x)
    if x != int(x):
        raise ValueError(f"expected a whole number, got {x!r}")
    return f"{int(x):,}".replace(",", "\u2009").replace("-", MINUS)


def pct(x: object, sig: int = 3) -> str:
    """A fraction shown as a percentage."""
    return num(_check(x) * 100, sig) + " %"


_SUP = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _superscript(s: str) -> str:
    return s.translate(_SUP)


FILTERS = {"num": num, "fixed": fixed, "sci": sci, "tex": tex, "integer": integer, "pct": pct}
