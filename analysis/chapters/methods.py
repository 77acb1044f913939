"""The methods chapter (``chapters/01-methods.qmd``): search and selection as the paper states
them, the effect measures it names, the book's settings, and the risk-of-bias tables."""
from __future__ import annotations

from analysis.audit.bias import item_texts, risk_of_bias_long, risk_of_bias_table, tool_rule_check, totals_check
from analysis.chapters.page import Page
from analysis.data import Evidence, load
from analysis.report.figures import ChartView, prisma_flow, traffic_light
from analysis.format import MAX_NAMES_LISTED, est_ci, fmt_int, fmt_list, fmt_names, fmt_num, fmt_yes_no
from analysis.audit.limitations import size_rule_patients
from analysis.domain.provenance import tier_table
from analysis.audit.screening import (EXCLUSION_REASON_STEPS, INELIGIBLE_STATUS, excluded_reports_table, prisma_frame,
                                selection_arithmetic, step_count)
from analysis.domain.sensitivity_grid import GRID_CI_METHODS, GRID_METHODS
from analysis.domain.settings import ESTIMATOR_SHORT_NAMES, INTERVAL_SHORT_NAMES, PAPER_SETTINGS, describe, possible_settings_sentence
from analysis.report.reader_names import reader_names
from analysis.report.tables import TableView

__all__ = ["TABLES", "page"]

#: the tables of the data package this page reads.
TABLES = ("screening", "excluded_reports", "risk_of_bias", "published_results", "paper_statements", "outcomes")

_ROB_COLUMNS = {"study": "Study", "total_printed": "Total (printed)", "sum_of_items": "Sum of items",
                "matches": "Equal"}


def _search(screening) -> dict[str, object]:
    steps = screening.set_index("step_id")
    window = steps.at["databases_searched", "note"].rstrip(".")
    selection = selection_arithmetic(screening)
    flow = prisma_frame(screening)
    values = {
        "n_databases": fmt_int(step_count(screening, "databases_searched")),
        "database_names": steps.at["databases_searched", "description"].split("(", 1)[1].rstrip(")"),
        "search_window": window[:1].lower() + window[1:],
        "n_identified": fmt_int(selection.records_identified),
        "n_assessed": fmt_int(selection.full_texts_assessed),
        "n_excluded_full": fmt_int(selection.full_texts_excluded),
        "n_included": fmt_int(selection.included_stated),
        "n_difference": fmt_int(selection.assessed_minus_excluded),
        "adds_up_word": "equals" if selection.adds_up else "does not equal",
        "n_unstated": fmt_int(len(selection.unstated_steps)),
        "n_patients": fmt_int(step_count(screening, "patients_included")),
        "n_reasons": fmt_int(len(EXCLUSION_REASON_STEPS)),
    }
    values["prisma"] = ChartView(
        prisma_flow(flow),
        alt_text=(f"PRISMA flow: {values['n_identified']} records identified; records screened and excluded at "
                  f"screening not reported; {values['n_assessed']} full texts assessed, "
                  f"{values['n_excluded_full']} excluded with reasons whose counts are not reported; "
                  f"{values['n_included']} studies included."),
        data=flow)
    stated = screening.assign(count_stated=screening["count"])[["description", "count_stated", "tier", "location"]]
    values["screening"] = TableView(stated, column_labels={"description": "Step", "count_stated": "Count",
                                                           "tier": "Tier", "location": "Where stated"})
    return values


def _excluded(excluded_reports) -> dict[str, object]:
    excluded = excluded_reports_table(excluded_reports)
    ineligible = (excluded_reports["status"] == INELIGIBLE_STATUS).to_numpy()
    return {
        "n_excluded_named": fmt_int(len(excluded)),
        "n_ineligible_patients": fmt_int(excluded.loc[ineligible, "patients"].iloc[0]),
        "n_cited_unused": fmt_int(int((~ineligible).sum())),
        "excluded": TableView(excluded, column_labels={"report": "Report", "patients": "Patients", "status": "Status",
                                                       "reasons": "Reasons", "basis": "Basis", "where": "Where"}),
    }


def _measures(evidence: Evidence) -> dict[str, object]:
    results = evidence.published_results.set_index("result_id")
    cdasi, death = results.loc["cdasi.overall.results"], results.loc["death.rr.results"]
    members = evidence.published_result_studies
    return {
        "cdasi_measure": cdasi["measure_named"],
        "cdasi_printed": est_ci(cdasi["estimate"], cdasi["ci_low"], cdasi["ci_high"]),
        "death_measure": death["measure_named"],
        "death_printed": est_ci(death["estimate"], death["ci_low"], death["ci_high"]),
        "n_death_studies": fmt_int(members.loc[members["result_key"] == "death.rr", "study_id"].nunique()),
        "paper_model": describe(PAPER_SETTINGS),
        "possible_settings": possible_settings_sentence(),
        "sensitivity_estimators": fmt_list(ESTIMATOR_SHORT_NAMES[m] for m in GRID_METHODS if m != PAPER_SETTINGS.method),
        "sensitivity_intervals": fmt_list(INTERVAL_SHORT_NAMES[m] for m in GRID_CI_METHODS
                                          if m != PAPER_SETTINGS.ci_method),
        "r_low": fmt_num(min(PAPER_SETTINGS.rs), 1),
        "r_high": fmt_num(max(PAPER_SETTINGS.rs), 1),
    }


def _tool_against_design(rules) -> dict[str, str]:
    """The studies whose tool goes against the word their Table 1 design starts with: the prospective ones
    scored with the case-series checklist (JBI) and the retrospective ones scored with the Newcastle-Ottawa
    Scale (NOS), each named by label ("none" when there is none); the two lists share one sentence, so each
    names at most half of MAX_NAMES_LISTED."""
    design = rules["design"].str.split().str[0].str.casefold()
    named = {}
    for key, timing, tool in (("prospective_jbi", "prospective", "JBI"), ("retrospective_nos", "retrospective", "NOS")):
        studies = rules.loc[(design == timing) & (rules["tool_used"] == tool), "study"]
        named[key] = fmt_names(studies, separator=", ", last=" and ", limit=MAX_NAMES_LISTED // 2) if len(studies) else "none"
    return named


def _risk_of_bias(evidence: Evidence) -> dict[str, object]:
    labels = evidence.study_labels()
    items = item_texts()
    rob = evidence.risk_of_bias
    rob_long = risk_of_bias_long(rob, items, labels)
    totals = totals_check(rob, items)
    rules = tool_rule_check(evidence.studies, rob, evidence.arms)
    n_rob_studies = fmt_int(totals.n_studies)
    n_no = int((rob_long["score"] == 0).sum())
    rule_view = rules[["study", "design", "design_class", "tool_by_rule", "tool_used"]].assign(
        follows_rule=rules["follows_rule"].map(fmt_yes_no))
    return {
        "n_rob_studies": n_rob_studies,
        "n_rob_match": fmt_int(totals.n_matching),
        "n_rule_followed": fmt_int(int(rules["follows_rule"].sum())),
        "n_rule_broken": fmt_int(int((~rules["follows_rule"]).sum())),
        **_tool_against_design(rules),
        "n_jbi": fmt_int(int((rob["tool"] == "JBI").sum())),
        "n_nos": fmt_int(int((rob["tool"] == "NOS").sum())),
        "traffic_light": ChartView(
            traffic_light(rob_long),
            alt_text=(f"Traffic-light chart of {len(rob_long)} item scores for {n_rob_studies} studies; "
                      f"{n_no} items are judged no, all others yes."),
            data=rob_long),
        "jbi": TableView(risk_of_bias_table(rob, items, labels, "JBI"), column_labels=_ROB_COLUMNS),
        "nos": TableView(risk_of_bias_table(rob, items, labels, "NOS"), column_labels=_ROB_COLUMNS),
        "rob_items": TableView(items[["tool", "item", "item_text", "max_score"]],
                               column_labels={"tool": "Tool", "item": "Item", "item_text": "Question",
                                              "max_score": "Maximum"}),
        "tool_rule": TableView(rule_view, column_labels={
            "study": "Study", "design": "Design (Table 1)", "design_class": "Design class",
            "tool_by_rule": "Tool by the rule", "tool_used": "Tool used", "follows_rule": "Follows rule"}),
    }


def page(evidence: Evidence | None = None) -> Page:
    """Everything the methods chapter shows, from ``evidence`` (default: the :data:`TABLES` of ``data/``)."""
    evidence = load(*TABLES) if evidence is None else evidence
    return Page("methods", {
        "size_rule": fmt_int(size_rule_patients(evidence.paper_statements)),
        **_search(evidence.screening),
        **_excluded(evidence.excluded_reports),
        **_measures(evidence),
        **_risk_of_bias(evidence),
        "tiers": TableView(tier_table(), column_labels={"tier": "Tier", "meaning": "Meaning"}),
    }, reader_names(evidence))
