"""The one number formatter of the book: every page formats a result the same way.

Conventions (each pinned by ``tests/tables/test_format.py``):

* **Minus sign.** Negative numbers use the ASCII hyphen-minus ``-`` (U+002D), not the
  typographic minus ``−`` (U+2212). A reader who searches the HTML page or the PDF for
  ``-17.67`` finds it, and text extracted from the PDF equals the text of the page.
* **Rounding.** ``fmt_num`` rounds the binary double to ``digits`` decimals the way
  C's ``printf`` and R's ``sprintf``/``formatC`` do (correctly rounded, ties to even on
  the exact binary value), so a value formatted here matches the same value formatted
  in R. A result that rounds to zero never shows a sign: ``-0.001`` -> ``"0.00"``.
* **Missing values.** ``None``, ``NaN`` and ``pandas.NA`` give ``missing``
  (default ``"not available"``), never ``"nan"`` and never ``0``.
* **Bad input.** Infinite values, booleans and non-numbers raise ``TypeError`` /
  ``ValueError``; nothing is coerced silently.
"""
from __future__ import annotations

import math
import numbers

__all__ = ["MAX_NAMES_LISTED", "MISSING_TEXT", "est_ci", "fmt_count", "fmt_int", "fmt_num", "fmt_p", "fmt_list", "fmt_names",
           "fmt_pct", "fmt_yes_no", "is_missing"]

MISSING_TEXT = "not available"
#: the most names a sentence lists one by one (:func:`fmt_names`); a longer list ends "and <n> more"
MAX_NAMES_LISTED = 6


def is_missing(value: object) -> bool:
    """True for ``None``, ``float('nan')``, ``numpy.nan`` and ``pandas.NA``/``NaT``."""
    if value is None:
        return True
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return True
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isnan(float(value))


def _as_float(value: object, name: str) -> float:
    """Return ``value`` as a finite float, or raise saying what was expected."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"Argument {name!r} must be a real number or None, but got {value!r} ({type(value).__name__}).")
    number = float(value)
    if math.isinf(number):
        raise ValueError(f"Argument {name!r} must be finite, but got {value!r}.")
    return number


def _check_digits(digits: int) -> None:
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ValueError(f"Argument 'digits' must be an integer >= 0, but got {digits!r}.")


def fmt_num(x: object, digits: int = 2, *, missing: str = MISSING_TEXT) -> str:
    """Format ``x`` with exactly ``digits`` decimals: ``fmt_num(-17.666, 2) == "-17.67"``.

    Uses ``format(x, ".{digits}f")`` (correct rounding of the binary double, as R's
    ``sprintf``), the ASCII hyphen-minus, and no sign on a value that rounds to zero.
    """
    _check_digits(digits)
    if is_missing(x):
        return missing
    text = format(_as_float(x, "x"), f".{digits}f")
    if text.startswith("-") and set(text[1:]) <= {"0", "."}:
        text = text[1:]
    return text


def fmt_int(x: object, *, missing: str = MISSING_TEXT) -> str:
    """Format a count with a comma thousands separator: ``fmt_int(1234) == "1,234"``.

    A float is accepted only when it is a whole number (``26.0``); ``2.5`` raises
    ``ValueError`` because a count with a fraction is a data error, not a rounding choice.
    """
    if is_missing(x):
        return missing
    number = _as_float(x, "x")
    if not number.is_integer():
        raise ValueError(f"Argument 'x' must be a whole number (a count), but got {x!r}.")
    return format(int(number), ",d")


def fmt_pct(x: object, digits: int = 0, *, missing: str = MISSING_TEXT) -> str:
    """Format a value that is already in percent: ``fmt_pct(63) == "63%"``.

    The argument is a percentage (like ``i2_pct``), not a fraction: ``fmt_pct(0.63)``
    gives ``"1%"``. Rounding and sign follow ``fmt_num``.
    """
    if is_missing(x):
        return missing
    return f"{fmt_num(x, digits)}%"


def fmt_p(p: object, *, digits: int = 3, missing: str = MISSING_TEXT) -> str:
    """Format a p-value with ``digits`` decimals, or ``"< 0.001"`` below the smallest shown.

    ``fmt_p(0.756) == "0.756"``, ``fmt_p(0.0004) == "< 0.001"``, ``fmt_p(1) == "1.000"``.
    A value that would round up to the threshold keeps its digits (``0.0009999`` ->
    ``"< 0.001"``, since it is below 0.001). Values outside [0, 1] raise ``ValueError``.
    """
    _check_digits(digits)
    if digits == 0:
        raise ValueError("Argument 'digits' must be >= 1 for a p-value, but got 0.")
    if is_missing(p):
        return missing
    value = _as_float(p, "p")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"Argument 'p' must be a probability in [0, 1], but got {p!r}.")
    threshold = 10.0 ** (-digits)
    if value < threshold:
        return f"< {format(threshold, f'.{digits}f')}"
    return format(value, f".{digits}f")


def est_ci(
    estimate: object,
    ci_low: object,
    ci_high: object,
    digits: int = 2,
    sep: str = " to ",
    *,
    level_pct: int = 95,
    missing: str = MISSING_TEXT,
) -> str:
    """Format "estimate (95% CI low to high)": ``"-17.67 (95% CI -20.94 to -14.41)"``.

    * estimate missing -> ``missing`` (the interval alone is not a result);
    * interval missing (either bound) -> ``"-17.67 (95% CI not available)"``;
    * ``ci_low > ci_high`` raises ``ValueError`` (a reversed interval is a data error).

    The estimate is not required to lie inside the interval: published results are shown
    as stated, and the audit chapter flags such inconsistencies itself.
    """
    _check_digits(digits)
    if is_missing(estimate):
        return missing
    point = fmt_num(estimate, digits)
    if is_missing(ci_low) or is_missing(ci_high):
        return f"{point} ({level_pct}% CI {missing})"
    low, high = _as_float(ci_low, "ci_low"), _as_float(ci_high, "ci_high")
    if low > high:
        raise ValueError(
            f"Expected ci_low <= ci_high, but got ci_low={ci_low!r} > ci_high={ci_high!r}; "
            "check that the bounds are not swapped."
        )
    return f"{point} ({level_pct}% CI {fmt_num(low, digits)}{sep}{fmt_num(high, digits)})"


def fmt_yes_no(flag: object, *, missing: str = MISSING_TEXT) -> str:
    """A boolean as ``"yes"`` or ``"no"``, the way every table of the book shows one.

    ``numpy.bool_`` is accepted; a missing value gives ``missing``; anything else raises ``TypeError``.
    """
    if is_missing(flag):
        return missing
    if not isinstance(flag, bool) and type(flag).__name__ != "bool_":
        raise TypeError(f"Argument 'flag' must be a boolean, but got {flag!r} ({type(flag).__name__}).")
    return "yes" if flag else "no"


def fmt_list(items: object, *, conjunction: str = "and") -> str:
    """Words as a list in prose: ``"A"``, ``"A and B"``, ``"A, B and C"`` (``""`` for none)."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def fmt_count(n: int, singular: str, plural: str | None = None) -> str:
    """A count and its noun in agreement: ``"1 arm"``, ``"3 arms"``, ``"1,200 arms"`` (plural default: + "s")."""
    return f"{fmt_int(n)} {singular if n == 1 else (plural or singular + 's')}"


def fmt_names(names: object, *, separator: str = " and ", last: str | None = None,
              limit: int = MAX_NAMES_LISTED) -> str:
    """Names (study labels, which may hold commas) joined by ``separator``, the last two by ``last``
    (default: ``separator``): ``"Min 2022 and Paik 2022"``; ``separator=", ", last=" and "`` gives
    :func:`fmt_list`'s ``"A, B and C"``.

    More than ``limit`` names print the first ``limit`` and how many more, so a sentence stays a
    sentence however many studies the data holds: ``"A, B, C, D, E, F and 994 more"``.
    """
    words = [str(name) for name in names]
    if len(words) > limit:
        return f"{separator.join(words[:limit])} and {fmt_int(len(words) - limit)} more"
    if len(words) <= 1 or last is None:
        return separator.join(words)
    return f"{separator.join(words[:-1])}{last}{words[-1]}"
