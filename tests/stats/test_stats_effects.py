"""Effect sizes, CI recovery and median conversions against hand-worked values and the
definitions in their sources."""
from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from analysis.stats import (
    mean_change_from_change_ci,
    mean_change_from_change_sd,
    mean_change_from_pre_post,
    mean_difference,
    median_iqr_range_to_mean_sd,
    median_iqr_to_mean_sd,
    median_range_to_mean_sd,
    odds_ratio,
    recover_from_ci,
    risk_ratio,
)
from analysis.stats.median_conversion import wan_eta, wan_xi
from analysis.stats.recover import printed_decimals

Z975 = NormalDist().inv_cdf(0.975)


def test_mean_change_sign_is_after_minus_before() -> None:
    effect = mean_change_from_pre_post(mean_before=40, sd_before=10, mean_after=30, sd_after=10, n=25, r=0.5)
    assert effect.yi == -10
    # r = 0.5 and equal SDs: SD_change = SD = 10, vi = 100 / 25
    assert effect.vi == pytest.approx(4.0)


def test_mean_change_variance_falls_as_r_rises() -> None:
    variances = [
        mean_change_from_pre_post(10, 3, 12, 4, 20, r).vi for r in (0.0, 0.3, 0.6, 0.9)
    ]
    assert variances == sorted(variances, reverse=True)
    assert variances[0] == pytest.approx((9 + 16) / 20)


def test_mean_change_from_change_sd_and_ci() -> None:
    assert mean_change_from_change_sd(-3, 6, 36).vi == pytest.approx(1.0)
    from_ci = mean_change_from_change_ci(-5.0, -6.96, -3.04)
    assert from_ci.se == pytest.approx(1.96 / Z975, rel=1e-12)
    assert "symmetric" in from_ci.note
    small = mean_change_from_change_ci(-5.0, -6.96, -3.04, n=10, distribution="t")
    assert small.se == pytest.approx(1.96 / 2.262157, rel=1e-6)  # t_{9, 0.975}
    with pytest.raises(ValueError, match="needs n >= 2"):
        mean_change_from_change_ci(-5.0, -6.96, -3.04, distribution="t")


def test_mean_difference() -> None:
    effect = mean_difference(5, 2, 10, 3, 4, 20)
    assert (effect.yi, effect.vi) == pytest.approx((2, 4 / 10 + 16 / 20))


def test_risk_and_odds_ratio_by_hand() -> None:
    rr = risk_ratio(10, 100, 20, 100)
    assert rr.yi == pytest.approx(math.log(0.5))
    assert rr.vi == pytest.approx(1 / 10 - 1 / 100 + 1 / 20 - 1 / 100)
    assert rr.ratio_ci()[0] == pytest.approx(0.5)
    orr = odds_ratio(10, 100, 20, 100)
    assert orr.yi == pytest.approx(math.log(10 * 80 / (90 * 20)))
    assert orr.vi == pytest.approx(1 / 10 + 1 / 90 + 1 / 20 + 1 / 80)


def test_zero_cell_adds_half_to_all_cells_as_metafor_does() -> None:
    rr = risk_ratio(0, 10, 3, 10)
    # cells become 0.5, 10.5, 3.5, 7.5 -> arms of 11
    assert rr.yi == pytest.approx(math.log((0.5 / 11) / (3.5 / 11)))
    assert rr.vi == pytest.approx(1 / 0.5 - 1 / 11 + 1 / 3.5 - 1 / 11)
    assert "0.5 added" in rr.note
    assert math.isfinite(odds_ratio(10, 10, 3, 10).yi)  # a zero non-event cell too
    with pytest.raises(ValueError, match="zero cell"):
        risk_ratio(0, 10, 3, 10, zero_correction=0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: risk_ratio(11, 10, 3, 10), "cannot exceed"),
        (lambda: risk_ratio(1.5, 10, 3, 10), "whole number"),
        (lambda: mean_change_from_pre_post(1, -1, 2, 1, 10, 0.5), "sd_before must be > 0"),
        (lambda: mean_change_from_pre_post(1, 1, 2, 1, 10, 1.5), "between -1 and 1"),
        (lambda: mean_change_from_pre_post(1, 1, float("nan"), 1, 10, 0.5), "finite"),
        (lambda: mean_change_from_change_sd(1, 1, 0), "at least 1"),
    ],
)
def test_invalid_effect_input_says_what_was_expected(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_recover_from_ratio_ci_on_the_log_scale() -> None:
    # metafor's DL pooled RR for dat.bcg printed as 0.4896 (0.3449 to 0.6950) (test_misc_confint.r)
    rec = recover_from_ci(0.4896, 0.3449, 0.6950, scale="log")
    assert rec.yi == pytest.approx(math.log(0.4896))
    assert rec.se == pytest.approx((math.log(0.6950) - math.log(0.3449)) / (2 * Z975))
    assert rec.symmetric and rec.decimals == 4


def test_recover_reports_asymmetry_beyond_rounding() -> None:
    rec = recover_from_ci(-5.2, -8.1, -1.3)
    assert not rec.symmetric
    assert rec.asymmetry == pytest.approx(1.0)
    # three numbers at 1 decimal, each off by <= 0.05: worst case 0.05 + 0.05 + 2 x 0.05
    assert rec.asymmetry_tolerance == pytest.approx(0.2)
    assert "asymmetric" in rec.note
    # a ratio CI that is symmetric on the raw scale is asymmetric on the log scale
    assert not recover_from_ci(2.0, 1.0, 3.0, scale="log", decimals=2).symmetric


def test_recover_rejects_bad_intervals() -> None:
    with pytest.raises(ValueError, match="ci_low <= estimate <= ci_high"):
        recover_from_ci(1.0, 2.0, 3.0)
    with pytest.raises(ValueError, match="scale"):
        recover_from_ci(1.0, 0.5, 2.0, scale="logit")
    with pytest.raises(ValueError, match="above 0"):
        recover_from_ci(1.0, 0.0, 2.0, scale="log")


def test_decimals_are_read_from_the_numbers() -> None:
    assert printed_decimals(1.5, 0.25, 12.0) == 2
    assert printed_decimals(1e-5) == 5


def test_printed_text_keeps_the_decimals_a_float_forgets() -> None:
    # the same numbers as text and as floats: text keeps trailing zeros, a float cannot
    assert [printed_decimals(t) for t in ("38.5", "44.0", "100", "-5.10", " 0.030 ", "1e-05")] == [1, 1, 0, 2, 3, 5]
    assert [printed_decimals(float(t)) for t in ("38.5", "44.0", "100", "-5.10", " 0.030 ", "1e-05")] == [1, 0, 0, 1, 2, 5]
    assert printed_decimals("1.50", 2.25) == 2


def test_wan_divisors_track_the_expected_normal_range_and_iqr() -> None:
    # Expected range of n standard normal values (the d2 constants of quality control,
    # e.g. Montgomery, Introduction to Statistical Quality Control, Appendix VI):
    # d2(5) = 2.326, d2(10) = 3.078, d2(25) = 3.931. Wan's closed form approximates them.
    for n, d2 in ((5, 2.326), (10, 3.078), (25, 3.931)):
        assert wan_xi(n) == pytest.approx(d2, rel=0.015)
    # The IQR of a normal distribution is 2 x 0.67449 = 1.34898 SD.
    assert wan_eta(100_000) == pytest.approx(1.34898, rel=1e-4)


def test_median_iqr_conversion_hand_worked() -> None:
    # m = 15, q1 = 10, q3 = 22, n = 50 (worked in the docstring):
    # mean = (0.7 + 0.39/50) x 16 + (0.3 - 0.39/50) x 15 = 15.7078
    result = median_iqr_to_mean_sd(15, 10, 22, 50)
    assert result.mean == pytest.approx(15.7078, abs=1e-10)
    eta = 2 * NormalDist().inv_cdf((0.75 * 50 - 0.125) / 50.25)
    assert result.sd == pytest.approx(12 / eta, rel=1e-12)
    assert result.converted


def test_median_range_conversion_hand_worked() -> None:
    # n = 16: n^0.75 = 8, weight 4/12: mean = (2 + 40)/2 / 3 + 15 x 2/3 = 17
    result = median_range_to_mean_sd(15, 2, 40, 16)
    assert result.mean == pytest.approx(17.0, abs=1e-12)
    assert result.sd == pytest.approx(38 / (2 * NormalDist().inv_cdf(15.625 / 16.25)), rel=1e-12)


def test_median_iqr_range_conversion_weights_sum_to_one() -> None:
    # a constant shift of all five quantiles shifts the mean by the same amount
    a = median_iqr_range_to_mean_sd(15, 10, 22, 2, 40, 50)
    b = median_iqr_range_to_mean_sd(115, 110, 122, 102, 140, 50)
    assert b.mean - a.mean == pytest.approx(100.0)
    assert b.sd == pytest.approx(a.sd)
    # symmetric quantiles: the mean is the median
    assert median_iqr_range_to_mean_sd(10, 8, 12, 4, 16, 30).mean == pytest.approx(10.0)


def test_median_conversion_recovers_normal_samples() -> None:
    rng = np.random.default_rng(7)
    sample = rng.normal(50, 10, 400)
    q1, m, q3 = np.percentile(sample, [25, 50, 75])
    result = median_iqr_to_mean_sd(m, q1, q3, sample.size)
    assert result.mean == pytest.approx(sample.mean(), abs=1.5)
    assert result.sd == pytest.approx(sample.std(ddof=1), rel=0.15)


def test_median_conversion_rejects_disordered_quantiles() -> None:
    with pytest.raises(ValueError, match="expected q1 <= median"):
        median_iqr_to_mean_sd(5, 10, 22, 50)
    with pytest.raises(ValueError, match="n must be a whole number"):
        median_range_to_mean_sd(15, 2, 40, 1)
