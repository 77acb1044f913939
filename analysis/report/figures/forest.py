"""Forest plots as pure functions of a tidy frame (the layout of R's meta/metafor and RevMan).

The frame has one row per line of the plot, top to bottom:

=============  ==========================================================================
column         meaning
=============  ==========================================================================
row_order      integer, unique; the line's position (smaller = higher). Gaps leave blank lines.
label          text in the first column ("Paik 2021", "Tofacitinib", "Overall (random effects)").
row_type       ``heading`` (bold text only), ``study`` (square + CI line), ``subgroup`` and
               ``overall`` (pooled: a diamond whose left and right tips are ``ci_low`` and
               ``ci_high`` and whose centre is ``estimate``), ``prediction`` (a bar from
               ``pi_low`` to ``pi_high``).
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

import altair as alt
import pandas as pd

from analysis.report.figures.frames import Column, check_frame
from analysis.report.figures.theme import TIERS, tier_color_scale, tier_shape_scale
from analysis.format import est_ci, fmt_int, fmt_num, is_missing

__all__ = ["FOREST_COLUMNS", "ROW_TYPES", "forest_plot", "forest_rows"]

ROW_TYPES = ("heading", "study", "subgroup", "overall", "prediction")
POOLED = ("subgroup", "overall")
BOLD_ROWS = ("heading", "subgroup", "overall")
ROW_STEP_PX = 24
DIAMOND_HALF_HEIGHT = 0.36  # in row units: the diamond is 72% of a line high
MARKER_AREA_RANGE = (24.0, 420.0)  # px^2 for weight 0% .. 100%; 90 when no weight is given
PANEL_WIDTHS = {"label": 190, "n_text": 40, "est_ci_text": 205, "weight_text": 62, "plot": 270}

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
    problems.raise_if_any("see the column table in analysis/report/figures/forest.py.")

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
        "" if t == "heading" else fmt_num(w, 1, missing="") + ("%" if not is_missing(w) else "")
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
    if row["row_type"] == "heading":
        return ""
    if row["row_type"] == "prediction":
        return f"[{fmt_num(row['pi_low'])} to {fmt_num(row['pi_high'])}]"
    return est_ci(row["estimate"], row["ci_low"], row["ci_high"])


def diamond_vertices(rows: pd.DataFrame) -> pd.DataFrame:
    """Three points per pooled row -- (ci_low, centre), (estimate, centre +- h), (ci_high, centre) --
    that an ``area`` mark fills as a diamond: its x extent is exactly the CI."""
    records = []
    for _, r in rows[rows["row_type"].isin(POOLED) & rows["estimate"].notna()].iterrows():
        for x, half in ((r["ci_low"], 0.0), (r["estimate"], DIAMOND_HALF_HEIGHT), (r["ci_high"], 0.0)):
            records.append({"diamond": r["y"], "x": x, "y_top": r["y"] - half, "y_bottom": r["y"] + half,
                            **{c: r[c] for c in _TOOLTIP_FIELDS}})
    return pd.DataFrame(records, columns=["diamond", "x", "y_top", "y_bottom", *_TOOLTIP_FIELDS])


_TOOLTIP_FIELDS = ("label", "n_text", "est_ci_text", "weight_text", "tier_text", "group_text", "source_text")
_TOOLTIP_TITLES = ("Row", "n", "Estimate (95% CI)", "Weight", "Provenance tier", "Group", "Source")


def _tooltip(rows: pd.DataFrame) -> list[alt.Tooltip]:
    keep = [(f, t) for f, t in zip(_TOOLTIP_FIELDS, _TOOLTIP_TITLES) if f == "label" or (rows[f] != "").any()]
    return [alt.Tooltip(f"{f}:N", title=t) for f, t in keep]


def _y(rows: pd.DataFrame, field: str = "y") -> alt.Y:
    # half a row of margin (0.75 is exact in binary, so the domain carries no float noise)
    domain = [float(rows["y"].min()) - 0.75, float(rows["y"].max()) + 0.75]
    return alt.Y(f"{field}:Q", scale=alt.Scale(domain=domain, reverse=True, nice=False, zero=False), axis=None)


def _height(rows: pd.DataFrame) -> int:
    return int(round((rows["y"].max() - rows["y"].min() + 1.5) * ROW_STEP_PX))


def _x_domain(rows: pd.DataFrame, null_value: float, log_scale: bool) -> list[float]:
    values = pd.concat([rows[c] for c in ("ci_low", "ci_high", "pi_low", "pi_high", "estimate")]).dropna().tolist()
    values.append(null_value)
    lo, hi = min(values), max(values)
    if log_scale:
        ratio = (hi / lo) ** 0.05 if hi > lo else 2.0
        return [lo / ratio, hi * ratio]
    pad = (hi - lo) * 0.05 if hi > lo else 1.0
    return [lo - pad, hi + pad]


def _text_panel(rows: pd.DataFrame, field: str, header: str, *, align: str) -> alt.LayerChart:
    width = PANEL_WIDTHS[field]
    base = alt.Chart(rows)
    x = alt.value(width if align == "right" else 0)
    enc = {"y": _y(rows), "x": x, "text": alt.Text(f"{field}:N"), "tooltip": _tooltip(rows)}
    plain = base.mark_text(align=align, baseline="middle").encode(**enc).transform_filter(
        alt.FieldOneOfPredicate(field="row_type", oneOf=["study", "prediction"]))
    bold = base.mark_text(align=align, baseline="middle", fontWeight="bold").encode(**enc).transform_filter(
        alt.FieldOneOfPredicate(field="row_type", oneOf=list(BOLD_ROWS)))
    title = alt.Title(header, anchor="end" if align == "right" else "start", fontSize=12)
    return alt.layer(plain, bold).properties(width=width, height=_height(rows), title=title)


def build_forest(
    rows: pd.DataFrame,
    *,
    null_value: float,
    measure_label: str,
    log_scale: bool,
    title: str | alt.Title | None,
    reference_value: float | None = None,
    columns: tuple[tuple[str, str, str], ...] | None = None,
    show_legend: bool = True,
) -> alt.HConcatChart:
    """Assemble text panels and the plot panel from ``forest_rows`` output."""
    if log_scale and null_value <= 0:
        raise ValueError(f"A log-scale axis needs null_value > 0 (use 1 for ratios), but got {null_value!r}.")
    is_drawn = rows["estimate"].notna() | (rows["row_type"] == "prediction")
    tiers = [t for t in rows.loc[is_drawn, "tier"] if t is not None]
    legend = alt.Legend(orient="bottom", direction="horizontal", columns=4) if show_legend else None
    color = alt.Color("tier_text:N", scale=tier_color_scale(tiers), title="Provenance tier", legend=legend)
    x_scale = alt.Scale(type="log" if log_scale else "linear", domain=_x_domain(rows, null_value, log_scale),
                        nice=False, zero=False)
    tooltip = _tooltip(rows)
    y = _y(rows)

    drawn = rows[rows["estimate"].notna()]
    studies = drawn[drawn["row_type"] == "study"]
    predictions = rows[rows["row_type"] == "prediction"]
    layers = [
        alt.Chart(pd.DataFrame({"x": [float(null_value)]})).mark_rule(color="#444444", strokeWidth=1).encode(
            x=alt.X("x:Q", scale=x_scale, title=measure_label)),
    ]
    if reference_value is not None:
        layers.append(alt.Chart(pd.DataFrame({"x": [float(reference_value)]})).mark_rule(
            color="#444444", strokeDash=[4, 3]).encode(x=alt.X("x:Q", scale=x_scale, title=measure_label)))
    if not studies.empty:
        layers.append(alt.Chart(studies).mark_rule(color="#1a1a1a", strokeWidth=1.3).encode(
            x=alt.X("ci_low:Q", scale=x_scale, title=measure_label), x2="ci_high:Q", y=y, tooltip=tooltip))
        layers.append(alt.Chart(studies).mark_point(filled=True, opacity=1, strokeWidth=0).encode(
            x=alt.X("estimate:Q", scale=x_scale, title=measure_label), y=y, color=color,
            shape=alt.Shape("tier_text:N", scale=tier_shape_scale(tiers), title="Provenance tier", legend=legend),
            size=alt.Size("marker_area:Q", scale=None), tooltip=tooltip))
    diamonds = diamond_vertices(rows)
    if not diamonds.empty:
        layers.append(alt.Chart(diamonds).mark_area(opacity=1, stroke="#1a1a1a", strokeWidth=0.8).encode(
            x=alt.X("x:Q", scale=x_scale, title=measure_label), y=_y(rows, "y_top"), y2="y_bottom:Q",
            detail="diamond:Q", color=color, tooltip=tooltip))
    if not predictions.empty:
        layers.append(alt.Chart(predictions).mark_rule(strokeWidth=5, opacity=0.9).encode(
            x=alt.X("pi_low:Q", scale=x_scale, title=measure_label), x2="pi_high:Q", y=y, color=color,
            tooltip=tooltip))
    plot = alt.layer(*layers).properties(width=PANEL_WIDTHS["plot"], height=_height(rows),
                                         title=alt.Title(" ", fontSize=12))

    if columns is None:
        columns = (("label", "Study", "left"), ("n_text", "n", "right"), ("est_ci_text", "Estimate (95% CI)", "left"),
                   ("weight_text", "Weight", "right"))
    panels = []
    for field, header, align in columns:
        if field in ("n_text", "weight_text") and (rows[field] == "").all():
            continue
        panels.append(_text_panel(rows, field, header, align=align))
    ordered = panels[:1] + [plot] + panels[1:]
    chart = alt.hconcat(*ordered, spacing=10).resolve_scale(color="independent", shape="independent")
    return chart.properties(title=title) if title is not None else chart


def forest_plot(
    frame: pd.DataFrame,
    *,
    null_value: float = 0,
    measure_label: str,
    log_scale: bool = False,
    title: str | alt.Title | None = None,
) -> alt.HConcatChart:
    """A forest plot: label | plot | n | estimate (95% CI) | weight, one line per frame row.

    Study rows: a line from ``ci_low`` to ``ci_high`` and a marker at ``estimate`` whose
    area is proportional to ``weight_pct`` and whose shape and colour give the tier.
    Pooled rows: a filled diamond spanning ``ci_low``..``ci_high``. Prediction rows: a
    thick bar ``pi_low``..``pi_high``. A vertical rule marks ``null_value`` (0 for mean
    differences; 1 with ``log_scale=True`` for ratios).
    """
    rows = forest_rows(frame, log_scale=log_scale)
    return build_forest(rows, null_value=null_value, measure_label=measure_label, log_scale=log_scale, title=title)
