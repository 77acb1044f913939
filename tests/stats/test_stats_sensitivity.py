"""Subgroups, sensitivity analyses and small-study tests against hand computation,
brute force and their definitions."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats as sps

from analysis.stats import (
    DEFAULT_CORRELATIONS,
    begg_test,
    correlation_sweep,
    egger_test,
    exclusion_sets,
    leave_one_out,
    mean_change_from_pre_post,
    method_grid,
    pool,
    subgroup_analysis,
)


def test_subgroup_test_by_hand() -> None:
    # Two FE subgroups: A = (0, 0) with v = 1 -> mu 0, var 1/2; B = (1, 1) -> mu 1, var 1/2.
    # mu_bar = 0.5; Q_between = 2 x 0.25 + 2 x 0.25 = 1, df 1, p = P(chi²_1 > 1) = 0.3173
    result = subgroup_analysis([0, 0, 1, 1], [1, 1, 1, 1], ["A", "A", "B", "B"], method="FE")
    assert result.groups == ("A", "B")
    assert result.q_between == pytest.approx(1.0)
    assert result.df_between == 1
    assert result.p_between == pytest.approx(sps.chi2.sf(1, 1))
    assert result.result("B").estimate == pytest.approx(1.0)
    frame = result.to_frame()
    assert list(frame["subgroup"]) == ["A", "B", "overall"]
    with pytest.raises(ValueError, match="unknown subgroup 'C'"):
        result.result("C")


def test_subgroup_q_between_equals_total_minus_within_for_fixed_effect(bcg) -> None:
    # For the fixed-effect model Q_total = Q_between + sum of Q_within (Borenstein 2009, ch. 19).
    yi, vi, labels = bcg
    groups = ["early" if int(t) <= 6 else "late" for t in labels]
    result = subgroup_analysis(yi, vi, groups, labels, method="FE")
    within = sum(r.q for r in result.results)
    assert result.q_between == pytest.approx(result.overall.q - within, rel=1e-10)


def test_single_study_subgroup_with_knha_is_noted() -> None:
    result = subgroup_analysis([0.1, 0.3, 0.2, 0.9], [0.1] * 4, ["a", "a", "a", "b"], ci_method="knha")
    assert result.result("b").ci_method == "normal"
    assert any("'b' has one study" in note for note in result.notes)
    with pytest.raises(ValueError, match="at least 2 subgroups"):
        subgroup_analysis([0.1, 0.3], [0.1, 0.1], ["a", "a"])


def test_leave_one_out_matches_pooling_without_each_study(bcg) -> None:
    yi, vi, labels = bcg
    loo = leave_one_out(yi, vi, labels, method="DL")
    frame = loo.to_frame()
    assert list(frame["omitted"]) == labels
    for i in (0, 7, 12):
        keep = np.arange(len(yi)) != i
        assert frame["estimate"].iloc[i] == pytest.approx(pool(yi[keep], vi[keep], method="DL").estimate)
    assert frame["estimate_change"].iloc[0] == pytest.approx(frame["estimate"].iloc[0] - loo.full.estimate)
    with pytest.raises(ValueError, match="needs k >= 3"):
        leave_one_out([1, 2], [1, 1], ci_method="knha")


def test_method_grid_covers_three_estimators_by_every_interval(kacker) -> None:
    yi, vi, _ = kacker
    grid = method_grid(yi, vi)
    assert list(zip(grid["method"], grid["ci_method"])) == list(
        itertools.product(("DL", "REML", "PM"), ("normal", "knha", "knha_adhoc"))
    )
    with pytest.raises(ValueError, match="unknown pooling method 'HS'"):
        method_grid(yi, vi, methods=("HS",))


def test_correlation_sweep_rebuilds_effects_for_each_r() -> None:
    before = [(30, 8, 24, 9, 12), (28, 7, 20, 8, 15), (35, 10, 30, 9, 9)]

    def build(r: float):
        effects = [mean_change_from_pre_post(m0, s0, m1, s1, n, r) for m0, s0, m1, s1, n in before]
        return [e.yi for e in effects], [e.vi for e in effects]

    sweep = correlation_sweep(build, method="FE")
    assert list(sweep["r"]) == list(DEFAULT_CORRELATIONS)
    # a higher r shrinks every change variance, so the FE standard error falls
    assert sweep["se"].is_monotonic_decreasing
    with pytest.raises(ValueError, match="between -1 and 1"):
        correlation_sweep(build, rs=(1.5,))


def test_exclusion_sets(bcg) -> None:
    yi, vi, labels = bcg
    frame = exclusion_sets(yi, vi, labels, {"without the two largest": ["8", "11"]}, method="DL")
    assert list(frame["set"]) == ["all studies", "without the two largest"]
    assert list(frame["k"]) == [13, 11]
    keep = [label not in ("8", "11") for label in labels]
    assert frame["estimate"].iloc[1] == pytest.approx(pool(yi[keep], vi[keep], method="DL").estimate)
    with pytest.raises(ValueError, match="unknown studies \\['99'\\]"):
        exclusion_sets(yi, vi, labels, {"typo": ["99"]})


def test_classic_egger_matches_least_squares_by_hand(bcg) -> None:
    yi, vi, _ = bcg
    se = np.sqrt(vi)
    design = np.column_stack([np.ones_like(se), 1 / se])
    coef, residual, *_ = np.linalg.lstsq(design, yi / se, rcond=None)
    sigma2 = residual[0] / (len(yi) - 2)
    cov = sigma2 * np.linalg.inv(design.T @ design)
    t_stat = coef[0] / math.sqrt(cov[0, 0])
    result = egger_test(yi, vi, model="lm")
    assert result.coef == pytest.approx(coef[0], rel=1e-10)
    assert result.stat == pytest.approx(t_stat, rel=1e-10)
    assert result.p == pytest.approx(2 * sps.t.sf(abs(t_stat), len(yi) - 2), rel=1e-10)
    assert not result.underpowered


def test_begg_p_value_matches_brute_force_permutation() -> None:
    yi = np.array([0.8, 0.1, 0.5, -0.2, 0.9, 0.3])
    vi = np.array([0.30, 0.05, 0.12, 0.02, 0.40, 0.08])
    result = begg_test(yi, vi)
    w = 1 / vi
    y_star = (yi - np.sum(w * yi) / w.sum()) / np.sqrt(vi - 1 / w.sum())

    def concordance(order) -> float:
        pairs = itertools.combinations(range(len(order)), 2)
        return sum(np.sign(y_star[i] - y_star[j]) * np.sign(vi[order[i]] - vi[order[j]]) for i, j in pairs)

    observed = concordance(range(6))
    null = [concordance(p) for p in itertools.permutations(range(6))]
    p_exact = np.mean([abs(s) >= abs(observed) - 1e-12 for s in null])
    assert result.kendall_tau == pytest.approx(observed / 15)
    assert result.p == pytest.approx(p_exact, abs=1e-12)
    assert result.underpowered and "k = 6 < 10" in result.note


def test_small_study_tests_need_three_studies() -> None:
    with pytest.raises(ValueError, match="at least 3 studies"):
        egger_test([1, 2], [1, 1])
    with pytest.raises(ValueError, match="at least 3 studies"):
        begg_test([1, 2], [1, 1])
    with pytest.raises(ValueError, match="unknown Egger model"):
        egger_test([1, 2, 3], [1, 1, 2], model="glm")
