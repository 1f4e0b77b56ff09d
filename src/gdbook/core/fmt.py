"""Number formatting: the one place that decides how a number looks on a page or in a figure.

Templates reach these through filters of the same name (``{{ x | num }}``).
Prose uses the typographic minus sign (U+2212); math (``tex``) uses ``-``.

The precision policy (tests/test_precision.py holds every page to it):

* As many digits as the point needs: 4 significant figures for a value
  (``num``), 2–3 for an error, a tolerance or a ratio (``sci``, ``num(x, 3)``),
  whole numbers for counts (``integer``).
* One number of decimals per table column (``fixed(x, d)`` with the same ``d``
  down the column).
* Agreement at machine precision is said in words, not printed as 2.3 × 10⁻¹⁶:
  ``gap`` writes "equal to within rounding" below :data:`ROUNDING`; only the
  gradient-check chapter, which teaches floating-point round-off, shows such
  numbers.
* Never a signed zero (−0, −0.000), never × 10⁰, never a run of zeros that
  only shows a value is exact (3.000000000): a value that is exactly a
  shorter number is written as that number.
"""

from __future__ import annotations

import math

MINUS = "\u2212"
SIG = 4  # significant figures of a value in prose
ROUNDING = 1e-12  # relative differences below this are floating-point rounding, not content


def _check(x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"expected a number, got {x!r}")
    x = float(x)
    if not math.isfinite(x):
        # A NaN or inf on a page is a bug upstream, never something to print.
        raise ValueError(f"refusing to format a non-finite number: {x!r}")
    return x


def _unsigned_zero(s: str) -> str:
    """'-0', '-0.000', '-0.0 × 10⁻³' → without the sign: a value that rounds to zero has none."""
    body = s[1:] if s.startswith(("-", MINUS)) else None
    if body is not None and not any(ch in "123456789" for ch in body.split("e")[0].split("×")[0]):
        return body
    return s


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
        return _unsigned_zero(s)
    mant, exp = f"{x:.{sig - 1}e}".split("e")
    mant = mant.rstrip("0").rstrip(".") if "." in mant else mant
    if int(exp) == 0:
        return mant
    return f"{mant}e{int(exp)}"


def num(x: object, sig: int = SIG) -> str:
    """A number in prose: ``sig`` significant figures, trailing zeros dropped only when exact."""
    s = _plain(_check(x), sig)
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant} × 10{_superscript(exp)}"
    return s.replace("-", MINUS)


def fixed(x: object, decimals: int = 4) -> str:
    """A number with a fixed count of decimals (a table column that lines up); never −0.000."""
    return _unsigned_zero(f"{_check(x):.{decimals}f}").replace("-", MINUS)


def sci(x: object, sig: int = 3) -> str:
    """Scientific notation, for errors and tolerances: 1.64 × 10⁻⁹ (a plain number when the exponent is 0)."""
    x = _check(x)
    if x == 0:
        return "0"
    mant, exp = f"{x:.{sig - 1}e}".split("e")
    if int(exp) == 0:
        return mant.replace("-", MINUS)
    return f"{mant} × 10{_superscript(str(int(exp)))}".replace("-", MINUS)


def gap(x: object, scale: object = 1.0, sig: int = 2) -> str:
    """A difference that may be floating-point rounding: "within rounding" below ``ROUNDING`` × scale.

    ``{{ (a - b) | gap(a) }}`` reads "2.3 × 10⁻⁵", or "within rounding, below 10⁻¹²".
    """
    x, scale = _check(x), abs(_check(scale)) or 1.0
    if abs(x) <= ROUNDING * max(scale, 1.0):
        return f"within rounding, below 10{_superscript(str(int(math.log10(ROUNDING))))}"
    return sci(x, sig)


def rounding(x: object, scale: object = 1.0) -> bool:
    """Whether a difference is floating-point rounding (for claims: ``{% claim d | rounding %}``)."""
    return abs(_check(x)) <= ROUNDING * max(abs(_check(scale)), 1.0)


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


FILTERS = {"num": num, "fixed": fixed, "sci": sci, "gap": gap, "rounding": rounding, "tex": tex, "integer": integer,
           "pct": pct}


def decimals(values: object, sig: int = SIG, most: int = 6) -> int:
    """The decimals a table column needs: the most that any of its values shows as ``num(v, sig)`` (at most
    ``most``).  With ``fixed(x, d)`` every value of the column then has the same number of decimals."""
    d = 0
    for v in values:  # type: ignore[attr-defined]
        if v is None:
            continue
        s = _plain(_check(v), sig)
        if "e" in s:  # a number too small for plain decimals: as many as its significant figures need
            d = max(d, sig - 1 - math.floor(math.log10(abs(_check(v)))))
        elif "." in s:
            d = max(d, len(s.split(".")[1]))
    return min(d, most)
