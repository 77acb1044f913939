"""Each consistency check's arithmetic against hand-made inputs whose right answer is known."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from analysis.audit.consistency import STATUSES, CheckResult, combine_subgroups, fit_i2_p_k, implied_p_range, overall_status
from analysis.audit.consistency.heterogeneity import q_range_from_i2
from analysis.audit.consistency.intervals import result_scale
from analysis.stats import recover_from_ci


def test_symmetric_interval_passes_and_asymmetric_fails():
    # 3.11 +/- 2.50 is symmetric; 0.61 to 6.61 is 2.50 below and 3.50 above.
    assert recover_from_ci(3.11, 0.61, 5.61).symmetric
    assert not recover_from_ci(3.11, 0.61, 6.61).symmetric
    # On the log scale: exp(log 0.5 +/- 0.4) is symmetric there, not on the identity scale.
    low, high = round(0.5 * math.exp(-0.4), 4), round(0.5 * math.exp(0.4), 4)
    assert recover_from_ci(0.5, low, high, scale="log").symmetric
    assert not recover_from_ci(0.5, low, high, scale="identity").symmetric


def test_ratio_measures_use_the_log_scale():
    assert result_scale("risk ratio (RR)") == "log"
    assert result_scale("standardized mean difference") == "identity"
    assert result_scale(float("nan")) == "identity"


def test_implied_p_agrees_with_a_hand_computed_wald_test():
    # estimate 2, SE 1 -> CI 2 +/- 1.959964; z = 2 gives p = 0.0455003.
    half = stats.norm.isf(0.025)
    p, p_min, p_max = implied_p_range(2.0, 2.0 - half, 2.0 + half, scale="identity", decimals=6)
    assert p == pytest.approx(0.0455003, abs=1e-6)
    assert p_min <= p <= p_max


def test_implied_p_of_the_papers_risk_ratio():
    # log(0.48) / ((log 0.86 - log 0.27) / 3.919928) = -2.4833 -> p = 0.01301
    se = (math.log(0.86) - math.log(0.27)) / (2 * stats.norm.isf(0.025))
    expected = 2 * stats.norm.sf(abs(math.log(0.48)) / se)
    p, p_min, p_max = implied_p_range(0.48, 0.27, 0.86, scale="log")
    assert p == pytest.approx(expected)
    assert expected == pytest.approx(0.0130, abs=5e-4)
    assert p_max < 0.05 < 0.19  # the printed 0.19 is far outside what the interval allows


def test_i2_zero_needs_p_at_least_the_chi2_tail_at_its_df():
    # k = 4: I² = 0 <=> Q <= 3 <=> p >= P(chi²_3 >= 3) = 0.3916
    threshold = stats.chi2.sf(3, 3)
    assert threshold == pytest.approx(0.3916, abs=1e-4)
    assert fit_i2_p_k(0, 0.60, 4).consistent
    assert not fit_i2_p_k(0, 0.20, 4).consistent  # Q = 4.64 > 3 would give I² = 35%


def test_i2_63_with_p_0_1_fits_two_studies_not_four():
    # k = 2: Q = chi2.isf(0.1, 1) = 2.706, I² = (2.706 - 1) / 2.706 = 63.0%
    q = stats.chi2.isf(0.1, 1)
    assert 100 * (q - 1) / q == pytest.approx(63.0, abs=0.1)
    assert fit_i2_p_k(63, 0.1, 2).consistent
    # k = 4: I² = 63% needs Q = 3 / 0.37 = 8.11, p = 0.044, which does not print as 0.1
    assert stats.chi2.sf(3 / 0.37, 3) == pytest.approx(0.044, abs=1e-3)
    assert not fit_i2_p_k(63, 0.1, 4).consistent


def test_q_range_from_i2():
    low, high = q_range_from_i2(63, 4)
    assert low == pytest.approx(3 / (1 - 0.625))
    assert high == pytest.approx(3 / (1 - 0.635))
    assert q_range_from_i2(0, 5) == (0.0, pytest.approx(4 / 0.995))


def test_fit_rejects_bad_input():
    with pytest.raises(ValueError, match="k must be at least 2"):
        fit_i2_p_k(0, 0.5, 1)
    with pytest.raises(ValueError, match="percentage"):
        fit_i2_p_k(163, 0.5, 3)


def test_subgroup_combination_matches_a_hand_calculation():
    # Two subgroups with SE 1 and 2 (CI = est +/- 1.96 SE): weights 1 and 1/4.
    z = stats.norm.isf(0.025)
    est = [-10.0, -20.0]
    se = [1.0, 2.0]
    low = [e - z * s for e, s in zip(est, se)]
    high = [e + z * s for e, s in zip(est, se)]
    combo = combine_subgroups(est, low, high)
    w = [1.0, 0.25]
    expected = (w[0] * est[0] + w[1] * est[1]) / sum(w)  # -12
    assert combo["estimate"] == pytest.approx(expected)
    assert combo["ci_high"] - combo["ci_low"] == pytest.approx(2 * z / math.sqrt(sum(w)))
    q_between = w[0] * (est[0] - expected) ** 2 + w[1] * (est[1] - expected) ** 2
    assert combo["q_between"] == pytest.approx(q_between)
    assert combo["estimate_min"] <= combo["estimate"] <= combo["estimate_max"]


def test_overall_status_rules():
    assert overall_status(["consistent", "cannot check"]) == "consistent"
    assert overall_status(["consistent", "inconsistent"]) == "inconsistent"
    assert overall_status(["cannot check"]) == "cannot check"
    with pytest.raises(ValueError, match="unknown status"):
        overall_status(["fine"])


def test_check_result_validates_its_status():
    with pytest.raises(ValueError, match="status must be one of"):
        CheckResult("x", "t", "tested", "found", "ok", pd.DataFrame())
    assert set(STATUSES) == {"consistent", "inconsistent", "cannot check"}
