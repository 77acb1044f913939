"""Estimated mean and SD from a reported median with its IQR and/or range.

The estimates assume roughly normal data; every result is flagged ``converted=True`` so a
sensitivity analysis can set the converted studies apart. Notation: a = minimum, q1 = first
quartile, m = median, q3 = third quartile, b = maximum, n = sample size.
"""
from __future__ import annotations

from dataclasses import dataclass

from scipy import special

from analysis.stats._validate import check_finite, check_positive

__all__ = [
    "ConvertedMeanSD",
    "median_iqr_range_to_mean_sd",
    "median_iqr_to_mean_sd",
    "median_range_to_mean_sd",
    "wan_eta",
    "wan_xi",
]


@dataclass(frozen=True)
class ConvertedMeanSD:
    """A mean and SD estimated from quantiles; ``converted`` is always True."""

    mean: float
    sd: float
    n: int
    scenario: str
    method: str
    converted: bool = True


def wan_xi(n: int) -> float:
    """Wan et al.'s divisor for the range: xi(n) = 2 Phi^-1((n - 0.375) / (n + 0.25)).

    It approximates the expected range of n standard normal values (Blom's plotting positions).
    Source: Wan et al. 2014, BMC Med Res Methodol 14:135 (its formula for the range).
    """
    return 2.0 * float(special.ndtri((n - 0.375) / (n + 0.25)))


def wan_eta(n: int) -> float:
    """Wan et al.'s divisor for the IQR: eta(n) = 2 Phi^-1((0.75 n - 0.125) / (n + 0.25)).

    It approximates the expected IQR of n standard normal values (tends to 1.349 as n grows).
    Source: Wan et al. 2014, BMC Med Res Methodol 14:135 (its formula for the IQR).
    """
    return 2.0 * float(special.ndtri((0.75 * n - 0.125) / (n + 0.25)))


def _check_order(n: int, smallest_n: int, **values: float) -> tuple[int, list[float]]:
    """Validated n and the values, which must be finite and non-decreasing in the order given."""
    count = check_positive(n, "n")
    if count != int(count) or count < smallest_n:
        raise ValueError(f"n must be a whole number >= {smallest_n}, but got {n!r}")
    numbers = [check_finite(v, name) for name, v in values.items()]
    names = list(values)
    for (left, x), (right, y) in zip(zip(names, numbers), zip(names[1:], numbers[1:])):
        if x > y:
            raise ValueError(f"expected {left} <= {right}, but got {left}={x!r} > {right}={y!r}")
    if numbers[0] == numbers[-1]:
        raise ValueError(f"{names[0]} equals {names[-1]} ({numbers[0]!r}): the spread is 0, no SD")
    return int(count), numbers


def median_iqr_to_mean_sd(median: float, q1: float, q3: float, n: int) -> ConvertedMeanSD:
    """Mean and SD from median and interquartile range.

    Formulas: mean = (0.7 + 0.39 / n) (q1 + q3) / 2 + (0.3 - 0.39 / n) m
    and SD = (q3 - q1) / eta(n) (:func:`wan_eta`).
    Source: Luo et al. 2018, Stat Methods Med Res 27:1785 (mean); Wan et al. 2014,
    BMC Med Res Methodol 14:135 (SD).
    Worked by hand for m = 15, q1 = 10, q3 = 22, n = 50: weights 0.7078 and 0.2922, mean =
    0.7078 x 16 + 0.2922 x 15 = 15.7078; eta(50) = 2 Phi^-1(37.375 / 50.25 = 0.74378) =
    2 x 0.65505 = 1.31009, SD = 12 / 1.31009 = 9.1597.
    """
    count, (q1_, m, q3_) = _check_order(n, 3, q1=q1, median=median, q3=q3)
    mean = (0.7 + 0.39 / count) * (q1_ + q3_) / 2 + (0.3 - 0.39 / count) * m
    return ConvertedMeanSD(
        mean=mean, sd=(q3_ - q1_) / wan_eta(count), n=count, scenario="median, IQR",
        method="mean: Luo et al. 2018; SD: Wan et al. 2014",
    )


def median_range_to_mean_sd(median: float, minimum: float, maximum: float, n: int) -> ConvertedMeanSD:
    """Mean and SD from median and range.

    Formulas: mean = w (a + b) / 2 + (1 - w) m with w = 4 / (4 + n^0.75)
    and SD = (b - a) / xi(n) (:func:`wan_xi`).
    Source: Luo et al. 2018, Stat Methods Med Res 27:1785 (mean); Wan et al. 2014,
    BMC Med Res Methodol 14:135 (SD).
    Worked by hand for m = 15, a = 2, b = 40, n = 16: n^0.75 = 8, w = 4 / 12 = 1/3, mean =
    21 / 3 + 2 x 15 / 3 = 17; xi(16) = 2 Phi^-1(15.625 / 16.25 = 0.96154) = 2 x 1.7688 = 3.5376,
    SD = 38 / 3.5376 = 10.742.
    """
    count, (a, m, b) = _check_order(n, 2, minimum=minimum, median=median, maximum=maximum)
    root = count**0.75
    weight = 4.0 / (4.0 + root)
    return ConvertedMeanSD(
        mean=weight * (a + b) / 2 + (1.0 - weight) * m, sd=(b - a) / wan_xi(count), n=count,
        scenario="median, range", method="mean: Luo et al. 2018; SD: Wan et al. 2014",
    )


def median_iqr_range_to_mean_sd(
    median: float, q1: float, q3: float, minimum: float, maximum: float, n: int
) -> ConvertedMeanSD:
    """Mean and SD from median, IQR and range together.

    Formulas: mean = w1 (a + b) / 2 + w2 (q1 + q3) / 2 + (1 - w1 - w2) m with
    w1 = 2.2 / (2.2 + n^0.75), w2 = 0.7 - 0.72 / n^0.55;
    SD = (b - a) / (2 xi(n)) + (q3 - q1) / (2 eta(n)).
    Source: Luo et al. 2018, Stat Methods Med Res 27:1785 (mean); Wan et al. 2014,
    BMC Med Res Methodol 14:135 (SD).
    """
    count, (a, q1_, m, q3_, b) = _check_order(
        n, 5, minimum=minimum, q1=q1, median=median, q3=q3, maximum=maximum
    )
    w1 = 2.2 / (2.2 + count**0.75)
    w2 = 0.7 - 0.72 / count**0.55
    mean = w1 * (a + b) / 2 + w2 * (q1_ + q3_) / 2 + (1.0 - w1 - w2) * m
    sd = (b - a) / (2 * wan_xi(count)) + (q3_ - q1_) / (2 * wan_eta(count))
    return ConvertedMeanSD(
        mean=mean, sd=sd, n=count, scenario="median, IQR, range",
        method="mean: Luo et al. 2018; SD: Wan et al. 2014",
    )
