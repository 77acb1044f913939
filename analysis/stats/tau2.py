"""Between-study variance (tau²) estimators for the random-effects model.

Model: y_i = mu + u_i + e_i with u_i ~ N(0, tau²) and e_i ~ N(0, v_i), v_i known.
All estimators return a value >= 0. The functions take validated float arrays
(see :func:`analysis.stats._validate.as_effects`).
"""
from __future__ import annotations

import math

import numpy as np
from scipy import optimize

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

# Iterative estimators stop when a step changes tau² by less than this, relative to
# max(1, tau²). metafor stops at 1e-5; the golden kacker values have 1e-8 precision.
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


def solve_generalised_q(y: np.ndarray, v: np.ndarray, target: float) -> float:
    """The tau² >= 0 at which the generalised Q equals ``target`` (0 if Q(0) <= target).

    Formula: root of Q(tau²) - target, by Newton steps inside a bisection bracket.
    The derivative is dQ/dtau² = -sum_i w_i² (y_i - mu_w)² (mu_w minimises Q, so its own
    change drops out). Used for Paule-Mandel (target k - 1) and for the Q-profile
    interval (target a chi-square quantile; Viechtbauer 2007, Stat Med 26:37).
    """
    if generalised_q(y, v, 0.0) <= target or target <= 0:
        return 0.0
    low, high = 0.0, max(float(np.var(y)), float(v.max()), 1e-12)
    while generalised_q(y, v, high) > target:
        low, high = high, high * 4.0
        if not math.isfinite(high):  # pragma: no cover - Q(t) -> 0 as t grows
            raise ArithmeticError("could not bracket the root of the generalised Q")
    tau2 = 0.5 * (low + high)
    for _ in range(_MAX_ITERATIONS):
        w = 1.0 / (v + tau2)
        mu = float(np.dot(w, y) / w.sum())
        resid_w = w * (y - mu)
        excess = float(np.dot(resid_w, y - mu)) - target
        if excess > 0:
            low = tau2
        else:
            high = tau2
        slope = -float(np.dot(resid_w, resid_w))
        step = tau2 - excess / slope if slope < 0 else math.nan
        new = step if low < step < high else 0.5 * (low + high)
        if abs(new - tau2) <= _TOLERANCE * max(1.0, tau2) or high - low <= _TOLERANCE * max(1.0, tau2):
            return new
        tau2 = new
    return tau2  # pragma: no cover - Newton inside a shrinking bracket converges


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


def _restricted_loglik(tau2: float, y: np.ndarray, v: np.ndarray) -> float:
    """Restricted log-likelihood of the intercept-only model, up to a constant."""
    w = 1.0 / (v + tau2)
    sw = w.sum()
    mu = float(np.dot(w, y) / sw)
    return -0.5 * (float(np.log(v + tau2).sum()) + math.log(sw) + float(np.dot(w, (y - mu) ** 2)))


def tau2_reml(y: np.ndarray, v: np.ndarray) -> float:
    """Restricted maximum-likelihood tau², by Fisher scoring kept at tau² >= 0.

    Formula: with P = W - W 1 1' W / sum w and W = diag(1 / (v_i + tau²)), each step adds
    (y' P P y - tr P) / tr(P P), where P y = (w_i (y_i - mu_w))_i. P is built entrywise
    (P_ii = w_i sum_{j != i} w_j / sum w) so that one dominant weight cannot cancel it to 0.
    Starts at the DerSimonian-Laird value; a step below 0 is cut to 0.
    Source: Viechtbauer 2005, J Educ Behav Stat 30:261; metafor ``rma(method="REML")``.
    If scoring fails to converge, the restricted likelihood is maximised by a bounded
    1-D search (scipy ``minimize_scalar``) instead.
    """
    if y.size < 2:
        return 0.0
    tau2 = tau2_dersimonian_laird(y, v)
    off_diagonal = ~np.eye(y.size, dtype=bool)
    for _ in range(_MAX_ITERATIONS):
        w = 1.0 / (v + tau2)
        sw = float(w.sum())
        mu = float(np.dot(w, y) / sw)
        resid_w = w * (y - mu)
        # P built without cancellation: P_ii = w_i sum_{j != i} w_j / sum w, P_ij = -w_i w_j / sum w
        p = -np.outer(w, w) / sw
        np.fill_diagonal(p, w * np.where(off_diagonal, w, 0.0).sum(axis=1) / sw)
        tr_p, tr_pp = float(np.trace(p)), float(np.sum(p * p))
        if not (tr_pp > 0 and math.isfinite(tr_pp)):
            break
        new = max(0.0, tau2 + (float(np.dot(resid_w, resid_w)) - tr_p) / tr_pp)
        if abs(new - tau2) <= _TOLERANCE * max(1.0, tau2):
            return new
        tau2 = new
    upper = 10.0 * max(float(np.var(y)), float(v.max()))  # fallback, rare: extreme weight ratios
    found = optimize.minimize_scalar(
        lambda t: -_restricted_loglik(t, y, v), bounds=(0.0, upper), method="bounded",
        options={"xatol": 1e-12},
    )
    return float(found.x)


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
