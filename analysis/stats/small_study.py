"""Small-study effects: Egger's regression test and Begg's rank correlation test.

Both have little power with few studies; a result with k < 10 is flagged ``underpowered``
(Cochrane Handbook v6.5, chapter 13: tests for funnel plot asymmetry should be used only
when at least 10 studies are included).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from analysis.stats._validate import as_effects, check_choice
from analysis.stats.metaregression import METAREG_METHODS, METAREG_TESTS, meta_regression

__all__ = [
    "EGGER_MODELS",
    "MIN_STUDIES_FOR_ASYMMETRY_TESTS",
    "BeggResult",
    "EggerResult",
    "begg_test",
    "egger_test",
]

#: Below this many studies the tests are flagged as underpowered (Cochrane Handbook, chapter 13).
MIN_STUDIES_FOR_ASYMMETRY_TESTS = 10
#: "lm": the classic Egger regression; "rma": metafor's default mixed-effects variant.
EGGER_MODELS = ("lm", "rma")


@dataclass(frozen=True)
class EggerResult:
    """Test of funnel asymmetry: ``coef`` is the asymmetry term, ``limit_estimate`` the effect
    expected in an infinitely large study (the other coefficient)."""

    k: int
    model: str
    method: str | None
    test: str
    coef: float
    se: float
    stat_name: str
    stat: float
    df: int | None
    p: float
    limit_estimate: float
    underpowered: bool
    note: str

    def to_frame(self) -> pd.DataFrame:
        """One tidy row with every field."""
        return pd.DataFrame([asdict(self)])


@dataclass(frozen=True)
class BeggResult:
    """Kendall's tau between standardised effects and their variances, with its p-value."""

    k: int
    kendall_tau: float
    p: float
    p_method: str
    underpowered: bool
    note: str

    def to_frame(self) -> pd.DataFrame:
        """One tidy row with every field."""
        return pd.DataFrame([asdict(self)])


def _power_note(k: int) -> tuple[bool, str]:
    if k < MIN_STUDIES_FOR_ASYMMETRY_TESTS:
        return True, f"underpowered: k = {k} < {MIN_STUDIES_FOR_ASYMMETRY_TESTS} studies"
    return False, ""


def egger_test(
    yi: np.ndarray, vi: np.ndarray, *, model: str = "lm", method: str = "REML", test: str = "knha"
) -> EggerResult:
    """Egger's regression test for funnel plot asymmetry (k >= 3).

    ``model="lm"`` (Egger et al. 1997, BMJ 315:629): ordinary least squares of y_i / se_i on
    1 / se_i; the intercept measures asymmetry, tested by t on k - 2 df (fitted with
    statsmodels OLS).
    ``model="rma"``: mixed-effects meta-regression y_i = b0 + b1 se_i + u_i + e_i with tau² by
    ``method`` and ``test`` "knha" (t on k - 2 df) or "z"; b1 measures asymmetry.
    Source: metafor ``regtest(model = "rma", predictor = "sei")`` (Sterne & Egger 2005).
    """
    y, v = as_effects(yi, vi)
    check_choice(model, EGGER_MODELS, "Egger model")
    k = y.size
    if k < 3:
        raise ValueError(f"Egger's test needs at least 3 studies, but got k = {k}")
    underpowered, note = _power_note(k)
    sei = np.sqrt(v)
    if np.ptp(sei) <= 64 * np.finfo(float).eps * float(sei.max()):
        raise ValueError(
            f"Egger's test needs sampling variances that differ: all {k} are equal ({v[0]!r}), so the "
            "regression on precision has a rank-deficient design and no asymmetry term (metafor refuses too)"
        )
    if model == "lm":
        import statsmodels.api as sm  # imported here: statsmodels takes ~1 s to import

        fit = sm.OLS(y / sei, sm.add_constant(1.0 / sei, has_constant="add")).fit()
        return EggerResult(
            k=k, model=model, method=None, test="t", coef=float(fit.params[0]),
            se=float(fit.bse[0]), stat_name="t", stat=float(fit.tvalues[0]), df=k - 2,
            p=float(fit.pvalues[0]), limit_estimate=float(fit.params[1]),
            underpowered=underpowered, note=note,
        )
    check_choice(method, METAREG_METHODS, "Egger method")
    check_choice(test, METAREG_TESTS, "Egger test")
    reg = meta_regression(y, v, sei, method=method, test=test)
    return EggerResult(
        k=k, model=model, method=method, test=test, coef=reg.coef[1], se=reg.se[1],
        stat_name="t" if reg.df is not None else "z", stat=reg.stat[1], df=reg.df, p=reg.p[1],
        limit_estimate=reg.coef[0], underpowered=underpowered, note=note,
    )


def begg_test(yi: np.ndarray, vi: np.ndarray) -> BeggResult:
    """Begg and Mazumdar's rank correlation test for funnel plot asymmetry (k >= 3).

    Formula: mu = fixed-effect estimate; v*_i = v_i - 1 / sum(1 / v_j);
    y*_i = (y_i - mu) / sqrt(v*_i); Kendall's tau between y*_i and v_i, with the exact
    p-value when there are no ties and the normal approximation with tie correction otherwise
    (as R's ``cor.test``).
    Source: Begg & Mazumdar 1994, Biometrics 50:1088; metafor ``ranktest``.
    """
    y, v = as_effects(yi, vi)
    k = y.size
    if k < 3:
        raise ValueError(f"Begg's test needs at least 3 studies, but got k = {k}")
    underpowered, note = _power_note(k)
    w = 1.0 / v
    mu = float(np.dot(w, y) / w.sum())
    v_star = v - 1.0 / w.sum()
    residual = y - mu
    noise = 64 * np.finfo(float).eps * max(1.0, float(np.max(np.abs(y))))
    if np.all(np.abs(residual) <= noise):
        # identical effects: every y*_i is 0 up to rounding, so Kendall's tau is undefined, not +/-1
        return BeggResult(k=k, kendall_tau=float("nan"), p=float("nan"), p_method="undefined",
                          underpowered=underpowered,
                          note="; ".join(filter(None, [note, "all effects identical: Kendall's tau undefined"])))
    y_star = residual / np.sqrt(v_star)
    ties = np.unique(y_star).size < k or np.unique(v).size < k
    p_method = "asymptotic" if ties else "exact"
    from scipy import stats  # imported here: scipy.stats takes ~0.8 s to import

    result = stats.kendalltau(y_star, v, method=p_method)
    if ties:
        note = "; ".join(filter(None, [note, "ties: normal approximation for p"]))
    return BeggResult(
        k=k, kendall_tau=float(result.statistic), p=float(result.pvalue), p_method=p_method,
        underpowered=underpowered, note=note,
    )
