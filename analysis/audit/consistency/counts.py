"""Check (e): the counts the text states against the sums of the paper's own tables.

Patients (the stated total against the Table 1 column, and against it without the patients a
later report re-describes), studies (the stated number against the Table 1 rows and against
the references cited for the included studies), the PRISMA arithmetic (identified, screened,
excluded, included), deaths (the text's total against the Table 4 death column) and adverse
events stated for all studies (the abstract) against Table 4.
"""
from __future__ import annotations

import pandas as pd

from analysis.audit.consistency.heterogeneity import check_heterogeneity
from analysis.audit.consistency.result import CheckResult, overall_status
from analysis.format import fmt_int

__all__ = ["check_counts_against_tables", "count_rows"]


def _row(item: str, stated: object, stated_where: str, computed: object, computed_how: str, status: str,
         note: str = "") -> dict[str, object]:
    return {"item": item, "stated": stated, "stated_where": stated_where, "computed": computed,
            "computed_how": computed_how, "status": status, "note": note}


def _compare(stated: object, computed: object) -> str:
    if pd.isna(stated) or pd.isna(computed):
        return "cannot check"
    return "consistent" if int(stated) == int(computed) else "inconsistent"


def count_rows(evidence) -> pd.DataFrame:
    """One row per count comparison: item, stated value and where, computed value and how, status."""
    screening = evidence.table("screening").set_index("step_id")
    studies = evidence.table("studies")
    reports = evidence.table("excluded_reports")
    events = evidence.table("adverse_events")
    rows = []

    stated_patients = screening.loc["patients_included", "count"]
    table1_sum = int(studies["total_n"].sum())
    distinct = studies[studies["same_patients_as"].isna()]
    repeated = studies[studies["same_patients_as"].notna()]
    rows.append(_row("patients, each counted once", stated_patients, screening.loc["patients_included", "location"],
                     int(distinct["total_n"].sum()),
                     "Table 1 sum without " + ", ".join(repeated["label"]) + " (same patients as an earlier report)",
                     _compare(stated_patients, int(distinct["total_n"].sum())),
                     f"The Table 1 column itself sums to {fmt_int(table1_sum)}; Methods 2.1 counts a patient once, "
                     "but the pooled analyses still enter both reports."))

    stated_studies = screening.loc["studies_included", "count"]
    rows.append(_row("studies", stated_studies, screening.loc["studies_included", "location"], len(studies),
                     "rows of Table 1", _compare(stated_studies, len(studies))))
    cited_extra = reports[reports["status"] == "cited_among_included_not_in_table1"]
    cited = len(studies) + len(cited_extra)
    rows.append(_row("references cited for the included studies", stated_studies,
                     screening.loc["studies_included", "location"], cited,
                     "Table 1 rows plus references cited in the same range but absent from Tables 1-4 ("
                     + ", ".join(cited_extra["report_id"]) + ")", _compare(stated_studies, cited)))

    assessed, excluded = screening.loc["full_texts_assessed", "count"], screening.loc["full_texts_excluded", "count"]
    rows.append(_row("PRISMA: full texts assessed minus excluded", stated_studies,
                     screening.loc["studies_included", "location"],
                     int(assessed) - int(excluded), "full texts assessed minus full texts excluded (Section 3.1)",
                     _compare(stated_studies, int(assessed) - int(excluded))))
    identified = screening.loc["records_identified", "count"]
    removed_parts = screening.loc[["duplicates_removed", "records_excluded_title_abstract"], "count"]
    rows.append(_row("PRISMA: records removed before full-text review", int(identified) - int(assessed),
                     "Section 3.1 (identified minus retained)", removed_parts.sum(min_count=2),
                     "duplicates plus title/abstract exclusions", "cannot check",
                     "Figure 1 is not available and the text gives no split."))
    reasons = screening.loc[[s for s in screening.index if s.startswith("excluded_")], "count"]
    rows.append(_row("PRISMA: full-text exclusions by reason", excluded, screening.loc["full_texts_excluded", "location"],
                     reasons.sum(min_count=len(reasons)), "sum of the counts per exclusion reason", "cannot check",
                     "The reasons are named without counts."))

    heterogeneity = check_heterogeneity(evidence).details
    for r in heterogeneity[heterogeneity["k_fewer_than_table1"]].itertuples():
        fitting = [int(k) for k in r.k_consistent.split(", ")]
        rows.append(_row(f"reports pooled in {r.result_key}", max(fitting),
                         f"{r.location} (largest k that fits I² = {r.i2_text}% with p = {r.p_text})", int(r.k_from_data),
                         f"Table 1: {r.k_basis}", "inconsistent",
                         "The printed heterogeneity fits k = " + r.k_consistent + " only: fewer reports were pooled than "
                         "Table 1 lists with this endpoint, and the paper does not say which were left out or why."))

    study_deaths = events[(events["scope"] == "study") & (events["category"] == "death")]
    text_deaths = events[(events["scope"] == "all_studies") & (events["category"] == "death")].iloc[0]
    rows.append(_row("deaths", text_deaths["deaths"], text_deaths["location"], int(study_deaths["deaths"].sum()),
                     "sum of the Table 4 death column (" + ", ".join(
                         f"{s} {fmt_int(d)}" for s, d in zip(study_deaths["study_id"], study_deaths["deaths"])) + ")",
                     _compare(text_deaths["deaths"], int(study_deaths["deaths"].sum()))))
    table4 = events[(events["scope"] == "study") & (events["source_id"] == "ma2024")]
    for _, claim in events[(events["scope"] == "all_studies") & (events["category"] != "death")].iterrows():
        same = table4[table4["category"] == claim["category"]]
        if claim["category"] == "infection":
            same = same[same["event"] == claim["event"]]
        total = int(same["patients"].sum())
        rows.append(_row(f"{claim['event'].lower()} (patients)", claim["patients"], claim["location"], total,
                         "Table 4 rows of the same kind (" + ", ".join(same["study_id"]) + ")",
                         _compare(claim["patients"], total)))
    return pd.DataFrame(rows)


def check_counts_against_tables(evidence) -> CheckResult:
    """(e) Counts in the text against the sums of Tables 1 and 4 and the PRISMA arithmetic."""
    details = count_rows(evidence)
    bad = details[details["status"] == "inconsistent"]
    ok = details[details["status"] == "consistent"]
    finding = (
        f"{len(ok)} of {len(details)} counts agree ("
        + "; ".join(f"{r.item}: {fmt_int(r.stated)}" for r in ok.itertuples())
        + f"), {len(bad)} do not ("
        + "; ".join(f"{r.item}: the printed I² and p fit at most {fmt_int(r.stated)}, Table 1 implies {fmt_int(r.computed)}"
                    if r.item.startswith("reports pooled in") else
                    f"{r.item}: stated {fmt_int(r.stated)}, tables give {fmt_int(r.computed)}" for r in bad.itertuples())
        + f") and {len(details) - len(ok) - len(bad)} cannot be checked because the split is not published."
    )
    return CheckResult(
        check_id="counts_vs_tables",
        title="Counts in the text against the tables",
        tested=("Whether the numbers of patients, studies, screened reports, deaths and adverse events stated in the text "
                "equal the sums of the paper's Table 1, Table 4 and its PRISMA counts."),
        finding=finding,
        status=overall_status(details["status"]),
        details=details,
    )
