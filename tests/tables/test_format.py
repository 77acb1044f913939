"""The one formatter, against strings checked by hand (and against R's sprintf rules)."""
import math

import numpy as np
import pandas as pd
import pytest

from analysis.format import est_ci, fmt_int, fmt_num, fmt_p, fmt_pct


def test_est_ci_matches_the_papers_cdasi_result_with_ascii_minus():
    assert est_ci(-17.67, -20.94, -14.41) == "-17.67 (95% CI -20.94 to -14.41)"
    assert est_ci(-17.666, -20.944, -14.406) == "-17.67 (95% CI -20.94 to -14.41)"
    assert "\u2212" not in est_ci(-1.0, -2.0, -0.5)


def test_est_ci_options_and_missing_parts():
    assert est_ci(0.48, 0.27, 0.86, sep=", ") == "0.48 (95% CI 0.27, 0.86)"
    assert est_ci(10.31, -2.83, 23.46, digits=1) == "10.3 (95% CI -2.8 to 23.5)"
    assert est_ci(3.11, None, float("nan")) == "3.11 (95% CI not available)"
    assert est_ci(None, 1, 2) == "not available"
    assert est_ci(np.nan, 1, 2, missing="not reported") == "not reported"
    assert est_ci(1.0, 0.5, 1.5, level_pct=90) == "1.00 (90% CI 0.50 to 1.50)"


def test_est_ci_rejects_a_reversed_interval():
    with pytest.raises(ValueError, match="ci_low <= ci_high"):
        est_ci(1.0, 2.0, 0.5)


def test_fmt_num_rounds_like_sprintf_and_never_shows_negative_zero():
    assert fmt_num(2.675, 2) == "2.67"  # the double is 2.67499999...
    assert fmt_num(0.125, 2) == "0.12"  # exact tie, to even (R: sprintf("%.2f", 0.125))
    assert fmt_num(-0.001, 2) == "0.00"
    assert fmt_num(-20.0, 1) == "-20.0"
    assert fmt_num(np.float64(8.6449), 2) == "8.64"
    assert fmt_num(7, 0) == "7"


@pytest.mark.parametrize("value", [None, float("nan"), np.nan, pd.NA])
def test_missing_values_give_the_missing_text(value):
    assert fmt_num(value) == "not available"
    assert fmt_int(value) == "not available"
    assert fmt_pct(value) == "not available"
    assert fmt_p(value) == "not available"
    assert fmt_num(value, missing="\u2014") == "\u2014"


def test_fmt_p():
    assert fmt_p(0.756) == "0.756"
    assert fmt_p(0.19) == "0.190"
    assert fmt_p(0.001) == "0.001"
    assert fmt_p(0.0004) == "< 0.001"
    assert fmt_p(0.0) == "< 0.001"
    assert fmt_p(1) == "1.000"
    assert fmt_p(0.04, digits=2) == "0.04"
    assert fmt_p(0.004, digits=2) == "< 0.01"
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        fmt_p(1.2)


def test_fmt_pct_takes_percent_not_fraction():
    assert fmt_pct(63) == "63%"
    assert fmt_pct(62.54, 1) == "62.5%"
    assert fmt_pct(0) == "0%"


def test_fmt_int():
    assert fmt_int(91) == "91"
    assert fmt_int(1234) == "1,234"
    assert fmt_int(26.0) == "26"
    assert fmt_int(np.int64(296)) == "296"
    with pytest.raises(ValueError, match="whole number"):
        fmt_int(2.5)


@pytest.mark.parametrize("bad", ["1.5", True, [1]])
def test_non_numbers_are_rejected_not_coerced(bad):
    with pytest.raises(TypeError, match="real number"):
        fmt_num(bad)


def test_infinite_values_are_rejected():
    with pytest.raises(ValueError, match="finite"):
        fmt_num(math.inf)
