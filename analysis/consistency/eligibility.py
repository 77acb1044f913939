"""Check (h): the paper's eligibility criteria against the studies it included.

Methods 2.1 admits letters and case series only with more than 10 patients, while Section 3.1
excludes reports for fewer than 10: a study of exactly 10 passes one rule and fails the other.
The paper appraised four studies with the JBI checklist for case series (Section 2.3), so those
are the studies the size rule applies to. Methods 2.1 also excludes conference abstracts
without full text; the references cited for the included studies are compared with that rule.
"""
from __future__ import annotations

import pandas as pd

from analysis.consistency.result import CheckResult, overall_status
from analysis.consistency.statements import statement
from analysis.format import fmt_int

__all__ = ["check_eligibility", "eligibility_rows"]

#: how the paper's tools map onto its design categories (Section 2.3: JBI for case series).
CASE_SERIES_TOOL = "JBI"


def eligibility_rows(evidence) -> pd.DataFrame:
    studies = evidence.table("studies")
    reports = evidence.table("excluded_reports")
    statements = evidence.table("paper_statements")
    minimum = statement(statements, "letters_min_size")
    small = statement(statements, "small_sample_excluded")
    rows = []
    for _, s in studies[studies["risk_of_bias_tool"] == CASE_SERIES_TOOL].iterrows():
        ok = int(s["total_n"]) > minimum.value
        rows.append({"item": f"{s['label']} (appraised as a case series)", "criterion": minimum.claim,
                     "criterion_location": minimum.location, "found": f"{fmt_int(s['total_n'])} patients (Table 1)",
                     "status": "consistent" if ok else "inconsistent"})
    at_threshold = studies[studies["total_n"] == int(small.value)]
    rows.append({"item": "the two size rules", "criterion": f"{minimum.claim} / {small.claim}",
                 "criterion_location": f"{minimum.location}; {small.location}",
                 "found": (f"{fmt_int(len(at_threshold))} included studies have exactly {fmt_int(small.value)} patients ("
                           + ", ".join(at_threshold["label"]) + "): eligible by one rule, not by the other"),
                 "status": "inconsistent" if len(at_threshold) else "consistent"})
    abstracts = statement(statements, "conference_abstracts_excluded")
    cited = reports[reports["status"] == "cited_among_included_not_in_table1"]
    # The data record, per cited report, that its DOI or citation points to a congress abstract.
    congress = cited[cited["note"].fillna("").str.contains("congress abstract")]
    rows.append({"item": "references cited for the included studies", "criterion": abstracts.claim,
                 "criterion_location": abstracts.location,
                 "found": (f"{fmt_int(len(congress))} of the references cited as included studies but absent from Table 1 "
                           "point to congress abstracts (" + ", ".join(congress["report_id"]) + ")"),
                 "status": "inconsistent" if len(congress) else "consistent"})
    letters = studies[studies["note"].fillna("").str.contains("Research letter")]
    rows.append({"item": "research letters among the included studies", "criterion": abstracts.claim,
                 "criterion_location": abstracts.location,
                 "found": (f"{fmt_int(len(letters))} included studies are research letters ("
                           + ", ".join(f"{r.label}, {fmt_int(r.total_n)} patients" for r in letters.itertuples())
                           + "): full-text publications, so the abstract rule does not exclude them"),
                 "status": "consistent"})
    return pd.DataFrame(rows)


def check_eligibility(evidence) -> CheckResult:
    """(h) Eligibility criteria against the included studies and cited references."""
    details = eligibility_rows(evidence)
    minimum = statement(evidence.table("paper_statements"), "letters_min_size")
    bad = details[details["status"] == "inconsistent"]
    finding = (f"{len(bad)} of {len(details)} comparisons break the stated criteria: "
               + "; ".join(f"{r.item}: {r.found}" for r in bad.itertuples()) + ".")
    return CheckResult(
        check_id="eligibility",
        title="Eligibility criteria against the included studies",
        tested=("Whether the included studies and the references cited for them meet the paper's own criteria "
                f"(more than {fmt_int(minimum.value)} patients for letters and case series; "
                "no conference abstracts without full text)."),
        finding=finding,
        status=overall_status(details["status"]),
        details=details,
    )
