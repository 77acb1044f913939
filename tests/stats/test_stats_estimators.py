"""tau² estimators and pooling checked against their defining equations and against
statsmodels where statsmodels is right (DL with tau² > 0, fixed effect, Knapp-Hartung)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize
from statsmodels.stats.meta_analysis import combine_effects

from analysis.stats import pool, tau2_dersimonian_laird, tau2_paule_mandel, tau2_reml
from analysis.stats.tau2 import generalised_q


def _restricted_loglik(tau2: float, y: np.ndarray, v: np.ndarray) -> float:
    """REML log-likelihood written out independently (Viechtbauer 2005, eq. 8 up to a constant)."""
    w = 1 / (v + tau2)
    mu = np.sum(w * y) / np.sum(w)
    return -0.5 * (np.sum(np.log(v + tau2)) + np.log(np.sum(w)) + np.sum(w * (y - mu) ** 2))


def _random_studies(seed: int, extreme: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(3, 15))
    spread = 10 ** rng.uniform(-3, 3) if extreme else rng.uniform(0.1, 2)
    v = 10 ** rng.uniform(-6, 4, k) if extreme else rng.uniform(0.01, 1, k)
    return rng.normal(0, spread, k), v


@pytest.mark.parametrize("seed", range(40))
def test_reml_maximises_the_restricted_likelihood(seed: int) -> None:
    y, v = _random_studies(seed, extreme=seed % 2 == 1)
    ours = tau2_reml(y, v)
    upper = 10 * max(np.var(y), v.max())
    search = optimize.minimize_scalar(
        lambda t: -_restricted_loglik(t, y, v), bounds=(0, upper), method="bounded",
        options={"xatol": 1e-12 * max(1.0, upper)},
    )
    assert _restricted_loglik(ours, y, v) >= -search.fun - 1e-9 * (1 + abs(search.fun))


@pytest.mark.parametrize("seed", range(20))
def test_paule_mandel_solves_its_estimating_equation(seed: int) -> None:
    y, v = _random_studies(seed)
    tau2 = tau2_paule_mandel(y, v)
    if tau2 > 0:
        assert generalised_q(y, v, tau2) == pytest.approx(y.size - 1, rel=1e-10)
    else:
        assert generalised_q(y, v, 0.0) <= y.size - 1


@pytest.mark.parametrize("seed", range(20))
def test_dl_fe_and_knha_agree_with_statsmodels_when_tau2_is_positive(seed: int) -> None:
    y, v = _random_studies(seed)
    # statsmodels takes sqrt of a negative variance when its untruncated DL tau² is < 0 (the
    # trap this engine avoids); that known RuntimeWarning is silenced for the comparison only.
    with np.errstate(invalid="ignore"):
        sm = combine_effects(y, v, method_re="chi2", use_t=False)
        sm_t = combine_effects(y, v, method_re="chi2", use_t=True)
    fe = pool(y, v, method="FE", tau2_ci=None)
    assert fe.estimate == pytest.approx(sm.mean_effect_fe, rel=1e-10)
    assert fe.se == pytest.approx(sm.sd_eff_w_fe, rel=1e-10)
    if sm.tau2 <= 0:  # statsmodels does not truncate: a negative DL tau² is its trap
        assert tau2_dersimonian_laird(y, v) == 0.0
        return
    dl = pool(y, v, method="DL", tau2_ci=None)
    assert dl.tau2 == pytest.approx(sm.tau2, rel=1e-10)
    assert dl.estimate == pytest.approx(sm.mean_effect_re, rel=1e-10)
    assert dl.i2_q_pct == pytest.approx(100 * sm.i2, rel=1e-10)
    knha = pool(y, v, method="DL", ci_method="knha", tau2_ci=None)
    low, high = sm_t.conf_int(use_t=True)[3]  # the "random effect wls" row is Knapp-Hartung
    assert (knha.ci_low, knha.ci_high) == pytest.approx((low, high), rel=1e-10)


def test_statsmodels_trap_negative_dl_tau2_is_truncated() -> None:
    y, v = np.array([1.0, 1.1, 0.9, 1.0]), np.array([0.5, 0.5, 0.5, 0.5])
    with np.errstate(invalid="ignore"):  # statsmodels' own sqrt of a negative variance
        assert combine_effects(y, v, method_re="chi2").tau2 < 0
    result = pool(y, v, method="DL")
    assert result.tau2 == 0.0 and result.i2_pct == 0.0 and result.i2_q_pct == 0.0
    assert all(w > 0 for w in result.weights_pct)


def test_knapp_hartung_by_hand_on_three_studies() -> None:
    # y = (0, 1, 2), v = 1 each, FE: mu = 1, sum w = 3, sum w (y - mu)² = 2,
    # SE_KH = sqrt(2 / (2 * 3)) = 0.57735; t_{2, 0.975} = 4.302653.
    result = pool([0, 1, 2], [1, 1, 1], method="FE", ci_method="knha")
    assert result.se == pytest.approx(math.sqrt(1 / 3), rel=1e-12)
    assert result.ci_high - result.estimate == pytest.approx(4.302653 * math.sqrt(1 / 3), rel=1e-6)
    assert result.df == 2 and result.stat_name == "t"


def test_prediction_interval_by_hand() -> None:
    # k = 4 studies y = (0, 1, 2, 3), v = 0.5: FE-style Q = 10 > 3, DL tau² = (10 - 3) / (8 - 2) = 7/6.
    result = pool([0, 1, 2, 3], [0.5] * 4, method="DL")
    assert result.tau2 == pytest.approx(7 / 6, rel=1e-12)
    se2 = 1 / (4 / (0.5 + 7 / 6))
    t_2 = 4.302653  # t quantile on k - 2 = 2 df
    assert result.pi_high - result.estimate == pytest.approx(t_2 * math.sqrt(7 / 6 + se2), rel=1e-6)
    assert result.pi_df == 2


def test_brent_zeroin_finds_a_root_within_its_tolerance() -> None:
    from analysis.stats.rootfinding import R_UNIROOT_TOL, brent_zeroin

    assert R_UNIROOT_TOL == 2.0**-13  # .Machine$double.eps^0.25
    root = brent_zeroin(lambda x: x * x - 2.0, 0.0, 2.0)
    assert abs(root - math.sqrt(2.0)) <= R_UNIROOT_TOL
    assert brent_zeroin(lambda x: x * x - 2.0, 0.0, 2.0, tol=1e-14) == pytest.approx(math.sqrt(2.0), abs=1e-13)
    with pytest.raises(ValueError, match="opposite signs"):
        brent_zeroin(lambda x: x * x + 1.0, 0.0, 2.0)
