"""Numbers for output, in one place: the rounding of every JSON number, and how reports write
numbers for people.

Pure functions of a number, no language: a dash (``–``) stands for a number that does not exist
(a score that could not be computed), in every language.
"""

from __future__ import annotations

#: The places every number in a JSON (or CSV, JUnit) output is rounded to.
JSON_PLACES = 4

NONE = "–"


def round4(x: float | None) -> float | None:
    """``round(x, 4)``, with -0.0 as 0.0 and None for None, NaN or infinity: at half the cost.

    JSON has no NaN or infinity; the engine never makes one, and should it ever, the output
    says null rather than become invalid JSON.

    ``round(x, 4)`` goes through a decimal string, and a batch rounds a few hundred numbers per
    profile. Here, for ``y = x * 10⁴ >= 0``, ``y % 1`` is exact, so ``y - y % 1`` is ``floor(y)``
    exactly; when the fraction is clear of a half (``y``'s one rounding error is far below the
    0.001 margin for |y| < 10¹¹) that gives the count of ten-thousandths ``round`` would pick,
    and dividing it by 10⁴ gives the float nearest that decimal, which is what ``round``
    returns. Near a half, and for large or non-finite x, ``round`` itself decides.
    """
    if x is None:
        return None
    y = x * 10000.0
    if 0.0 <= y < 1e11:
        f = y % 1.0
        if f < 0.499:
            return (y - f) / 10000.0 + 0.0  # + 0.0: -0.0 becomes 0.0
        if f > 0.501:
            return (y - f + 1.0) / 10000.0
    elif -1e11 < y < 0.0:
        return -round4(-x) or 0.0  # type: ignore[operator]  # round() is symmetric (half to even)
    if x - x != 0.0:  # NaN or infinity
        return None
    return round(float(x), JSON_PLACES) or 0.0  # `or` also turns -0.0 into 0.0


def short(x: float | None, digits: int = 1) -> str:
    """A value in a report: ``1,500`` from 1000 up, else at most ``digits`` decimals with
    trailing zeros dropped (``2.5``, ``3``)."""
    if x is None:
        return NONE
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    text = f"{x:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def whole(x: float | None) -> str:
    """A score out of 100 as a whole number: ``63``."""
    return NONE if x is None else f"{x:.0f}"


def fixed(x: float | None, digits: int = 1) -> str:
    """A score or measure with a fixed number of decimals: ``63.0``."""
    return NONE if x is None else f"{x:.{digits}f}"


def signed(x: float | None, digits: int = 1) -> str:
    """A change with its sign: ``+2.5``, ``−1.0`` (a minus sign), ``±0.0``."""
    if x is None:
        return NONE
    text = f"{abs(x):.{digits}f}"
    if float(text) == 0:
        return "±" + text
    return ("+" if x > 0 else "−") + text


def percent(fraction: float) -> str:
    """A fraction 0–1 as a whole percentage: ``76%``."""
    return f"{fraction * 100:.0f}%"


def written(x: float) -> str:
    """A number as a person writes it in a sentence: 3 not 3.0, 1,500 not 1500.0, else four
    significant digits."""
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.4g}" if abs(x) >= 1 else f"{x:.4g}"


def measure(x: float) -> str:
    """A measured value beside others: thousands grouped, else four significant digits."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"
