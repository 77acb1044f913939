"""Charts of pooled results: the paper's published values, and leave-one-out re-analyses.

``summary_plot`` frame (published pooled results only; every row's tier must be ``paper``):

=============  ===========================================================================
row_order      integer, unique; order of rows within and across panels.
label          the result ("CDASI, all studies", "CDASI, ruxolitinib").
panel          the outcome and scale; one panel (own x axis) per distinct value, because
               CDASI points, MMT points, CK units, FVC % and a risk ratio share no axis.
estimate       the published estimate, as stated.
ci_low/high    the published interval, as stated (an estimate outside it is shown as is).
null_value     the no-effect value of the panel (0 or 1), the same on every row of a panel.
tier           must be ``paper``.
log_scale      optional bool, the same on every row of a panel (True for ratios).
better         optional "lower"/"higher": the outcome's direction of improvement (labels the axis).
est_ci_text    optional text; default ``analysis.format.est_ci``.
source         optional: where in the paper the value is stated ("Results 3.3").
=============  ===========================================================================

``leave_one_out_plot`` frame: ``row_order``, ``label`` ("Without Paik 2021"),
``row_type`` (``omitted`` for each re-pooled result, ``overall`` for the all-study
result), ``estimate``, ``ci_low``, ``ci_high``, ``tier``; optional ``est_ci_text``,
``source``. The overall result is a diamond and a dashed line across the plot.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.report.figures.forest import build_forest, wrap_title
from analysis.report.figures.forest_rows import forest_rows
from analysis.report.figures.row_limit import extreme_rows, limit_study_rows
from analysis.report.figures.responsive import ResponsiveChart
from analysis.report.figures.frames import Column, check_frame

__all__ = ["PUBLISHED_SUBTITLE", "leave_one_out_plot", "summary_plot"]

PUBLISHED_SUBTITLE = "Published values as stated in the paper \u2014 not regenerated"

SUMMARY_COLUMNS = (
    Column("row_order", "integer", nullable=False),
    Column("label", "text", nullable=False),
    Column("panel", "text", nullable=False),
    Column("estimate", "number", nullable=False),
    Column("ci_low", "number", nullable=False),
    Column("ci_high", "number", nullable=False),
    Column("null_value", "number", nullable=False),
    Column("tier", "choice", nullable=False, choices=("paper",)),
    Column("log_scale", "bool", required=False, nullable=False),
    Column("better", "choice", required=False, choices=("lower", "higher")),
    Column("est_ci_text", "text", required=False),
    Column("source", "text", required=False),
)
LEAVE_ONE_OUT_COLUMNS = (
    Column("row_order", "integer", nullable=False),
    Column("label", "text", nullable=False),
    Column("row_type", "choice", nullable=False, choices=("omitted", "overall")),
    Column("estimate", "number", nullable=False),
    Column("ci_low", "number", nullable=False),
    Column("ci_high", "number", nullable=False),
    Column("tier", "text", nullable=False),
    Column("est_ci_text", "text", required=False),
    Column("source", "text", required=False),
)


def summary_plot(frame: pd.DataFrame, *, title: str = "Pooled results published in Ma et al. 2024") -> ResponsiveChart:
    """Published pooled results, one panel per outcome scale, subtitled as not regenerated.

    Each result is a marker (the ``paper`` tier's shape) and a line for its interval; the
    panel's ``null_value`` is a vertical rule. No tier legend: every value is ``paper``,
    which the subtitle states.
    """
    what = "summary_plot"
    problems = check_frame(frame, SUMMARY_COLUMNS, what=what, hint="see the column table in analysis/report/figures/pooled.py.")
    for panel, rows in frame.groupby("panel", sort=False):
        for column in ("null_value", "log_scale"):
            if column in rows and rows[column].nunique() > 1:
                problems.add(list(rows.index), column, sorted(rows[column].unique().tolist()),
                             f"must be the same on every row of panel {panel!r}")
    problems.raise_if_any("give each panel one null_value and one log_scale.")

    ordered = frame.sort_values("row_order")
    parts = []
    for panel in ordered["panel"].drop_duplicates():
        rows = ordered[ordered["panel"] == panel]
        log_scale = bool(rows["log_scale"].iloc[0]) if "log_scale" in rows else False
        better = str(rows["better"].iloc[0]) if "better" in rows and isinstance(rows["better"].iloc[0], str) else None
        forest_frame = rows.drop(columns=[c for c in ("panel", "null_value", "log_scale", "better") if c in rows])
        forest_frame = forest_frame.assign(row_type="study")
        drawn = forest_rows(forest_frame, log_scale=log_scale, what=f"{what}, panel {panel!r}", estimate_in_ci=False)
        parts.append((str(panel), drawn, float(rows["null_value"].iloc[0]), log_scale, better))

    def build(width: int) -> alt.VConcatChart:
        panels = [build_forest(
            drawn, null_value=null_value, measure_label=panel, log_scale=log_scale, title=panel, width=width,
            show_legend=False, better=better,
            columns=(("label", "Published result", "left"), ("est_ci_text", "Estimate (95% CI) as published", "left")),
        ) for panel, drawn, null_value, log_scale, better in parts]
        chart = alt.vconcat(*panels, spacing=18)
        lines = wrap_title(title, width)
        return chart.properties(title=alt.Title(lines.text, subtitle=wrap_title(PUBLISHED_SUBTITLE, width).text,
                                                anchor="start", fontSize=14))

    return ResponsiveChart(build)


def leave_one_out_plot(
    frame: pd.DataFrame,
    *,
    measure_label: str,
    null_value: float = 0,
    log_scale: bool = False,
    title: str | alt.Title | None = None,
    better: str | None = None,
) -> ResponsiveChart:
    """Leave-one-out sensitivity: each row re-pools all studies but one.

    Re-pooled results are markers with CI lines; the all-study result is a diamond, and a
    dashed vertical line at its estimate shows how far each omission moves the result.
    """
    problems = check_frame(frame, LEAVE_ONE_OUT_COLUMNS, what="leave_one_out_plot",
                           hint="see the column table in analysis/report/figures/pooled.py.")
    overall = frame[frame["row_type"] == "overall"]
    if len(overall) != 1:
        problems.add(list(overall.index), "row_type", "overall", f"expected exactly one 'overall' row, found {len(overall)}")
    problems.raise_if_any("add the all-study result as the one row_type='overall' row.")
    forest_frame = frame.assign(row_type=frame["row_type"].map({"omitted": "study", "overall": "overall"}))
    # with many studies, the omissions that move the pool most (lowest and highest re-pooled estimates)
    rows = limit_study_rows(forest_rows(forest_frame, log_scale=log_scale, what="leave_one_out_plot"),
                            noun="omissions", pick=extreme_rows)
    reference = float(overall["estimate"].iloc[0])
    return ResponsiveChart(lambda width: build_forest(
        rows, null_value=null_value, measure_label=measure_label, log_scale=log_scale, title=title, width=width,
        reference_value=reference, better=better, show_legend=False,
        columns=(("label", "Study omitted", "left"), ("est_ci_text", "Pooled estimate (95% CI)", "left")),
    ))
