"""The living update: what the searches after the paper's search end found, as data.

Inputs are four tables of the data package: ``update_searches`` (one row per query),
``update_records`` (every record returned, once per address, with the searches that returned it
and the screening decision), ``new_studies`` (the studies the update found, with their overlap of
patients with the paper's studies) and ``new_study_results`` (every number found, with its tier and
source; numbers searched for and not found are ``missing`` rows).

This module computes the update's PRISMA 2020 counts from those rows (nothing typed), the frame
:func:`analysis.report.figures.prisma_flow` draws, the characteristics table of the new studies, what they
add to each outcome of the paper's summary, the provenance checks of the new rows, and the updated
analysis the inputs allow: death (or lung transplantation) within a year in anti-MDA5 ILD, JAK
inhibitor against comparator, kept apart from the reproduction of the paper's own numbers.

Sources: Page et al. 2021, BMJ 372:n71 (PRISMA 2020, flow diagram for updated reviews);
Ma et al. 2024 (search end 25 April 2023, Methods 2.1; the 10-patient rule, Results 3.1).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analysis.data import Evidence
from analysis.data.derive import COUNT_ASSUMPTION
from analysis.format import est_ci, fmt_int, is_missing
from analysis.domain.settings import PAPER_SETTINGS, AnalysisSettings
from analysis.stats import Z95, pool, risk_ratio

__all__ = [
    "DECISION_WORDS", "REASON_WORDS", "REPORT_STATUS_WORDS", "UpdateFlow", "update_flow", "update_prisma_frame",
    "new_studies_table", "provenance_problems", "overlap_ids", "death_inputs", "UpdatedDeath", "updated_death",
    "outcome_additions", "study_patients",
]

#: reasons of an exclusion in words, in the order the flow lists them.
REASON_WORDS = {
    "off_topic": "not a JAK inhibitor in DM, PM, JDM or anti-MDA5 disease",
    "other_myopathy": "a JAK inhibitor in other myopathies only (antisynthetase syndrome)",
    "not_primary_study": "not a primary study (review, commentary, survey, data set)",
    "before_search_end": "published inside the paper's search window",
    "not_shown_after_search_end": "not shown to be published after the search end",
    "study_already_included": "a report of a study the paper already included",
    "the_paper_itself": "the re-analysed paper itself",
    "fewer_than_10_patients": "fewer than 10 DM/PM patients (the paper's rule)",
    "trial_withdrawn": "registered trial withdrawn",
}
DECISION_WORDS = {"included": "included", "ongoing": "ongoing (registered, no results)",
                  "awaiting_classification": "awaiting classification", "excluded": "excluded"}
REPORT_STATUS_WORDS = {
    "full_article": "its own abstract or article",
    "conference_abstract": "a congress abstract only",
    "press_and_congress_reports": "news and congress reports only (secondary)",
    "registry_only": "a registry entry only",
}
#: the summary-of-findings row of death in anti-MDA5 ILD (sof_outcomes.sof_row), the updated analysis's outcome.
DEATH_SOF_ROW = "death_mda5_ild"
#: results that bear on no row of the summary of findings but on a response index covering several.
_COMPOSITE = ("composite", "Overall response (Total Improvement Score, not in the paper's summary)")
_TIER_KINDS = {"primary": {"primary", "registry"}, "secondary": {"secondary"}}


def _found_by(records: pd.DataFrame) -> pd.Series:
    return records["found_by"].str.split(";").map(lambda ids: [i.strip() for i in ids if i.strip()])


@dataclass(frozen=True)
class UpdateFlow:
    """The PRISMA 2020 counts of the update, each computed from the rows.

    ``identified`` = sum of ``records_shown`` over the searches; ``appearances`` = the same count
    read from the records (one per search listed in ``found_by``), which must agree;
    ``duplicates`` = appearances beyond the first of each address; ``screened`` = distinct records.
    """

    searches: int
    identified: int
    appearances: int
    left_off: int
    duplicates: int
    screened: int
    excluded_screening: dict[str, int]
    assessed: int
    excluded_full_text: dict[str, int]
    reports_included: int
    reports_ongoing: int
    reports_awaiting: int
    new_studies_included: int
    ongoing_studies: int
    awaiting_studies: int
    previous_studies: int

    @property
    def total_studies(self) -> int:
        return self.previous_studies + self.new_studies_included

    @property
    def n_excluded_screening(self) -> int:
        return sum(self.excluded_screening.values())

    @property
    def n_excluded_full_text(self) -> int:
        return sum(self.excluded_full_text.values())

    def problems(self) -> list[str]:
        """The arithmetic of the flow; empty when every step adds up."""
        out = []
        if self.identified != self.appearances:
            out.append(f"searches show {self.identified} records but the records list {self.appearances} appearances")
        if self.identified - self.duplicates != self.screened:
            out.append(f"identified {self.identified} - duplicates {self.duplicates} != screened {self.screened}")
        if self.screened - self.n_excluded_screening != self.assessed:
            out.append(f"screened {self.screened} - excluded {self.n_excluded_screening} != assessed {self.assessed}")
        if self.assessed != (self.n_excluded_full_text + self.reports_included + self.reports_ongoing
                             + self.reports_awaiting):
            out.append("assessed reports != excluded + included + ongoing + awaiting")
        return out


def update_flow(evidence: Evidence) -> UpdateFlow:
    """Count the update's flow from ``update_searches``, ``update_records``, ``new_studies`` and ``studies``."""
    searches = evidence.table("update_searches")
    records = evidence.table("update_records")
    unknown = sorted(set(sum(_found_by(records), [])) - set(searches["search_id"]))
    if unknown:
        raise ValueError(f"update_records: found_by names searches {unknown} that update_searches lacks")
    screening = records[records["stage"] == "screening"]
    if (screening["decision"] != "excluded").any():
        raise ValueError("update_records: a record decided at the screening stage must be excluded")
    full = records[records["stage"] == "full_report"]

    def by_reason(frame: pd.DataFrame) -> dict[str, int]:
        counts = frame[frame["decision"] == "excluded"]["reason"].value_counts()
        return {r: int(counts[r]) for r in REASON_WORDS if r in counts.index}

    studies = evidence.table("new_studies")
    appearances = int(_found_by(records).map(len).sum())
    return UpdateFlow(
        searches=len(searches),
        identified=int(searches["records_shown"].sum()),
        appearances=appearances,
        left_off=int(searches["records_left_off"].sum()),
        duplicates=appearances - len(records),
        screened=len(records),
        excluded_screening=by_reason(screening),
        assessed=len(full),
        excluded_full_text=by_reason(full),
        reports_included=int((full["decision"] == "included").sum()),
        reports_ongoing=int((full["decision"] == "ongoing").sum()),
        reports_awaiting=int((full["decision"] == "awaiting_classification").sum()),
        new_studies_included=int((studies["status"] == "included").sum()),
        ongoing_studies=int((studies["status"] == "ongoing").sum()),
        awaiting_studies=int((studies["status"] == "awaiting_classification").sum()),
        previous_studies=len(evidence.table("studies")),
    )


def update_prisma_frame(flow: UpdateFlow) -> pd.DataFrame:
    """The update's flow in the frame :func:`analysis.report.figures.prisma_flow` draws (PRISMA 2020 for
    updated reviews: previous studies and new studies side by side at the foot)."""
    def reasons(counts: dict[str, int]) -> str:
        return "\n".join(f"{REASON_WORDS[r][:1].upper()}{REASON_WORDS[r][1:]}: n = {n}" for r, n in counts.items())

    rows = [
        ("identified", f"Records returned by {flow.searches} searches of stored public pages", flow.identified,
         0, 0, None, "screened; duplicates", "Identification"),
        ("duplicates", "Repeated addresses removed", flow.duplicates, 1, 0,
         f"Returned but not shown by the search tool: n = {flow.left_off}", None, None),
        ("screened", "Records screened (title and excerpt)", flow.screened, 0, 1, None,
         "assessed; excluded_screening", "Screening"),
        ("excluded_screening", "Records excluded", flow.n_excluded_screening, 1, 1,
         reasons(flow.excluded_screening), None, None),
        ("assessed", "Reports assessed for eligibility", flow.assessed, 0, 2, None,
         "included; excluded_full_text", None),
        ("excluded_full_text", "Reports excluded, with reasons", flow.n_excluded_full_text, 1, 2,
         reasons(flow.excluded_full_text), None, None),
        ("included", f"New studies included ({flow.reports_included} reports)", flow.new_studies_included, 0, 3,
         f"Studies of the paper (previous version): n = {flow.previous_studies}\n"
         f"Total studies: n = {flow.total_studies}", None, "Included"),
        ("other_studies", "Studies not yet usable", flow.ongoing_studies + flow.awaiting_studies, 1, 3,
         f"Ongoing, registry only: n = {flow.ongoing_studies} ({flow.reports_ongoing} reports)\n"
         f"Awaiting classification: n = {flow.awaiting_studies} ({flow.reports_awaiting} reports)", None, None),
    ]
    out = pd.DataFrame(rows, columns=["stage_id", "label", "count", "column", "row", "reasons", "arrow_to", "phase"])
    out["count"] = out["count"].astype("Int64")
    out["arrow_to"] = out["arrow_to"].astype("string")
    return out


def study_patients(studies: pd.DataFrame) -> pd.Series:
    """Patients per new study: ``n_total`` as stated, else the stated groups added (NA when neither)."""
    summed = studies["n_jak"].astype("Int64").fillna(0) + studies["n_comparator"].astype("Int64").fillna(0)
    summed = summed.where(studies["n_jak"].notna() | studies["n_comparator"].notna())
    return studies["n_total"].astype("Int64").fillna(summed).astype("Int64")


def new_studies_table(evidence: Evidence) -> pd.DataFrame:
    """One row per new study: status, design, population, treatment, patients, how it is known,
    the tiers of its numbers, its overlap decision."""
    studies = evidence.table("new_studies")
    results = evidence.table("new_study_results")
    tiers = results.groupby("study_id")["tier"].agg(lambda t: ", ".join(sorted(set(t))))
    order = {"included": 0, "awaiting_classification": 1, "ongoing": 2}
    studies = studies.assign(_o=studies["status"].map(order)).sort_values(["_o", "year"], na_position="last")
    comparison = [j if is_missing(c) else f"{j} vs {c}" for j, c in zip(studies["jak_inhibitor"], studies["comparator"])]
    return pd.DataFrame({
        "study": studies["label"],
        "status": studies["status"].map(DECISION_WORDS),
        "design": studies["design"],
        "population": studies["population"],
        "treatment": comparison,
        "patients": study_patients(studies),
        "known_from": studies["report_status"].map(REPORT_STATUS_WORDS),
        "tiers": studies["study_id"].map(tiers).fillna("none"),
        "overlap": [("none found" if d == "independent" else d.replace("_", " ")) +
                    ("" if is_missing(w) else f" ({w})") for d, w in zip(studies["overlap_decision"], studies["overlap_with"])],
    }).reset_index(drop=True)


def provenance_problems(evidence: Evidence) -> list[str]:
    """Rows of the update without a source or tier, or whose tier does not match the source's kind."""
    kinds = dict(zip(evidence.table("sources")["source_id"], evidence.table("sources")["kind"]))
    out = []
    for _, row in evidence.table("new_studies").iterrows():
        if is_missing(row["source_id"]) or row["source_id"] not in kinds:
            out.append(f"new study {row['study_id']}: no source")
        elif is_missing(row["tier"]) or kinds[row["source_id"]] not in _TIER_KINDS.get(row["tier"], set()):
            out.append(f"new study {row['study_id']}: tier {row['tier']} but source {row['source_id']} is "
                       f"{kinds[row['source_id']]}")
    value_cols = ["value", "events", "total", "percent", "ci_low", "ci_high", "p_value"]
    for _, row in evidence.table("new_study_results").iterrows():
        filled = [c for c in value_cols if not is_missing(row[c])]
        if row["tier"] == "missing":
            if filled:
                out.append(f"{row['result_id']}: tier missing but {filled} hold values")
            continue
        if is_missing(row["source_id"]):
            out.append(f"{row['result_id']}: tier {row['tier']} without a source")
        elif row["tier"] in _TIER_KINDS and kinds.get(row["source_id"]) not in _TIER_KINDS[row["tier"]]:
            out.append(f"{row['result_id']}: tier {row['tier']} but source {row['source_id']} is {kinds.get(row['source_id'])}")
        if not filled:
            out.append(f"{row['result_id']}: tier {row['tier']} but no value")
    return out


def overlap_ids(evidence: Evidence) -> dict[str, tuple[str, ...]]:
    """study_id -> the study ids its ``new_studies.overlap_with`` names (none when empty); an error naming the
    row when one is neither a study of the paper (``studies``) nor a new study."""
    studies = evidence.table("new_studies")
    known = set(evidence.table("studies")["study_id"]) | set(studies["study_id"])
    out = {}
    for row, (study_id, text) in enumerate(zip(studies["study_id"], studies["overlap_with"]), start=2):
        out[study_id] = () if is_missing(text) else tuple(s.strip() for s in str(text).split(";"))
        if set(out[study_id]) - known:
            raise ValueError(f"data/new_studies.csv, row {row}, column overlap_with: {sorted(set(out[study_id]) - known)} "
                             "is neither a study of the paper (studies.csv) nor a new study")
    return out


def death_inputs(evidence: Evidence) -> pd.DataFrame:
    """The 2x2 tables for death (or lung transplantation) within a year, JAK inhibitor against
    comparator, in anti-MDA5 ILD: the paper's studies with public per-arm counts at 1 year, and the
    new studies with per-arm counts whose overlap decision allows pooling.

    Columns: study_id, label, source (paper or new), outcome, events_jak, total_jak, events_ctrl,
    total_ctrl, tier, note.
    """
    rows = []
    outcomes = evidence.table("outcomes")
    arms = evidence.table("arms").set_index("arm_id")
    labels = evidence.study_labels()
    deaths = outcomes[(outcomes["outcome"] == "death") & (outcomes["time_point"] == "1 year")
                      & (outcomes["statistic"] == "events_total") & outcomes["events"].notna()]
    for study_id, group in deaths.groupby("study_id", sort=False):
        roles = group.assign(role=group["arm_id"].map(arms["role"]))
        jak, ctrl = roles[roles["role"] == "intervention"], roles[roles["role"] == "comparator"]
        if len(jak) != 1 or len(ctrl) != 1:
            continue
        derived = group["formula"].fillna("").str.contains("from_percent").any()
        rows.append(dict(study_id=study_id, label=labels[study_id], source="paper's study", outcome="death within 1 year",
                         events_jak=int(jak["events"].iloc[0]), total_jak=int(jak["total"].iloc[0]),
                         events_ctrl=int(ctrl["events"].iloc[0]), total_ctrl=int(ctrl["total"].iloc[0]),
                         tier=", ".join(sorted(set(group["tier"]))),
                         note=f"counts derived from percentages: {COUNT_ASSUMPTION}" if derived else ""))
    studies, overlaps = evidence.table("new_studies").set_index("study_id"), overlap_ids(evidence)
    results = evidence.table("new_study_results")
    pairs = results[(results["paper_outcome"] == DEATH_SOF_ROW) & (results["statistic"] == "events_total")]
    for study_id, group in pairs.groupby("study_id", sort=False):
        if len(group) != 2 or (group["arm"] == "all").any():
            continue
        study = studies.loc[study_id]
        if study["status"] != "included" or set(overlaps[study_id]) & {r["study_id"] for r in rows}:
            continue  # a probable overlap with a study already in the pool: the two are not pooled
        jak = group[group["arm"] == study["jak_inhibitor"]]
        ctrl = group[group["arm"] == study["comparator"]]
        if len(jak) != 1 or len(ctrl) != 1:
            continue
        rows.append(dict(study_id=study_id, label=study["label"], source="new since the paper",
                         outcome=jak["outcome"].iloc[0], events_jak=int(jak["events"].iloc[0]),
                         total_jak=int(jak["total"].iloc[0]), events_ctrl=int(ctrl["events"].iloc[0]),
                         total_ctrl=int(ctrl["total"].iloc[0]), tier=", ".join(sorted(set(group["tier"]))),
                         note="" if is_missing(study["overlap_with"]) else
                         f"overlap with {study['overlap_with']}: {study['overlap_decision'].replace('_', ' ')}"))
    return pd.DataFrame(rows, columns=["study_id", "label", "source", "outcome", "events_jak", "total_jak",
                                       "events_ctrl", "total_ctrl", "tier", "note"])


@dataclass(frozen=True)
class UpdatedDeath:
    """Risk ratio of death (or lung transplantation) within a year, JAK inhibitor against comparator.

    ``effects``: one row per study (label, source, rr, ci_low, ci_high, yi, vi, weight_pct);
    ``pooled``: the random-effects result on the log scale (None when fewer than two studies);
    ``left_out``: new studies with a probable overlap left out of the pool, in words.
    """

    effects: pd.DataFrame
    pooled: object
    left_out: tuple[str, ...]

    @property
    def k(self) -> int:
        return len(self.effects)

    def pooled_ratio(self) -> tuple[float, float, float] | None:
        return None if self.pooled is None else self.pooled.ratio_ci()


def updated_death(evidence: Evidence, settings: AnalysisSettings = PAPER_SETTINGS) -> UpdatedDeath:
    """Pool :func:`death_inputs` with the paper's model (DerSimonian-Laird, Wald interval)."""
    inputs = death_inputs(evidence)
    effects = []
    for _, row in inputs.iterrows():
        es = risk_ratio(row["events_jak"], row["total_jak"], row["events_ctrl"], row["total_ctrl"])
        effects.append((es.yi, es.vi))
    frame = inputs.assign(yi=[e[0] for e in effects], vi=[e[1] for e in effects])
    frame["rr"] = frame["yi"].map(math.exp)
    frame["ci_low"] = [math.exp(y - Z95 * math.sqrt(v)) for y, v in effects]
    frame["ci_high"] = [math.exp(y + Z95 * math.sqrt(v)) for y, v in effects]
    pooled = None
    if len(frame) >= 2:
        pooled = pool(frame["yi"], frame["vi"], labels=list(frame["label"]), tau2_ci=None, **settings.pool_options())
        w = 1 / (frame["vi"] + pooled.tau2)
        frame["weight_pct"] = 100 * w / w.sum()
    else:
        frame["weight_pct"] = 100.0 if len(frame) == 1 else pd.Series(dtype=float)
    studies = evidence.table("new_studies")
    left = studies[(studies["status"] == "included") & (studies["overlap_decision"] == "probable_overlap")]
    left_out = tuple(f"{r['label']}: not pooled with {r['overlap_with']} ({r['overlap_basis']})"
                     for _, r in left.iterrows() if r["study_id"] not in set(frame["study_id"]))
    return UpdatedDeath(effects=frame, pooled=pooled, left_out=left_out)


def outcome_additions(evidence: Evidence) -> pd.DataFrame:
    """What the new studies add to each row of the summary-of-findings table (``sof_outcomes``, in
    its order) and to a composite response the paper does not summarise: the studies with a result
    for it, whether any is randomised, and the numbers found (with their tier)."""
    studies = evidence.table("new_studies").set_index("study_id")
    results = evidence.table("new_study_results")
    sof = evidence.table("sof_outcomes").sort_values("position")
    rows = []
    for key, label in [*zip(sof["sof_row"], sof["label"]), _COMPOSITE]:
        found = results[(results["paper_outcome"] == key)]
        with_numbers = found[found["tier"] != "missing"]
        ids = list(dict.fromkeys(found["study_id"]))
        randomised = [s for s in ids if not is_missing(studies.at[s, "randomised"]) and bool(studies.at[s, "randomised"])]
        numbers = []
        for _, r in with_numbers.iterrows():
            if r["statistic"] == "events_total":
                text = f"{fmt_int(r['events'])}/{fmt_int(r['total'])}"
            elif r["statistic"] == "percent":
                text = f"{r['percent']:g}%"
            elif r["statistic"] == "hazard_ratio_ci":
                text = f"HR {est_ci(r['value'], r['ci_low'], r['ci_high'])}"
            elif r["statistic"] == "p_value_only":
                text = f"p = {r['p_value']:g}"
            else:
                text = f"{r['value']:g}"
            numbers.append(f"{studies.at[r['study_id'], 'label']}, {r['arm']}: {text} ({r['tier']})")
        missing = found[found["tier"] == "missing"]
        randomised_with_numbers = [s for s in randomised if s in set(with_numbers["study_id"])]
        observational_numbers = with_numbers[~with_numbers["study_id"].isin(randomised)]
        parts = []
        if randomised_with_numbers:
            parts.append("a randomised comparison with placebo: the evidence is no longer single-arm only, which can "
                         "raise its certainty; its numbers are secondary reports without spreads or arm sizes, so no "
                         "pooled estimate yet")
        elif randomised:
            parts.append("a randomised trial reports on it, but its numbers were not found in the stored reports")
        if not observational_numbers.empty:
            parts.append("observational evidence: larger samples, the certainty stays low")
        if ids and not parts:
            parts.append("studies found, but no numbers in the stored reports")
        adds = "; ".join(parts) if ids else "nothing new found"
        rows.append(dict(outcome=label, studies=", ".join(studies.at[s, "label"] for s in ids) or "none",
                         randomised=", ".join(studies.at[s, "label"] for s in randomised) or "none",
                         numbers="; ".join(numbers) or "none",
                         not_found="; ".join(f"{studies.at[r['study_id'], 'label']}: {r['outcome']}"
                                             for _, r in missing.iterrows()) or "none",
                         adds=adds))
    return pd.DataFrame(rows)
