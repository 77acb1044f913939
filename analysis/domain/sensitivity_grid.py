"""Sensitivity analyses of the public inputs: the pre-post correlation sweep, the estimator x interval
grid and leave-one-out, for every outcome with at least one public effect.

:func:`full_grid` crosses, for each such outcome, every r of ``settings.rs`` with the tau² estimators
DL, REML and PM and the normal and Hartung-Knapp intervals (one pooled row each, ``omitted`` empty),
and adds a leave-one-out row per omitted study wherever the engine allows it (k >= 2; k >= 3 for
Hartung-Knapp) and k is at most ``settings.leave_one_out_max_k``. The pooling, leave-one-out and correlation sweep are the engine's
(:func:`analysis.stats.leave_one_out`, :func:`analysis.stats.correlation_sweep`); this module only
feeds them the public effects and lays their results out as one table. A combination the engine cannot pool (Hartung-Knapp with one study) stays as a row
with empty results and a note. Only the changes built from before/after SDs depend on r; their
inputs are read once and re-derived per r (:func:`analysis.stats.mean_change_from_pre_post`).
The default evidence is loaded once per process and cached (:func:`cached_evidence`).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.domain.contracts import SENSITIVITY_GRID, validate
from analysis.data import Evidence, load
from analysis.domain.settings import PAPER_SETTINGS, AnalysisSettings
from analysis.domain.outcomes import outcome_registry
from analysis.stats import (Z95, LeaveOneOutResult, PooledResult, correlation_sweep, leave_one_out,
                            mean_change_from_pre_post, pool)
from analysis.domain.study_effects import study_effects

__all__ = ["GRID_METHODS", "GRID_CI_METHODS", "GRID_COLUMNS", "POOL_SERIES", "cached_evidence", "public_outcomes",
           "effects_at_r", "r_sweep", "full_grid", "sweep_series", "public_leave_one_out"]

GRID_METHODS = ("DL", "REML", "PM")
GRID_CI_METHODS = ("normal", "knha", "knha_adhoc")
#: the series of :func:`r_sweep` that holds the pool of the public effects.
POOL_SERIES = "Pool of public inputs"
GRID_COLUMNS = ("outcome", "scale", "r", "method", "ci_method", "omitted", "k", "estimate", "se", "ci_low",
                "ci_high", "tau2", "i2_pct", "q_p", "pi_low", "pi_high", "note")


@lru_cache(maxsize=1)
def cached_evidence() -> Evidence:
    """The evidence of ``data/``, loaded and validated once per process."""
    return load()


def public_outcomes(evidence: Evidence, settings: AnalysisSettings = PAPER_SETTINGS) -> dict[str, pd.DataFrame]:
    """outcome -> its public effects (:func:`study_effects` rows not ``missing``), for outcomes with any."""
    found = {}
    for outcome in outcome_registry(evidence):
        effects = study_effects(evidence, outcome, settings)
        public = effects[effects["tier"] != "missing"].reset_index(drop=True)
        if not public.empty:
            found[outcome] = public
    return found


def _r_inputs(evidence: Evidence, effects: pd.DataFrame) -> dict[int, pd.Series]:
    """Row position -> the outcomes row (means, SDs, n) of each effect that depends on r."""
    outcomes = evidence.table("outcomes")
    pre_post = outcomes[outcomes["statistic"] == "mean_sd_before_after"]
    first = {key: group.iloc[0] for key, group in pre_post.groupby(["arm_id", "outcome"], sort=False)}
    return {i: first[(e.arm_id, e.outcome)] for i, e in enumerate(effects.itertuples(index=False))
            if not pd.isna(e.r)}


def effects_at_r(effects: pd.DataFrame, inputs: dict[int, pd.Series], r: float) -> tuple[np.ndarray, np.ndarray]:
    """(yi, vi) of ``effects`` with every r-dependent change re-derived at correlation ``r``."""
    yi, vi = effects["yi"].to_numpy(float).copy(), effects["vi"].to_numpy(float).copy()
    for i, o in inputs.items():
        e = mean_change_from_pre_post(o["mean_before"], o["sd_before"], o["mean_after"], o["sd_after"], int(o["n"]), r)
        yi[i], vi[i] = e.yi, e.vi
    return yi, vi


def _row(outcome: str, scale: str, r: float, method: str, ci_method: str, omitted: str, k: int,
         result: PooledResult | None) -> dict:
    base = {"outcome": outcome, "scale": scale, "r": r, "method": method, "ci_method": ci_method,
            "omitted": omitted, "k": k}
    if result is None:
        return {**base, "note": "Hartung-Knapp needs at least 2 studies"}
    return {**base, "estimate": result.estimate, "se": result.se, "ci_low": result.ci_low, "ci_high": result.ci_high,
            "tau2": result.tau2, "i2_pct": result.i2_pct, "q_p": result.q_p, "pi_low": result.pi_low,
            "pi_high": result.pi_high, "note": "; ".join(result.notes)}


def _method_rows(outcome: str, scale: str, r: float, method: str, ci_method: str, y: np.ndarray, v: np.ndarray,
                 labels: list[str], max_k: int) -> list[dict]:
    """The all-study row of one estimator and interval and, where the engine allows it and k is at
    most ``max_k``, its leave-one-out rows (:func:`analysis.stats.leave_one_out`)."""
    options = dict(method=method, ci_method=ci_method, tau2_ci=None)
    if ci_method != "normal" and len(y) < 2:
        return [_row(outcome, scale, r, method, ci_method, "", len(y), None)]
    if len(y) < (3 if ci_method != "normal" else 2):
        return [_row(outcome, scale, r, method, ci_method, "", len(y), pool(y, v, labels=labels, **options))]
    if len(y) > max_k:
        row = _row(outcome, scale, r, method, ci_method, "", len(y), pool(y, v, labels=labels, **options))
        row["note"] = "; ".join(x for x in (row["note"], f"leave-one-out not listed: k = {len(y)} is above "
                                            f"{max_k}") if x)
        return [row]
    loo = leave_one_out(y, v, labels, **options)
    return [_row(outcome, scale, r, method, ci_method, "", len(y), loo.full),
            *(_row(outcome, scale, r, method, ci_method, label, len(y) - 1, result)
              for label, result in zip(loo.omitted, loo.results))]


def full_grid(evidence: Evidence | None = None, settings: AnalysisSettings = PAPER_SETTINGS) -> pd.DataFrame:
    """The whole grid as one tidy frame (columns :data:`GRID_COLUMNS`; analysis scale, log for ratios).

    Rows without leave-one-out: outcomes x len(settings.rs) x 3 estimators x 2 intervals.
    """
    evidence = cached_evidence() if evidence is None else evidence
    registry = outcome_registry(evidence)
    rows = []
    for outcome, effects in public_outcomes(evidence, settings).items():
        inputs = _r_inputs(evidence, effects)
        labels = list(effects["label"])
        for r in settings.rs:
            y, v = effects_at_r(effects, inputs, r)
            for method in GRID_METHODS:
                for ci_method in GRID_CI_METHODS:
                    rows += _method_rows(outcome, registry[outcome].scale, r, method, ci_method, y, v, labels,
                                         settings.leave_one_out_max_k)
    return validate(pd.DataFrame(rows, columns=list(GRID_COLUMNS)), SENSITIVITY_GRID)


def sweep_series(label: str) -> str:
    """The :func:`r_sweep` series of one r-dependent study change: "<label> change"."""
    return f"{label} change"


def r_sweep(evidence: Evidence, outcome: str,
            settings: AnalysisSettings = PAPER_SETTINGS) -> pd.DataFrame:
    """For each r of ``settings.rs``: each r-dependent study change (series = its label) and the pool
    of the outcome's public effects (series "Pool of public inputs") under ``settings``; columns
    ``series``, ``r``, ``estimate``, ``ci_low``, ``ci_high``, ``se``."""
    effects = public_outcomes(evidence, settings).get(outcome)
    if effects is None:
        raise ValueError(f"outcome {outcome!r} has no public effect to sweep; outcomes with some: "
                         f"{', '.join(public_outcomes(evidence, settings))}")
    inputs = _r_inputs(evidence, effects)
    pooled = correlation_sweep(lambda r: effects_at_r(effects, inputs, r), settings.rs, tau2_ci=None,
                               **settings.pool_options()).set_index("r")
    rows = []
    for r in settings.rs:
        y, v = effects_at_r(effects, inputs, r)
        for i in inputs:
            se = float(np.sqrt(v[i]))
            rows.append({"series": sweep_series(effects["label"].iloc[i]), "r": r, "estimate": y[i],
                         "ci_low": y[i] - Z95 * se, "ci_high": y[i] + Z95 * se, "se": se})
        res = pooled.loc[r]
        rows.append({"series": POOL_SERIES, "r": r, "estimate": res["estimate"], "ci_low": res["ci_low"],
                     "ci_high": res["ci_high"], "se": res["se"]})
    return pd.DataFrame(rows)


def public_leave_one_out(effects: pd.DataFrame, settings: AnalysisSettings = PAPER_SETTINGS) -> LeaveOneOutResult:
    """Leave-one-out of the public effects under ``settings``."""
    rows = effects[effects["tier"] != "missing"]
    return leave_one_out(rows["yi"].to_numpy(float), rows["vi"].to_numpy(float), labels=list(rows["label"]),
                         **settings.pool_options())
