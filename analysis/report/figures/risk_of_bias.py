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
"""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from analysis.report.figures.responsive import ResponsiveChart
from analysis.report.figures.frames import Column, check_frame
from analysis.report.figures.theme import NEUTRAL_GREY, OKABE_ITO
from analysis.format import is_missing

__all__ = ["JUDGEMENTS", "Judgement", "RISK_OF_BIAS_COLUMNS", "TOOLS", "judgement", "traffic_light"]

TOOLS = {"JBI": "JBI checklist for case series", "NOS": "Newcastle-Ottawa Scale"}
CELL_PX = 34


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
    problems = check_frame(frame, RISK_OF_BIAS_COLUMNS, what="traffic_light",
                           hint="see the column table in analysis/report/figures/risk_of_bias.py.")
    for idx in frame.index[frame.duplicated(subset=["tool", "study", "item"], keep=False)]:
        problems.add(idx, "study/item", (frame.at[idx, "study"], frame.at[idx, "item"]), "each study-item pair appears once")
    names = []
    for idx, row in frame.iterrows():
        if not is_missing(row["score"]) and row["score"] > row["max_score"]:
            problems.add(idx, "score", row["score"], f"above max_score {row['max_score']}")
        try:
            names.append(judgement(row["tool"], row["score"]))
        except ValueError as error:
            problems.add(idx, "score", row["score"], str(error))
            names.append("not reported")
    problems.raise_if_any()
    out = frame.assign(judgement=names)
    out["symbol"] = [JUDGEMENTS[n].symbol for n in names]
    out["score_text"] = [
        "not reported" if is_missing(s) else f"{int(s)} of {int(m)}" for s, m in zip(frame["score"], frame["max_score"])
    ]
    return out


def traffic_light(frame: pd.DataFrame, *, title: str | alt.Title | None = None) -> ResponsiveChart:
    """One grid per tool (JBI, then NOS), studies as rows and items as columns; the grids stand side by
    side when the width allows, else one above the other."""
    judged = _judged(frame)
    present = [n for n in JUDGEMENTS if n in set(judged["judgement"])]
    color = alt.Color("judgement:N", title="Judgement",
                      scale=alt.Scale(domain=present, range=[JUDGEMENTS[n].color for n in present]),
                      legend=alt.Legend(orient="bottom", labelExpr=_legend_labels(present)))
    tooltip = [alt.Tooltip("study:N", title="Study"), alt.Tooltip("item:N", title="Item"),
               alt.Tooltip("item_text:N", title="Question"), alt.Tooltip("score_text:N", title="Score"),
               alt.Tooltip("judgement:N", title="Judgement")]
    parts = []
    for tool in [t for t in TOOLS if t in set(judged["tool"])]:
        rows = judged[judged["tool"] == tool]
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
        parts.append((alt.layer(circles, symbols).properties(
            width=CELL_PX * len(items), height=CELL_PX * len(studies), title=alt.Title(TOOLS[tool], fontSize=13)),
            label_px + CELL_PX * len(items)))

    def build(width: int) -> alt.HConcatChart | alt.VConcatChart | alt.LayerChart:
        """Side by side when both grids fit the width, else one above the other (phones, the printed page)."""
        grids = [grid for grid, _ in parts]
        if len(grids) == 1:
            chart = grids[0]
        elif sum(w for _, w in parts) + 40 * (len(parts) - 1) <= width:
            chart = alt.hconcat(*grids, spacing=40).resolve_scale(color="shared")
        else:
            chart = alt.vconcat(*grids, spacing=24).resolve_scale(color="shared")
        return chart.properties(title=title) if title is not None else chart

    return ResponsiveChart(build)


def _legend_labels(present: list[str]) -> str:
    """Vega expression that prints "+ yes", "? unclear" ... in the legend (symbol and word)."""
    cases = " : ".join(f"datum.label === '{n}' ? '{JUDGEMENTS[n].symbol}  {n}'" for n in present)
    return f"{cases} : datum.label"
