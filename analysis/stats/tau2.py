"""Between-study variance (tau²) estimators for the random-effects model.

Model: y_i = mu + u_i + e_i with u_i ~ N(0, tau²) and e_i ~ N(0, v_i), v_i known.
All estimators return a value >= 0. The functions take validated float arrays
(see :func:`analysis.stats._validate.as_effects`).
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from analysis.stats._validate import check_choice

__all__ = [
    "TAU2_METHODS",
    "cross_weight_sum",
    "generalised_q",
    "solve_generalised_q",
    "tau2_dersimonian_laird",
    "tau2_estimate",
    "tau2_paule_mandel",
    "tau2_reml",
]

#: Names accepted by :func:`tau2_estimate`; "FE" fixes tau² at 0.
TAU2_METHODS = ("FE", "DL", "REML", "PM")

# Root searches stop when a step changes tau² by less than this fraction of tau².
# metafor stops at 1e-5; the golden kacker values have 1e-8 precision.
_TOLERANCE = 1e-13
_MAX_ITERATIONS = 200


def cross_weight_sum(w: np.ndarray) -> float:
    """sum_{i != j} w_i w_j = (sum w)² - sum w², summed pairwise so that one weight far
    larger than the rest does not cancel it to 0."""
    others = np.where(~np.eye(w.size, dtype=bool), w, 0.0).sum(axis=1)
    return float(np.dot(w, others))


def generalised_q(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    """Generalised Q statistic at a given tau².

    Formula: Q(tau²) = sum_i w_i (y_i - mu_w)², w_i = 1 / (v_i + tau²), mu_w = sum w_i y_i / sum w_i.
    Q(0) is Cochran's Q. Q(tau²) decreases in tau² (DerSimonian & Kacker 2007, Contemp Clin Trials 28:105).
    """
    w = 1.0 / (v + tau2)
    mu = float(np.dot(w, y) / w.sum())
    return float(np.dot(w, (y - mu) ** 2))


def _bracketed_newton(
    value_and_slope: Callable[[float], tuple[float, float]], high: float, start: float
) -> float:
    """The root in (0, high) of a function that is > 0 at 0 and < 0 at ``high``.

    Newton steps from ``start``, replaced by bisection whenever a step would leave the
    shrinking bracket; stops when a step or the bracket is below 1e-13 of the root
    (1e-16 of ``high`` for a root near 0).
    """
    low, tau2 = 0.0, start if 0.0 < start < high else 0.5 * high
    floor = 1e-16 * high
    for _ in range(_MAX_ITERATIONS):
        value, slope = value_and_slope(tau2)
        if value > 0:
            low = tau2
        else:
            high = tau2
        step = tau2 - value / slope if slope < 0 else math.nan
        new = step if low < step < high else 0.5 * (low + high)
        tolerance = _TOLERANCE * new + floor
        if abs(new - tau2) <= tolerance or high - low <= tolerance:
            return new
        tau2 = new
    return tau2  # pragma: no cover - bisection alone halves the bracket 200 times


def _upper_bracket(y: np.ndarray, v: np.ndarray, is_past_root: Callable[[float], bool]) -> float:
    """A tau² beyond the root: start at the data's scale and quadruple."""
    high = max(float(np.var(y)), float(v.max()))
    while not is_past_root(high):
        high *= 4.0
        if not math.isfinite(high):  # pragma: no cover - both equations turn negative
            raise ArithmeticError("could not bracket tau²")
    return high


def solve_generalised_q(y: np.ndarray, v: np.ndarray, target: float) -> float:
    """The tau² >= 0 at which the generalised Q equals ``target`` (0 if Q(0) <= target).

    Formula: root of Q(tau²) - target, by Newton steps inside a bisection bracket.
    The derivative is dQ/dtau² = -sum_i w_i² (y_i - mu_w)² (mu_w minimises Q, so its own
    change drops out). Used for Paule-Mandel (target k - 1) and for the Q-profile
    interval (target a chi-square quantile; Viechtbauer 2007, Stat Med 26:37).
    """
    if target <= 0 or generalised_q(y, v, 0.0) <= target:
        return 0.0

    def value_and_slope(tau2: float) -> tuple[float, float]:
        w = 1.0 / (v + tau2)
        resid = y - float(np.dot(w, y) / w.sum())
        resid_w = w * resid
        return float(np.dot(resid_w, resid)) - target, -float(np.dot(resid_w, resid_w))

    high = _upper_bracket(y, v, lambda t: generalised_q(y, v, t) < target)
    return _bracketed_newton(value_and_slope, high, 0.5 * high)


def tau2_dersimonian_laird(y: np.ndarray, v: np.ndarray) -> float:
    """DerSimonian-Laird method-of-moments tau², truncated at 0.

    Formula: tau² = max(0, (Q - (k - 1)) / (sum w - sum w² / sum w)), w = 1 / v, Q = Cochran's Q
    (the denominator computed as sum_{i != j} w_i w_j / sum w, see :func:`cross_weight_sum`).
    Source: DerSimonian & Laird 1986, Control Clin Trials 7:177; metafor ``rma(method="DL")``.
    Unlike statsmodels ``combine_effects``, a negative moment estimate is truncated to 0.
    """
    if y.size < 2:
        return 0.0
    w = 1.0 / v
    q = generalised_q(y, v, 0.0)
    return max(0.0, float((q - (y.size - 1)) / (cross_weight_sum(w) / float(w.sum()))))


def tau2_paule_mandel(y: np.ndarray, v: np.ndarray) -> float:
    """Paule-Mandel tau²: the value at which the generalised Q equals its expectation k - 1.

    Formula: solve Q(tau²) = k - 1 for tau² >= 0; 0 when Q(0) <= k - 1.
    Source: Paule & Mandel 1982, J Res Natl Bur Stand 87:377; metafor ``rma(method="PM")``.
    """
    if y.size < 2:
        return 0.0
    return solve_generalised_q(y, v, float(y.size - 1))


def _reml_score(y: np.ndarray, v: np.ndarray, tau2: float) -> tuple[float, float]:
    """Twice the REML score and its derivative at tau² (intercept-only model).

    score = y'PPy - tr P and d score / d tau² = tr(PP) - 2 y'PPPy, with
    P = W - w w' / sum w, P y = (w_i r_i)_i, r_i = y_i - mu_w.
    """
    w = 1.0 / (v + tau2)
    sw = float(w.sum())
    a = w * (y - float(np.dot(w, y) / sw))
    others = np.where(~np.eye(w.size, dtype=bool), w, 0.0).sum(axis=1)
    tr_p = float(np.dot(w, others)) / sw
    w2 = float(np.dot(w, w))
    tr_pp = w2 - 2.0 * float(np.dot(w, w * w)) / sw + (w2 / sw) ** 2
    wa = float(np.dot(w, a))
    a_p_a = float(np.dot(w * a, a)) - wa * wa / sw
    return float(np.dot(a, a)) - tr_p, tr_pp - 2.0 * a_p_a


def tau2_reml(y: np.ndarray, v: np.ndarray) -> float:
    """Restricted maximum-likelihood tau²: the root of the REML score, or 0.

    Formula: with W = diag(w_i), w_i = 1 / (v_i + tau²), and P = W - w w' / sum w, the REML
    estimating equation is y'PPy = tr P, i.e. sum_i w_i² (y_i - mu_w)² = sum w - sum w² / sum w.
    If the score is <= 0 at tau² = 0 the estimate is 0; otherwise the root is found by Newton
    steps (observed information tr(PP) - 2 y'PPPy) kept inside a bisection bracket, starting
    at the DerSimonian-Laird value. (Fisher scoring, as in metafor, reaches the same root but
    can crawl: it needs hundreds of steps on some 7-study data sets.)
    Source: Viechtbauer 2005, J Educ Behav Stat 30:261; metafor ``rma(method="REML")``.
    """
    if y.size < 2 or _reml_score(y, v, 0.0)[0] <= 0:
        return 0.0
    high = _upper_bracket(y, v, lambda t: _reml_score(y, v, t)[0] < 0)
    start = tau2_dersimonian_laird(y, v)
    return _bracketed_newton(lambda t: _reml_score(y, v, t), high, start)


def tau2_estimate(y: np.ndarray, v: np.ndarray, method: str) -> float:
    """tau² by the named method: "FE" (0), "DL", "REML" or "PM".

    Source: see :func:`tau2_dersimonian_laird`, :func:`tau2_reml`, :func:`tau2_paule_mandel`;
    Veroniki et al. 2016, Res Synth Methods 7:55 (review of the estimators).
    """
    check_choice(method, TAU2_METHODS, "tau² method")
    if method == "FE":
        return 0.0
    if method == "DL":
        return tau2_dersimonian_laird(y, v)
    if method == "PM":
        return tau2_paule_mandel(y, v)
    return tau2_reml(y, v)
