"""Numbers as written: what a number or integer cell may hold, checked on the text before any
conversion, and the one conversion of that text to a value.

Frictionless (through Python's ``Decimal`` and ``int``) accepts more than a plain number:
``NaN``, ``inf``, ``Infinity``, ``1_000``, digits of other scripts, and values a 64-bit float
cannot hold (``1e400`` becomes infinity, ``1e-400`` becomes 0). The analysis would then receive
a NaN, an infinity or a silently changed value. :func:`number_problems` rejects each of these
with its own rule; :func:`to_number` and :func:`to_integer` convert exactly the cells it accepts.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from analysis.data.problems import Problem, problem

__all__ = ["NUMERIC_TYPES", "number_problem", "to_integer", "to_number"]

NUMERIC_TYPES = ("number", "integer")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_NON_FINITE = {"nan": "NaN is not a number", "snan": "NaN is not a number", "inf": "infinity is not a finite number",
               "infinity": "infinity is not a finite number"}
_INT64 = 2**63 - 1


def to_number(text: str) -> float | None:
    """The float a plain, finite number cell holds; None for an empty or rejected cell."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def to_integer(text: str) -> int | None:
    """The int a plain integer cell within the 64-bit range holds; None for an empty or rejected cell."""
    text = text.strip()
    if not _INTEGER.fullmatch(text):
        return None
    value = int(text)
    return value if -_INT64 <= value <= _INT64 else None


def _parses(text: str, kind: str) -> bool:
    """Whether Python (and so frictionless) reads ``text`` as a value of ``kind`` at all."""
    try:
        int(text) if kind == "integer" else Decimal(text)
    except (ValueError, InvalidOperation):
        return False
    return True


def number_problem(file: str, line: int, column: str, text: str, kind: str) -> Problem | None:
    """The problem with one cell of a ``number`` or ``integer`` column, or None if it holds a plain
    finite value (or is empty, or is not a number at all: frictionless reports that as wrong-type)."""
    cell = text.strip()
    if cell == "":
        return None
    bare = cell.lstrip("+-").lower()
    if bare in _NON_FINITE:
        return problem(file, line, column, text, "non-finite-number", detail=_NON_FINITE[bare])
    pattern = _INTEGER if kind == "integer" else _NUMBER
    if not pattern.fullmatch(cell):
        if _parses(cell, kind):
            odd = sorted({c for c in cell if not (c.isascii() and (c.isdigit() or c in "+-.eE"))})
            return problem(file, line, column, text, "number-format",
                           detail=f"contains {', '.join(repr(c) for c in odd) or 'a misplaced character'}")
        return None
    if kind == "integer":
        if to_integer(cell) is None:
            return problem(file, line, column, text, "number-not-representable",
                           detail="beyond the 64-bit integer range")
        return None
    value = float(cell)
    if math.isinf(value):
        return problem(file, line, column, text, "non-finite-number",
                       detail="overflows a 64-bit float to infinity (the largest is about 1.8e308)")
    if value == 0 and Decimal(cell) != 0:
        return problem(file, line, column, text, "number-not-representable",
                       detail="a non-zero value that underflows a 64-bit float to 0 (the smallest is about 5e-324)")
    return None
