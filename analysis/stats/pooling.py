"""Inverse-variance pooling: fixed effect and random effects (DL, REML, PM), with normal or
Knapp-Hartung intervals, prediction intervals and heterogeneity, as one frozen result.

Written here rather than taken from statsmodels ``combine_effects``, which leaves the DL tau²
untruncated, has no REML, prediction interval or tau² interval, and reports I² from Q only.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from analysis.stats._validate import as_effects, as_labels, check_choice, check_level
from analysis.stats.heterogeneity import QPROFILE_SOLVERS, heterogeneity
from analysis.stats.tau2 import TAU2_METHODS, tau2_estimate

__all__ = ["CI_METHODS", "PI_METHODS", "POOL_METHODS", "PooledResult", "pool", "Z95"]

#: the 97.5% normal quantile (1.959964...) of every 95% Wald interval in the book.
Z95 = float(special.ndtri(0.975))

POOL_METHODS = TAU2_METHODS
#: "normal": Wald interval with z; "knha": Knapp-Hartung standard error with t on k - 1 df;
#: "knha_adhoc": the modified Knapp-Hartung interval, whose scale factor is not allowed below 1
#: (Knapp & Hartung 2003; Roever et al. 2015, BMC Med Res Methodol 15:99; metafor ``test="adhoc"``),
#: so it is never narrower than the Wald interval with the t quantile.
CI_METHODS = ("normal", "knha", "knha_adhoc")
#: Residuals smaller than this many units of the largest |effect| in the last place are floating-point
#: noise (identical effects give residuals of order 1e-17, not 0).
_NOISE_ULPS = 64.0
#: "t": t on k - 2 df (Higgins, Thompson & Spiegelhalter 2009); "normal": z (metafor's default).
PI_METHODS = ("t", "normal")


@dataclass(frozen=True)
class PooledResult:
    """A pooled estimate with its interval, test, prediction interval and heterogeneity.

    Effects are on the analysis scale (log scale for ratios). ``None`` marks a quantity that
    is undefined for this model or k; ``notes`` says why.
    """

    k: int
    method: str
    ci_method: str
    pi_method: str
    level: float
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    stat_name: str
    stat: float | None
    p: float | None
    df: int | None
    tau2: float
    tau2_ci_low: float | None
    tau2_ci_high: float | None
    i2_pct: float
    i2_ci_low_pct: float | None
    i2_ci_high_pct: float | None
    i2_q_pct: float
    h2: float
    h2_q: float | None
    q: float
    q_df: int
    q_p: float | None
    pi_low: float | None
    pi_high: float | None
    pi_df: int | None
    labels: tuple[str, ...]
    yi: tuple[float, ...]
    vi: tuple[float, ...]
    weights_pct: tuple[float, ...]
    notes: tuple[str, ...] = field(default=())

    def ratio_ci(self) -> tuple[float, float, float]:
        """(ratio, low, high): exp of the estimate and CI, for effects pooled on the log scale."""
        return math.exp(self.estimate), math.exp(self.ci_low), math.exp(self.ci_high)

    def summary_row(self) -> dict[str, object]:
        """Every scalar field as a dict (the per-study tuples are in :meth:`study_frame`)."""
        row = {
            name: value
            for name, value in asdict(self).items()
            if name not in {"labels", "yi", "vi", "weights_pct", "notes"}
        }
        row["notes"] = "; ".join(self.notes)
        return row

    def to_frame(self) -> pd.DataFrame:
        """One tidy row with every scalar field."""
        return pd.DataFrame([self.summary_row()])

    def study_frame(self) -> pd.DataFrame:
        """One row per study: label, yi, vi, se, Wald interval at ``level`` and weight in percent."""
        y, v = np.asarray(self.yi), np.asarray(self.vi)
        se = np.sqrt(v)
        z = float(special.ndtri(0.5 + self.level / 2))
        return pd.DataFrame(
            {
                "label": list(self.labels),
                "yi": y,
                "vi": v,
                "se": se,
                "ci_low": y - z * se,
                "ci_high": y + z * se,
                "weight_pct": np.asarray(self.weights_pct),
            }
        )


def _p_value(stat: float, df: int | None) -> float:
    """Two-sided p from z (df None) or from t with ``df`` degrees of freedom."""
    if df is None:
        return float(2.0 * special.ndtr(-abs(stat)))
    return float(2.0 * special.stdtr(df, -abs(stat)))


def _quantile(level: float, df: int | None) -> float:
    """Upper (1 + level) / 2 quantile of z (df None) or of t on ``df`` degrees of freedom."""
    prob = 0.5 + level / 2
    return float(special.ndtri(prob) if df is None else special.stdtrit(df, prob))


def pool(
    yi: Iterable[float],
    vi: Iterable[float],
    *,
    method: str = "REML",
    ci_method: str = "normal",
    pi_method: str = "t",
    labels: Sequence[object] | None = None,
    level: float = 0.95,
    tau2_ci: str | None = "exact",
) -> PooledResult:
    """Pool k study effects ``yi`` with sampling variances ``vi`` by inverse-variance weighting.

    Formulas: w_i = 1 / (v_i + tau²) (tau² = 0 for "FE"; "DL", "REML", "PM" as in
    :mod:`analysis.stats.tau2`); mu = sum w_i y_i / sum w_i; SE = sqrt(1 / sum w_i);
    interval mu +/- z SE ("normal") or, for "knha", SE_KH = sqrt(s² / sum w_i) with
    s² = sum w_i (y_i - mu)² / (k - 1) and mu +/- t_{k-1} SE_KH (Knapp & Hartung 2003, Stat Med
    22:2693; metafor ``test="knha"``, no truncation of the scale factor); "knha_adhoc" uses
    max(1, s²) instead (metafor ``test="adhoc"``), so s² < 1 cannot narrow the interval.
    Residuals within floating-point noise of 0 count as 0, so identical effects give SE_KH = 0
    and no test statistic (not t ~ 1e16).
    Prediction interval mu +/- c sqrt(tau² + SE²) with c = t_{k-2} ("t"; Higgins, Thompson &
    Spiegelhalter 2009, J R Stat Soc A 172:137) or z ("normal", as metafor ``predict``).
    Heterogeneity (Q, I², H², Q-profile tau² interval) from :func:`analysis.stats.heterogeneity.heterogeneity`;
    ``tau2_ci`` picks its solver ("exact", "metafor") or None to skip it.
    Source: Borenstein et al. 2010, Res Synth Methods 1:97; metafor ``rma.uni``.
    """
    y, v = as_effects(yi, vi)
    check_choice(method, POOL_METHODS, "pooling method")
    check_choice(ci_method, CI_METHODS, "ci_method")
    check_choice(pi_method, PI_METHODS, "pi_method")
    if tau2_ci is not None:
        check_choice(tau2_ci, QPROFILE_SOLVERS, "tau2_ci solver")
    level = check_level(level)
    names = as_labels(labels, y.size)
    k = y.size
    if ci_method in ("knha", "knha_adhoc") and k < 2:
        raise ValueError(
            f"ci_method={ci_method!r} needs at least 2 studies (t on k - 1 df), but got k = 1; "
            "use ci_method='normal'"
        )
    notes: list[str] = []
    tau2 = tau2_estimate(y, v, method)
    w = 1.0 / (v + tau2)
    sw = float(w.sum())
    share = w / sw  # normalised first, so one study pools exactly to itself
    estimate = float(np.dot(share, y))
    df: int | None = None
    se = math.sqrt(1.0 / sw)
    if ci_method in ("knha", "knha_adhoc"):
        df = k - 1
        residual = y - estimate
        noise = _NOISE_ULPS * np.finfo(float).eps * max(1.0, float(np.max(np.abs(y))))
        residual[np.abs(residual) <= noise] = 0.0  # identical effects: no spread, not rounding noise
        scale = float(np.dot(w, residual ** 2)) / df  # s² = Q(tau²) / (k - 1)
        if ci_method == "knha_adhoc" and scale < 1.0:
            notes.append(f"Knapp-Hartung scale factor {scale:.3g} < 1 raised to 1 (modified, ad hoc interval)")
            scale = 1.0
        elif scale < 1.0:
            notes.append(f"Knapp-Hartung scale factor {scale:.3g} < 1: the interval is narrower than the "
                         "Wald interval with a t quantile (use ci_method='knha_adhoc' for the modified version)")
        se = math.sqrt(scale / sw)
    half_width = _quantile(level, df) * se
    stat = p = None
    if se > 0:
        stat = estimate / se
        p = _p_value(stat, df)
    else:
        notes.append("Knapp-Hartung standard error is 0 (all effects identical): no test statistic")
    pi_low = pi_high = None
    pi_df = k - 2 if pi_method == "t" and method != "FE" else None
    if method == "FE":
        notes.append("fixed-effect model: no prediction interval (tau² is assumed 0)")
    elif pi_df is not None and pi_df < 1:
        notes.append(f"prediction interval with t on k - 2 df needs k >= 3, but k = {k}")
    else:
        pi_half = _quantile(level, pi_df) * math.sqrt(tau2 + se * se)
        pi_low, pi_high = estimate - pi_half, estimate + pi_half
    het = heterogeneity(y, v, tau2, level=level, tau2_ci=None if method == "FE" else tau2_ci)
    if k == 1:
        notes.append("single study: heterogeneity is undefined, tau² set to 0")
    return PooledResult(
        k=k,
        method=method,
        ci_method=ci_method,
        pi_method=pi_method,
        level=level,
        estimate=estimate,
        se=se,
        ci_low=estimate - half_width,
        ci_high=estimate + half_width,
        stat_name="z" if df is None else "t",
        stat=stat,
        p=p,
        df=df,
        tau2=tau2,
        tau2_ci_low=het.tau2_ci_low,
        tau2_ci_high=het.tau2_ci_high,
        i2_pct=het.i2_pct,
        i2_ci_low_pct=het.i2_ci_low_pct,
        i2_ci_high_pct=het.i2_ci_high_pct,
        i2_q_pct=het.i2_q_pct,
        h2=het.h2,
        h2_q=het.h2_q,
        q=het.q,
        q_df=het.q_df,
        q_p=het.q_p,
        pi_low=pi_low,
        pi_high=pi_high,
        pi_df=pi_df,
        labels=names,
        yi=tuple(float(x) for x in y),
        vi=tuple(float(x) for x in v),
        weights_pct=tuple(float(x) for x in 100.0 * share),
        notes=tuple(notes),
    )
