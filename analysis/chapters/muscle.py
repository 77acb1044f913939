"""The muscle chapter (``chapters/03-muscle.qmd``): the MMT result the paper prints, what its
interval implies, why nothing can be regenerated, and the juvenile cohort in the pool.

Studies are found by their role in the data, never by label: the juvenile cohort by its age group,
the extension study and its parent trial by the ``same_patients_as`` link between two pooled reports."""
from __future__ import annotations

from analysis.chapters.page import Page
from analysis.audit.limitations import re_report
from analysis.data import Evidence, load
from analysis.report.efficacy_tables import comparison_table, missing_table
from analysis.report.figures import ChartView, summary_plot
from analysis.format import fmt_int, fmt_names, fmt_num, fmt_p, fmt_pct
from analysis.report.forest_frames import published_summary_frame
from analysis.domain.provenance import tier_table
from analysis.domain.reproduction import published_text, reproduction_table, result_row
from analysis.domain.settings import PAPER_SETTINGS, describe
from analysis.stats import recover_from_ci
from analysis.domain.study_effects import study_effects
from analysis.report.reader_names import reader_names
from analysis.report.tables import TableView
from analysis.domain.verdicts import NOT_REPRODUCIBLE

__all__ = ["OUTCOME", "TABLES", "page"]

OUTCOME = "mmt"
#: the tables of the data package this page reads.
TABLES = ("outcomes", "published_results")


def _published(evidence: Evidence, table) -> dict[str, object]:
    published = evidence.published_results.set_index("result_id")
    overall = result_row(table, "mmt.overall.results")
    text = published_text(overall)
    implied = recover_from_ci(overall["published_estimate"], overall["published_ci_low"], overall["published_ci_high"],
                              decimals=2)
    includes_zero = overall["published_ci_low"] < 0 < overall["published_ci_high"]
    summary = published_summary_frame(evidence, outcomes=(OUTCOME,))
    return {
        "overall_text": text,
        "overall_i2": fmt_pct(published.at["mmt.overall.results", "i2_pct"]),
        "overall_q_p": fmt_p(published.at["mmt.overall.results", "p_heterogeneity"]),
        "measure_named": published.at["mmt.overall.results", "measure_named"],
        "unit_discussion": published.at["mmt.overall.discussion", "unit_stated"],
        "implied_se": fmt_num(implied.se),
        "implied_p": fmt_p(implied.p_value),
        "zero_sentence": ("Its interval includes zero, so by the paper's own numbers the change in muscle strength is "
                          "compatible with no change." if includes_zero else "Its interval excludes zero."),
        "published": ChartView(summary_plot(summary, title="MMT result as published in Ma et al. 2024"),
                               alt_text=f"Published MMT result, not regenerated: {text}.", data=summary),
    }


def _juvenile(evidence: Evidence) -> dict[str, object]:
    """The juvenile cohort in the MMT pool, found by its age group, and the efficacy outcome it reports."""
    studies = evidence.studies
    juvenile = studies[studies["age_group"] == "juvenile"].iloc[0]
    outcomes = evidence.outcomes
    inactive = outcomes[(outcomes["study_id"] == juvenile["study_id"])
                        & (outcomes["outcome"] == "clinically_inactive_disease")].iloc[0]
    return {
        "juvenile_label": juvenile["label"],
        "juvenile_age": fmt_num(juvenile["mean_age_years"], 1),
        "juvenile_endpoints": juvenile["endpoints"],
        "juvenile_n": fmt_int(juvenile["total_n"]),
        "inactive_events": fmt_int(inactive["events"]),
        "inactive_total": fmt_int(inactive["total"]),
        "inactive_time": inactive["time_point"],
    }


def page(evidence: Evidence | None = None) -> Page:
    """Everything the muscle chapter shows, from ``evidence`` (default: the :data:`TABLES` of ``data/``)."""
    evidence = load(*TABLES) if evidence is None else evidence
    table = reproduction_table(evidence)
    rows = table[table["outcome"] == OUTCOME]
    effects = study_effects(evidence, OUTCOME)
    extension = re_report(evidence.studies, among=set(effects["study_id"]))
    return Page("muscle", {
        "settings_sentence": describe(PAPER_SETTINGS),
        "n_mmt_rows": fmt_int(len(rows)),
        "n_not_reproducible": fmt_int((rows["verdict"] == NOT_REPRODUCIBLE).sum()),
        "n_arms": fmt_int(len(effects)),
        "n_missing": fmt_int((effects["tier"] == "missing").sum()),
        "arm_labels": fmt_names(effects["label"], separator=", "),
        "extension_study": extension.report,
        "parent_trial": extension.original,
        **_published(evidence, table),
        **_juvenile(evidence),
        "reproduction": comparison_table(table, OUTCOME, reader_names(evidence)),
        "missing": missing_table(effects, reader_names(evidence)),
        "tiers": TableView(tier_table(), column_labels={"tier": "Tier", "meaning": "Meaning"}),
    }, reader_names(evidence))
