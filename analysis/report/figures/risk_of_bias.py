"""Traffic-light chart of risk-of-bias item scores: study x item, coloured circles with a symbol.

Long frame, one row per (study, item):

==========  ==========================================================================
study       text: "Paik 2021".
tool        ``JBI`` (JBI checklist for case series) or ``NOS`` (Newcastle-Ottawa Scale).
item        text: "Q1".."Q10" (JBI) or "I".."VIII" (NOS); drawn in order of first appearance.
item_text   text: the question, shown in the tooltip.
score       whole number, or missing when the score is not reported.
max_score   whole number: the most the item can score (JBI 2; NOS 1, or 2 for comparability).
==========  ==========================================================================

Judgement mapping (``judgement``), as the paper's Tables 2 and 3 use the scores:

* JBI: 2 = yes (criterion met), 1 = unclear, 0 = no;
* NOS: at least one star = yes (star awarded), 0 = no (no star);
* missing score = not reported.

Each judgement has a colour *and* a printed symbol (``+``, ``?``, ``-``, ``NR``), so the
chart reads in greyscale and for readers who cannot tell the colours apart.

A grid draws one row per study, which stops being readable (and printable) long before a living
review stops growing: above :data:`MAX_GRID_STUDIES` studies for a tool, that tool's part becomes a
summary per item (:func:`item_summary`), one bar per item split by judgement, each part labelled
with its symbol and number of studies.
"""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from analysis.report.figures.responsive import ResponsiveChart
from analysis.report.figures.frames import Column, check_frame
from analysis.report.figures.theme import NEUTRAL_GREY, OKABE_ITO
from analysis.format import is_missing

__all__ = ["JUDGEMENTS", "Judgement", "MAX_GRID_STUDIES", "RISK_OF_BIAS_COLUMNS", "TOOLS", "item_summary", "judgement",
           "traffic_light"]

TOOLS = {"JBI": "JBI checklist for case series", "NOS": "Newcastle-Ottawa Scale"}
CELL_PX = 34
#: the most studies a tool's grid draws one row each (about 700 px, a printed page keeps it whole); above it
#: the tool is summarised per item
MAX_GRID_STUDIES = 20
#: a bar part narrower than this share of the studies carries no label (its tooltip still does)
_MIN_LABELLED_SHARE = 0.08


@dataclass(frozen=True)
class Judgement:
    name: str
    symbol: str
    color: str


JUDGEMENTS = {
    j.name: j
    for j in (
        Judgement("yes", "+", OKABE_ITO["bluish_green"]),
        Judgement("unclear", "?", OKABE_ITO["orange"]),
        Judgement("no", "-", OKABE_ITO["vermillion"]),
        Judgement("not reported", "NR", NEUTRAL_GREY),
    )
}

RISK_OF_BIAS_COLUMNS = (
    Column("study", "text", nullable=False),
    Column("tool", "choice", nullable=False, choices=tuple(TOOLS)),
    Column("item", "text", nullable=False),
    Column("item_text", "text", nullable=False),
    Column("score", "integer"),
    Column("max_score", "integer", nullable=False),
)


def judgement(tool: str, score: object) -> str:
    """The judgement name for one score under ``tool`` (see the module docstring)."""
    if tool not in TOOLS:
        raise ValueError(f"Unknown risk-of-bias tool {tool!r}; valid tools are {sorted(TOOLS)}.")
    if is_missing(score):
        return "not reported"
    if tool == "JBI":
        names = {2: "yes", 1: "unclear", 0: "no"}
        if score not in names:
            raise ValueError(f"A JBI item scores 0 (no), 1 (unclear) or 2 (yes), but got {score!r}.")
        return names[int(score)]
    if score < 0:
        raise ValueError(f"A NOS item scores a number of stars >= 0, but got {score!r}.")
    return "yes" if score >= 1 else "no"


def _judged(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame checked, with each row's ``judgement``, ``symbol`` and ``score_text``.

    :func:`judgement` runs once per distinct (tool, score) pair, so the work grows with the rows
    only through pandas' column operations."""
    problems = check_frame(frame, RISK_OF_BIAS_COLUMNS, what="traffic_light",
                           hint="see the column table in analysis/report/figures/risk_of_bias.py.")
    for idx in frame.index[frame.duplicated(subset=["tool", "study", "item"], keep=False)]:
        problems.add(idx, "study/item", (frame.at[idx, "study"], frame.at[idx, "item"]), "each study-item pair appears once")
    problems.raise_if_any()  # the rules below compare scores, so they need the columns' types right
    scores = frame["score"].astype("Float64")
    above = (scores > frame["max_score"].astype("Float64")).fillna(False).to_numpy(bool)
    for idx in frame.index[above]:
        problems.add(idx, "score", frame.at[idx, "score"], f"above max_score {frame.at[idx, 'max_score']}")
    names_of: dict[tuple[str, object], str] = {}
    keys = list(zip(frame["tool"], frame["score"].astype(object).where(frame["score"].notna(), None)))
    for key in dict.fromkeys(keys):
        try:
            names_of[key] = judgement(*key)
        except ValueError as error:
            names_of[key] = "not reported"
            for idx in frame.index[[k == key for k in keys]]:
                problems.add(idx, "score", frame.at[idx, "score"], str(error))
    problems.raise_if_any()
    names = [names_of[key] for key in keys]
    out = frame.assign(judgement=names)
    out["symbol"] = [JUDGEMENTS[n].symbol for n in names]
    out["score_text"] = [
        "not reported" if score is None else f"{int(score)} of {int(m)}" for (_, score), m in zip(keys, frame["max_score"])
    ]
    return out


def item_summary(judged: pd.DataFrame) -> pd.DataFrame:
    """Per (tool, item, judgement) of a judged frame: the number of studies ``n``, their ``share`` of the
    item's studies, the part's ``start`` and ``end`` on a 0-1 axis (judgements in :data:`JUDGEMENTS`
    order), its ``symbol`` and a ``label`` ("+ 12") for parts of at least 8% of the studies."""
    counts = judged.groupby(["tool", "item", "judgement"], sort=False).size().rename("n").reset_index()
    counts["_order"] = counts["judgement"].map({name: i for i, name in enumerate(JUDGEMENTS)})
    item_order = {key: i for i, key in enumerate(dict.fromkeys(zip(judged["tool"], judged["item"])))}
    counts["_item"] = [item_order[key] for key in zip(counts["tool"], counts["item"])]
    counts = counts.sort_values(["_item", "_order"], kind="stable").drop(columns=["_order", "_item"])
    texts = judged.drop_duplicates(["tool", "item"]).set_index(["tool", "item"])["item_text"]
    counts["item_text"] = [texts[key] for key in zip(counts["tool"], counts["item"])]
    total = counts.groupby(["tool", "item"], sort=False)["n"].transform("sum")
    counts["share"] = counts["n"] / total
    counts["end"] = counts.groupby(["tool", "item"], sort=False)["share"].cumsum()
    counts["start"] = counts["end"] - counts["share"]
    counts["symbol"] = counts["judgement"].map({name: j.symbol for name, j in JUDGEMENTS.items()})
    counts["label"] = [f"{sym} {n:,}" if share >= _MIN_LABELLED_SHARE else ""
                       for sym, n, share in zip(counts["symbol"], counts["n"], counts["share"])]
    return counts.reset_index(drop=True)


def _grid(rows: pd.DataFrame, tool: str, color: alt.Color, tooltip: list) -> tuple[alt.LayerChart, float]:
    """One tool as a grid of studies x items; returns the chart and its width with the labels."""
    items = rows["item"].drop_duplicates().tolist()
    studies = rows["study"].drop_duplicates().tolist()
    base = alt.Chart(rows).encode(
        x=alt.X("item:N", sort=items, title=None, axis=alt.Axis(orient="top", labelAngle=0, domain=False, ticks=False)),
        y=alt.Y("study:N", sort=studies, title=None, axis=alt.Axis(domain=False, ticks=False)),
        tooltip=tooltip,
    )
    circles = base.mark_circle(size=CELL_PX * 18, opacity=1).encode(color=color)
    # near-black symbols: contrast of at least 5:1 on every judgement colour
    symbols = base.mark_text(fontWeight="bold", fontSize=13, color="#1a1a1a").encode(text="symbol:N")
    label_px = 7.5 * max(len(str(v)) for v in studies) + 16
    return (alt.layer(circles, symbols).properties(
        width=CELL_PX * len(items), height=CELL_PX * len(studies), title=alt.Title(TOOLS[tool], fontSize=13)),
        label_px + CELL_PX * len(items))


def _summary(rows: pd.DataFrame, tool: str, color: alt.Color, width: int = 10 * CELL_PX) -> tuple[alt.LayerChart, float]:
    """One tool as one bar per item split by judgement (for many studies), the bars ``width`` px long;
    returns the chart and its width with the item labels."""
    summary = item_summary(rows)
    items = summary["item"].drop_duplicates().tolist()
    n_studies = rows["study"].nunique()
    base = alt.Chart(summary).encode(
        y=alt.Y("item:N", sort=items, title=None, axis=alt.Axis(domain=False, ticks=False)),
        tooltip=[alt.Tooltip("item:N", title="Item"), alt.Tooltip("item_text:N", title="Question"),
                 alt.Tooltip("judgement:N", title="Judgement"), alt.Tooltip("n:Q", title="Studies", format=","),
                 alt.Tooltip("share:Q", title="Share", format=".0%")])
    bars = base.mark_bar(height=CELL_PX - 8).encode(
        x=alt.X("start:Q", title=f"Share of {n_studies:,} studies", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        x2="end:Q", color=color)
    labels = base.transform_calculate(mid="(datum.start + datum.end) / 2").mark_text(
        fontWeight="bold", fontSize=12, color="#1a1a1a").encode(x="mid:Q", text="label:N")
    return (alt.layer(bars, labels).properties(
        width=width, height=CELL_PX * len(items),
        title=alt.Title(TOOLS[tool], subtitle=f"{n_studies:,} studies, summarised per item", fontSize=13)),
        width + 60)


def traffic_light(frame: pd.DataFrame, *, title: str | alt.Title | None = None) -> ResponsiveChart:
    """One grid per tool (JBI, then NOS), studies as rows and items as columns (a summary per item for a
    tool with more than :data:`MAX_GRID_STUDIES` studies); the parts stand side by side when the width
    allows, else one above the other."""
    judged = _judged(frame)
    present = [n for n in JUDGEMENTS if n in set(judged["judgement"])]
    color = alt.Color("judgement:N", title="Judgement",
                      scale=alt.Scale(domain=present, range=[JUDGEMENTS[n].color for n in present]),
                      legend=alt.Legend(orient="bottom", labelExpr=_legend_labels(present)))
    tooltip = [alt.Tooltip("study:N", title="Study"), alt.Tooltip("item:N", title="Item"),
               alt.Tooltip("item_text:N", title="Question"), alt.Tooltip("score_text:N", title="Score"),
               alt.Tooltip("judgement:N", title="Judgement")]
    parts, summarised = [], {}
    for tool in [t for t in TOOLS if t in set(judged["tool"])]:
        rows = judged[judged["tool"] == tool]
        if rows["study"].nunique() > MAX_GRID_STUDIES:
            summarised[len(parts)] = rows
            parts.append(_summary(rows, tool, color))
        else:
            parts.append(_grid(rows, tool, color, tooltip))

    def build(width: int) -> alt.HConcatChart | alt.VConcatChart | alt.LayerChart:
        """Side by side when both grids fit the width, else one above the other (phones, the printed page);
        a summary's bars shorten to fit a narrow width."""
        side_by_side = sum(w for _, w in parts) + 40 * (len(parts) - 1) <= width
        grids = [grid for grid, _ in parts]
        for i, rows in summarised.items():
            if not side_by_side and parts[i][1] > width:
                grids[i] = _summary(rows, rows["tool"].iloc[0], color, max(160, width - 60))[0]
        if len(grids) == 1:
            chart = grids[0]
        elif side_by_side:
            chart = alt.hconcat(*grids, spacing=40).resolve_scale(color="shared")
        else:
            chart = alt.vconcat(*grids, spacing=24).resolve_scale(color="shared")
        return chart.properties(title=title) if title is not None else chart

    return ResponsiveChart(build)


def _legend_labels(present: list[str]) -> str:
    """Vega expression that prints "+ yes", "? unclear" ... in the legend (symbol and word)."""
    cases = " : ".join(f"datum.label === '{n}' ? '{JUDGEMENTS[n].symbol}  {n}'" for n in present)
    return f"{cases} : datum.label"
