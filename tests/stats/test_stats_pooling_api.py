"""Pooling input errors, notes for undefined quantities, tidy frames, and the pinned public API."""
from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

import analysis.stats as stats
from analysis.stats import pool


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(yi=[], vi=[]), "k >= 1.*k = 0"),
        (dict(yi=[1, 2], vi=[0.1, -0.2]), r"vi must be sampling variances > 0.*\[1\]=-0.2"),
        (dict(yi=[1, 2], vi=[0.1, 0.0]), "vi must be sampling variances > 0"),
        (dict(yi=[1, float("nan")], vi=[0.1, 0.2]), "yi must be finite"),
        (dict(yi=[1, 2], vi=[0.1, float("inf")]), "vi must be finite"),
        (dict(yi=[1, 2, 3], vi=[0.1, 0.2]), "same length"),
        (dict(yi=["a"], vi=[0.1]), "sequence of numbers"),
        (dict(yi=[1, 2], vi=[1, 1], method="ML"), "unknown pooling method 'ML'; expected one of 'FE', 'DL', 'REML', 'PM'"),
        (dict(yi=[1, 2], vi=[1, 1], ci_method="hksj"), "unknown ci_method 'hksj'; expected one of 'normal', 'knha', 'knha_adhoc'"),
        (dict(yi=[1, 2], vi=[1, 1], pi_method="z"), "unknown pi_method"),
        (dict(yi=[1, 2], vi=[1, 1], tau2_ci="profile"), "unknown tau2_ci solver"),
        (dict(yi=[1, 2], vi=[1, 1], level=95), "between 0 and 1"),
        (dict(yi=[1], vi=[1], ci_method="knha"), "knha' needs at least 2 studies"),
        (dict(yi=[1, 2], vi=[1, 1], labels=["a", "a"]), "labels must be unique"),
        (dict(yi=[1, 2], vi=[1, 1], labels=["a"]), "expected 2 labels"),
    ],
)
def test_invalid_input_raises_value_error_saying_expected_and_received(kwargs, message) -> None:
    yi, vi = kwargs.pop("yi"), kwargs.pop("vi")
    with pytest.raises(ValueError, match=message):
        pool(yi, vi, **kwargs)


def test_undefined_quantities_are_none_with_a_note() -> None:
    two = pool([0.1, 0.5], [0.04, 0.05], method="REML", pi_method="t")
    assert two.pi_low is None and two.pi_high is None
    assert any("k >= 3" in note for note in two.notes)
    fe = pool([0.1, 0.5, 0.2], [0.04, 0.05, 0.03], method="FE")
    assert fe.pi_low is None and fe.tau2_ci_low is None and fe.pi_df is None
    one = pool([0.3], [0.02])
    assert one.q_p is None and one.h2_q is None and one.tau2_ci_low is None
    same = pool([0.3, 0.3, 0.3], [0.1, 0.1, 0.1], ci_method="knha")
    assert same.se == 0 and same.stat is None and same.p is None
    assert same.ci_low == same.ci_high == pytest.approx(0.3)


def test_two_i2_definitions_are_named_apart(bcg) -> None:
    yi, vi, _ = bcg
    reml = pool(yi, vi, method="REML")
    # I² from Q is the same for every estimator; I² from tau² follows the estimator
    assert reml.i2_q_pct == pytest.approx(100 * (reml.q - 12) / reml.q)
    assert reml.i2_pct != pytest.approx(reml.i2_q_pct, abs=1e-3)
    assert reml.h2 == pytest.approx(1 / (1 - reml.i2_pct / 100))


def test_frames_are_tidy(bcg) -> None:
    yi, vi, labels = bcg
    result = pool(yi, vi, labels=labels)
    row = result.to_frame()
    assert row.shape[0] == 1
    assert {"estimate", "ci_low", "ci_high", "tau2", "i2_pct", "i2_q_pct", "pi_low", "q_p"} <= set(row.columns)
    studies = result.study_frame()
    assert list(studies.columns) == ["label", "yi", "vi", "se", "ci_low", "ci_high", "weight_pct"]
    assert studies["weight_pct"].sum() == pytest.approx(100)
    assert list(studies["label"]) == labels
    np.testing.assert_allclose(studies["se"], np.sqrt(vi))


def test_ratio_ci_exponentiates_the_log_scale_result(bcg) -> None:
    yi, vi, _ = bcg
    result = pool(yi, vi, method="DL")
    # metafor's DL pooled RR for dat.bcg, printed as 0.4896 (0.3449 to 0.6950) in test_misc_confint.r
    assert result.ratio_ci() == pytest.approx((0.4896, 0.3449, 0.6950), abs=1e-4)


def test_results_are_frozen(bcg) -> None:
    yi, vi, _ = bcg
    result = pool(yi, vi)
    with pytest.raises(AttributeError):
        result.estimate = 0.0  # type: ignore[misc]


EXPECTED_API = [
    "BeggResult", "CI_METHODS", "ConvertedMeanSD", "DEFAULT_CORRELATIONS", "EffectSize",
    "EggerResult", "Heterogeneity", "LeaveOneOutResult", "MetaRegression", "PI_METHODS",
    "POOL_METHODS", "PooledResult", "RecoveredEffect", "SubgroupResult", "begg_test",
    "correlation_sweep", "egger_test", "exclusion_sets", "heterogeneity", "i2_from_q_pct",
    "i2_from_tau2_pct", "leave_one_out", "mean_change_from_change_ci",
    "mean_change_from_change_sd", "mean_change_from_pre_post", "mean_difference",
    "median_iqr_range_to_mean_sd", "median_iqr_to_mean_sd", "median_range_to_mean_sd",
    "meta_regression", "method_grid", "odds_ratio", "pool", "recover_from_ci", "risk_ratio",
    "subgroup_analysis", "tau2_dersimonian_laird", "tau2_estimate", "tau2_paule_mandel", "tau2_reml",
    "tau2_qprofile_ci", "typical_within_variance", "Z95", "half_unit", "correlation_from_paired_p",
    "ImpliedCorrelation", "printed_decimals",
]


def test_public_api_is_pinned() -> None:
    assert sorted(stats.__all__) == sorted(EXPECTED_API)
    for name in stats.__all__:
        assert hasattr(stats, name), name


@pytest.mark.parametrize("name", [n for n in EXPECTED_API if inspect.isfunction(getattr(stats, n))])
def test_public_functions_state_formula_or_source(name: str) -> None:
    doc = inspect.getdoc(getattr(stats, name)) or ""
    assert len(doc) > 40, f"{name} needs a docstring"
    # every public function names the method's source
    assert "Source:" in doc, f"{name} docstring must name its source (a line starting Source:)"
