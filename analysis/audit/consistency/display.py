"""Which columns of each check's details a printed table shows, under readable headers.

The full details stay available from :class:`CheckResult.details`; a page shows the columns
a reader needs to follow the finding (a PDF page cannot hold twenty numeric columns).
"""
from __future__ import annotations

import pandas as pd

from analysis.audit.consistency.result import CheckResult
from analysis.format import est_ci

__all__ = ["DISPLAY_COLUMNS", "details_for_display"]

#: check_id -> ordered {column: header}; columns not named are left out of the printed table.
DISPLAY_COLUMNS: dict[str, dict[str, str]] = {
    "ci_symmetry": {"result_id": "Result", "printed": "As printed", "scale": "Scale", "asymmetry": "Asymmetry", "tolerance": "Rounding tolerance", "status": "Status"},
    "p_vs_ci": {"result_id": "Result", "printed": "As printed", "p_printed_text": "p printed",
                "p_role_evidence": "Why read as an effect p", "p_implied": "p implied", "p_implied_min": "Implied, min",
                "p_implied_max": "Implied, max", "same_conclusion_at_0_05": "Same conclusion at 0.05",
                "status": "Status"},
    "heterogeneity_k": {"result_id": "Result", "i2_text": "I² (%) printed", "p_text": "p printed",
                        "p_label": "p label", "k_from_data": "k", "k_basis": "Where k comes from", "q_low": "Q from p, low", "q_high": "Q from p, high",
                        "q_from_i2_low": "Q from I², low", "q_from_i2_high": "Q from I², high",
                        "k_consistent": "k fitting both", "status": "Status", "note": "Note"},
    "subgroups_vs_overall": {"subgroup_factor": "Factor", "subgroups": "Published subgroups",
                             "combined": "Fixed-effect combination", "published": "Published overall",
                             "difference": "Difference", "combined_se": "Combined SE", "published_se": "Published SE",
                             "q_between": "Q between", "q_overall_from_p": "Overall Q", "status": "Status"},
    "counts_vs_tables": {"item": "Item", "stated": "Stated", "stated_where": "Where stated", "computed": "Computed",
                         "computed_how": "How computed", "status": "Status", "note": "Note"},
    "text_vs_tables": {"item": "Item", "location": "Where", "text_says": "The paper says", "data_give": "The numbers give",
                       "status": "Status"},
    "measure_names": {"item": "Item", "location": "Where", "name_says": "The paper says",
                      "numbers_give": "The numbers give", "status": "Status", "note": "Note"},
    "eligibility": {"item": "Item", "criterion": "Criterion", "criterion_location": "Where",
                    "found": "Found", "status": "Status"},
}


def details_for_display(result: CheckResult) -> tuple[pd.DataFrame, dict[str, str]]:
    """(frame, headers) for printing ``result.details``: the chosen columns, booleans as yes/no,
    and for the subgroup check the intervals as "estimate (95% CI low to high)" text."""
    if result.check_id not in DISPLAY_COLUMNS:
        raise ValueError(f"unknown check {result.check_id!r}; valid: {', '.join(DISPLAY_COLUMNS)}")
    frame = result.details.copy()
    if result.check_id == "subgroups_vs_overall":
        frame["combined"] = [est_ci(*v) for v in frame[["combined_estimate", "combined_ci_low", "combined_ci_high"]].to_numpy()]
        frame["published"] = [est_ci(*v) for v in frame[["published_overall", "published_ci_low", "published_ci_high"]].to_numpy()]
    headers = DISPLAY_COLUMNS[result.check_id]
    frame = frame[[c for c in headers if c in frame.columns]]
    for column in frame.columns:
        if frame[column].dtype == bool or str(frame[column].dtype) == "boolean":
            frame[column] = frame[column].map({True: "yes", False: "no"})
    return frame, headers
