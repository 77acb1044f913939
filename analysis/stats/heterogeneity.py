"""Heterogeneity statistics: Cochran's Q, I² (two definitions), H², and the Q-profile
interval for tau² with the matching I² interval.

Two I² are reported and named apart, because they differ for every estimator but DL:
``i2_pct`` is computed from tau² (metafor, RevMan), ``i2_q_pct`` from Q (Higgins & Thompson 2002).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from analysis.stats._validate import as_effects, check_choice, check_level
from analysis.stats.rootfinding import R_UNIROOT_TOL, brent_zeroin
from analysis.stats.tau2 import cross_weight_sum, generalised_q, solve_generalised_q

__all__ = [
    "QPROFILE_SOLVERS",
    "Heterogeneity",
    "heterogeneity",
    "i2_from_q_pct",
    "i2_from_tau2_pct",
    "tau2_qprofile_ci",
    "typical_within_variance",
]


@dataclass(frozen=True)
class Heterogeneity:
    """Heterogeneity of k studies around a pooled estimate; ``None`` where undefined (k = 1)."""

    k: int
    q: float
    q_df: int
    q_p: float | None
    tau2: float
    tau2_ci_low: float | None
    tau2_ci_high: float | None
    i2_pct: float
    i2_ci_low_pct: float | None
    i2_ci_high_pct: float | None
    i2_q_pct: float
    h2: float
    h2_q: float | None
    typical_within_variance: float | None


def typical_within_variance(v: np.ndarray) -> float | None:
    """The "typical" within-study variance s² that turns tau² into I².

    Formula: s² = (k - 1) sum w / ((sum w)² - sum w²), w = 1 / v (None when k = 1).
    Source: Higgins & Thompson 2002, Stat Med 21:1539; metafor ``rma`` (vt).
    """
    if v.size < 2:
        return None
    w = 1.0 / v
    return (v.size - 1) * float(w.sum()) / cross_weight_sum(w)


def i2_from_tau2_pct(tau2: float, s2: float | None) -> float:
    """I² in percent from tau²: 100 tau² / (tau² + s²); 0 when k = 1 (s² is None) or tau² = 0.

    Source: Higgins & Thompson 2002, Stat Med 21:1539; as computed by metafor and RevMan.
    """
    if s2 is None or tau2 <= 0:
        return 0.0
    return 100.0 * tau2 / (tau2 + s2)


def i2_from_q_pct(q: float, df: int) -> float:
    """I² in percent from Q: 100 max(0, (Q - df) / Q); 0 when Q = 0.

    Source: Higgins & Thompson 2002, Stat Med 21:1539; Higgins et al. 2003, BMJ 327:557.
    """
    if q <= 0 or q <= df:
        return 0.0
    return 100.0 * (q - df) / q


#: How the Q-profile bounds are solved: "exact" (machine precision), "metafor" (R's
#: ``uniroot`` with metafor's bracket and tolerance, to reproduce its printed output).
QPROFILE_SOLVERS = ("exact", "metafor")


def _metafor_bound(y: np.ndarray, v: np.ndarray, target: float, tau2: float) -> float:
    """One Q-profile bound as metafor's ``confint.rma.uni`` finds it.

    Bracket [0, max(100, 10 tau²)], ``uniroot`` tolerance 2^-13; a bound whose equation has
    no root in the bracket is set to the nearer end (metafor marks it "<" or ">").
    """
    upper = max(100.0, 10.0 * tau2)
    if generalised_q(y, v, 0.0) < target:
        return 0.0
    if generalised_q(y, v, upper) > target:
        return upper
    return brent_zeroin(lambda t: generalised_q(y, v, t) - target, 0.0, upper, tol=R_UNIROOT_TOL)


def tau2_qprofile_ci(
    yi: np.ndarray,
    vi: np.ndarray,
    level: float = 0.95,
    *,
    solver: str = "exact",
    tau2: float = 0.0,
) -> tuple[float, float] | None:
    """Q-profile confidence interval for tau² (None when k < 2).

    Formula: the bounds solve Q(tau²) = chi²_{k-1; 1-alpha/2} (lower) and
    Q(tau²) = chi²_{k-1; alpha/2} (upper), with Q the generalised Q; a bound whose
    equation has no root >= 0 is set to 0.
    Source: Viechtbauer 2007, Stat Med 26:37; metafor ``confint(rma(...))``.
    ``solver="metafor"`` repeats metafor's own root search (see :func:`_metafor_bound`;
    ``tau2`` is the model's estimate, which sets metafor's bracket), whose bounds are
    accurate to about 1e-4 only; ``"exact"`` solves to machine precision.
    """
    y, v = as_effects(yi, vi)
    alpha = 1.0 - check_level(level)
    check_choice(solver, QPROFILE_SOLVERS, "Q-profile solver")
    df = y.size - 1
    if df < 1:
        return None
    upper_quantile = float(special.chdtri(df, alpha / 2))  # P(X > x) = alpha/2
    lower_quantile = float(special.chdtri(df, 1.0 - alpha / 2))
    if solver == "metafor":
        low = _metafor_bound(y, v, upper_quantile, tau2)
        high = _metafor_bound(y, v, lower_quantile, tau2)
        return low, high
    return solve_generalised_q(y, v, upper_quantile), solve_generalised_q(y, v, lower_quantile)


def heterogeneity(
    yi: np.ndarray,
    vi: np.ndarray,
    tau2: float,
    *,
    level: float = 0.95,
    tau2_ci: str | None = "exact",
) -> Heterogeneity:
    """All heterogeneity statistics for effects ``yi``, variances ``vi`` and an estimated ``tau2``.

    Formulas: Q = sum w_i (y_i - mu_FE)², w_i = 1 / v_i, df = k - 1, p = P(chi²_df > Q);
    I² = 100 tau² / (tau² + s²) and H² = (tau² + s²) / s² (metafor; s² from
    :func:`typical_within_variance`); I²_Q = 100 (Q - df) / Q truncated at 0 and H²_Q = Q / df
    (Higgins & Thompson 2002); tau² and I² intervals by the Q-profile method (Viechtbauer 2007).
    Source: Higgins & Thompson 2002, Stat Med 21:1539; Viechtbauer 2007, Stat Med 26:37;
    metafor ``rma`` and ``confint``.
    ``tau2_ci`` names the Q-profile solver (see :func:`tau2_qprofile_ci`); None skips the
    interval, which needs two root searches, when only the point estimates are wanted.
    """
    y, v = as_effects(yi, vi)
    if not (math.isfinite(tau2) and tau2 >= 0):
        raise ValueError(f"tau2 must be a finite number >= 0, but got {tau2!r}")
    k, df = y.size, y.size - 1
    q = generalised_q(y, v, 0.0) if k > 1 else 0.0
    s2 = typical_within_variance(v)
    ci = None if tau2_ci is None else tau2_qprofile_ci(y, v, level, solver=tau2_ci, tau2=tau2)
    return Heterogeneity(
        k=k,
        q=q,
        q_df=df,
        q_p=float(special.chdtrc(df, q)) if df > 0 else None,
        tau2=tau2,
        tau2_ci_low=ci[0] if ci else None,
        tau2_ci_high=ci[1] if ci else None,
        i2_pct=i2_from_tau2_pct(tau2, s2),
        i2_ci_low_pct=i2_from_tau2_pct(ci[0], s2) if ci else None,
        i2_ci_high_pct=i2_from_tau2_pct(ci[1], s2) if ci else None,
        i2_q_pct=i2_from_q_pct(q, df),
        h2=(tau2 + s2) / s2 if s2 is not None else 1.0,
        h2_q=q / df if df > 0 else None,
        typical_within_variance=s2,
    )
