"""Check (h): the paper's eligibility criteria against the studies it included.

Methods 2.1 admits letters and case series only with more than 10 patients, while Section 3.1
excludes reports for fewer than 10: a study of exactly 10 passes one rule and fails the other.
The paper appraised four studies with the JBI checklist for case series (Section 2.3), so those
are the studies the size rule applies to, together with the studies the data record as letters
(``publication_type`` research_letter or letter). Methods 2.1 also excludes conference abstracts
without full text; the ``publication_type`` of the references cited for the included studies,
and of the included studies themselves, is compared with that rule. A missing
``publication_type`` (no source says) counts as neither a letter nor an abstract.
"""
from __future__ import annotations

import pandas as pd

from analysis.audit.consistency.result import CheckResult, overall_status
from analysis.audit.consistency.statements import statement
from analysis.format import fmt_int, fmt_names

__all__ = ["check_eligibility", "eligibility_rows"]

#: how the paper's tools map onto its design categories (Section 2.3: JBI for case series).
CASE_SERIES_TOOL = "JBI"
#: ``publication_type`` values (data/datapackage.json) that Methods 2.1 calls letters.
LETTER_TYPES = ("research_letter", "letter")
CONFERENCE_ABSTRACT = "conference_abstract"
_TYPE_WORDS = {"research_letter": "research letter", "letter": "correspondence letter"}


def eligibility_rows(evidence) -> pd.DataFrame:
    studies = evidence.table("studies")
    reports = evidence.table("excluded_reports")
    statements = evidence.table("paper_statements")
    minimum = statement(statements, "letters_min_size")
    small = statement(statements, "small_sample_excluded")
    rows = []
    # the size rule covers case series (appraised with the JBI checklist) and letters (publication_type)
    size_rule = studies[(studies["risk_of_bias_tool"] == CASE_SERIES_TOOL) | studies["publication_type"].isin(LETTER_TYPES)]
    for _, s in size_rule.iterrows():
        ok = int(s["total_n"]) > minimum.value
        kind = ("appraised as a case series" if s["risk_of_bias_tool"] == CASE_SERIES_TOOL
                else f"published as a {_TYPE_WORDS[s['publication_type']]}")
        rows.append({"item": f"{s['label']} ({kind})", "criterion": minimum.claim,
                     "criterion_location": minimum.location, "found": f"{fmt_int(s['total_n'])} patients (Table 1)",
                     "status": "consistent" if ok else "inconsistent"})
    # only studies the admission rule covers can pass one rule and fail the other
    at_threshold = size_rule[size_rule["total_n"] == int(small.value)]
    rows.append({"item": "the two size rules", "criterion": f"{minimum.claim} / {small.claim}",
                 "criterion_location": f"{minimum.location}; {small.location}",
                 "found": (f"{fmt_int(len(at_threshold))} included studies have exactly {fmt_int(small.value)} patients ("
                           + ", ".join(at_threshold["label"]) + "): eligible by one rule, not by the other"),
                 "status": "inconsistent" if len(at_threshold) else "consistent"})
    abstracts = statement(statements, "conference_abstracts_excluded")
    cited = reports[reports["status"] == "cited_among_included_not_in_table1"]
    congress = cited[cited["publication_type"].isin([CONFERENCE_ABSTRACT])]
    rows.append({"item": "references cited for the included studies", "criterion": abstracts.claim,
                 "criterion_location": abstracts.location,
                 "found": (f"{fmt_int(len(congress))} of the references cited as included studies but absent from Table 1 "
                           "are conference abstracts by their citations (" + ", ".join(congress["report_id"]) + ")"),
                 "status": "inconsistent" if len(congress) else "consistent"})
    included_abstracts = studies[studies["publication_type"].isin([CONFERENCE_ABSTRACT])]
    letters = studies[studies["publication_type"].isin(LETTER_TYPES)]
    rows.append({"item": "letters among the included studies", "criterion": abstracts.claim,
                 "criterion_location": abstracts.location,
                 "found": (f"{fmt_int(len(letters))} included studies are letters ("
                           + "; ".join(f"{r.label}: {_TYPE_WORDS[r.publication_type]}, {fmt_int(r.total_n)} patients"
                                       for r in letters.itertuples())
                           + "): full-text publications, so the abstract rule does not exclude them"
                           + ("" if included_abstracts.empty else
                              "; but the data record " + ", ".join(included_abstracts["label"]) + " as conference abstracts")),
                 "status": "inconsistent" if len(included_abstracts) else "consistent"})
    return pd.DataFrame(rows)


def check_eligibility(evidence) -> CheckResult:
    """(h) Eligibility criteria against the included studies and cited references."""
    details = eligibility_rows(evidence)
    minimum = statement(evidence.table("paper_statements"), "letters_min_size")
    bad = details[details["status"] == "inconsistent"]
    finding = (f"{len(bad)} of {len(details)} comparisons break the stated criteria: "
               + fmt_names((f"{r.item}: {r.found}" for r in bad.itertuples()), separator="; ") + ".")
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
