"""The safety chapter (``chapters/06-safety.qmd``): Table 4 of the paper beside the studies' own
reports, serious events and deaths, every disagreement found by code, and the excluded report
shown as context.

The prose names studies only through the page, each found by its role in the checks: the study whose
Table 4 says no events while its source reports some, the study whose Table 4 deaths and the study whose
adverse-event count disagree with the sources, and the study with the most Table 4 deaths."""
from __future__ import annotations

import pandas as pd

from analysis.chapters.page import Page
from analysis.data import Evidence, load
from analysis.format import fmt_count, fmt_int, fmt_names, fmt_yes_no
from analysis.domain.provenance import tier_table
from analysis.audit.safety import (CAMPAR_SAFETY_FACTS, adverse_events_table, deaths_table, excluded_report_safety, safety_disagreements,
                             safety_summary, serious_events_table, side_by_side)
from analysis.report.reader_names import reader_names
from analysis.report.tables import TableView

__all__ = ["TABLES", "page"]

#: the tables of the data package this page reads.
TABLES = ("adverse_events", "outcomes", "excluded_report_facts")


def _flag(flags: pd.DataFrame, check: str, what: str, column: str = "what", study_id: str | None = None) -> pd.Series:
    """The one row of the disagreement table for a check and what it compares (by ``column``:
    an ``event_id`` of adverse_events, or the count a comparison with ``outcomes`` names), of
    ``study_id`` when given (a count such as "Deaths (6 months)" is compared once per study)."""
    rows = flags[(flags["check"] == check) & (flags[column] == what)]
    if study_id is not None:
        rows = rows[rows["study_id"] == study_id]
    if len(rows) != 1:
        of = "" if study_id is None else f" of study {study_id!r}"
        raise ValueError(f"expected one {check!r} comparison with {column} {what!r}{of}, but found {len(rows)}")
    return rows.iloc[0]


def _flagged(flags: pd.DataFrame, check: str) -> pd.Series:
    """The first flagged row of ``check`` in the table's order (the data's order of studies)."""
    rows = flags[(flags["check"] == check) & flags["flagged"]]
    if rows.empty:
        raise ValueError(f"expected a flagged {check!r} comparison, but none is flagged")
    return rows.iloc[0]


def _time(row: pd.Series) -> str:
    return f"{row['source_value']} at {row['what'].removeprefix('Deaths (').rstrip(')')}"


def _disagreements(flags: pd.DataFrame, outcomes: pd.DataFrame) -> dict[str, object]:
    zoster = _flag(flags, "none_vs_source", "levoyer2021.herpes_zoster", "event_id")
    abscess = _flag(flags, "none_vs_source", "levoyer2021.skin_abscess", "event_id")
    # the study whose Table 4 deaths disagree with its source (the first, when several do)
    deaths_study = _flagged(flags, "deaths_vs_source")["study_id"]
    deaths_6m, deaths_1y = (_flag(flags, "deaths_vs_source", "Deaths (6 months)", study_id=deaths_study),
                            _flag(flags, "deaths_vs_source", "Deaths (1 year)", study_id=deaths_study))
    thrombo = _flag(flags, "statement_vs_table", "all.thromboembolism.abstract", "event_id")
    deaths_said = _flag(flags, "statement_vs_table", "all.deaths.results", "event_id")
    any_event, stopped = _flagged(flags, "any_event_vs_source"), _flagged(flags, "discontinuation_vs_source")
    # the control arm of the study whose any-event count disagrees, shown for comparison only
    control = outcomes[(outcomes["study_id"] == any_event["study_id"]) & (outcomes["statistic"] == "events_total")
                       & (outcomes["arm_id"] != any_event["arm_id"])]

    def control_text(outcome: str) -> str:
        row = control[control["outcome"] == outcome].iloc[0]
        return f"{fmt_int(row['events'])} of {fmt_int(row['total'])}"

    return {
        "no_events_study": zoster["study"],
        "deaths_flag_study": deaths_6m["study"],
        "any_event_flag_study": any_event["study"],
        "levoyer_zoster": fmt_int(zoster["source_value"]),
        "levoyer_abscess": fmt_int(abscess["source_value"]),
        "fan_table4": fmt_int(deaths_6m["paper_value"]),
        "fan_6m_text": _time(deaths_6m),
        "fan_1y_text": _time(deaths_1y),
        "thrombo_abstract": fmt_int(thrombo["paper_value"]),
        "thrombo_table": fmt_int(thrombo["source_value"]),
        "deaths_said": fmt_int(deaths_said["paper_value"]),
        "fan_any_bound": fmt_int(any_event["paper_value"]),
        "fan_any_text": any_event["source_value"],
        "fan_stop_text": stopped["source_value"],
        "tac_any_text": control_text("any_adverse_event"),
        "tac_stop_text": control_text("discontinuation"),
    }


def _context(excluded_report_facts: pd.DataFrame) -> dict[str, object]:
    campar = excluded_report_safety(excluded_report_facts)
    patients = dict(zip(CAMPAR_SAFETY_FACTS, campar["patients"]))  # the table keeps the order of the ids
    return {
        "campar_n": fmt_int(patients["campar2022.patients"]),
        "campar_stopped": fmt_int(patients["campar2022.discontinued"]),
        "campar_sae": fmt_int(patients["campar2022.stop_diverticulitis"]),
        "campar": TableView(campar, column_labels={
            "fact": "Fact", "patients": "Patients", "out_of": "Out of", "value": "Value", "unit": "Unit",
            "pooled_by_paper": "Pooled", "source_id": "Source", "location": "Where"}),
    }


def page(evidence: Evidence | None = None) -> Page:
    """Everything the safety chapter shows, from ``evidence`` (default: the :data:`TABLES` of ``data/``)."""
    evidence = load(*TABLES) if evidence is None else evidence
    labels = evidence.study_labels()
    ae, outcomes = evidence.adverse_events, evidence.outcomes
    flags = safety_disagreements(ae, outcomes, labels)
    summary = safety_summary(ae, flags, labels)
    serious = serious_events_table(ae, labels)
    with_serious = serious[serious["serious_patients"].fillna(0) > 0]
    most_deaths = serious.loc[serious["table4_deaths"].astype("Float64").fillna(-1).idxmax(), "study"]
    view = flags[["study", "what", "paper_value", "paper_location", "source_value", "source_tier", "flagged",
                  "explanation"]].assign(flagged=flags["flagged"].map(fmt_yes_no))
    return Page("safety", {
        "n_studies": fmt_int(summary.n_studies),
        "n_flagged": fmt_int(summary.n_flagged),
        "n_comparisons": fmt_int(summary.n_comparisons),
        "n_studies_flagged": fmt_int(summary.n_studies_flagged),
        "table4_deaths": fmt_int(summary.table4_deaths_total),
        "n_studies_deaths": fmt_int(summary.n_studies_with_table4_deaths),
        "most_deaths_study": most_deaths,
        "n_serious_studies": fmt_int(len(with_serious)),
        "serious_studies_count": fmt_count(len(with_serious), "study", "studies"),
        "serious_studies": fmt_names(with_serious["study"]),
        "serious_patients": fmt_int(int(with_serious["serious_patients"].sum())),
        **_disagreements(flags, outcomes),
        **_context(evidence.excluded_report_facts),
        "side_by_side": TableView(side_by_side(ae, outcomes, labels, flags), column_labels={
            "study": "Study", "table4_events": "Table 4: events (patients)", "table4_deaths": "Table 4: deaths",
            "other_sources": "Other sources (tier)", "flags": "Flags"}),
        "events": TableView(adverse_events_table(ae, labels).drop(columns="reported_by"), column_labels={
            "study": "Study", "event": "Event", "patients": "Patients", "deaths": "Deaths", "serious": "Serious",
            "location": "Where", "tier": "Tier", "source_id": "Source"}),
        "tiers": TableView(tier_table(sorted(set(ae["tier"]) | {"derived"})),
                           column_labels={"tier": "Tier", "meaning": "Meaning"}),
        "serious": TableView(serious, column_labels={
            "study": "Study", "serious_patients": "Patients with serious events",
            "serious_events_named": "Serious events named", "table4_deaths": "Deaths (Table 4)"}),
        "deaths": TableView(deaths_table(ae, outcomes, labels), column_labels={
            "study": "Study", "arm_id": "Arm", "time_point": "Time point", "deaths": "Deaths", "total": "Out of",
            "tier": "Tier", "source_id": "Source", "location": "Where", "assumption": "Assumption"}, notes=("assumption",)),
        "flags": TableView(view, column_labels={
            "study": "Study", "what": "Count", "paper_value": "Paper", "paper_location": "Where (paper)",
            "source_value": "Other source", "source_tier": "Tier", "flagged": "Flagged", "explanation": "Finding"}),
    }, reader_names(evidence))
