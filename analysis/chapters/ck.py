"""The creatine kinase chapter (``chapters/04-ck.qmd``): the two CK subgroups the paper prints by
unit label, the direction of each against the paper's words, and why nothing can be regenerated."""
from __future__ import annotations

from analysis.chapters.page import Page
from analysis.data import Evidence, load
from analysis.report.efficacy_tables import comparison_table, missing_table
from analysis.report.figures import ChartView, summary_plot
from analysis.format import fmt_int, fmt_names, fmt_num, fmt_pct
from analysis.report.forest_frames import published_summary_frame
from analysis.domain.provenance import tier_table
from analysis.domain.reproduction import published_text, reproduction_table, result_row
from analysis.domain.settings import PAPER_SETTINGS, describe
from analysis.domain.study_effects import study_effects
from analysis.report.reader_names import reader_names
from analysis.report.tables import TableView
from analysis.domain.verdicts import NOT_REPRODUCIBLE

__all__ = ["OUTCOME", "TABLES", "page"]

OUTCOME = "ck"
#: the tables of the data package this page reads.
TABLES = ("outcomes", "published_results")


def _direction(estimate: float) -> str:
    return "an increase" if estimate > 0 else "a decrease"


def _includes_zero(row) -> bool:
    return bool(row["published_ci_low"] < 0 < row["published_ci_high"])


def page(evidence: Evidence | None = None) -> Page:
    """Everything the CK chapter shows, from ``evidence`` (default: the :data:`TABLES` of ``data/``)."""
    evidence = load(*TABLES) if evidence is None else evidence
    table = reproduction_table(evidence)
    rows = table[table["outcome"] == OUTCOME]
    published = evidence.published_results.set_index("result_id")
    u_row, ui_row = result_row(table, "ck.unit.u.results"), result_row(table, "ck.unit.ui.results")
    u_text, ui_text = published_text(u_row), published_text(ui_row)
    effects = study_effects(evidence, OUTCOME)
    summary = published_summary_frame(evidence, (OUTCOME,))
    return Page("ck", {
        "settings_sentence": describe(PAPER_SETTINGS),
        "n_ck_rows": fmt_int(len(rows)),
        "n_not_reproducible": fmt_int((rows["verdict"] == NOT_REPRODUCIBLE).sum()),
        "u_text": u_text,
        "ui_text": ui_text,
        "u_i2": fmt_pct(published.at["ck.unit.u.results", "i2_pct"]),
        "u_p": fmt_num(published.at["ck.unit.u.results", "p_unlabelled"], 1),
        "u_direction": _direction(u_row["published_estimate"]),
        "ui_direction": _direction(ui_row["published_estimate"]),
        "u_word": published.at["ck.unit.u.results", "direction_word"],
        "zero_sentence": ("Both intervals include zero: neither result shows a change in CK."
                          if _includes_zero(u_row) and _includes_zero(ui_row) else "At least one interval excludes zero."),
        "n_candidates": fmt_int(len(effects)),
        "candidate_labels": fmt_names(effects["label"], separator=", "),
        "n_missing": fmt_int((effects["tier"] == "missing").sum()),
        "published": ChartView(summary_plot(summary, title="CK results as published in Ma et al. 2024"),
                               alt_text=f"Published CK results, not regenerated: U subgroup {u_text}; UI subgroup {ui_text}.",
                               data=summary),
        "reproduction": comparison_table(table, OUTCOME, reader_names(evidence)),
        "missing": missing_table(effects, reader_names(evidence)),
        "tiers": TableView(tier_table(), column_labels={"tier": "Tier", "meaning": "Meaning"}),
    }, reader_names(evidence))
