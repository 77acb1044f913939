"""The front page (``index.qmd``): the evidence base, the headline results and what the
reproduction finds, as counts over the data and the audit."""
from __future__ import annotations

from analysis.chapters.page import Page
from analysis.audit.consistency import checks_table, run_all_checks
from analysis.data import Evidence, load
from analysis.format import fmt_int
from analysis.domain.outcomes import headline_keys, outcome_registry
from analysis.domain.reproduction import reproduction_table
from analysis.audit.certainty import bottom_line, certainty_table, sof_display, summary_of_findings
from analysis.audit.findings import evidence_base, findings, headline_table
from analysis.audit.statement_register import register_summary, statement_register
from analysis.report.reader_names import reader_names
from analysis.report.tables import TableView
from analysis.domain.verdicts import DIFFERS, NO_NUMBER, NOT_REPRODUCIBLE, REPRODUCED

__all__ = ["page"]


def page(evidence: Evidence | None = None) -> Page:
    """Everything the front page shows, from ``evidence`` (default: all of ``data/``)."""
    evidence = load() if evidence is None else evidence
    base = evidence_base(evidence)
    reproduction = reproduction_table(evidence)
    found = findings(reproduction, checks_table(run_all_checks(evidence)))
    return Page("index", {
        "n_reports": fmt_int(base.n_reports),
        "n_patients_table1": fmt_int(base.n_patients_table1),
        "n_patients_stated": fmt_int(base.n_patients_stated),
        "n_patients_difference": fmt_int(base.patients_difference),
        "n_same_patients": fmt_int(base.n_reports_same_patients),
        "n_same_patients_n": fmt_int(base.n_patients_same_patients),
        "n_regenerated": fmt_int(found.count(REPRODUCED) + found.count(DIFFERS)),
        "n_statements": fmt_int(found.n_statements),
        "n_reproduced": fmt_int(found.count(REPRODUCED)),
        "n_by_construction": fmt_int(found.n_by_construction),
        "n_differs": fmt_int(found.count(DIFFERS)),
        "n_not_reproducible": fmt_int(found.count(NOT_REPRODUCIBLE)),
        "n_no_number": fmt_int(found.count(NO_NUMBER)),
        "n_checks": fmt_int(found.n_checks),
        "n_checks_failed": fmt_int(found.n_checks_inconsistent),
        "headline": TableView(headline_table(reproduction, outcome_registry(evidence), headline_keys(evidence)),
                              column_labels=HEADLINE_LABELS),
        **_summary_of_findings(evidence, reproduction),
        **_statement_register(evidence),
    }, reader_names(evidence))


#: the headers of the headline results table.
HEADLINE_LABELS = {"outcome": "Outcome", "analysis": "Analysis", "published": "Published",
                   "regenerated": "Regenerated", "verdict": "Verdict"}
SOF_LABELS = {
    "outcome": "Outcome", "studies": "Studies and patients",
    "published": "Published effect (95% CI)", "regenerated": "Regenerated",
    "public_evidence": "Best public evidence", "mid": "Smallest important change", "certainty": "Certainty",
    "meaning": "What it means",
}
CERTAINTY_LABELS = {"outcome": "Outcome", "domain": "Domain", "rating": "Rating", "basis": "Computed or judged",
                    "reason": "Why", "inputs": "What it rests on"}


def _statement_register(evidence: Evidence) -> dict[str, str]:
    """The statement register's counts (:func:`analysis.audit.statement_register.register_summary`):
    statements, inconsistent statements, distinct inconsistencies (a claim the paper repeats counts
    once) and statements that cannot be checked."""
    summary = register_summary(statement_register(evidence))
    return {
        "n_register_statements": fmt_int(summary.n_statements),
        "n_register_inconsistent": fmt_int(summary.by_verdict["inconsistent"]),
        "n_register_findings": fmt_int(summary.n_findings_inconsistent),
        "n_register_not_checkable": fmt_int(summary.by_verdict["not checkable"]),
    }


def _summary_of_findings(evidence: Evidence, reproduction) -> dict[str, object]:
    """The summary of findings with GRADE certainty and the bottom line computed from it (issue #15)."""
    rows = summary_of_findings(evidence, reproduction)
    line = bottom_line(rows, evidence)
    levels = [r.certainty for r in rows]
    return {
        "sof": TableView(sof_display(rows), column_labels=SOF_LABELS),
        "certainty": TableView(certainty_table(rows), column_labels=CERTAINTY_LABELS),
        "bottom_claims": line.claims,
        "bottom_supports": line.supports,
        "bottom_missing": line.missing,
        "bottom_next": line.next,
        "n_sof_rows": fmt_int(len(rows)),
        "n_sof_very_low": fmt_int(levels.count("very low")),
    }
