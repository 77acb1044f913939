"""The rows of a forest plot: the tidy frame a forest-type chart draws, checked and given its texts.

Forest plots as pure functions of a tidy frame (the layout of R's meta/metafor and RevMan).

The frame has one row per line of the plot, top to bottom:

=============  ==========================================================================
column         meaning
=============  ==========================================================================
row_order      integer, unique; the line's position (smaller = higher). Gaps leave blank lines.
label          text in the first column ("Paik 2021", "Tofacitinib", "Overall (random effects)").
row_type       ``heading`` (bold text only), ``study`` (square + CI line), ``subgroup`` and
               ``overall`` (pooled: a diamond whose left and right tips are ``ci_low`` and
               ``ci_high`` and whose centre is ``estimate``), ``prediction`` (a bar from
               ``pi_low`` to ``pi_high``), ``note`` (a line of text across the chart: the
               heterogeneity under a pool, the test for subgroup differences).
estimate       point estimate on the scale drawn (ratios as ratios, not logs); missing for
ci_low/high    headings, and for studies whose effect is not available ("not available").
tier           provenance tier of the row's numbers (``analysis.report.figures.theme.TIERS``);
               required on every row that draws something. Sets marker shape and colour.
n              optional: patients in the row, shown as a column.
weight_pct     optional: weight in percent; the square's area is proportional to it.
est_ci_text    optional: the "estimate (95% CI)" text; default ``analysis.format.est_ci``.
pi_low/high    prediction interval, on ``prediction`` rows only.
group, source  optional text shown in the tooltip (subgroup name; where the numbers come from).
=============  ==========================================================================

Every number drawn comes from the frame: Vega only places marks, it computes nothing.
"""
from __future__ import annotations

import math

import pandas as pd

from analysis.format import est_ci, fmt_int, fmt_num, is_missing
from analysis.report.figures.frames import Column, check_frame
from analysis.report.figures.theme import TIERS

__all__ = ["FOREST_COLUMNS", "MARKER_AREA_RANGE", "POOLED", "ROW_TYPES", "forest_rows"]

ROW_TYPES = ("heading", "study", "subgroup", "overall", "prediction", "note")
POOLED = ("subgroup", "overall")
MARKER_AREA_RANGE = (20.0, 300.0)  # px^2 for weight 0% .. 100%; 90 when no weight is given

FOREST_COLUMNS = (
    Column("row_order", "integer", nullable=False),
    Column("label", "text", nullable=False),
    Column("row_type", "choice", nullable=False, choices=ROW_TYPES),
    Column("estimate", "number"),
    Column("ci_low", "number"),
    Column("ci_high", "number"),
    Column("tier", "choice", required=False, choices=TIERS),
    Column("n", "integer", required=False),
    Column("weight_pct", "number", required=False),
    Column("est_ci_text", "text", required=False),
    Column("pi_low", "number", required=False),
    Column("pi_high", "number", required=False),
    Column("group", "text", required=False),
    Column("source", "text", required=False),
)


def _get(row: pd.Series, column: str) -> object:
    return row[column] if column in row.index else None


def forest_rows(
    frame: pd.DataFrame, *, log_scale: bool = False, what: str = "forest_plot", estimate_in_ci: bool = True
) -> pd.DataFrame:
    """Validate ``frame`` (all problems at once) and return the rows the chart draws.

    ``estimate_in_ci=False`` accepts an estimate outside its CI (published values are
    shown as stated; such rows must not be pooled rows, whose diamond needs the order).

    The returned frame adds ``y``, ``n_text``, ``weight_text``, ``est_ci_text``,
    ``marker_area``, ``tier_text`` and ``source_text``; numbers are passed through unchanged.
    """
    problems = check_frame(frame, FOREST_COLUMNS, what=what, lazy=True)
    bad_rows = problems.rows
    if frame["row_order"].duplicated().any():
        for row, value in frame.loc[frame["row_order"].duplicated(keep=False), "row_order"].items():
            problems.add(row, "row_order", value, "row_order must be unique")
    for idx, row in frame.iterrows():
        if idx in bad_rows:
            continue
        kind = row["row_type"]
        est, low, high = row["estimate"], row["ci_low"], row["ci_high"]
        has_est = not is_missing(est)
        if kind == "heading" and has_est:
            problems.add(idx, "estimate", est, "a heading row draws no estimate; leave it missing")
        if kind in POOLED and not has_est:
            problems.add(idx, "estimate", est, f"a {kind} row needs an estimate and its CI (the diamond)")
        if has_est and (is_missing(low) or is_missing(high)):
            problems.add(idx, "ci_low/ci_high", (low, high), "an estimate needs both CI bounds")
        if not has_est and not (is_missing(low) and is_missing(high)):
            problems.add(idx, "estimate", est, "CI bounds are given but the estimate is missing")
        if has_est and not (is_missing(low) or is_missing(high)):
            if low > high:
                problems.add(idx, "ci_low/ci_high", (low, high), "expected ci_low <= ci_high")
            elif (estimate_in_ci or kind in POOLED) and not low <= est <= high:
                problems.add(idx, "estimate", (low, est, high), "expected ci_low <= estimate <= ci_high")
        pi = (_get(row, "pi_low"), _get(row, "pi_high"))
        if kind == "prediction":
            if any(is_missing(v) for v in pi):
                problems.add(idx, "pi_low/pi_high", pi, "a prediction row needs pi_low and pi_high")
            elif pi[0] > pi[1]:
                problems.add(idx, "pi_low/pi_high", pi, "expected pi_low <= pi_high")
        elif not all(is_missing(v) for v in pi):
            problems.add(idx, "pi_low/pi_high", pi, "prediction bounds belong on a 'prediction' row")
        draws = has_est or kind == "prediction"
        if draws and is_missing(_get(row, "tier")):
            problems.add(idx, "tier", _get(row, "tier"), f"every drawn row needs a provenance tier, one of {list(TIERS)}")
        weight = _get(row, "weight_pct")
        if not is_missing(weight) and not 0 <= weight <= 100:
            problems.add(idx, "weight_pct", weight, "expected a percentage in [0, 100]")
        if log_scale:
            for column in ("estimate", "ci_low", "ci_high", "pi_low", "pi_high"):
                value = _get(row, column)
                if not is_missing(value) and value <= 0:
                    problems.add(idx, column, value, "a log-scale axis needs values > 0")
    problems.raise_if_any("see the column table in analysis/report/figures/forest_rows.py.")

    rows = frame.sort_values("row_order").reset_index(drop=True)
    out = pd.DataFrame({
        "y": rows["row_order"].astype(float),
        "label": rows["label"].astype(str),
        "row_type": rows["row_type"].astype(str),
    })
    for column in ("estimate", "ci_low", "ci_high", "pi_low", "pi_high", "weight_pct"):
        out[column] = pd.to_numeric(rows[column], errors="raise").astype(float) if column in rows else math.nan
    out["tier"] = [None if is_missing(v) else str(v) for v in rows.get("tier", pd.Series([None] * len(rows)))]
    out["n_text"] = [fmt_int(v, missing="") for v in rows["n"]] if "n" in rows else ""
    out["weight_text"] = [
        "" if t in ("heading", "note") else fmt_num(w, 1, missing="") + ("%" if not is_missing(w) else "")
        for t, w in zip(out["row_type"], out["weight_pct"])
    ]
    if "est_ci_text" in rows:
        given = [None if is_missing(v) else v for v in rows["est_ci_text"]]
    else:
        given = [None] * len(rows)
    out["est_ci_text"] = [
        g if g is not None else _default_text(r)
        for g, (_, r) in zip(given, out.iterrows())
    ]
    lo, hi = MARKER_AREA_RANGE
    out["marker_area"] = [90.0 if is_missing(w) else lo + (hi - lo) * w / 100.0 for w in out["weight_pct"]]
    out["tier_text"] = [t if t is not None else "" for t in out["tier"]]
    out["group_text"] = [("" if is_missing(v) else str(v)) for v in rows["group"]] if "group" in rows else ""
    out["source_text"] = [("" if is_missing(v) else str(v)) for v in rows["source"]] if "source" in rows else ""
    return out


def _default_text(row: pd.Series) -> str:
    if row["row_type"] in ("heading", "note"):
        return ""
    if row["row_type"] == "prediction":
        return f"[{fmt_num(row['pi_low'])} to {fmt_num(row['pi_high'])}]"
    return est_ci(row["estimate"], row["ci_low"], row["ci_high"])
