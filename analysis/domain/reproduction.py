"""The reproduction audit: every published result of the paper beside what public inputs regenerate.

One row per ``published_results`` row (every statement of a result, figure-only ones included).
Regeneration pools exactly the arms the paper pooled for that result under ``settings`` (default
:data:`analysis.domain.settings.PAPER_SETTINGS`, the paper's DerSimonian-Laird model with a Wald interval);
see :mod:`analysis.domain.regeneration`. The verdict rules are in :mod:`analysis.domain.verdicts`:

* ``reproduced``: estimate and both bounds within half a unit of the last printed decimal;
* ``differs``: regenerated, but outside the paper's rounding (``difference`` = regenerated - published);
* ``not reproducible from public inputs``: an input the paper pooled is not public (``missing_inputs``);
* ``no number published``: the paper gives the result only as an unavailable figure.

``by_construction`` is True when a regenerated input was itself recovered from a statement of the
same published result (a one-study subgroup): agreement then confirms the arithmetic, not the paper.
"""
from __future__ import annotations

import pandas as pd

from analysis.domain.contracts import REPRODUCTION, validate
from analysis.data import Evidence
from analysis.format import est_ci
from analysis.domain.printed import printed_decimals_frame
from analysis.domain.regeneration import Regeneration, public_inputs_pool, regenerated_results, regenerations
from analysis.domain.settings import PAPER_SETTINGS, AnalysisSettings
from analysis.domain.verdicts import VERDICTS, compare

__all__ = ["REPRODUCTION_COLUMNS", "VERDICTS", "reproduction_table", "verdict_counts", "published_text",
           "regenerated_text", "result_row", "regenerated_results", "regenerations", "public_inputs_pool"]

REPRODUCTION_COLUMNS = (
    "result_id", "result_key", "outcome", "analysis", "subgroup_factor", "subgroup_level", "location",
    "published_estimate", "published_ci_low", "published_ci_high",
    "regenerated_estimate", "regenerated_ci_low", "regenerated_ci_high",
    "difference", "difference_ci_low", "difference_ci_high", "verdict", "by_construction", "missing_inputs",
    "inputs", "note", "published_as_printed",
)


def _decimals(value: object) -> int | None:
    return None if pd.isna(value) else int(value)


def _note(row: pd.Series, regen: Regeneration, verdict: str, by_construction: bool, key_of: dict[str, str]) -> str:
    parts = []
    if verdict == "no number published":
        figure = row["figure"] if isinstance(row["figure"], str) else "a figure"
        parts.append(f"The paper gives this result only in {figure} (not available).")
        if regen.regenerated:
            parts.append("The public inputs do regenerate it, but there is no published number to compare.")
    elif verdict == "not reproducible from public inputs":
        parts.append(regen.note)
    if by_construction:
        sources = ", ".join(r for r in regen.recovered_from if key_of.get(r) == row["result_key"])
        parts.append(f"The input was recovered from this published result ({sources}), so agreement is by "
                     "construction, not independent confirmation.")
    if verdict == "differs":
        parts.append("Regenerated, but outside the paper's rounding.")
    if not pd.isna(row["estimate"]) and pd.isna(row["ci_low"]) and pd.isna(row["ci_high"]):
        parts.append("Only the estimate is printed here; no interval to compare.")
    return " ".join(parts)


def reproduction_table(evidence: Evidence, settings: AnalysisSettings = PAPER_SETTINGS) -> pd.DataFrame:
    """One row per ``published_results`` row with the published and regenerated numbers, the
    differences, the verdict, ``by_construction``, the missing inputs and a note (columns
    :data:`REPRODUCTION_COLUMNS`; published numbers on the paper's scale, ratios as ratios)."""
    published = evidence.table("published_results")
    printed = printed_decimals_frame(evidence)
    regens = regenerations(evidence, settings)
    key_of = dict(zip(published["result_id"], published["result_key"]))
    rows = []
    for line, row in published.iterrows():
        regen = regens[row["result_key"]]
        values = (row["estimate"], row["ci_low"], row["ci_high"])
        decimals = tuple(_decimals(printed.at[line, f"{c}_decimals"]) for c in ("estimate", "ci_low", "ci_high"))
        regenerated = regen.on_published_scale()
        comparison = compare(values, decimals, regenerated)
        by_construction = regen.regenerated and any(key_of.get(r) == row["result_key"] for r in regen.recovered_from)
        reg = regenerated if regenerated is not None else (float("nan"),) * 3
        inputs = "; ".join(f"{label} ({tier})" for label, tier in zip(regen.labels, regen.tiers))
        rows.append({
            "result_id": row["result_id"], "result_key": row["result_key"], "outcome": row["outcome"],
            "analysis": row["analysis"], "subgroup_factor": row["subgroup_factor"],
            "subgroup_level": row["subgroup_level"], "location": row["location"],
            "published_estimate": values[0], "published_ci_low": values[1], "published_ci_high": values[2],
            "regenerated_estimate": reg[0], "regenerated_ci_low": reg[1], "regenerated_ci_high": reg[2],
            "difference": comparison.difference, "difference_ci_low": comparison.difference_ci_low,
            "difference_ci_high": comparison.difference_ci_high, "verdict": comparison.verdict,
            "by_construction": bool(by_construction), "missing_inputs": regen.missing_inputs if not regen.regenerated else "",
            "inputs": inputs, "note": _note(row, regen, comparison.verdict, by_construction, key_of),
            "published_as_printed": _as_printed(printed.loc[line]),
        })
    frame = pd.DataFrame(rows, columns=list(REPRODUCTION_COLUMNS), index=published.index)
    for column in ("difference", "difference_ci_low", "difference_ci_high"):
        frame[column] = frame[column].astype(float)
    return validate(frame, REPRODUCTION)


def verdict_counts(table: pd.DataFrame) -> pd.DataFrame:
    """How many rows of a :func:`reproduction_table` have each verdict (all four listed, zeros
    included), with the number of those that agree only by construction."""
    unknown = sorted(set(table["verdict"]) - set(VERDICTS))
    if unknown:
        raise ValueError(f"unknown verdict(s) {unknown}; valid verdicts: {list(VERDICTS)}")
    counts = table.groupby("verdict").size().reindex(list(VERDICTS), fill_value=0)
    by_construction = table[table["by_construction"]].groupby("verdict").size().reindex(list(VERDICTS), fill_value=0)
    return pd.DataFrame({"verdict": list(VERDICTS), "rows": counts.to_numpy(int),
                         "by_construction": by_construction.to_numpy(int)})


def _as_printed(printed: pd.Series) -> str:
    """"est (95% CI low to high)" with each number exactly as the paper prints it ('' when no estimate)."""
    estimate, low, high = (printed[f"{c}_text"] for c in ("estimate", "ci_low", "ci_high"))
    if not estimate:
        return ""
    if not low or not high:
        return f"{estimate} (95% CI not printed)"
    return f"{estimate} (95% CI {low} to {high})"


def published_text(row: pd.Series) -> str:
    """The published result of a reproduction row as "est (95% CI low to high)", with the digits the
    paper printed (never more: -34.9 stays -34.9) when the row carries them."""
    printed = row.get("published_as_printed")
    if isinstance(printed, str) and printed:
        return printed
    return est_ci(row["published_estimate"], row["published_ci_low"], row["published_ci_high"])


def regenerated_text(row: pd.Series) -> str:
    """The regenerated result of a reproduction row, or "not available"."""
    return est_ci(row["regenerated_estimate"], row["regenerated_ci_low"], row["regenerated_ci_high"])


def result_row(table: pd.DataFrame, result_id: str) -> pd.Series:
    """The reproduction row of ``result_id``; ValueError listing the ids otherwise."""
    rows = table[table["result_id"] == result_id]
    if len(rows) != 1:
        raise ValueError(f"unknown result_id {result_id!r}; valid ids: {', '.join(table['result_id'])}")
    return rows.iloc[0]
