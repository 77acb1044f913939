"""Invariants of pooling that hold for any data (hypothesis property tests)."""
from __future__ import annotations

import math
from dataclasses import fields

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.stats import POOL_METHODS, pool

EFFECT = st.floats(min_value=-20, max_value=20, allow_nan=False, allow_infinity=False)
VARIANCE = st.floats(min_value=1e-3, max_value=25, allow_nan=False, allow_infinity=False)
METHOD = st.sampled_from(POOL_METHODS)
CI_METHOD = st.sampled_from(("normal", "knha", "knha_adhoc"))


@st.composite
def studies(draw, min_k: int = 2, max_k: int = 12):
    k = draw(st.integers(min_value=min_k, max_value=max_k))
    yi = draw(st.lists(EFFECT, min_size=k, max_size=k))
    vi = draw(st.lists(VARIANCE, min_size=k, max_size=k))
    return np.array(yi), np.array(vi)


def _close(a: float | None, b: float | None, scale: float = 1.0) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-7, abs_tol=1e-8 * scale)


COMPARED = ("estimate", "se", "ci_low", "ci_high", "tau2", "q", "i2_pct", "pi_low", "pi_high")


@settings(deadline=None, max_examples=150)
@given(data=studies(), method=METHOD, ci_method=CI_METHOD, seed=st.integers(0, 2**32 - 1))
def test_result_does_not_depend_on_study_order(data, method, ci_method, seed) -> None:
    yi, vi = data
    order = np.random.default_rng(seed).permutation(yi.size)
    first = pool(yi, vi, method=method, ci_method=ci_method, tau2_ci=None)
    second = pool(yi[order], vi[order], method=method, ci_method=ci_method, tau2_ci=None)
    scale = 1.0 + float(np.abs(yi).max())
    for name in COMPARED:
        assert _close(getattr(first, name), getattr(second, name), scale), name


@settings(deadline=None)
@given(y=EFFECT, v=VARIANCE, method=METHOD)
def test_single_study_pools_to_itself(y, v, method) -> None:
    result = pool([y], [v], method=method)
    assert result.estimate == y
    assert result.se == pytest.approx(math.sqrt(v), rel=1e-12)
    assert result.tau2 == 0.0
    assert result.weights_pct == (100.0,)


@settings(deadline=None)
@given(
    y=EFFECT, v=VARIANCE, k=st.integers(2, 12), method=METHOD, ci_method=CI_METHOD,
)
def test_identical_studies_give_zero_tau2(y, v, k, method, ci_method) -> None:
    result = pool([y] * k, [v] * k, method=method, ci_method=ci_method)
    assert result.tau2 == 0.0
    assert result.i2_pct == 0.0
    assert result.estimate == pytest.approx(y, abs=1e-12 * (1 + abs(y)))


@settings(deadline=None)
@given(y=EFFECT, vi=st.lists(VARIANCE, min_size=2, max_size=12), method=METHOD)
def test_equal_effects_with_unequal_variances_give_zero_tau2(y, vi, method) -> None:
    assert pool([y] * len(vi), vi, method=method).tau2 == 0.0


@settings(deadline=None, max_examples=150)
@given(data=studies(), shift=st.floats(-100, 100), method=METHOD, ci_method=CI_METHOD)
def test_shifting_all_effects_shifts_the_estimate(data, shift, method, ci_method) -> None:
    yi, vi = data
    before = pool(yi, vi, method=method, ci_method=ci_method, tau2_ci=None)
    after = pool(yi + shift, vi, method=method, ci_method=ci_method, tau2_ci=None)
    scale = 1.0 + abs(shift) + float(np.abs(yi).max())
    assert after.estimate - shift == pytest.approx(before.estimate, rel=1e-7, abs=1e-9 * scale)
    assert after.tau2 == pytest.approx(before.tau2, rel=1e-6, abs=1e-9 * scale**2)
    assert after.se == pytest.approx(before.se, rel=1e-6, abs=1e-9 * scale)


@settings(deadline=None, max_examples=200)
@given(data=studies(min_k=1), method=METHOD, ci_method=CI_METHOD, pi=st.sampled_from(("t", "normal")))
def test_ci_contains_estimate_tau2_nonnegative_and_all_finite(data, method, ci_method, pi) -> None:
    yi, vi = data
    if yi.size == 1 and ci_method != "normal":
        ci_method = "normal"
    result = pool(yi, vi, method=method, ci_method=ci_method, pi_method=pi)
    assert result.ci_low <= result.estimate <= result.ci_high
    assert result.tau2 >= 0
    if result.tau2_ci_low is not None:
        assert 0 <= result.tau2_ci_low <= result.tau2_ci_high
    if result.pi_low is not None and not (pi == "normal" and ci_method != "normal"):
        # the PI widens the CI whenever its quantile is at least the CI's (t_{k-2} > t_{k-1} > z)
        assert result.pi_low <= result.ci_low and result.ci_high <= result.pi_high
    assert sum(result.weights_pct) == pytest.approx(100.0)
    for item in fields(result):
        value = getattr(result, item.name)
        values = value if isinstance(value, tuple) else (value,)
        for number in values:
            if isinstance(number, float):
                assert math.isfinite(number), (item.name, number)


# --- Edge cases found by fuzzing against metafor (issue #14) ----------------------------------

SAME_EFFECT = st.floats(min_value=-20, max_value=20, allow_nan=False, allow_infinity=False)


@settings(deadline=None, max_examples=100)
@given(effect=SAME_EFFECT, vi=st.lists(VARIANCE, min_size=2, max_size=10), method=METHOD)
def test_knapp_hartung_with_identical_effects_reports_no_statistic(effect, vi, method) -> None:
    """Identical effects have no spread: SE_KH is 0 and there is no t (not t ~ 1e16 from rounding noise)."""
    yi = np.full(len(vi), effect)
    result = pool(yi, vi, method=method, ci_method="knha", tau2_ci=None)
    assert result.se == 0 and result.stat is None and result.p is None


@settings(deadline=None, max_examples=150)
@given(data=studies(min_k=2), method=METHOD)
def test_modified_knapp_hartung_is_never_narrower_than_wald_with_t(data, method) -> None:
    """The ad hoc (modified) Knapp-Hartung interval raises s² < 1 to 1 (metafor test="adhoc"), so it is
    at least as wide as the Wald SE with a t quantile, and at least as wide as the unmodified KH interval."""
    yi, vi = data
    plain = pool(yi, vi, method=method, ci_method="knha", tau2_ci=None)
    modified = pool(yi, vi, method=method, ci_method="knha_adhoc", tau2_ci=None)
    wald = pool(yi, vi, method=method, ci_method="normal", tau2_ci=None)
    assert modified.se >= wald.se * (1 - 1e-12)
    assert modified.se >= plain.se * (1 - 1e-12)
    assert modified.ci_high - modified.ci_low >= (plain.ci_high - plain.ci_low) * (1 - 1e-12)


def test_knapp_hartung_with_q_below_df_narrows_and_says_so() -> None:
    narrow = pool([1.0, 1.1, 0.9], [1.0, 1.0, 1.0], method="DL", ci_method="knha", tau2_ci=None)
    assert any("narrower" in note for note in narrow.notes)
    modified = pool([1.0, 1.1, 0.9], [1.0, 1.0, 1.0], method="DL", ci_method="knha_adhoc", tau2_ci=None)
    assert any("raised to 1" in note for note in modified.notes)
    assert modified.se == pytest.approx(math.sqrt(1 / 3))


@settings(deadline=None, max_examples=60)
@given(v=VARIANCE, yi=st.lists(EFFECT, min_size=3, max_size=10), model=st.sampled_from(("lm", "rma")))
def test_egger_with_all_equal_variances_raises(v, yi, model) -> None:
    """Equal variances make 1/se constant: the classic Egger design is rank-deficient (metafor refuses)."""
    from analysis.stats import egger_test

    with pytest.raises(ValueError, match="rank-deficient"):
        egger_test(np.array(yi), np.full(len(yi), v), model=model)


@settings(deadline=None, max_examples=100)
@given(effect=SAME_EFFECT, vi=st.lists(VARIANCE, min_size=3, max_size=10, unique=True))
def test_begg_with_identical_effects_has_undefined_tau(effect, vi) -> None:
    """Identical effects: every standardised deviate is 0, so Kendall's tau is undefined, not +/-1 from noise."""
    from analysis.stats import begg_test

    result = begg_test(np.full(len(vi), effect), np.array(vi))
    assert math.isnan(result.kendall_tau) and math.isnan(result.p)
    assert "undefined" in result.note


@settings(deadline=None, max_examples=60)
@given(data=studies(min_k=4, max_k=10), scale_exp=st.integers(min_value=-9, max_value=2))
def test_reml_meta_regression_tau2_scales_with_the_variances(data, scale_exp) -> None:
    """Multiplying effects by c and variances by c² multiplies tau² by c²: the REML stopping rule is
    relative, so tiny variances (~1e-7) converge as well as variances of order 1 (and step halving lets
    oscillating cases such as effects all 0 but one converge)."""
    from analysis.stats.metaregression import meta_regression

    yi, vi = data
    moderator = np.sqrt(vi)
    if np.ptp(moderator) == 0:
        return
    c = 10.0 ** scale_exp
    base = meta_regression(yi, vi, moderator, method="REML", test="z")
    scaled = meta_regression(yi * c, vi * c * c, moderator * c, method="REML", test="z")
    assert scaled.tau2 == pytest.approx(base.tau2 * c * c, rel=1e-5, abs=1e-9 * c * c * float(vi.mean()))


@settings(deadline=None, max_examples=100)
@given(r=st.floats(min_value=-0.9, max_value=0.95), n=st.integers(min_value=3, max_value=200),
       sd_before=st.floats(min_value=0.5, max_value=30), sd_after=st.floats(min_value=0.5, max_value=30),
       change=st.floats(min_value=0.5, max_value=30))
def test_correlation_from_paired_p_inverts_the_paired_t_test(r, n, sd_before, sd_after, change) -> None:
    """r -> SD of the change -> paired t -> p, then back: the implied r is the r we started from."""
    from scipy import special

    from analysis.stats import correlation_from_paired_p

    sd_change = math.sqrt(sd_before ** 2 + sd_after ** 2 - 2 * r * sd_before * sd_after)
    t = change * math.sqrt(n) / sd_change
    p = float(2 * special.stdtr(n - 1, -t))
    if not 1e-8 < p < 1 - 1e-9:  # the t quantile is accurate to ~1e-9 relative; far tails lose r's digits
        return
    implied = correlation_from_paired_p(10.0, sd_before, 10.0 - change, sd_after, n, p, p_decimals=15)
    assert implied.r == pytest.approx(r, abs=1e-4)
    assert implied.r_low <= implied.r <= implied.r_high


def test_paik_2021_p_implies_a_correlation_near_0_7() -> None:
    """The worked case of issue #14 (means and SDs from the abstract, p = 0.0005, n = 10)."""
    from analysis.stats import correlation_from_paired_p

    implied = correlation_from_paired_p(28, 15.4, 9.5, 8.5, 10, 0.0005)
    assert implied.r == pytest.approx(0.715, abs=0.001)
    assert implied.r_low == pytest.approx(0.702, abs=0.001) and implied.r_high == pytest.approx(0.729, abs=0.001)


def test_reml_meta_regression_converges_where_fisher_scoring_oscillates() -> None:
    """Found by the scaling property: effects all 0 but one made plain Fisher scoring swing between ~0.7
    and ~0.05 for hundreds of steps; with step halving the restricted likelihood rises at every step."""
    from analysis.stats.metaregression import _reml_loglik, meta_regression

    y = np.array([0.0, 0, 0, 0, 0, 0, 0, 3])
    v = np.array([1.0, 2, 2, 2, 3, 3, 3, 1])
    fit = meta_regression(y, v, np.sqrt(v), method="REML", test="z")
    x = np.column_stack([np.ones_like(y), np.sqrt(v)])
    best = _reml_loglik(y, v, x, fit.tau2)
    for other in (fit.tau2 * 0.9, fit.tau2 * 1.1, fit.tau2 + 1e-3):
        assert _reml_loglik(y, v, x, other) <= best + 1e-12
