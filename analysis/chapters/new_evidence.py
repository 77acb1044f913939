"""The chapter 'New evidence since the paper': the update search, its flow, the new studies beside
the paper's synthesis, what they add to each outcome, and the updated death analysis.

The prose names studies only through the page: the paper's and the new studies of the updated death
analysis by their source, and the pooled new study that probably overlaps a study of the paper (and that
study) by its ``overlap_decision`` and ``overlap_with``."""
from __future__ import annotations

import pandas as pd

from analysis.domain import living
from analysis.chapters.page import Page
from analysis.data.derive import COUNT_ASSUMPTION
from analysis.data import Evidence, load
from analysis.report.figures import ChartView, prisma_flow
from analysis.report.figures.forest import forest_plot
from analysis.report.forest_frames import heterogeneity_text
from analysis.format import est_ci, fmt_int, fmt_list, fmt_names, fmt_num, fmt_pct
from analysis.report.reader_names import reader_names
from analysis.report.tables import TableView

__all__ = ["STATISTIC_WORDS", "page", "TABLES"]

#: how the results table names the form of a reported number (``new_study_results.statistic``).
STATISTIC_WORDS = {"events_total": "events of total", "p_value_only": "p-value only",
                   "hazard_ratio_ci": "hazard ratio (95% CI)"}

TABLES = ("studies", "screening", "arms", "outcomes", "sources", "sof_outcomes", "update_searches", "update_records",
          "new_studies", "new_study_results")


def _death(evidence: Evidence) -> dict[str, object]:
    death = living.updated_death(evidence)
    effects = death.effects
    rows = []
    for i, r in enumerate(effects.itertuples()):
        new = r.source != "paper's study"
        rows.append(dict(row_order=i, label=f"{r.label}{' (new)' if new else ''}", row_type="study",
                         estimate=r.rr, ci_low=r.ci_low, ci_high=r.ci_high, tier=r.tier.split(",")[0],
                         n=r.total_jak + r.total_ctrl, weight_pct=r.weight_pct,
                         source="new since the paper" if new else "included by the paper"))
    values: dict[str, object] = {"death_k": fmt_int(death.k)}
    if death.pooled is not None:
        rr, low, high = death.pooled_ratio()
        rows.append(dict(row_order=len(rows), label="Pooled (random effects, DL)", row_type="overall",
                         estimate=rr, ci_low=low, ci_high=high, tier="derived", n=int((effects["total_jak"] + effects["total_ctrl"]).sum()),
                         weight_pct=100.0, source="this update"))
        rows.append(dict(row_order=len(rows), label=heterogeneity_text(death.pooled), row_type="note"))
        values["death_rr"] = est_ci(rr, low, high)
        values["death_i2"] = fmt_pct(death.pooled.i2_pct)
    frame = pd.DataFrame(rows)
    values["death_forest"] = ChartView(
        forest_plot(frame, null_value=1, log_scale=True, better="lower",
                    direction_words=("favours JAK inhibitor", "favours control"), measure_label="Risk ratio (JAK inhibitor / comparator)"),
        alt_text=("Forest plot on a log risk-ratio axis: " + "; ".join(
            f"{r['label']} {est_ci(r['estimate'], r['ci_low'], r['ci_high'])}" for r in rows if r["row_type"] != "note")
            + "."),
        data=frame)
    table = effects.assign(rr_ci=[est_ci(a, b, c) for a, b, c in zip(effects["rr"], effects["ci_low"], effects["ci_high"])])
    values["death_table"] = TableView(
        table[["label", "source", "outcome", "events_jak", "total_jak", "events_ctrl", "total_ctrl", "tier", "rr_ci", "note"]],
        column_labels={"label": "Study", "source": "Found", "outcome": "Outcome", "events_jak": "Events, JAK",
                       "total_jak": "Patients, JAK", "events_ctrl": "Events, comparator",
                       "total_ctrl": "Patients, comparator", "tier": "Tier", "rr_ci": "Risk ratio (95% CI)",
                       "note": "Note (assumptions, overlap)"})
    paper_labels = effects.loc[effects["source"] == "paper's study", "label"].tolist()
    new_labels = effects.loc[effects["source"] != "paper's study", "label"].tolist()
    values["death_paper_studies"] = fmt_names(paper_labels, separator=", ", last=" and ") if paper_labels else "none"
    assumed = effects.loc[(effects["source"] == "paper's study") & (effects["note"] != ""), "label"].tolist()
    values["death_counts_basis"] = (f"the counts of {fmt_names(assumed, separator=', ', last=' and ')} are derived "
                                    "from percentages, which "
                                    f"{COUNT_ASSUMPTION}" if assumed else "the counts are as the sources give them")
    values["death_new_studies"] = fmt_names(new_labels, separator=", ", last=" and ") if new_labels else "none"
    values.update(_death_overlap(evidence, effects))
    return values


def _death_overlap(evidence: Evidence, effects: pd.DataFrame) -> dict[str, str]:
    """The first new study of the updated death analysis whose patients probably overlap a study of the
    paper (``new_studies.overlap_decision`` = probable_overlap), and the studies it may share patients with
    (``overlap_with``, read by :func:`living.overlap_ids`: the paper's or new studies); a clear error when the
    analysis holds none."""
    studies = evidence.table("new_studies").set_index("study_id")
    pooled = studies.loc[[s for s in effects["study_id"] if s in studies.index]]
    overlapping = pooled[pooled["overlap_decision"] == "probable_overlap"]
    if overlapping.empty:
        raise ValueError("the new-evidence chapter names the new study of the updated death analysis that probably "
                         "overlaps a study of the paper, but data/new_studies.csv marks none (overlap_decision)")
    first = overlapping.iloc[0]
    labels = {**evidence.study_labels(), **studies["label"].to_dict()}  # overlap_with may name a new study too
    return {"death_overlap_new_study": first["label"],
            "death_overlap_paper_study": fmt_names(labels[s] for s in living.overlap_ids(evidence)[first.name])}


def _number(value: object) -> str:
    """A number of the data as written there (46.5, 241, 0.032): the shortest form of the float."""
    return f"{float(value):g}"


def result_text(row: pd.Series) -> str | None:
    """What a new study reports, as one reader's phrase: "94/290 (32.4%)", "28.6% of 49",
    "1.02 (95% CI 0.48 to 2.16)", "44%", "p = 0.032", "46.5"; None when nothing is public."""
    present = {c: not pd.isna(row[c]) for c in ("value", "events", "total", "percent", "ci_low", "ci_high", "p_value")}
    if present["events"] and present["total"]:
        text = f"{_number(row['events'])}/{_number(row['total'])}"
        return text + (f" ({_number(row['percent'])}%)" if present["percent"] else "")
    if present["percent"]:
        return f"{_number(row['percent'])}%" + (f" of {_number(row['total'])}" if present["total"] else "")
    if present["value"]:
        if present["ci_low"] and present["ci_high"]:
            return (f"{_number(row['value'])} (95% CI {_number(row['ci_low'])} to {_number(row['ci_high'])})")
        return _number(row["value"])
    if present["p_value"]:
        return f"p = {_number(row['p_value'])}"
    return None


def _results_view(results: pd.DataFrame) -> TableView:
    """The new studies' results, one reader's phrase per row (:func:`result_text`); the numbers, each in
    its column, are in the CSV."""
    numbers = ["value", "events", "total", "percent", "ci_low", "ci_high", "p_value"]
    frame = results[["study_id", "outcome", "arm", "time_point", "statistic", "tier", "source_id", "location"] + numbers]
    frame = frame.assign(statistic=[STATISTIC_WORDS.get(s, s.replace("_", " ")) for s in frame["statistic"]],
                         reported=[result_text(r) for _, r in frame.iterrows()])
    frame = frame[["study_id", "outcome", "arm", "time_point", "reported", "tier", "source_id", "location", "statistic"]
                  + numbers]
    return TableView(frame, hidden=("statistic", *numbers), column_labels={
        "study_id": "Study", "outcome": "Outcome", "arm": "Arm", "time_point": "When", "reported": "Reported",
        "tier": "Tier", "source_id": "Source", "location": "Where"})


def page(evidence: Evidence | None = None) -> Page:
    """Everything the chapter shows, from ``evidence`` (default: the :data:`TABLES` of ``data/``)."""
    evidence = load(*TABLES) if evidence is None else evidence
    flow = living.update_flow(evidence)
    frame = living.update_prisma_frame(flow)
    searches = evidence.table("update_searches")
    studies = evidence.table("new_studies")
    included = studies[studies["status"] == "included"]
    randomised = included[included["randomised"].fillna(False).astype(bool)]
    results = evidence.table("new_study_results")
    valor = results.set_index("result_id")
    tis_jak, tis_placebo = valor.loc["valor.tis.brepocitinib30"], valor.loc["valor.tis.placebo"]
    patients = living.study_patients(included)
    overlaps = studies[studies["overlap_decision"] == "probable_overlap"]
    values = {
        "n_searches": fmt_int(flow.searches),
        "search_dates": fmt_list(sorted(set(str(d) for d in searches["run_date"]))),
        "corpora": fmt_list(sorted(set(searches["corpus"]))),
        "n_identified": fmt_int(flow.identified),
        "n_duplicates": fmt_int(flow.duplicates),
        "n_screened": fmt_int(flow.screened),
        "n_excluded_screening": fmt_int(flow.n_excluded_screening),
        "n_assessed": fmt_int(flow.assessed),
        "n_excluded_full": fmt_int(flow.n_excluded_full_text),
        "n_new_included": fmt_int(flow.new_studies_included),
        "n_reports_included": fmt_int(flow.reports_included),
        "n_ongoing": fmt_int(flow.ongoing_studies),
        "n_awaiting": fmt_int(flow.awaiting_studies),
        "n_previous": fmt_int(flow.previous_studies),
        "n_total": fmt_int(flow.total_studies),
        "flow_adds_up": "adds up at every step" if not flow.problems() else "does not add up: " + "; ".join(flow.problems()),
        "n_new_patients": fmt_int(int(patients.sum())),
        "n_paper_patients": fmt_int(int(evidence.table("screening").set_index("step_id").at["patients_included", "count"])),
        "n_randomised": fmt_int(len(randomised)),
        "randomised_labels": fmt_list(randomised["label"].tolist()) if len(randomised) else "none",
        "tis_jak": fmt_num(tis_jak["value"], 1), "tis_jak_arm": tis_jak["arm"],
        "tis_placebo": fmt_num(tis_placebo["value"], 1),
        "tis_difference": fmt_num(tis_jak["value"] - tis_placebo["value"], 1),
        "tis_tier": tis_jak["tier"],
        "n_missing_results": fmt_int(int((results["tier"] == "missing").sum())),
        "n_results": fmt_int(len(results)),
        "overlap_sentences": " ".join(f"{r['label']}: {r['overlap_basis']}" for _, r in overlaps.iterrows()),
        "n_provenance_problems": fmt_int(len(living.provenance_problems(evidence))),
        "prisma": ChartView(prisma_flow(frame), data=frame, alt_text=(
            f"PRISMA flow of the update: {flow.identified} records from {flow.searches} searches, {flow.duplicates} "
            f"repeated addresses removed, {flow.screened} screened, {flow.n_excluded_screening} excluded, "
            f"{flow.assessed} reports assessed, {flow.n_excluded_full_text} excluded, {flow.new_studies_included} new "
            f"studies included beside the paper's {flow.previous_studies}; {flow.ongoing_studies} ongoing and "
            f"{flow.awaiting_studies} awaiting classification.")),
        "studies": TableView(living.new_studies_table(evidence), column_labels={
            "study": "Study", "status": "Status", "design": "Design", "population": "Population",
            "treatment": "Treatment", "patients": "Patients", "known_from": "Known from", "tiers": "Tiers of its numbers",
            "overlap": "Overlap with the paper's studies"}),
        "additions": TableView(living.outcome_additions(evidence), column_labels={
            "outcome": "Outcome", "studies": "New studies", "randomised": "Randomised", "numbers": "Numbers found (tier)",
            "not_found": "Searched for, not found", "adds": "What it adds"}),
        "results": _results_view(results),
    }
    ongoing = studies[studies["status"] == "ongoing"]
    values["ongoing_list"] = fmt_list([f"{r['label']}: {r['jak_inhibitor']}" + ("" if r["comparator"] != r["comparator"]
                                       else f" against {r['comparator']}") for _, r in ongoing.iterrows()])
    hrs = results[(results["paper_outcome"] == living.DEATH_SOF_ROW) & (results["statistic"] == "hazard_ratio_ci")]
    values["hazard_ratios"] = fmt_list([
        f"{studies.set_index('study_id').at[r['study_id'], 'label']} ({r['arm']}): hazard ratio "
        f"{est_ci(r['value'], r['ci_low'], r['ci_high'])}" for _, r in hrs.iterrows()]) if len(hrs) else "none"
    values.update(_death(evidence))
    return Page("new_evidence", values, reader_names(evidence))
