"""Display tables for the efficacy chapters (skin, muscle, CK): the reproduction rows of an
outcome, the study effects with their tiers, the missing inputs and the sensitivity grid, with
numbers formatted by :mod:`analysis.format` so every page shows a result the same way.

Results, sources and studies are shown by their names (:mod:`analysis.report.reader_names`); their
identifiers stay in hidden columns, which the CSV download keeps."""
from __future__ import annotations

import pandas as pd

from analysis.domain.reproduction import published_text, regenerated_text
from analysis.domain.settings import INTERVAL_SHORT_NAMES, MIN_PREDICTION_DF
from analysis.format import est_ci, fmt_int, fmt_num, fmt_p, fmt_pct
from analysis.report.reader_names import ReaderNames
from analysis.report.tables import TableView

__all__ = ["GRID_LABELS", "comparison_table", "effects_table", "missing_table", "grid_table"]


def comparison_table(table: pd.DataFrame, outcome: str, names: ReaderNames) -> TableView:
    """The reproduction rows of ``outcome``: the result, where printed, published and regenerated
    results, verdict, whether agreement is by construction, and what is missing (a note when it
    repeats)."""
    rows = table[table["outcome"] == outcome]
    if rows.empty:
        raise ValueError(f"no reproduction rows for outcome {outcome!r}; outcomes: {sorted(set(table['outcome']))}")
    frame = pd.DataFrame({
        "result_id": rows["result_id"],
        "result": [names.results.get(k, k) for k in rows["result_key"]],
        "printed at": rows["location"],
        "published": [published_text(r) for _, r in rows.iterrows()],
        "regenerated": [regenerated_text(r) for _, r in rows.iterrows()],
        "verdict": rows["verdict"],
        "by construction": ["yes" if b else "no" for b in rows["by_construction"]],
        "missing inputs": rows["missing_inputs"],
    }).reset_index(drop=True)
    return TableView(frame, hidden=("result_id",), notes=("missing inputs",), column_labels={
        "result": "Result", "printed at": "Where printed", "published": "Published", "regenerated": "Regenerated",
        "verdict": "Verdict", "by construction": "Agrees by construction", "missing inputs": "Inputs not public"})


def _how_obtained(effects: pd.DataFrame, names: ReaderNames) -> list[str]:
    """The method of each effect with identifiers named; "not available" where there is none."""
    return [names.text(m) if m else "not available" for m in effects["method"]]


def effects_table(effects: pd.DataFrame, names: ReaderNames) -> TableView:
    """Study effects: label, n, effect (95% CI), tier, how it was obtained and its source (named; the
    source's identifier is in the CSV). A formula shared by several rows is a note."""
    frame = pd.DataFrame({
        "study or arm": effects["label"],
        "n": [fmt_int(n) for n in effects["n"]],
        "effect (95% CI)": [est_ci(y, lo, hi) for y, lo, hi in zip(effects["yi"], effects["ci_low"], effects["ci_high"])],
        "tier": effects["tier"],
        "inputs": effects["input_tier"],
        "how obtained": _how_obtained(effects, names),
        "source": [names.text(s) if s else "none" for s in effects["source"]],
        "source_id": [s.split(", ")[0] if s else "" for s in effects["source"]],
    })
    return TableView(frame, hidden=("source_id",), notes=("how obtained",), column_labels={
        "study or arm": "Study or arm", "effect (95% CI)": "Effect (95% CI)", "tier": "Tier", "inputs": "Inputs",
        "how obtained": "How obtained", "source": "Source"})


def missing_table(effects: pd.DataFrame, names: ReaderNames) -> TableView:
    """The rows of ``effects`` whose inputs are not public, naming what is missing and the results
    the paper pooled them in (by name; their keys are in the CSV)."""
    rows = effects[effects["tier"] == "missing"]
    frame = pd.DataFrame({
        "study or arm": rows["label"],
        "n": [fmt_int(n) for n in rows["n"]],
        "result_keys": rows["result_keys"],
        "pooled by the paper in": ["; ".join(names.results.get(k, k) for k in keys.split("; "))
                                   for keys in rows["result_keys"]],
        "tier": rows["tier"],
        "what is missing": rows["missing"],
    }).reset_index(drop=True)
    return TableView(frame, hidden=("result_keys",), notes=("what is missing",), column_labels={
        "study or arm": "Study or arm", "pooled by the paper in": "Pooled by the paper in", "tier": "Tier",
        "what is missing": "What is missing"})


#: the headers of the sensitivity grid's table (:func:`grid_table`).
GRID_LABELS = {"tau² estimator": "τ² estimator", "interval": "Interval", "estimate (95% CI)": "Estimate (95% CI)",
               "tau²": "τ²", "heterogeneity p": "Heterogeneity p", "prediction interval": "Prediction interval"}


def grid_table(grid: pd.DataFrame, outcome: str, r: float) -> pd.DataFrame:
    """Estimator x interval rows of the sensitivity grid for ``outcome`` at correlation ``r``
    (all studies), formatted."""
    rows = grid[(grid["outcome"] == outcome) & (grid["omitted"] == "") & ((grid["r"] - r).abs() < 1e-12)]
    if rows.empty:
        raise ValueError(f"the grid has no all-study rows for outcome {outcome!r} at r = {r}")
    return pd.DataFrame({
        "tau² estimator": rows["method"],
        "interval": rows["ci_method"].map(INTERVAL_SHORT_NAMES),
        "estimate (95% CI)": [est_ci(e, lo, hi) for e, lo, hi in zip(rows["estimate"], rows["ci_low"], rows["ci_high"])],
        "tau²": [fmt_num(t) for t in rows["tau2"]],
        "I²": [fmt_pct(i) for i in rows["i2_pct"]],
        "heterogeneity p": [fmt_p(p) for p in rows["q_p"]],
        "prediction interval": [f"{fmt_num(lo)} to {fmt_num(hi)}" if not pd.isna(lo) and k - 2 >= MIN_PREDICTION_DF
                                else f"not computed ({fmt_int(max(k - 2, 0))} df)" if not pd.isna(lo) else "not available"
                                for lo, hi, k in zip(rows["pi_low"], rows["pi_high"], rows["k"])],
    }).reset_index(drop=True)
