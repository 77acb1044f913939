"""The verdict rules of the reproduction audit: does a regenerated number equal a published one
within the paper's rounding?

A published number printed with d decimals stands for every value within half a unit of its last
decimal (0.5 x 10^-d). A regenerated result is ``reproduced`` when its estimate and both interval
bounds each lie within half a unit of the published estimate and bounds (only the numbers the
paper prints are compared); otherwise it ``differs`` and the differences are given. When the
inputs are not public there is nothing to compare ("not reproducible from public inputs"); when
the paper prints no number (a figure that is not available) the verdict is "no number published".
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from analysis.stats import half_unit

__all__ = ["VERDICTS", "REPRODUCED", "DIFFERS", "NOT_REPRODUCIBLE", "NO_NUMBER", "Comparison", "half_unit",
           "within_rounding", "compare"]

REPRODUCED = "reproduced"
DIFFERS = "differs"
NOT_REPRODUCIBLE = "not reproducible from public inputs"
NO_NUMBER = "no number published"
#: every verdict, in the order tables list them.
VERDICTS = (REPRODUCED, DIFFERS, NOT_REPRODUCIBLE, NO_NUMBER)
#: float noise allowed on top of half a unit (a regenerated value exactly on the rounding
#: boundary counts as reproduced: it may have been printed either way).
_EPS = 1e-9


def within_rounding(published: float, decimals: int, regenerated: float) -> bool:
    """True when |regenerated - published| <= half a unit of the published last decimal."""
    return abs(regenerated - published) <= half_unit(decimals) * (1 + _EPS) + _EPS * abs(published)


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


@dataclass(frozen=True)
class Comparison:
    """A published result against its regeneration: the verdict and regenerated - published."""

    verdict: str
    difference: float | None
    difference_ci_low: float | None
    difference_ci_high: float | None
    compared: tuple[str, ...]


def compare(published: tuple[float | None, float | None, float | None], decimals: tuple[int | None, ...],
            regenerated: tuple[float, float, float] | None) -> Comparison:
    """Verdict for a published (estimate, ci_low, ci_high), printed with ``decimals`` (one per
    number, None where nothing is printed), against a regenerated (estimate, ci_low, ci_high),
    or None when the public inputs do not allow a regeneration.
    """
    if len(published) != 3 or len(decimals) != 3:
        raise ValueError(f"expected (estimate, ci_low, ci_high) and three decimals, but got {published!r}, "
                         f"{decimals!r}")
    if _missing(published[0]):
        return Comparison(NO_NUMBER, None, None, None, ())
    if regenerated is None:
        return Comparison(NOT_REPRODUCIBLE, None, None, None, ())
    names = ("estimate", "ci_low", "ci_high")
    diffs, compared, ok = [], [], True
    for name, pub, dec, reg in zip(names, published, decimals, regenerated):
        if _missing(pub):
            diffs.append(None)
            continue
        if dec is None:
            raise ValueError(f"the published {name} {pub!r} needs its printed decimals")
        compared.append(name)
        diffs.append(reg - pub)
        ok = ok and within_rounding(pub, dec, reg)
    return Comparison(REPRODUCED if ok else DIFFERS, *diffs, compared=tuple(compared))
