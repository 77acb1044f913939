"""The reproduction report (``chapters/appendix-reproduction.qmd``): every published result beside
its regeneration, with the verdict counts, and every internal-consistency check with its details."""
from __future__ import annotations

from string import ascii_lowercase

import pandas as pd

from analysis.chapters.page import Page
from analysis.audit.consistency import checks_table, details_for_display, run_all_checks
from analysis.data import Evidence, load
from analysis.format import fmt_int, fmt_num, fmt_yes_no
from analysis.domain.reproduction import published_text, regenerated_text, reproduction_table, verdict_counts
from analysis.domain.settings import PAPER_POSSIBLE_ESTIMATORS, PAPER_SETTINGS, describe, possible_settings_sentence
from analysis.report.reader_names import reader_names
from analysis.report.tables import TableView
from analysis.domain.printed import printed_decimals_frame
from analysis.domain.verdicts import DIFFERS, NO_NUMBER, NOT_REPRODUCIBLE, REPRODUCED, within_rounding

__all__ = ["difference_text", "page"]


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Booleans as yes/no so every details table prints the same way."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == bool or str(out[column].dtype) == "boolean":
            out[column] = out[column].map(fmt_yes_no)
    return out


#: how the Difference column names each number the paper prints.
_NUMBER_NAMES = {"estimate": "estimate", "ci_low": "lower bound", "ci_high": "upper bound"}


def difference_text(row: pd.Series, decimals: pd.Series) -> str:
    """Regenerated minus published, at one decimal more than the paper prints each number (so a
    difference beyond the paper's rounding never reads 0): for ``differs`` every number outside the
    rounding ("upper bound -10.20"); for ``reproduced`` the largest difference; empty otherwise.
    ``decimals`` holds the printed decimals (``<number>_decimals``, :mod:`analysis.domain.printed`)."""
    if row["verdict"] not in (REPRODUCED, DIFFERS):
        return ""
    parts = []
    for number, name in _NUMBER_NAMES.items():
        difference = row["difference" if number == "estimate" else f"difference_{number}"]
        if pd.isna(difference):
            continue
        digits = int(decimals[f"{number}_decimals"]) + 1
        outside = not within_rounding(row[f"published_{number}"], digits - 1, row[f"regenerated_{number}"])
        parts.append((outside, abs(difference), f"{name} {fmt_num(difference, digits)}"))
    if row["verdict"] == DIFFERS:
        return "; ".join(text for outside, _, text in parts if outside)
    return max(parts, key=lambda p: p[1])[2]


def _results(table: pd.DataFrame, alternative: pd.DataFrame, decimals: pd.DataFrame) -> dict[str, object]:
    counts = verdict_counts(table)
    count_of = dict(zip(counts["verdict"], counts["rows"]))
    other = alternative.set_index("result_id").loc[table["result_id"]]
    shown = table.assign(
        published=[published_text(row) for _, row in table.iterrows()],
        regenerated=[regenerated_text(row) for _, row in table.iterrows()],
        difference_shown=[difference_text(row, decimals.loc[line]) or None for line, row in table.iterrows()],
        regenerated_other=[regenerated_text(row) for _, row in other.iterrows()],
        verdict_other=other["verdict"].to_numpy(),
    )[["result_key", "location", "published", "regenerated", "difference_shown", "verdict", "regenerated_other",
       "verdict_other", "by_construction", "result_id", "difference", "difference_ci_low", "difference_ci_high"]]
    n_verdicts_change = int((other["verdict"].to_numpy() != table["verdict"].to_numpy()).sum())
    not_public = (table[table["missing_inputs"].fillna("") != ""]
                  .drop_duplicates("result_key")[["result_key", "missing_inputs"]])
    return {
        "n_rows": fmt_int(len(table)),
        "n_keys": fmt_int(table["result_key"].nunique()),
        "n_reproduced": fmt_int(count_of[REPRODUCED]),
        "n_differs": fmt_int(count_of[DIFFERS]),
        "n_not_reproducible": fmt_int(count_of[NOT_REPRODUCIBLE]),
        "n_no_number": fmt_int(count_of[NO_NUMBER]),
        "n_by_construction": fmt_int(int(counts["by_construction"].sum())),
        "n_verdicts_change": fmt_int(n_verdicts_change),
        "verdicts": TableView(counts, column_labels={"verdict": "Verdict", "rows": "Statements",
                                                     "by_construction": "By construction"}),
        "all": TableView(_as_text(shown), hidden=("result_id", "difference", "difference_ci_low", "difference_ci_high"),
                         column_labels={
            "result_key": "Result", "location": "Where printed", "published": "Published",
            "regenerated": f"Regenerated ({_short(PAPER_SETTINGS.method)})",
            "difference_shown": "Difference (regenerated - published)",
            "verdict": "Verdict", "regenerated_other": f"Regenerated ({_short(_other_method())})",
            "verdict_other": f"Verdict ({_short(_other_method())})", "by_construction": "By construction"}),
        "not_public": TableView(not_public, notes=("missing_inputs",), column_labels={"result_key": "Result",
                                                           "missing_inputs": "Inputs not public"}),
    }


def _checks(evidence: Evidence) -> dict[str, object]:
    """The summary of the checks, and per check (a, b, ... in report order) what it tested, what it
    found and its details table."""
    results = run_all_checks(evidence)
    summary = checks_table(results)
    names = reader_names(evidence)  # the findings' sentences name results and studies as the tables do
    key_of = dict(zip(evidence.published_results["result_id"], evidence.published_results["result_key"]))
    findings = set()
    for result in results:
        bad = result.details[result.details["status"] == "inconsistent"] if "status" in result.details else []
        for _, row in (bad.iterrows() if len(bad) else []):
            item = row.get("result_id", row.get("item", row.get("subgroup_factor")))
            findings.add((result.check_id, key_of.get(item, item)))
    values = {
        "n_checks": fmt_int(len(results)),
        "n_checks_inconsistent": fmt_int(int((summary["status"] == "inconsistent").sum())),
        "n_items": fmt_int(int(summary[["n_consistent", "n_inconsistent", "n_cannot_check"]].to_numpy().sum())),
        "n_items_inconsistent": fmt_int(int(summary["n_inconsistent"].sum())),
        "n_findings_distinct": fmt_int(len(findings)),
        "checks": TableView(summary[["check_id", "title", "status", "n_consistent", "n_inconsistent",
                                     "n_cannot_check"]], hidden=("check_id",), column_labels={
            "check_id": "Check", "title": "What", "status": "Status", "n_consistent": "Consistent",
            "n_inconsistent": "Inconsistent", "n_cannot_check": "Cannot check"}),
    }
    for letter, result in zip(ascii_lowercase, results):
        details, labels = details_for_display(result)
        values.update({f"{letter}_tested": names.text(result.tested), f"{letter}_found": names.text(result.finding),
                       f"{letter}_details": TableView(details, column_labels=labels, notes=_sentence_columns(details))})
    return values


def _sentence_columns(details: pd.DataFrame) -> tuple[str, ...]:
    """The text columns of a check's details but the first (the item each row is about): where a sentence
    repeats down one of them, it becomes a note under the table."""
    return tuple(str(c) for c in details.columns[1:] if not pd.api.types.is_numeric_dtype(details[c])
                 and not pd.api.types.is_bool_dtype(details[c]))


def _other_method() -> str:
    """The other estimator the paper's tools could have used (REML when the book assumes DL)."""
    return next(m for m in PAPER_POSSIBLE_ESTIMATORS if m != PAPER_SETTINGS.method)


def _short(method: str) -> str:
    from analysis.domain.settings import ESTIMATOR_SHORT_NAMES
    return ESTIMATOR_SHORT_NAMES[method]


def page(evidence: Evidence | None = None) -> Page:
    """Everything the reproduction report shows, from ``evidence`` (default: all of ``data/``)."""
    evidence = load() if evidence is None else evidence
    alternative = reproduction_table(evidence, PAPER_SETTINGS.with_(method=_other_method()))
    return Page("reproduction", {"settings_sentence": describe(PAPER_SETTINGS),
                                 "possible_settings": possible_settings_sentence(),
                                 "other_method": _short(_other_method()),
                                 **_results(reproduction_table(evidence), alternative, printed_decimals_frame(evidence)),
                                 **_checks(evidence)}, reader_names(evidence))
