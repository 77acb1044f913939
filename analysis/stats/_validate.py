"""Input checks shared by the statistics modules.

Every check raises a ``ValueError`` that names the argument, says what was expected
and shows what was received, so a caller can fix the call without reading the code.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = [
    "as_effects",
    "as_labels",
    "check_choice",
    "check_finite",
    "check_level",
    "check_positive",
]


def _preview(values: np.ndarray, bad: np.ndarray) -> str:
    """Positions and values of the failing entries, at most five of them."""
    positions = np.flatnonzero(bad)
    shown = ", ".join(f"[{i}]={float(values[i])!r}" for i in positions[:5])
    more = f" and {len(positions) - 5} more" if len(positions) > 5 else ""
    return shown + more


def _as_vector(values: Iterable[float], name: str) -> np.ndarray:
    """A 1-D float array from ``values``; anything that is not a number is reported."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be a sequence of numbers, but got {values!r} ({exc})"
        ) from None
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, but got shape {array.shape}")
    return array


def as_effects(yi: Iterable[float], vi: Iterable[float]) -> tuple[np.ndarray, np.ndarray]:
    """Validate study effects ``yi`` and sampling variances ``vi`` as float arrays.

    Expected: equal lengths k >= 1, every value finite, every variance > 0
    (inverse-variance weights need a positive variance).
    """
    y = _as_vector(yi, "yi")
    v = _as_vector(vi, "vi")
    if y.size == 0:
        raise ValueError("expected at least one study (k >= 1), but got k = 0: yi is empty")
    if y.size != v.size:
        raise ValueError(
            f"yi and vi must have the same length, but got {y.size} effects and {v.size} variances"
        )
    for name, array in (("yi", y), ("vi", v)):
        bad = ~np.isfinite(array)
        if bad.any():
            raise ValueError(f"{name} must be finite, but got {_preview(array, bad)}")
    bad = v <= 0
    if bad.any():
        raise ValueError(
            "vi must be sampling variances > 0 (square the standard error if you have one), "
            f"but got {_preview(v, bad)}"
        )
    return y, v


def as_labels(labels: Sequence[object] | None, k: int) -> tuple[str, ...]:
    """Study labels as strings; ``None`` gives "1", "2", ... Labels must be unique."""
    if labels is None:
        return tuple(str(i + 1) for i in range(k))
    out = tuple(str(label) for label in labels)
    if len(out) != k:
        raise ValueError(f"expected {k} labels (one per study), but got {len(out)}: {out!r}")
    repeated = sorted({label for label in out if out.count(label) > 1})
    if repeated:
        raise ValueError(f"labels must be unique, but these repeat: {repeated!r}")
    return out


def check_choice(value: str, valid: Sequence[str], name: str) -> str:
    """``value`` if it is one of ``valid``; otherwise a ValueError listing the valid names."""
    if value not in valid:
        raise ValueError(f"unknown {name} {value!r}; expected one of {', '.join(map(repr, valid))}")
    return value


def check_finite(value: float, name: str) -> float:
    """``value`` as a float if it is a finite number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number, but got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, but got {value!r}")
    return number


def check_positive(value: float, name: str, *, allow_zero: bool = False) -> float:
    """``value`` as a float if it is finite and > 0 (or >= 0 with ``allow_zero``)."""
    number = check_finite(value, name)
    if number < 0 or (number == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, but got {value!r}")
    return number


def check_level(level: float) -> float:
    """A confidence level strictly between 0 and 1 (0.95, not 95)."""
    number = check_finite(level, "level")
    if not 0 < number < 1:
        raise ValueError(f"level must be a probability between 0 and 1 (e.g. 0.95), but got {level!r}")
    return number
