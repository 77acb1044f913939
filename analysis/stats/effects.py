"""Study-level effect sizes with their sampling variances, as frozen ``EffectSize`` objects.

Sign convention for single-arm change: **after minus before** (mean_after - mean_before), so a
fall in a score is negative. Ratios are returned on the log scale (``scale="log"``); use
:meth:`EffectSize.ratio_ci` or :func:`numpy.exp` to report them as ratios.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import special

from analysis.stats._validate import check_choice, check_finite, check_level, check_positive
from analysis.stats.recover import recover_from_ci

__all__ = [
    "EffectSize",
    "mean_change_from_change_ci",
    "mean_change_from_change_sd",
    "mean_change_from_pre_post",
    "mean_difference",
    "odds_ratio",
    "risk_ratio",
]


@dataclass(frozen=True)
class EffectSize:
    """One study's effect ``yi`` with sampling variance ``vi`` (and ``se`` = sqrt(vi)).

    ``scale`` is "identity" or "log" (ratios); ``converted`` is True when an input was
    estimated (e.g. a mean from a median) rather than reported; ``note`` says how.
    """

    yi: float
    vi: float
    se: float
    measure: str
    scale: str
    n: int | None
    converted: bool = False
    note: str = ""

    def ci(self, level: float = 0.95) -> tuple[float, float]:
        """Wald interval yi +/- z_{(1+level)/2} se on the analysis scale."""
        half = float(special.ndtri(0.5 + check_level(level) / 2)) * self.se
        return self.yi - half, self.yi + half

    def ratio_ci(self, level: float = 0.95) -> tuple[float, float, float]:
        """(ratio, low, high) = exp of (yi, CI) for a log-scale effect."""
        if self.scale != "log":
            raise ValueError(f"ratio_ci needs a log-scale effect, but {self.measure} is on the {self.scale} scale")
        low, high = self.ci(level)
        return math.exp(self.yi), math.exp(low), math.exp(high)


def _count(value: float, name: str) -> int:
    """A non-negative whole number (a count of patients or events)."""
    number = check_positive(value, name, allow_zero=True)
    if number != int(number):
        raise ValueError(f"{name} must be a whole number of patients, but got {value!r}")
    return int(number)


def _sample_size(n: float, name: str = "n") -> int:
    count = _count(n, name)
    if count < 1:
        raise ValueError(f"{name} must be at least 1, but got {n!r}")
    return count


def mean_change_from_pre_post(
    mean_before: float,
    sd_before: float,
    mean_after: float,
    sd_after: float,
    n: int,
    r: float,
    *,
    converted: bool = False,
) -> EffectSize:
    """Single-arm mean change from before/after means and SDs with pre-post correlation ``r``.

    Formula: yi = mean_after - mean_before; SD_change = sqrt(sd_before² + sd_after²
    - 2 r sd_before sd_after); vi = SD_change² / n.
    Source: Cochrane Handbook v6.5, section 6.5.2.8 (imputing a change-from-baseline SD);
    metafor ``escalc(measure="MC")`` (Becker 1988).
    """
    m0, m1 = check_finite(mean_before, "mean_before"), check_finite(mean_after, "mean_after")
    s0, s1 = check_positive(sd_before, "sd_before"), check_positive(sd_after, "sd_after")
    count = _sample_size(n)
    corr = check_finite(r, "r")
    if not -1 <= corr <= 1:
        raise ValueError(f"r must be a correlation between -1 and 1, but got {r!r}")
    sd_change2 = max(0.0, s0 * s0 + s1 * s1 - 2.0 * corr * s0 * s1)
    if sd_change2 == 0:
        raise ValueError(
            f"the change SD is 0 (sd_before = sd_after = {s0!r} with r = 1); use r < 1"
        )
    vi = sd_change2 / count
    return EffectSize(
        yi=m1 - m0, vi=vi, se=math.sqrt(vi), measure="mean change", scale="identity", n=count,
        converted=converted, note=f"change SD from before/after SDs with r = {corr:g}",
    )


def mean_change_from_change_sd(
    mean_change: float, sd_change: float, n: int, *, converted: bool = False
) -> EffectSize:
    """Single-arm mean change reported with the SD of the change.

    Formula: yi = mean_change (after - before); vi = sd_change² / n.
    Source: Cochrane Handbook v6.5, section 6.5.2.8.
    """
    change = check_finite(mean_change, "mean_change")
    sd = check_positive(sd_change, "sd_change")
    count = _sample_size(n)
    vi = sd * sd / count
    return EffectSize(
        yi=change, vi=vi, se=math.sqrt(vi), measure="mean change", scale="identity", n=count,
        converted=converted, note="reported change SD",
    )


#: "normal": z quantile; "t": t on n - 1 df (Cochrane Handbook 6.5.2.2, small samples).
CI_DISTRIBUTIONS = ("normal", "t")


def mean_change_from_change_ci(
    mean_change: float,
    ci_low: float,
    ci_high: float,
    n: int | None = None,
    *,
    distribution: str = "normal",
    level: float = 0.95,
    decimals: int | None = None,
    converted: bool = False,
) -> EffectSize:
    """Single-arm mean change reported with its confidence interval.

    Formula: SE = (ci_high - ci_low) / (2 c), c = z_{(1+level)/2} ("normal") or
    t_{n-1; (1+level)/2} ("t", needs n); vi = SE². The interval's symmetry is checked
    against the published rounding (:func:`analysis.stats.recover.recover_from_ci`) and the
    verdict is kept in ``note``.
    Source: Cochrane Handbook v6.5, section 6.5.2.2 (SD from a CI of a mean).
    """
    check_choice(distribution, CI_DISTRIBUTIONS, "distribution")
    count = None if n is None else _sample_size(n)
    recovered = recover_from_ci(mean_change, ci_low, ci_high, decimals=decimals, level=level)
    se = recovered.se
    if distribution == "t":
        if count is None or count < 2:
            raise ValueError(f"distribution='t' needs n >= 2 (t on n - 1 df), but got n = {n!r}")
        z = float(special.ndtri(0.5 + recovered.level / 2))
        se = se * z / float(special.stdtrit(count - 1, 0.5 + recovered.level / 2))
    return EffectSize(
        yi=recovered.yi, vi=se * se, se=se, measure="mean change", scale="identity", n=count,
        converted=converted, note=f"SE from the {distribution}-based CI; {recovered.note}",
    )


def mean_difference(
    mean_treat: float, sd_treat: float, n_treat: int,
    mean_ctrl: float, sd_ctrl: float, n_ctrl: int,
) -> EffectSize:
    """Two-arm raw mean difference, treatment minus control.

    Formula: yi = mean_treat - mean_ctrl; vi = sd_treat² / n_treat + sd_ctrl² / n_ctrl.
    Source: Borenstein et al. 2009, Introduction to Meta-Analysis, ch. 4; metafor
    ``escalc(measure="MD")``.
    """
    m1, m2 = check_finite(mean_treat, "mean_treat"), check_finite(mean_ctrl, "mean_ctrl")
    s1, s2 = check_positive(sd_treat, "sd_treat"), check_positive(sd_ctrl, "sd_ctrl")
    n1, n2 = _sample_size(n_treat, "n_treat"), _sample_size(n_ctrl, "n_ctrl")
    vi = s1 * s1 / n1 + s2 * s2 / n2
    return EffectSize(
        yi=m1 - m2, vi=vi, se=math.sqrt(vi), measure="mean difference", scale="identity",
        n=n1 + n2, note="treatment minus control",
    )


def _two_by_two(
    events_treat: float, total_treat: float, events_ctrl: float, total_ctrl: float,
    zero_correction: float,
) -> tuple[float, float, float, float, str]:
    """Cells (a, b, c, d) of a 2x2 table, with ``zero_correction`` added to all four when any is 0."""
    a, n1 = _count(events_treat, "events_treat"), _sample_size(total_treat, "total_treat")
    c, n2 = _count(events_ctrl, "events_ctrl"), _sample_size(total_ctrl, "total_ctrl")
    for events, total, arm in ((a, n1, "treat"), (c, n2, "ctrl")):
        if events > total:
            raise ValueError(f"events_{arm} ({events}) cannot exceed total_{arm} ({total})")
    add = check_positive(zero_correction, "zero_correction", allow_zero=True)
    cells = (float(a), float(n1 - a), float(c), float(n2 - c))
    if min(cells) > 0:
        return (*cells, "no zero cell")
    if add == 0:
        raise ValueError(
            f"the 2x2 table {cells} has a zero cell, so the log ratio is infinite; "
            "pass zero_correction > 0 (0.5 is the usual choice)"
        )
    note = f"zero cell: {add:g} added to all four cells"
    return cells[0] + add, cells[1] + add, cells[2] + add, cells[3] + add, note


def risk_ratio(
    events_treat: int, total_treat: int, events_ctrl: int, total_ctrl: int,
    zero_correction: float = 0.5,
) -> EffectSize:
    """Log risk ratio from 2x2 counts (a events of n1 treated, c events of n2 controls).

    Formula: yi = log((a / n1) / (c / n2)); vi = 1/a - 1/n1 + 1/c - 1/n2. When any cell
    (a, n1 - a, c, n2 - c) is 0, ``zero_correction`` is added to all four cells first.
    Source: metafor ``escalc(measure="RR")`` with its defaults add = 1/2, to = "only0";
    Cochrane Handbook v6.5, section 10.4.4.2.
    """
    a, b, c, d, note = _two_by_two(events_treat, total_treat, events_ctrl, total_ctrl, zero_correction)
    yi = math.log((a / (a + b)) / (c / (c + d)))
    vi = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return EffectSize(
        yi=yi, vi=vi, se=math.sqrt(vi), measure="log risk ratio", scale="log",
        n=int(total_treat) + int(total_ctrl), note=note,
    )


def odds_ratio(
    events_treat: int, total_treat: int, events_ctrl: int, total_ctrl: int,
    zero_correction: float = 0.5,
) -> EffectSize:
    """Log odds ratio from 2x2 counts (cells a, b = n1 - a, c, d = n2 - c).

    Formula: yi = log(a d / (b c)); vi = 1/a + 1/b + 1/c + 1/d (Woolf). When any cell is 0,
    ``zero_correction`` is added to all four cells first.
    Source: metafor ``escalc(measure="OR")`` with add = 1/2, to = "only0"; Cochrane Handbook
    v6.5, section 10.4.4.2.
    """
    a, b, c, d, note = _two_by_two(events_treat, total_treat, events_ctrl, total_ctrl, zero_correction)
    vi = 1 / a + 1 / b + 1 / c + 1 / d
    return EffectSize(
        yi=math.log(a * d / (b * c)), vi=vi, se=math.sqrt(vi), measure="log odds ratio",
        scale="log", n=int(total_treat) + int(total_ctrl), note=note,
    )
