"""Forest plots drawn from their rows (the layout of R's meta/metafor and RevMan): a label column, the
plot, then n, the estimate with its 95% CI and the weight. The rows, one per line of the plot, and the
columns they take are described in :mod:`analysis.report.figures.forest_rows`.

Every number drawn comes from the frame: Vega only places marks, it computes nothing.
"""
from __future__ import annotations

import math
import textwrap

import altair as alt
import pandas as pd

from analysis.report.figures.forest_rows import POOLED, forest_rows
from analysis.report.figures.responsive import ResponsiveChart
from analysis.report.figures.row_limit import limit_study_rows
from analysis.report.figures.theme import TEXT_COLOR, TIER_STYLES, TIERS

__all__ = ["DIAMOND_HALF_HEIGHT", "LINE_PX", "build_forest", "forest_plot", "wrap_title"]

BOLD_ROWS = ("heading", "subgroup", "overall")
ROW_STEP_PX = 24
DIAMOND_HALF_HEIGHT = 0.36  # in row units: the diamond is 72% of a line high

_TOOLTIP_FIELDS = ("label", "n_text", "est_ci_text", "weight_text", "tier_text", "group_text", "source_text")
_TOOLTIP_TITLES = ("Row", "n", "Estimate (95% CI)", "Weight", "Provenance tier", "Group", "Source")

# Text sizes in px of the drawing; the PDF draws charts at PRINT_WIDTH, where 11 px prints at 8.3 pt.
TEXT_PX = 12
SMALL_PX = 11
TITLE_PX = 14
LINE_PX = 18
GAP_PX = 12
NARROW_BELOW_PX = 560  # narrower than this, the numbers go under each label
POOLED_COLOR = "#1a1a1a"
PREDICTION_COLOR = "#6b6b6b"
NOTE_COLOR = "#333333"
#: readable ticks of a ratio axis, symmetric about 1 on the log scale
LOG_TICKS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0, 20.0, 40.0, 100.0)
DIRECTION_WORDS = ("improvement", "worsening")


def _tooltip(rows: pd.DataFrame) -> list[alt.Tooltip]:
    keep = [(f, t) for f, t in zip(_TOOLTIP_FIELDS, _TOOLTIP_TITLES) if f == "label" or (rows[f] != "").any()]
    return [alt.Tooltip(f"{f}:N", title=t) for f, t in keep]


def text_px(text: str, size: float = TEXT_PX, bold: bool = False) -> float:
    """A generous estimate of the drawn width of ``text`` in the charts' font, Fira Sans (its letters and digits average
    0.53 em, digits 0.56 em; bold 0.55 em)."""
    return len(text) * size * (0.66 if bold else 0.62)


def _wrap(text: str, width_px: float, size: float = TEXT_PX, bold: bool = False) -> list[str]:
    chars = max(8, int(width_px / (size * (0.66 if bold else 0.62))))
    return textwrap.wrap(text, chars, break_on_hyphens=False) or [""]


def wrap_title(title: str | alt.Title | None, width: int) -> alt.Title | None:
    """The chart title in lines that fit ``width`` (Vega does not wrap titles)."""
    if title is None:
        return None
    if isinstance(title, alt.Title):
        text = title.text
        if isinstance(text, str):
            return alt.Title(_wrap(text, width, TITLE_PX, bold=True), anchor="start", fontSize=TITLE_PX)
        return title
    return alt.Title(_wrap(str(title), width, TITLE_PX, bold=True), anchor="start", fontSize=TITLE_PX)


def _x_domain(rows: pd.DataFrame, null_value: float, log_scale: bool) -> tuple[list[float], list[float] | None]:
    """The axis domain and, for a ratio axis, its ticks (symmetric about 1 on the log scale)."""
    values = pd.concat([rows[c] for c in ("ci_low", "ci_high", "pi_low", "pi_high", "estimate")]).dropna().tolist()
    values.append(null_value)
    lo, hi = min(values), max(values)
    if log_scale:
        reach = max(hi / null_value, null_value / lo) * 1.02
        top = next((t for t in LOG_TICKS if t > 1 and t >= reach), None)
        if top is None:
            top = 10 ** math.ceil(math.log10(reach))
        domain = [null_value / top, null_value * top]
        ticks = [t * null_value for t in LOG_TICKS if domain[0] <= t * null_value <= domain[1]]
        return domain, ticks
    pad = (hi - lo) * 0.05 if hi > lo else 1.0
    return [lo - pad, hi + pad], None


def _scale_px(value: float, domain: list[float], x0: float, x1: float, log_scale: bool) -> float:
    f = (lambda v: math.log(v)) if log_scale else (lambda v: v)
    return x0 + (x1 - x0) * (f(value) - f(domain[0])) / (f(domain[1]) - f(domain[0]))


def _secondary_text(row: pd.Series) -> str:
    parts = [row["est_ci_text"]] if row["est_ci_text"] else []
    if row["weight_text"]:
        parts.append(f"weight {row['weight_text']}")
    if row["n_text"]:
        parts.insert(0, f"n = {row['n_text']}")
    return "; ".join(parts)


def build_forest(
    rows: pd.DataFrame,
    *,
    null_value: float,
    measure_label: str,
    log_scale: bool,
    title: str | alt.Title | None,
    width: int = 900,
    reference_value: float | None = None,
    columns: tuple[tuple[str, str, str], ...] | None = None,
    show_legend: bool = True,
    better: str | None = None,
    direction_words: tuple[str, str] = DIRECTION_WORDS,
) -> alt.LayerChart:
    """One view ``width`` px wide: label column, plot, then the number columns; on a narrow width
    the numbers go on a second line under each label. Text rows, the axis, direction labels
    ("<- improvement", "worsening ->" from ``better``, the outcome's direction of improvement) and
    a legend of the tier colours are all placed here, so the chart never grows past ``width``."""
    if log_scale and null_value <= 0:
        raise ValueError(f"A log-scale axis needs null_value > 0 (use 1 for ratios), but got {null_value!r}.")
    if better not in (None, "lower", "higher"):
        raise ValueError(f"better must be 'lower', 'higher' or None, but got {better!r}.")
    if columns is None:
        columns = (("label", "Study", "left"), ("n_text", "n", "right"), ("est_ci_text", "Estimate (95% CI)", "left"),
                   ("weight_text", "Weight", "right"))
    label_field, label_header, _ = columns[0]
    right = [c for c in columns[1:] if not (c[0] in ("n_text", "weight_text") and (rows[c[0]] == "").all())]

    def cells(field: str) -> list[str]:
        return [str(v) for v in rows.loc[rows["row_type"] != "note", field]]

    # Columns: wide layout if the plot keeps at least a third of the width.
    col_widths = [max(text_px(h, bold=True), max((text_px(v) * 1.04 for v in cells(f)), default=0)) + GAP_PX
                  for f, h, _ in right]
    label_w = min(max(max(text_px(v, bold=True) for v in cells(label_field)), text_px(label_header, bold=True)),
                  0.3 * width)
    x0 = label_w + GAP_PX
    x1 = width - sum(col_widths) - 4
    narrow = width < NARROW_BELOW_PX or (x1 - x0) < width / 4
    if narrow:
        label_w = width * 0.55
        x0, x1 = label_w + 8, width - 6
    domain, ticks = _x_domain(rows, null_value, log_scale)

    texts: list[dict] = []

    def put(x, y, text, *, align="left", bold=False, size=TEXT_PX, color=TEXT_COLOR):
        texts.append({"x": float(x), "y": float(y), "text": text, "align": align, "bold": bool(bold),
                      "size": size, "color": color})

    # Header line(s)
    line = 0
    put(0, LINE_PX * 0.5, label_header, bold=True)
    if narrow:
        sub = [h for f, h, _ in right if f != "n_text"]
        if sub:
            line += 1
            put(0, LINE_PX * 1.5, "; ".join(sub), size=SMALL_PX, color=NOTE_COLOR)
    else:
        x = x1 + 4
        for (field, header, align), w in zip(right, col_widths):
            put(x + w if align == "right" else x + GAP_PX, LINE_PX * 0.5, header, align=align, bold=True)
            x += w
    line += 1.4

    # One block of lines per frame row; gaps in row_order are blank lines.
    ys, previous = [], None
    for _, row in rows.iterrows():
        if previous is not None and row["y"] - previous > 1:
            line += min(row["y"] - previous - 1, 2)
        previous = row["y"]
        kind = row["row_type"]
        bold = kind in BOLD_ROWS
        if kind == "note":
            lines = _wrap(row["label"], width, SMALL_PX)
            for i, text in enumerate(lines):
                put(0, (line + i + 0.5) * LINE_PX, text, size=SMALL_PX, color=NOTE_COLOR)
            ys.append((line + len(lines) / 2) * LINE_PX)
            line += len(lines)
            continue
        lines = _wrap(str(row[label_field]), label_w, TEXT_PX, bold)
        second = _secondary_text(row) if narrow and kind != "heading" else ""
        second_lines = _wrap(second, label_w, SMALL_PX) if second else []
        block = len(lines) + len(second_lines)
        for i, text in enumerate(lines):
            put(0, (line + i + 0.5) * LINE_PX, text, bold=bold)
        for i, text in enumerate(second_lines):
            put(0, (line + len(lines) + i + 0.5) * LINE_PX, text, size=SMALL_PX, color=NOTE_COLOR)
        centre = (line + block / 2) * LINE_PX
        if not narrow:
            x = x1 + 4
            for (field, _, align), w in zip(right, col_widths):
                if row[field]:
                    put(x + w if align == "right" else x + GAP_PX, centre, str(row[field]), align=align, bold=bold)
                x += w
        ys.append(centre)
        line += block
    height = int(math.ceil((line + 0.3) * LINE_PX))
    drawn = rows.assign(y_px=ys)

    # Under the axis: the direction labels, the measure, the legend.
    below = height + 34
    null_px = _scale_px(null_value, domain, x0, x1, log_scale)
    if better is not None:
        left_word, right_word = direction_words if better == "lower" else direction_words[::-1]
        left_text, right_text = f"\u2190 {left_word}", f"{right_word} \u2192"
        lw, rw = text_px(left_text, SMALL_PX), text_px(right_text, SMALL_PX)
        if null_px - 6 - lw >= 0 and null_px + 6 + rw <= width:
            put(null_px - 6, below, left_text, align="right", size=SMALL_PX)
            put(null_px + 6, below, right_text, size=SMALL_PX)
            below += LINE_PX
        else:
            put(max(null_px - 6, lw), below, left_text, align="right", size=SMALL_PX)
            put(min(null_px + 6, width - rw), below + LINE_PX, right_text, size=SMALL_PX)
            below += 2 * LINE_PX
    for i, text in enumerate(_wrap(measure_label, min(width, max(x1 - x0, width * 0.6)), TEXT_PX)):
        w = text_px(text)
        centre = (x0 + x1) / 2
        x = min(max(centre, w / 2), width - w / 2)
        put(x, below + i * LINE_PX, text, align="center")
        below += LINE_PX if i else 0
    below += LINE_PX * 1.4

    legend_marks: list[dict] = []
    if show_legend:
        studies = drawn[(drawn["row_type"] == "study") & drawn["estimate"].notna()]
        tiers = [t for t in TIERS if t in set(studies["tier"])]
        items = [("square", TIER_STYLES[t].color, t, f"{t}: {TIER_STYLES[t].meaning}") for t in tiers]
        if (drawn["row_type"].isin(POOLED)).any():
            items.append(("diamond", POOLED_COLOR, "pooled estimate", "pooled estimate: the diamond spans its 95% CI"))
        if items:
            put(0, below, "Study values:" if tiers else "Key:", size=SMALL_PX, bold=True)
            x = text_px("Study values:", SMALL_PX, bold=True) + 10
            for shape, color, name, meaning in items:
                w = 16 + text_px(name, SMALL_PX) + 12
                if x + w > width:
                    x, below = 0, below + LINE_PX
                legend_marks.append({"x": x + 6, "y": below, "shape": shape, "color": color, "legend_text": meaning})
                put(x + 15, below, name, size=SMALL_PX)
                x += w
            below += LINE_PX * 0.6

    # a log scale takes no "zero" (Vega-Lite warns in the console when it is given)
    x_scale = (alt.Scale(type="log", domain=domain, range=[x0, x1], nice=False) if log_scale
               else alt.Scale(type="linear", domain=domain, range=[x0, x1], nice=False, zero=False))
    axis_options = {"values": ticks, "format": "~g"} if log_scale else {"tickCount": max(3, int((x1 - x0) / 70))}
    axis = alt.Axis(title=None, grid=False, labelFontSize=TEXT_PX, labelFlush=True, **axis_options)
    tooltip = _tooltip(rows)
    y_px = alt.Y("y_px:Q", scale=None, axis=None)
    x_enc = lambda field: alt.X(f"{field}:Q", scale=x_scale, axis=axis)  # noqa: E731

    layers = [alt.Chart(pd.DataFrame({"x": [float(null_value)]})).mark_rule(color="#444444", strokeWidth=1).encode(
        x=x_enc("x"), y=alt.value(0), y2=alt.value(height))]
    if reference_value is not None:
        layers.append(alt.Chart(pd.DataFrame({"x": [float(reference_value)]})).mark_rule(
            color="#444444", strokeDash=[4, 3]).encode(x=x_enc("x"), y=alt.value(0), y2=alt.value(height)))
    studies = drawn[(drawn["row_type"] == "study") & drawn["estimate"].notna()].assign(
        color=lambda f: [TIER_STYLES[t].color for t in f["tier"]])
    if not studies.empty:
        layers.append(alt.Chart(studies).mark_rule(color="#1a1a1a", strokeWidth=1.3).encode(
            x=x_enc("ci_low"), x2="ci_high:Q", y=y_px, tooltip=tooltip))
        layers.append(alt.Chart(studies).mark_point(shape="square", filled=True, opacity=1, strokeWidth=0).encode(
            x=x_enc("estimate"), y=y_px, color=alt.Color("color:N", scale=None),
            size=alt.Size("marker_area:Q", scale=None), tooltip=tooltip))
    diamonds = diamond_vertices(drawn)
    if not diamonds.empty:
        layers.append(alt.Chart(diamonds).mark_area(opacity=1, color=POOLED_COLOR, stroke=POOLED_COLOR,
                                                    strokeWidth=0.8).encode(
            x=x_enc("x"), y=alt.Y("y_top:Q", scale=None, axis=None), y2="y_bottom:Q", detail="diamond:Q",
            tooltip=tooltip))
    predictions = drawn[drawn["row_type"] == "prediction"]
    if not predictions.empty:
        layers.append(alt.Chart(predictions).mark_rule(strokeWidth=5, color=PREDICTION_COLOR).encode(
            x=x_enc("pi_low"), x2="pi_high:Q", y=y_px, tooltip=tooltip))
    text_frame = pd.DataFrame(texts)
    for (align, bold), part in text_frame.groupby(["align", "bold"], sort=True):
        layers.append(alt.Chart(part.reset_index(drop=True)).mark_text(
            align=align, baseline="middle", fontWeight="bold" if bold else "normal").encode(
            x=alt.X("x:Q", scale=None, axis=None), y=alt.Y("y:Q", scale=None, axis=None), text="text:N",
            size=alt.Size("size:Q", scale=None), color=alt.Color("color:N", scale=None)))
    if legend_marks:
        legend = pd.DataFrame(legend_marks)
        for shape, part in legend.groupby("shape", sort=True):
            layers.append(alt.Chart(part.reset_index(drop=True)).mark_point(
                shape=shape, filled=True, opacity=1, size=110 if shape == "square" else 150, strokeWidth=0).encode(
                x=alt.X("x:Q", scale=None, axis=None), y=alt.Y("y:Q", scale=None, axis=None),
                color=alt.Color("color:N", scale=None),
                tooltip=[alt.Tooltip("legend_text:N", title="Key")]))
    # The view is the rows; the axis, direction labels, measure and legend sit below it.
    chart = alt.layer(*layers).properties(width=width, height=height)
    wrapped = wrap_title(title, width)
    return chart.properties(title=wrapped) if wrapped is not None else chart


def diamond_vertices(rows: pd.DataFrame) -> pd.DataFrame:
    """Three points per pooled row -- (ci_low, centre), (estimate, centre +- h), (ci_high, centre) --
    that an ``area`` mark fills as a diamond: its x extent is exactly the CI (y in px)."""
    records = []
    half = DIAMOND_HALF_HEIGHT * LINE_PX
    for _, r in rows[rows["row_type"].isin(POOLED) & rows["estimate"].notna()].iterrows():
        for x, h in ((r["ci_low"], 0.0), (r["estimate"], half), (r["ci_high"], 0.0)):
            records.append({"diamond": r["y"], "x": x, "y_top": r["y_px"] - h, "y_bottom": r["y_px"] + h,
                            **{c: r[c] for c in _TOOLTIP_FIELDS}})
    return pd.DataFrame(records, columns=["diamond", "x", "y_top", "y_bottom", *_TOOLTIP_FIELDS])


def forest_plot(
    frame: pd.DataFrame,
    *,
    null_value: float = 0,
    measure_label: str,
    log_scale: bool = False,
    title: str | alt.Title | None = None,
    better: str | None = None,
    direction_words: tuple[str, str] = DIRECTION_WORDS,
) -> ResponsiveChart:
    """A forest plot: label | plot | n | estimate (95% CI) | weight, one line per frame row,
    laid out for the width it is drawn at (``ResponsiveChart.layout(width)``).

    Study rows: a line from ``ci_low`` to ``ci_high`` and a square at ``estimate`` whose area is
    proportional to ``weight_pct`` and whose colour gives the tier (the key below the axis says
    which). Pooled rows: a dark diamond spanning ``ci_low``..``ci_high``. Prediction rows: a thick
    grey bar ``pi_low``..``pi_high``. Note rows: a line of text (heterogeneity, subgroup test).
    A vertical rule marks ``null_value`` (0 for mean differences; 1 with ``log_scale=True`` for
    ratios, whose axis has the ticks 0.1, 0.25, 0.5, 1, 2, 4 within a domain symmetric about 1).
    ``better`` ("lower" or "higher", the outcome's direction of improvement) labels the two sides.
    Above :data:`~analysis.report.figures.row_limit.MAX_STUDY_ROWS` study lines, each run of them keeps
    its share and a note says how many are not drawn (:func:`~analysis.report.figures.row_limit.limit_study_rows`).
    """
    rows = limit_study_rows(forest_rows(frame, log_scale=log_scale))  # at most MAX_STUDY_ROWS study lines
    build_forest(rows, null_value=null_value, measure_label=measure_label, log_scale=log_scale, title=title,
                 better=better, direction_words=direction_words)  # problems are raised here, not when drawn
    return ResponsiveChart(lambda width: build_forest(
        rows, null_value=null_value, measure_label=measure_label, log_scale=log_scale, title=title, width=width,
        better=better, direction_words=direction_words))
