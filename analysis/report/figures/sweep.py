"""A line with its confidence band across an assumption's values (e.g. the pre-post correlation r).

``line_chart_sweep(frame, x, y, ci_low, ci_high)`` takes any tidy frame and the names of
its columns: one row per (series, x) with the result and its interval. Every number
drawn comes from those columns; the band is an ``area`` from ``ci_low`` to ``ci_high``.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.report.figures.frames import Column, check_frame
from analysis.report.figures.forest import wrap_title
from analysis.report.figures.responsive import ResponsiveChart
from analysis.report.figures.theme import CHART_WIDTH_PX, OKABE_ITO

__all__ = ["line_chart_sweep"]


def line_chart_sweep(
    frame: pd.DataFrame,
    x: str,
    y: str,
    ci_low: str,
    ci_high: str,
    *,
    x_title: str,
    y_title: str,
    series: str | None = None,
    null_value: float | None = None,
    reference_x: float | None = None,
    title: str | alt.Title | None = None,
) -> ResponsiveChart:
    """Line of ``y`` against ``x`` with a band ``ci_low``..``ci_high``, one colour per ``series``.

    ``null_value`` draws a horizontal rule at the no-effect value; ``reference_x`` a
    dashed vertical rule at the value used in the main analysis (e.g. r = 0.5).
    """
    columns = [Column(x, "number", nullable=False), Column(y, "number", nullable=False),
               Column(ci_low, "number", nullable=False), Column(ci_high, "number", nullable=False)]
    if series is not None:
        columns.append(Column(series, "text", nullable=False))
    problems = check_frame(frame, columns, what="line_chart_sweep")
    for idx, row in frame.iterrows():
        if not row[ci_low] <= row[y] <= row[ci_high]:
            problems.add(idx, y, (row[ci_low], row[y], row[ci_high]), f"expected {ci_low} <= {y} <= {ci_high}")
    keys = [series, x] if series is not None else [x]
    for idx in frame.index[frame.duplicated(subset=keys, keep=False)]:
        problems.add(idx, x, frame.at[idx, x], f"each {' and '.join(keys)} must appear once")
    problems.raise_if_any()

    data = frame.sort_values(keys).reset_index(drop=True)
    tooltip = [alt.Tooltip(f"{x}:Q", title=x_title), alt.Tooltip(f"{y}:Q", title=y_title, format=".2f"),
               alt.Tooltip(f"{ci_low}:Q", title="95% CI low", format=".2f"),
               alt.Tooltip(f"{ci_high}:Q", title="95% CI high", format=".2f")]
    encode = {"x": alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(zero=False, nice=False))}
    if series is not None:
        names = data[series].drop_duplicates().tolist()
        palette = [c for k, c in OKABE_ITO.items() if k not in ("black", "yellow")]
        if len(names) > len(palette):
            raise ValueError(f"line_chart_sweep draws at most {len(palette)} series, but got {len(names)}: {names}.")
        encode["color"] = alt.Color(f"{series}:N", scale=alt.Scale(domain=names, range=palette[: len(names)]),
                                    title=series, legend=alt.Legend(orient="bottom", direction="vertical",
                                                                    symbolOpacity=1, labelLimit=0))
        tooltip.insert(0, alt.Tooltip(f"{series}:N", title=series))
    base = alt.Chart(data).encode(**encode)
    single = {} if series is not None else {"color": OKABE_ITO["blue"]}
    y_scale = alt.Scale(zero=False)
    y_enc = alt.Y(f"{y}:Q", title=y_title, scale=y_scale)
    layers = [
        base.mark_area(opacity=0.22, **single).encode(y=alt.Y(f"{ci_low}:Q", title=y_title, scale=y_scale),
                                                      y2=f"{ci_high}:Q"),
        base.mark_line(strokeWidth=2, **single).encode(y=y_enc),
        base.mark_point(filled=True, size=45, opacity=1, **single).encode(y=y_enc, tooltip=tooltip),
    ]
    if null_value is not None:
        layers.append(alt.Chart(pd.DataFrame({"null_value": [float(null_value)]})).mark_rule(color="#444444").encode(
            y="null_value:Q"))
    if reference_x is not None:
        layers.append(alt.Chart(pd.DataFrame({"reference_x": [float(reference_x)]})).mark_rule(
            color="#444444", strokeDash=[4, 3]).encode(x="reference_x:Q"))
    def build(width: int) -> alt.LayerChart:
        # room for the y axis (labels and title) beside the plot
        chart = alt.layer(*layers).properties(width=max(200, min(CHART_WIDTH_PX, width - 80)), height=280)
        wrapped = wrap_title(title, width)
        return chart.properties(title=wrapped) if wrapped is not None else chart

    return ResponsiveChart(build)
