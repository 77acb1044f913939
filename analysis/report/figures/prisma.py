"""A PRISMA 2020 flow diagram drawn in Altair from a tidy frame of stages.

One row per box:

==========  ================================================================================
stage_id    text, unique: the box's name ("identified", "screened", "excluded_full_text").
label       text: what the box counts ("Records identified from 4 databases").
count       whole number or missing. Missing prints "n = not reported" -- never 0.
column      integer >= 0: 0 = the main flow, 1 = the exclusion boxes on its right.
row         integer >= 0: top to bottom.
reasons     optional text: exclusion reasons, one per line (separate lines with "\\n").
arrow_to    optional text: the stage_id(s) this box points to, several separated by ";"
            ("screened; duplicates"). Arrows go down the same column or right along the
            same row, as in the PRISMA 2020 template: each main-flow box points down to
            the next step and right to the box of the records it removed.
phase       optional text: "Identification", "Screening", "Included"; shown once per row
            at the left edge.
==========  ================================================================================

Page, PRISMA 2020 statement, BMJ 2021;372:n71, Figure 1 (flow diagram template).
"""
from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from analysis.report.figures.responsive import ResponsiveChart
from analysis.report.figures.frames import Column, check_frame
from analysis.format import fmt_int, is_missing

__all__ = ["ARROW_SEPARATOR", "NOT_REPORTED", "PRISMA_COLUMNS", "arrow_targets", "prisma_flow", "prisma_layout"]

NOT_REPORTED = "not reported"
#: separates several targets in one ``arrow_to`` cell.
ARROW_SEPARATOR = ";"
BOX_WIDTH_PX = 250
COLUMN_GAP_PX = 60
ROW_GAP_PX = 34
LINE_HEIGHT_PX = 16
PADDING_PX = 9
PHASE_STRIP_PX = 30
WRAP_CHARS = 34

PRISMA_COLUMNS = (
    Column("stage_id", "text", nullable=False),
    Column("label", "text", nullable=False),
    Column("count", "integer"),
    Column("column", "integer", nullable=False),
    Column("row", "integer", nullable=False),
    Column("reasons", "text", required=False),
    Column("arrow_to", "text", required=False),
    Column("phase", "text", required=False),
)


def arrow_targets(value: object) -> tuple[str, ...]:
    """The stage_ids of one ``arrow_to`` cell, in order: "a; b" -> ("a", "b"); missing -> ().

    Items are stripped of surrounding spaces; an empty item ("a;;b", "a;") is kept as ""
    so that the frame check can report it instead of dropping it silently.
    """
    if is_missing(value):
        return ()
    return tuple(item.strip() for item in str(value).split(ARROW_SEPARATOR))


def _box_lines(row: pd.Series, wrap_chars: int = WRAP_CHARS) -> list[str]:
    lines = textwrap.wrap(row["label"], wrap_chars) or [""]
    lines.append(f"n = {fmt_int(row['count'], missing=NOT_REPORTED)}")
    reasons = row.get("reasons")
    if not is_missing(reasons) and reasons.strip():
        for reason in reasons.splitlines():
            lines.extend(textwrap.wrap(reason, wrap_chars, initial_indent="", subsequent_indent="  "))
    return lines


def prisma_layout(frame: pd.DataFrame, *, box_width: float = BOX_WIDTH_PX,
                  column_gap: float = COLUMN_GAP_PX) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate the stages and return (boxes, arrows) in pixel coordinates (boxes ``box_width`` wide,
    their text wrapped to fit).

    boxes: stage_id, x, x2, y, y2, text (lines joined by "\\n"), count_text, label, reasons_text.
    arrows: from, to, x, y, x2, y2, direction ("down" or "right").
    """
    problems = check_frame(frame, PRISMA_COLUMNS, what="prisma_flow", hint="see the column table in analysis/report/figures/prisma.py.")
    for idx in frame.index[frame["stage_id"].duplicated(keep=False)]:
        problems.add(idx, "stage_id", frame.at[idx, "stage_id"], "stage_id must be unique")
    for idx in frame.index[frame.duplicated(subset=["column", "row"], keep=False)]:
        problems.add(idx, "column/row", (frame.at[idx, "column"], frame.at[idx, "row"]), "two boxes share this place")
    for column in ("count", "column", "row"):
        for idx, value in frame[column].items():
            if not is_missing(value) and value < 0:
                problems.add(idx, column, value, "expected a value >= 0")
    ids = set(frame["stage_id"])
    place = {r["stage_id"]: (int(r["column"]), int(r["row"])) for _, r in frame.iterrows()}
    targets = {}
    if "arrow_to" in frame:
        for idx, value in frame["arrow_to"].items():
            if is_missing(value) or not isinstance(value, str):
                continue  # a non-text cell is already reported by check_frame
            items = arrow_targets(value)
            targets[frame.at[idx, "stage_id"]] = items
            for position, target in enumerate(items):
                if not target:
                    problems.add(idx, "arrow_to", value,
                                 f"an empty stage_id between {ARROW_SEPARATOR!r} separators; write targets as \"a; b\"")
                elif target in items[:position]:
                    problems.add(idx, "arrow_to", value, f"target {target!r} is listed more than once")
                elif target not in ids:
                    problems.add(idx, "arrow_to", value,
                                 f"target {target!r}: no stage has this stage_id; stage_ids are {sorted(ids)}")
                elif target == frame.at[idx, "stage_id"]:
                    problems.add(idx, "arrow_to", value, f"target {target!r}: a box cannot point to itself")
                else:
                    (c0, r0), (c1, r1) = place[frame.at[idx, "stage_id"]], place[target]
                    if not ((c0 == c1 and r1 > r0) or (r0 == r1 and c1 > c0)):
                        problems.add(idx, "arrow_to", value,
                                     f"target {target!r}: an arrow must go down its column or right along its row")
    problems.raise_if_any()

    stages = frame.reset_index(drop=True)
    wrap_chars = max(12, int(WRAP_CHARS * box_width / BOX_WIDTH_PX))
    lines = {r["stage_id"]: _box_lines(r, wrap_chars) for _, r in stages.iterrows()}
    n_rows = int(stages["row"].max()) + 1
    row_height = [
        max([len(lines[s]) for s, (_, r) in place.items() if r == i] or [1]) * LINE_HEIGHT_PX + 2 * PADDING_PX
        for i in range(n_rows)
    ]
    row_top = [sum(row_height[:i]) + ROW_GAP_PX * i for i in range(n_rows)]
    left = PHASE_STRIP_PX if "phase" in stages else 0

    boxes = []
    for _, r in stages.iterrows():
        c, i = place[r["stage_id"]]
        x = left + c * (box_width + column_gap)
        height = len(lines[r["stage_id"]]) * LINE_HEIGHT_PX + 2 * PADDING_PX
        boxes.append({
            "stage_id": r["stage_id"], "x": float(x), "x2": float(x + box_width),
            "y": float(row_top[i]), "y2": float(row_top[i] + height), "row_mid": float(row_top[i] + row_height[i] / 2),
            "text": "\n".join(lines[r["stage_id"]]), "label": r["label"],
            "count_text": fmt_int(r["count"], missing=NOT_REPORTED),
            "reasons_text": "" if is_missing(r.get("reasons")) else r["reasons"],
            "phase": "" if is_missing(r.get("phase")) else r["phase"],
        })
    boxes = pd.DataFrame(boxes)
    by_id = boxes.set_index("stage_id")
    arrows = []
    for _, r in stages.iterrows():
        for target in targets.get(r["stage_id"], ()):
            a, b = by_id.loc[r["stage_id"]], by_id.loc[target]
            if place[target][0] == place[r["stage_id"]][0]:
                mid = (a["x"] + a["x2"]) / 2
                arrows.append({"from": r["stage_id"], "to": target, "x": mid, "y": a["y2"], "x2": mid, "y2": b["y"],
                               "direction": "down"})
            else:
                # level with the middle of the shorter box, which lies within the taller one (same row top)
                y_mid = (a["y"] + a["y2"]) / 2 if a["y2"] - a["y"] <= b["y2"] - b["y"] else (b["y"] + b["y2"]) / 2
                arrows.append({"from": r["stage_id"], "to": target, "x": a["x2"], "y": y_mid, "x2": b["x"],
                               "y2": y_mid, "direction": "right"})
    arrows = pd.DataFrame(arrows, columns=["from", "to", "x", "y", "x2", "y2", "direction"])
    return boxes, arrows


def prisma_flow(frame: pd.DataFrame, *, title: str | alt.Title | None = None) -> ResponsiveChart:
    """The flow diagram: white boxes with black borders, centred text, arrows between boxes; the boxes
    narrow (and their text wraps) to fit the width the chart is drawn at."""
    prisma_layout(frame)  # problems are raised here, not when drawn
    columns = int(frame["column"].max()) + 1
    left = PHASE_STRIP_PX if "phase" in frame else 0

    def build(width: int) -> alt.LayerChart:
        gap = COLUMN_GAP_PX if width >= 560 else 28
        box = max(140.0, min(float(BOX_WIDTH_PX), (width - left - 4 - gap * (columns - 1)) / columns))
        return _draw(frame, title, box, gap)

    return ResponsiveChart(build)


def _draw(frame: pd.DataFrame, title, box_width: float, column_gap: float) -> alt.LayerChart:
    boxes, arrows = prisma_layout(frame, box_width=box_width, column_gap=column_gap)
    px = {"scale": None, "axis": None}
    tooltip = [alt.Tooltip("label:N", title="Stage"), alt.Tooltip("count_text:N", title="n"),
               alt.Tooltip("reasons_text:N", title="Reasons")]
    layers = [
        alt.Chart(boxes).mark_rect(fill="white", stroke="#1a1a1a", strokeWidth=1.2).encode(
            x=alt.X("x:Q", **px), x2="x2:Q", y=alt.Y("y:Q", **px), y2="y2:Q", tooltip=tooltip),
        alt.Chart(boxes).mark_text(align="left", baseline="top", lineBreak="\n", lineHeight=LINE_HEIGHT_PX,
                                   dx=PADDING_PX, dy=PADDING_PX).encode(
            x=alt.X("x:Q", **px), y=alt.Y("y:Q", **px), text="text:N", tooltip=tooltip),
    ]
    if not arrows.empty:
        layers.append(alt.Chart(arrows).mark_rule(color="#1a1a1a", strokeWidth=1.2).encode(
            x=alt.X("x:Q", **px), x2="x2:Q", y=alt.Y("y:Q", **px), y2="y2:Q"))
        layers.append(alt.Chart(arrows).mark_point(filled=True, opacity=1, size=70, color="#1a1a1a").encode(
            x=alt.X("x2:Q", **px), y=alt.Y("y2:Q", **px),
            shape=alt.Shape("direction:N", scale=alt.Scale(domain=["down", "right"], range=["triangle-down", "triangle-right"]),
                            legend=None)))
    phases = boxes[boxes["phase"] != ""].drop_duplicates("row_mid")
    if not phases.empty:
        layers.append(alt.Chart(phases).mark_text(angle=270, fontWeight="bold", baseline="middle").encode(
            x=alt.value(PHASE_STRIP_PX / 2 - 4), y=alt.Y("row_mid:Q", **px), text="phase:N"))
    width = int(boxes["x2"].max()) + 2
    height = int(boxes["y2"].max()) + 2
    chart = alt.layer(*layers).properties(width=width, height=height)
    return chart.properties(title=title) if title is not None else chart
