"""The statement register (``chapters/appendix-statements.qmd``): every checkable statement of the
paper with the check applied, the verdict and its reasoning, and the code's evidence where a
computation decides the verdict.

The register is ``data/paper_statements.csv``; :mod:`analysis.audit.statement_register` re-runs the
check each row names. A row whose recorded verdict differs from the code's stops the page (and the
build): the register never shows a verdict the code does not support.
"""
from __future__ import annotations

from analysis.audit.statement_register import (TABLE_PARTS, disagreements, register_summary,
                                               statement_register)
from analysis.chapters.page import Page
from analysis.data import Evidence, load
from analysis.format import fmt_int
from analysis.report.reader_names import reader_names
from analysis.report.tables import TableView

__all__ = ["PART_TABLES", "page"]

#: the appendix's tables, one per part of the paper (page name -> parts, :data:`PARTS`); a test checks
#: that every part has its table.
PART_TABLES = {"front": ("Title", "Abstract"), "introduction": ("Introduction",), "methods": ("Methods",),
               "results": ("Results",), "discussion": ("Discussion",), "table1": (TABLE_PARTS["Table 1"],),
               "appraisal": (TABLE_PARTS["Table 2"],), "table4": (TABLE_PARTS["Table 4"],),
               "figures": (TABLE_PARTS["Figure"],)}
_COLUMNS = {"location": "Where", "quote": "The paper's words", "check": "Checked against", "verdict": "Verdict",
            "reason": "Why", "code_evidence": "What the code computes"}


def page(evidence: Evidence | None = None) -> Page:
    """Everything the statement register shows, from ``evidence`` (default: all of ``data/``)."""
    evidence = load() if evidence is None else evidence
    register = statement_register(evidence)
    differing = disagreements(register)
    if len(differing):
        raise ValueError("data/paper_statements.csv records verdicts the code does not support: "
                         + "; ".join(f"{r.statement_id}: recorded {r.verdict!r}, code {r.code_verdict!r} "
                                     f"({r.code_evidence})" for r in differing.itertuples()))
    summary = register_summary(register)
    values = {
        "n_statements": fmt_int(summary.n_statements),
        "n_by_code": fmt_int(summary.n_by_code),
        "n_by_reading": fmt_int(summary.n_by_reading),
        "n_consistent": fmt_int(summary.by_verdict["consistent"]),
        "n_inconsistent": fmt_int(summary.by_verdict["inconsistent"]),
        "n_not_checkable": fmt_int(summary.by_verdict["not checkable"]),
        "n_findings": fmt_int(summary.n_findings_inconsistent),
        "summary": TableView(summary.by_part, column_labels={
            "part": "Part of the paper", "consistent": "Consistent", "inconsistent": "Inconsistent",
            "not checkable": "Not checkable", "statements": "Statements"}),
    }
    for name, parts in PART_TABLES.items():
        rows = register[register["part"].isin(parts)]
        values[f"n_{name}"] = fmt_int(len(rows))
        values[name] = TableView(rows[list(_COLUMNS)].reset_index(drop=True), column_labels=_COLUMNS)
    return Page("statements", values, reader_names(evidence))
