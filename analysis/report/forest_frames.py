"""Tidy frames for the book's charts of efficacy results (the column tables are in
:mod:`analysis.report.figures.forest` and :mod:`analysis.report.figures.pooled`).

* :func:`forest_frame`: study rows from :func:`analysis.domain.study_effects.study_effects` (missing
  inputs kept as "not available" rows with tier ``missing``), weights from the pooled result, the
  pooled diamond and the prediction interval;
* :func:`subgroup_forest_frame`: the same, grouped, with a diamond per subgroup and overall;
* :func:`published_summary_frame`: the paper's printed pooled results for ``summary_plot``;
* :func:`leave_one_out_frame`: a leave-one-out result for ``leave_one_out_plot``.
Ratios (death) are drawn as ratios: effects on the log scale are exponentiated here.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.data import Evidence

from analysis.domain.public_subgroups import PublicSubgroups
from analysis.stats import LeaveOneOutResult, PooledResult
from analysis.domain.outcomes import outcome_registry
from analysis.format import fmt_int, fmt_num, fmt_p, fmt_pct

__all__ = ["POOLED_TIER", "forest_frame", "subgroup_forest_frame", "subgroup_frame", "published_summary_frame",
           "leave_one_out_frame", "pooled_label"]

#: a pooled estimate is computed by the book's code from its inputs.
POOLED_TIER = "derived"
_FACTOR_NAMES = {"drug": "Drug", "regimen": "Regimen", "follow_up_months": "Median follow-up (months)",
                 "ck_unit": "CK unit as printed"}


def pooled_label(result: PooledResult, what: str = "Pooled") -> str:
    """"Pooled, DL random effects (k = 3)"-style label of a diamond row."""
    model = "fixed effect" if result.method == "FE" else f"{result.method} random effects"
    interval = ", Hartung-Knapp CI" if result.ci_method == "knha" else ""
    return f"{what}, {model}{interval} (k = {result.k})"


def _shown(values, log_scale: bool):
    return [math.exp(v) if log_scale and v is not None and not pd.isna(v) else v for v in values]


def _study_rows(effects: pd.DataFrame, result: PooledResult | None, start: int, group: str = "",
                weights: dict[str, float] | None = None) -> list[dict]:
    if weights is None:
        weights = dict(zip(result.labels, result.weights_pct)) if result is not None else {}
    log_scale = bool((effects["scale"] == "log").any())
    rows = []
    for i, e in enumerate(effects.itertuples(index=False)):
        est, low, high = _shown((e.yi, e.ci_low, e.ci_high), log_scale)
        source = e.method if e.tier != "missing" else e.missing
        rows.append({"row_order": start + i, "label": e.label, "row_type": "study", "estimate": est, "ci_low": low,
                     "ci_high": high, "tier": e.tier, "n": e.n,
                     "weight_pct": weights.get(e.label, np.nan) if e.tier != "missing" else np.nan,
                     "pi_low": np.nan, "pi_high": np.nan, "group": group, "source": source})
    return rows


def heterogeneity_text(result: PooledResult) -> str:
    """The heterogeneity line printed under a pooled diamond (RevMan and metafor style)."""
    if result.k < 2:
        return "Heterogeneity: not applicable (one study)"
    return (f"Heterogeneity: \u03c4\u00b2 = {fmt_num(result.tau2)}; I\u00b2 = {fmt_pct(result.i2_pct)}; "
            f"Q = {fmt_num(result.q)} (df = {fmt_int(result.q_df)}), p = {fmt_p(result.q_p)}")


def subgroup_test_text(q: float | None, df: int | None, p: float | None) -> str:
    """The line under a subgroup plot: the test for subgroup differences."""
    if q is None:
        return "Test for subgroup differences: not applicable (fewer than two subgroups pooled)"
    return f"Test for subgroup differences: Q = {fmt_num(q)} (df = {fmt_int(df)}), p = {fmt_p(p)}"


def _note_row(order: int, text: str, group: str = "") -> dict:
    return {"row_order": order, "label": text, "row_type": "note", "estimate": np.nan, "ci_low": np.nan,
            "ci_high": np.nan, "tier": None, "n": pd.NA, "weight_pct": np.nan, "pi_low": np.nan, "pi_high": np.nan,
            "group": group, "source": ""}


def _pooled_rows(result: PooledResult, start: int, *, label: str, row_type: str, log_scale: bool,
                 prediction: bool, group: str = "", tier: str = POOLED_TIER, weight_pct: float = 100.0) -> list[dict]:
    est, low, high = _shown((result.estimate, result.ci_low, result.ci_high), log_scale)
    rows = [{"row_order": start, "label": label, "row_type": row_type, "estimate": est, "ci_low": low,
             "ci_high": high, "tier": tier, "n": pd.NA, "weight_pct": weight_pct, "pi_low": np.nan, "pi_high": np.nan,
             "group": group, "source": f"tau² = {result.tau2:.3g}; I² = {result.i2_pct:.0f}%"}]
    if prediction and result.pi_low is not None:
        pi_low, pi_high = _shown((result.pi_low, result.pi_high), log_scale)
        rows.append({"row_order": start + 1, "label": "Prediction interval", "row_type": "prediction",
                     "estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan, "tier": tier, "n": pd.NA,
                     "weight_pct": np.nan, "pi_low": pi_low, "pi_high": pi_high, "group": group,
                     "source": f"t on {result.pi_df} df" if result.pi_df else "normal quantile"})
    rows.append(_note_row(start + len(rows), heterogeneity_text(result), group))
    return rows


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["n"] = frame["n"].astype("Int64")
    return frame


def forest_frame(effects: pd.DataFrame, result: PooledResult | None, *, pooled_text: str = "Pooled",
                 include_missing: bool = True, prediction: bool = True) -> pd.DataFrame:
    """Study rows (in ``effects`` order), then the pooled diamond and its prediction interval.

    Weights are the pooled result's percentages (summing to 100 over the pooled studies; missing
    rows have none). ``result`` None draws the studies only.
    """
    shown = effects if include_missing else effects[effects["tier"] != "missing"]
    if result is not None:
        pooled_rows = shown[shown["tier"] != "missing"]
        if sorted(pooled_rows["label"]) != sorted(result.labels):
            raise ValueError(f"the pooled result holds {list(result.labels)} but the effects with values are "
                             f"{list(pooled_rows['label'])}; pool exactly the rows shown")
    rows = _study_rows(shown.reset_index(drop=True), result, 0)
    if result is not None:
        log_scale = bool((effects["scale"] == "log").any())
        rows += _pooled_rows(result, len(rows) + 1, label=pooled_label(result, pooled_text), row_type="overall",
                             log_scale=log_scale, prediction=prediction)
    return _frame(rows)


def subgroup_forest_frame(effects: pd.DataFrame, group_column: str, results: dict[str, PooledResult],
                          overall: PooledResult | None = None, *, prediction: bool = False) -> pd.DataFrame:
    """A heading per subgroup (in first-appearance order), its studies and, when ``results`` has
    it, its diamond and heterogeneity line; then the overall diamond. Weights are those of the overall
    pool when there is one (so they sum to 100% over the whole plot, and a subgroup's diamond carries
    the sum of its studies' weights), else within each subgroup."""
    if group_column not in effects:
        raise ValueError(f"effects have no column {group_column!r}; columns: {list(effects.columns)}")
    log_scale = bool((effects["scale"] == "log").any())
    overall_weights = dict(zip(overall.labels, overall.weights_pct)) if overall is not None else None
    rows: list[dict] = []
    for group in dict.fromkeys(effects[group_column].astype(str)):
        members = effects[effects[group_column].astype(str) == group].reset_index(drop=True)
        rows.append({"row_order": len(rows) * 1, "label": group, "row_type": "heading", "estimate": np.nan,
                     "ci_low": np.nan, "ci_high": np.nan, "tier": None, "n": pd.NA, "weight_pct": np.nan,
                     "pi_low": np.nan, "pi_high": np.nan, "group": group, "source": ""})
        rows += _study_rows(members, results.get(group), len(rows), group, weights=overall_weights)
        if group in results:
            share = (100.0 if overall_weights is None else
                     float(sum(overall_weights.get(label, 0.0) for label in results[group].labels)))
            rows += _pooled_rows(results[group], len(rows), label=pooled_label(results[group], "Subgroup"),
                                 row_type="subgroup", log_scale=log_scale, prediction=prediction, group=group,
                                 weight_pct=share)
    if overall is not None:
        rows += _pooled_rows(overall, len(rows) + 1, label=pooled_label(overall, "Overall"), row_type="overall",
                             log_scale=log_scale, prediction=prediction)
    return _frame(rows)


def subgroup_frame(subgroups: PublicSubgroups) -> pd.DataFrame:
    """The forest frame of :func:`analysis.domain.public_subgroups.public_subgroups`: a heading, the arms and
    a diamond per subgroup, and the overall diamond when at least two subgroups were pooled."""
    results = dict(zip(subgroups.groups, subgroups.results))
    overall = subgroups.overall if len(subgroups.groups) >= 2 else None
    frame = subgroup_forest_frame(subgroups.effects, "subgroup", results, overall=overall)
    note = _note_row(int(frame["row_order"].max()) + 1,
                     subgroup_test_text(subgroups.q_between, subgroups.df_between, subgroups.p_between))
    return _frame(frame.to_dict("records") + [note])


def _result_label(row: pd.Series) -> str:
    if row["analysis"] == "overall":
        return "All studies"
    factor = _FACTOR_NAMES.get(row["subgroup_factor"], str(row["subgroup_factor"]))
    return f"{factor}: {row['subgroup_level']}"


def published_summary_frame(evidence: Evidence, outcomes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One row per published result key with a printed estimate and interval (tier ``paper``).

    Where the paper prints a result more than once with different numbers, the version printed
    most often is shown (ties: the first in the file); ``source`` says where it is printed.
    """
    published = evidence.table("published_results")
    registry = outcome_registry(evidence)
    wanted = tuple(registry) if outcomes is None else outcomes
    unknown = [o for o in wanted if o not in registry]
    if unknown:
        raise ValueError(f"unknown outcome(s) {unknown}; valid outcomes: {', '.join(registry)}")
    full = published[published["outcome"].isin(wanted) & published["estimate"].notna()
                     & published["ci_low"].notna() & published["ci_high"].notna()]
    rows = []
    for key, group in full.groupby("result_key", sort=False):
        triples = list(zip(group["estimate"], group["ci_low"], group["ci_high"]))
        best = max(triples, key=lambda t: (triples.count(t), -triples.index(t)))
        chosen = group.iloc[triples.index(best)]
        same = group[[t == best for t in triples]]
        spec = registry[chosen["outcome"]]
        rows.append({"row_order": len(rows), "label": _result_label(chosen), "panel": spec.panel,
                     "estimate": best[0], "ci_low": best[1], "ci_high": best[2], "null_value": spec.null_value,
                     "tier": "paper", "log_scale": spec.scale == "log", "better": spec.better, "source": "; ".join(same["location"]),
                     "result_key": key})
    if not rows:
        raise ValueError(f"no published result with an estimate and interval for outcomes {list(wanted)}")
    return pd.DataFrame(rows)


def leave_one_out_frame(loo: LeaveOneOutResult, *, log_scale: bool = False, tier: str = POOLED_TIER) -> pd.DataFrame:
    """Rows "Without <study>" (row_type ``omitted``) and the all-study result (``overall``)."""
    rows = []
    for label, r in zip(loo.omitted, loo.results):
        est, low, high = _shown((r.estimate, r.ci_low, r.ci_high), log_scale)
        rows.append({"row_order": len(rows), "label": f"Without {label}", "row_type": "omitted", "estimate": est,
                     "ci_low": low, "ci_high": high, "tier": tier, "source": f"k = {r.k}"})
    est, low, high = _shown((loo.full.estimate, loo.full.ci_low, loo.full.ci_high), log_scale)
    rows.append({"row_order": len(rows) + 1, "label": pooled_label(loo.full, "All"), "row_type": "overall",
                 "estimate": est, "ci_low": low, "ci_high": high, "tier": tier, "source": f"k = {loo.full.k}"})
    return pd.DataFrame(rows)


