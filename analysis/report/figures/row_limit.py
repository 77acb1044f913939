"""Forest-type charts with many study lines: the most lines a chart draws, and what stands for the rest.

A forest plot draws one line per study (24 px each): at a few hundred studies it is taller than any
screen or printed page, and the PDF would shrink it to illegible. Above :data:`MAX_STUDY_ROWS`
study lines, :func:`limit_study_rows` keeps a share of each run of study lines (the runs between
headings and pools, so every subgroup keeps its own lines and its diamond) and puts a note line
where the others were, saying how many are not drawn; the pooled rows, which summarise every
study, are all kept, and the CSV offered under the chart still holds every row.
"""
from __future__ import annotations

import math

import pandas as pd

from analysis.format import fmt_int

__all__ = ["MAX_STUDY_ROWS", "first_rows", "extreme_rows", "limit_study_rows"]

#: the most study lines a forest-type chart draws (about 1,000 px in the wide layout, a printed page or so)
MAX_STUDY_ROWS = 40


def first_rows(block: pd.DataFrame, keep: int) -> pd.Index:
    """The first ``keep`` lines of a run, in the chart's order."""
    return block.index[:keep]


def extreme_rows(block: pd.DataFrame, keep: int) -> pd.Index:
    """The ``keep`` lines of a run with the lowest and highest ``estimate`` (half each), in the chart's order:
    for a leave-one-out chart, the omissions that move the pool most."""
    ranked = block["estimate"].sort_values(kind="stable")
    low = keep - keep // 2
    chosen = set(ranked.index[:low]) | set(ranked.index[len(ranked) - keep // 2:])
    return block.index[[i in chosen for i in block.index]]


def _note(y: float, text: str, like: pd.DataFrame) -> dict:
    """A note line at ``y`` with the columns of ``like`` (the rows of :func:`forest_rows`)."""
    row = {column: ("" if like[column].dtype == object else math.nan) for column in like.columns}
    row.update({"y": y, "label": text, "row_type": "note", "tier": None, "marker_area": 90.0})
    return row


def limit_study_rows(rows: pd.DataFrame, *, noun: str = "study lines", pick=first_rows,
                     limit: int = MAX_STUDY_ROWS) -> pd.DataFrame:
    """``rows`` (the output of :func:`~analysis.report.figures.forest_rows.forest_rows`, ordered by ``y``) with at
    most about ``limit`` study lines: each run of consecutive study lines keeps its share (``pick``
    chooses which), the kept lines close up, and a note line "... and <n> more <noun>, not drawn (all in
    the CSV)" ends the run; blank lines between runs stay. Unchanged with ``limit`` study lines or fewer."""
    studies = (rows["row_type"] == "study").to_numpy()
    if studies.sum() <= limit:
        return rows
    run = pd.Series((~studies).cumsum(), index=rows.index)  # study lines after the same non-study line share a run
    groups = rows[studies].groupby(run[studies], sort=False)
    share = max(1, limit // groups.ngroups)
    kept = set()
    for _, members in groups:
        kept.update(pick(members, share) if len(members) > share else members.index)
    out: list[dict] = []
    y_new = y_prev = None
    dropped = 0

    def note() -> dict:
        return _note(y_new, f"... and {fmt_int(dropped)} more {noun}, not drawn (all in the CSV)", rows)

    for idx, row, is_study in zip(rows.index, rows.to_dict("records"), studies):
        if not is_study and dropped:
            y_new = rows["y"].iloc[0] if y_new is None else y_new + 1
            out.append(note())
            dropped, step = 0, row["y"] - y_prev
        elif is_study and y_prev is not None and (dropped or idx not in kept):
            step = 1
        else:
            step = None if y_prev is None else row["y"] - y_prev
        y_prev = row["y"]
        if is_study and idx not in kept:
            dropped += 1
            continue
        y_new = row["y"] if y_new is None else y_new + step
        out.append({**row, "y": y_new})
    if dropped:
        y_new = rows["y"].iloc[0] if y_new is None else y_new + 1
        out.append(note())
    return pd.DataFrame(out, columns=rows.columns).reset_index(drop=True)
