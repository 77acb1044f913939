"""A line with its confidence band across an assumption's values (e.g. the pre-post correlation r).

``line_chart_sweep(frame, x, y, ci_low, ci_high)`` takes any tidy frame and the names of
its columns: one row per (series, x) with the result and its interval. Every number
drawn comes from those columns; the band is an ``area`` from ``ci_low`` to ``ci_high``.

Up to :data:`MAX_SERIES` series are drawn one by one, each in its own Okabe-Ito colour. With
more (a living review with many arms that need an assumed r), one colour per line would repeat
and the legend would outgrow the page, so the chart switches to a layout made for many series:
the ``main_series`` keeps its line and band, and the others are summarised at each x by the
range (smallest to largest ``y``) and the median of their ``y`` (:func:`summarise_series`).
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.report.figures.frames import Column, check_frame
from analysis.report.figures.forest import wrap_title
from analysis.report.figures.responsive import ResponsiveChart
from analysis.report.figures.theme import CHART_WIDTH_PX, NEUTRAL_GREY, OKABE_ITO

__all__ = ["MAX_SERIES", "line_chart_sweep", "summarise_series"]

#: the colours a series may take: Okabe-Ito without black (the rules) and yellow (unreadable on white)
_PALETTE = tuple(c for k, c in OKABE_ITO.items() if k not in ("black", "yellow"))
#: the most series drawn one line each; more are summarised (see the module docstring)
MAX_SERIES = len(_PALETTE)


def _check(frame: pd.DataFrame, x: str, y: str, ci_low: str, ci_high: str, series: str | None) -> None:
    """Column types, ``ci_low <= y <= ci_high`` on every row, and one row per (series, x)."""
    columns = [Column(x, "number", nullable=False), Column(y, "number", nullable=False),
               Column(ci_low, "number", nullable=False), Column(ci_high, "number", nullable=False)]
    if series is not None:
        columns.append(Column(series, "text", nullable=False))
    problems = check_frame(frame, columns, what="line_chart_sweep")
    problems.raise_if_any()
    outside = ~((frame[ci_low] <= frame[y]) & (frame[y] <= frame[ci_high]))
    for idx in frame.index[outside.to_numpy()]:
        problems.add(idx, y, (frame.at[idx, ci_low], frame.at[idx, y], frame.at[idx, ci_high]),
                     f"expected {ci_low} <= {y} <= {ci_high}")
    keys = [series, x] if series is not None else [x]
    for idx in frame.index[frame.duplicated(subset=keys, keep=False)]:
        problems.add(idx, x, frame.at[idx, x], f"each {' and '.join(keys)} must appear once")
    problems.raise_if_any()


def summarise_series(frame: pd.DataFrame, x: str, y: str) -> pd.DataFrame:
    """Per value of ``x``: how many rows (``n``), the median, smallest and largest ``y``
    (columns ``x``, ``n``, ``median``, ``low``, ``high``)."""
    grouped = frame.groupby(x, sort=True)[y]
    return pd.DataFrame({"n": grouped.size(), "median": grouped.median(), "low": grouped.min(),
                         "high": grouped.max()}).reset_index()


def _rules(null_value: float | None, reference_x: float | None) -> list[alt.Chart]:
    layers = []
    if null_value is not None:
        layers.append(alt.Chart(pd.DataFrame({"null_value": [float(null_value)]})).mark_rule(color="#444444").encode(
            y="null_value:Q"))
    if reference_x is not None:
        layers.append(alt.Chart(pd.DataFrame({"reference_x": [float(reference_x)]})).mark_rule(
            color="#444444", strokeDash=[4, 3]).encode(x="reference_x:Q"))
    return layers


def _line_layers(data: pd.DataFrame, x: str, y: str, ci_low: str, ci_high: str, x_title: str, y_title: str,
                 series: str | None, color: alt.Color | None) -> list[alt.Chart]:
    """Band, line and points of each series in ``data`` (one colour, or ``color`` by series)."""
    tooltip = [alt.Tooltip(f"{x}:Q", title=x_title), alt.Tooltip(f"{y}:Q", title=y_title, format=".2f"),
               alt.Tooltip(f"{ci_low}:Q", title="95% CI low", format=".2f"),
               alt.Tooltip(f"{ci_high}:Q", title="95% CI high", format=".2f")]
    encode = {"x": alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(zero=False, nice=False))}
    if series is not None:
        encode["color"] = color
        tooltip.insert(0, alt.Tooltip(f"{series}:N", title=series))
    base = alt.Chart(data).encode(**encode)
    single = {"color": OKABE_ITO["blue"]} if color is None else {}
    y_scale = alt.Scale(zero=False)
    y_enc = alt.Y(f"{y}:Q", title=y_title, scale=y_scale)
    return [
        base.mark_area(opacity=0.22, **single).encode(y=alt.Y(f"{ci_low}:Q", title=y_title, scale=y_scale),
                                                      y2=f"{ci_high}:Q"),
        base.mark_line(strokeWidth=2, **single).encode(y=y_enc),
        base.mark_point(filled=True, size=45, opacity=1, **single).encode(y=y_enc, tooltip=tooltip),
    ]


def _series_color(series: str, names: list[str], colors: list[str]) -> alt.Color:
    return alt.Color(f"{series}:N", scale=alt.Scale(domain=names, range=colors), title=series,
                     legend=alt.Legend(orient="bottom", direction="vertical", symbolOpacity=1, labelLimit=0))


def _summary_layers(others: pd.DataFrame, x: str, y: str, x_title: str, y_title: str, series: str,
                    label: str, names: list[str], colors: list[str]) -> list[alt.Chart]:
    """The range band and median line of the series summarised, in the legend as ``label``."""
    summary = summarise_series(others, x, y).rename(columns={x: "x"}).assign(**{series: label})
    base = alt.Chart(summary).encode(
        x=alt.X("x:Q", title=x_title, scale=alt.Scale(zero=False, nice=False)),
        color=_series_color(series, names, colors))
    tooltip = [alt.Tooltip("x:Q", title=x_title), alt.Tooltip("n:Q", title="Series summarised"),
               alt.Tooltip("median:Q", title=f"Median {y_title}", format=".2f"),
               alt.Tooltip("low:Q", title="Smallest", format=".2f"), alt.Tooltip("high:Q", title="Largest", format=".2f")]
    y_scale = alt.Scale(zero=False)
    return [
        base.mark_area(opacity=0.3).encode(y=alt.Y("low:Q", title=y_title, scale=y_scale), y2="high:Q"),
        base.mark_line(strokeWidth=1.5, strokeDash=[5, 3]).encode(y=alt.Y("median:Q", title=y_title, scale=y_scale)),
        base.mark_point(size=30, opacity=1, filled=True).encode(y=alt.Y("median:Q", scale=y_scale), tooltip=tooltip),
    ]


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
    main_series: str | None = None,
    others_label: str | None = None,
    source: str = "the frame",
    null_value: float | None = None,
    reference_x: float | None = None,
    title: str | alt.Title | None = None,
) -> ResponsiveChart:
    """Line of ``y`` against ``x`` with a band ``ci_low``..``ci_high``, one colour per ``series``.

    ``null_value`` draws a horizontal rule at the no-effect value; ``reference_x`` a
    dashed vertical rule at the value used in the main analysis (e.g. r = 0.5).
    With more than :data:`MAX_SERIES` series, ``main_series`` is drawn as a line and the others
    as their median and range at each x, named in the legend ``others_label`` (default
    "<n> other series: median and range"); without a ``main_series`` the chart stops with the
    number of series and ``source``, the table they come from.
    """
    _check(frame, x, y, ci_low, ci_high, series)
    keys = [series, x] if series is not None else [x]
    data = frame.sort_values(keys).reset_index(drop=True)
    if series is None:
        layers = _line_layers(data, x, y, ci_low, ci_high, x_title, y_title, None, None)
    else:
        names = data[series].drop_duplicates().tolist()
        if len(names) <= MAX_SERIES:
            color = _series_color(series, names, list(_PALETTE[: len(names)]))
            layers = _line_layers(data, x, y, ci_low, ci_high, x_title, y_title, series, color)
        elif main_series is None or main_series not in names:
            raise ValueError(f"line_chart_sweep draws at most {MAX_SERIES} series one by one, but {source} gives "
                             f"{len(names)}; name the series to draw as a line (main_series=) and the others are "
                             "summarised by their median and range.")
        else:
            label = others_label or f"{len(names) - 1} other series: median and range"
            domain, colors = [main_series, label], [OKABE_ITO["blue"], NEUTRAL_GREY]
            color = _series_color(series, domain, colors)
            main = data[data[series] == main_series]
            layers = [*_summary_layers(data[data[series] != main_series], x, y, x_title, y_title, series, label,
                                       domain, colors),
                      *_line_layers(main, x, y, ci_low, ci_high, x_title, y_title, series, color)]
    layers += _rules(null_value, reference_x)

    def build(width: int) -> alt.LayerChart:
        # room for the y axis (labels and title) beside the plot
        chart = alt.layer(*layers).properties(width=max(200, min(CHART_WIDTH_PX, width - 80)), height=280)
        wrapped = wrap_title(title, width)
        return chart.properties(title=wrapped) if wrapped is not None else chart

    return ResponsiveChart(build)
