"""Weighted meta-regression y_i = x_i' beta + u_i + e_i with residual heterogeneity tau²,
enough for Egger-type tests (one moderator); intercept-only pooling lives in ``pooling``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from analysis.stats._validate import as_effects, check_choice
from analysis.stats.rootfinding import brent_zeroin

__all__ = ["METAREG_METHODS", "METAREG_TESTS", "MetaRegression", "meta_regression"]

METAREG_METHODS = ("FE", "DL", "REML")
#: "z": Wald test with the model-based SE; "knha": Knapp-Hartung SE with t on k - p df.
METAREG_TESTS = ("z", "knha")

#: convergence of the REML tau² step, relative to the scale of the problem: max(tau², mean v_i).
#: An absolute step of 1e-12 stops at once when the sampling variances are themselves ~1e-7.
_TOLERANCE = 1e-12
_MAX_ITERATIONS = 500


@dataclass(frozen=True)
class MetaRegression:
    """Coefficients (intercept first) with SEs, test statistics and p-values."""

    k: int
    method: str
    test: str
    tau2: float
    coef: tuple[float, ...]
    se: tuple[float, ...]
    stat: tuple[float, ...]
    p: tuple[float, ...]
    df: int | None


def _projection(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P = W - W X (X'WX)^-1 X' W and (X'WX)^-1 for weights ``w``."""
    xw = x * w[:, None]
    inv = np.linalg.inv(x.T @ xw)
    return np.diag(w) - xw @ inv @ xw.T, inv


def _reml_score(y: np.ndarray, v: np.ndarray, x: np.ndarray, tau2: float) -> float:
    """The REML score (derivative of the restricted log-likelihood in tau²): (y'PPy - tr P) / 2."""
    p, _ = _projection(x, 1.0 / (v + tau2))
    py = p @ y
    return 0.5 * (float(py @ py) - float(np.trace(p)))


def _reml_loglik(y: np.ndarray, v: np.ndarray, x: np.ndarray, tau2: float) -> float:
    """Restricted log-likelihood (up to a constant): -(sum log(v_i + tau²) + log det X'WX + y'Py) / 2."""
    w = 1.0 / (v + tau2)
    p, inv = _projection(x, w)
    _, logdet = np.linalg.slogdet(np.linalg.inv(inv))
    return -0.5 * (float(np.sum(np.log(v + tau2))) + float(logdet) + float(y @ p @ y))


#: Fisher-scoring steps before the REML estimate is taken by root-finding on the score instead.
_FISHER_STEPS = 100


def _tau2_reml(y: np.ndarray, v: np.ndarray, x: np.ndarray, start: float) -> float:
    """REML tau² by Fisher scoring: tau² += (y'PPy - tr P) / tr(PP), kept >= 0, converged when the
    step is below a tolerance relative to max(tau², mean v_i) (an absolute 1e-12 stops at once when the
    variances are ~1e-7). Fisher scoring can swing between two values for hundreds of steps (effects all
    0 but one); after :data:`_FISHER_STEPS` steps the score's root is found by Brent's method instead
    (0 when the score is not positive at 0, the truncation of the estimator).

    Source: Viechtbauer 2005; metafor ``rma(mods = ..., method = "REML")``.
    """
    tau2 = start
    scale = max(float(np.mean(v)), np.finfo(float).tiny)
    for _ in range(_FISHER_STEPS):
        p, _ = _projection(x, 1.0 / (v + tau2))
        py = p @ y
        pp = p @ p
        new = max(0.0, tau2 + (float(py @ py) - float(np.trace(p))) / float(np.trace(pp)))
        if abs(new - tau2) <= _TOLERANCE * max(scale, tau2):
            return new
        tau2 = new
    if _reml_score(y, v, x, 0.0) <= 0:
        return 0.0
    upper = max(tau2, scale)
    for _ in range(_MAX_ITERATIONS):
        if _reml_score(y, v, x, upper) < 0:
            break
        upper *= 2.0
    else:  # pragma: no cover - the score turns negative for a large enough tau²
        raise ArithmeticError("REML meta-regression: no upper bracket for the score's root")
    return brent_zeroin(lambda t: _reml_score(y, v, x, t), 0.0, upper, tol=_TOLERANCE * scale)


def _tau2_dl(y: np.ndarray, v: np.ndarray, x: np.ndarray) -> float:
    """Method-of-moments residual tau²: (Q_E - (k - p)) / tr(P at tau² = 0), truncated at 0.

    Source: Raudenbush 2009 (Handbook of Research Synthesis, 2nd ed., ch. 16); metafor "DL".
    """
    p, _ = _projection(x, 1.0 / v)
    q_e = float(y @ p @ y)
    return max(0.0, (q_e - (y.size - x.shape[1])) / float(np.trace(p)))


def meta_regression(
    yi: np.ndarray, vi: np.ndarray, moderator: np.ndarray, *, method: str = "REML", test: str = "knha"
) -> MetaRegression:
    """Fit y_i = b0 + b1 m_i + u_i + e_i, u_i ~ N(0, tau²), e_i ~ N(0, v_i).

    Formulas: W = diag(1 / (v_i + tau²)); b = (X'WX)^-1 X'W y; Var(b) = (X'WX)^-1 ("z"), or
    times s² = sum w_i (y_i - x_i'b)² / (k - p) with t on k - p df ("knha", Knapp & Hartung
    2003, Stat Med 22:2693). tau² by REML, DL or 0 (FE).
    Source: metafor ``rma(yi, vi, mods = ~ m, method, test)``.
    """
    y, v = as_effects(yi, vi)
    check_choice(method, METAREG_METHODS, "meta-regression method")
    check_choice(test, METAREG_TESTS, "meta-regression test")
    m = np.asarray(moderator, dtype=float)
    if m.shape != y.shape or not np.isfinite(m).all():
        raise ValueError(f"moderator must be {y.size} finite numbers, but got {moderator!r}")
    x = np.column_stack([np.ones_like(y), m])
    k, n_coef = x.shape
    if k <= n_coef or np.ptp(m) == 0:
        raise ValueError(
            f"a regression on one moderator needs k >= 3 studies with differing moderator values, "
            f"but got k = {k} and moderator range {np.ptp(m)!r}"
        )
    if method == "FE":
        tau2 = 0.0
    elif method == "DL":
        tau2 = _tau2_dl(y, v, x)
    else:
        tau2 = _tau2_reml(y, v, x, _tau2_dl(y, v, x))
    w = 1.0 / (v + tau2)
    p, inv = _projection(x, w)
    coef = inv @ (x.T @ (w * y))
    cov = inv
    df = None
    if test == "knha":
        df = k - n_coef
        cov = inv * float(y @ p @ y) / df
    se = np.sqrt(np.diag(cov))
    stat = coef / se
    if df is None:
        pvals = 2.0 * special.ndtr(-np.abs(stat))
    else:
        pvals = 2.0 * special.stdtr(df, -np.abs(stat))
    return MetaRegression(
        k=k, method=method, test=test, tau2=tau2,
        coef=tuple(float(c) for c in coef), se=tuple(float(s) for s in se),
        stat=tuple(float(s) for s in stat), p=tuple(float(q) for q in pvals), df=df,
    )


