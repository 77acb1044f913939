"""The data agree with what the paper and the extraction notes state, checked against numbers
transcribed here from the sources (not read from data/); where the paper disagrees with itself
or with a primary source, the test pins the disagreement so it can neither vanish nor be hidden."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.data import load

SMD = "standardized mean difference"

# Abstract (Results), transcribed from the paper: estimate, CI low, CI high.
ABSTRACT = {
    "cdasi.overall": (-17.67, -20.94, -14.41),
    "ck.unit.u": (8.64, -28.25, 45.53),
    "mmt.overall": (10.31, -2.83, 23.46),
    "cdasi.drug.rux": (-20.00, -34.9, -5.1),
    "cdasi.drug.tof": (-18.29, -21.8, -14.78),
    "cdasi.drug.bar": (-11.2, -21.51, -0.89),
    "cdasi.regimen.alone": (-16.16, -21.21, -11.11),
    "cdasi.regimen.combination": (-18.59, -22.74, -14.45),
}
# Table 1: study -> (mean age, age SD or None, median follow-up months, total n)
TABLE1 = {
    "fan2022": (55.42, 2.2, 6, 26), "chen2019": (47.6, 13.8, 6, 18), "landoncardinal2023": (55.4, None, 3, 16),
    "min2022": (44.9, None, 27, 11), "paik2021": (45.6, None, 3, 10), "paik2022": (45.6, None, 5, 10),
    "levoyer2021": (9.1, None, 6, 10),
}
# Tables 2 and 3: item scores and printed total.
JBI = {"landoncardinal2023": ([2, 2, 2, 2, 2, 2, 2, 2, 0, 2], 18), "min2022": ([2] * 10, 20),
       "paik2021": ([2] * 10, 20), "paik2022": ([2] * 10, 20)}
NOS = {"levoyer2021": ([1, 1, 1, 0, 0, 1, 1, 1], 6), "fan2022": ([1, 1, 1, 0, 1, 1, 1, 1], 7),
       "chen2019": ([1, 1, 1, 0, 1, 1, 1, 0], 6)}
# Table 4: deaths per study.
TABLE4_DEATHS = {"fan2022": 12, "chen2019": 0, "landoncardinal2023": 1, "min2022": 0, "paik2021": 0, "paik2022": 0,
                 "levoyer2021": 0}


@pytest.fixture(scope="module")
def ev():
    return load()


def results(ev, key):
    pr = ev.published_results
    return pr[pr["result_key"] == key]


def test_headline_results_equal_the_abstract(ev):
    pr = ev.published_results
    abstract = pr[pr["location"].str.startswith("Abstract")]
    assert set(abstract["result_key"]) == set(ABSTRACT)
    for _, row in abstract.iterrows():
        assert (row["estimate"], row["ci_low"], row["ci_high"]) == ABSTRACT[row["result_key"]]


def test_prisma_counts_add_up(ev):
    counts = ev.screening.set_index("step_id")["count"]
    assert (counts["records_identified"], counts["full_texts_assessed"], counts["full_texts_excluded"]) == (296, 45, 38)
    assert counts["full_texts_assessed"] - counts["full_texts_excluded"] == counts["studies_included"] == 7
    assert counts["records_identified"] >= counts["full_texts_assessed"]
    unstated = ev.screening[ev.screening["tier"] == "missing"]
    assert unstated["count"].isna().all() and len(unstated) == 6


# Publication type, transcribed from the sources (None where no source says):
# research letters per the extraction sheet's headings (J Am Acad Dermatol); Chen 2019 is N Engl J Med
# correspondence (extraction sheet "letter", DOI 10.1056/NEJMc...); Campar 2022 is an ACR abstract (seed 004);
# Shirai 2022 (DOI ...-eular.311) and Landon-Cardinal 2019 (Arthritis Rheumatol suppl) are congress abstracts
# by their citations. Paik 2022 (Arthritis Rheumatol 2022;74:371-2) has no stated type.
STUDY_TYPES = {"min2022": "research_letter", "landoncardinal2023": "research_letter", "chen2019": "letter",
               "paik2022": None, "paik2021": None, "fan2022": None, "levoyer2021": None}
REPORT_TYPES = {"campar2022": "conference_abstract", "shirai2022": "conference_abstract",
                "landoncardinal2019": "conference_abstract"}


def test_publication_types_as_the_sources_state(ev):
    studies = ev.studies.set_index("study_id")["publication_type"]
    reports = ev.excluded_reports.set_index("report_id")["publication_type"]
    assert {k: (None if pd.isna(v) else v) for k, v in studies.items()} == STUDY_TYPES
    assert reports.to_dict() == REPORT_TYPES
    # the note column no longer carries the type: one place for one fact
    assert not ev.studies["note"].fillna("").str.contains("Research letter").any()


def test_seven_studies(ev):
    assert len(ev.studies) == 7
    assert sorted(ev.studies["table1_row"]) == list(range(1, 8))
    assert ev.studies.set_index("study_id")["same_patients_as"].dropna().to_dict() == {"paik2022": "paik2021"}


def test_table1_numbers(ev):
    studies = ev.studies.set_index("study_id")
    for study, (age, sd, follow_up, n) in TABLE1.items():
        row = studies.loc[study]
        assert row["mean_age_years"] == age and row["follow_up_median_months"] == follow_up and row["total_n"] == n
        assert (None if math.isnan(row["sd_age_years"]) else row["sd_age_years"]) == sd


def test_patient_total_disagrees_with_table1_and_the_overlap_explains_it(ev):
    stated = ev.screening.set_index("step_id").loc["patients_included", "count"]
    table1_sum = int(ev.studies["total_n"].sum())
    assert (stated, table1_sum) == (91, 101)  # pinned: the paper's 91 is not the Table 1 sum
    overlap = ev.studies.set_index("study_id").loc["paik2022", "total_n"]
    assert table1_sum - overlap == stated


def test_arms_add_up_to_table1_totals(ev):
    arms = ev.arms.set_index("arm_id")["n"]
    assert arms["landoncardinal2023.ruxolitinib"] + arms["landoncardinal2023.baricitinib"] == 16
    assert arms["levoyer2021.ruxolitinib"] + arms["levoyer2021.baricitinib"] == 10
    assert arms["fan2022.tacrolimus"] == 35
    chen = ev.arms.set_index("arm_id").loc["chen2019.control"]
    assert chen["tier"] == "missing" and pd.isna(chen["n"])


def test_risk_of_bias_tables(ev):
    rob = ev.risk_of_bias.set_index("study_id")
    for study, (items, total) in JBI.items():
        row = rob.loc[study]
        assert [row[f"jbi_q{i}"] for i in range(1, 11)] == items and row["jbi_total"] == total == sum(items)
    for study, (items, total) in NOS.items():
        row = rob.loc[study]
        keys = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii"]
        assert [row[f"nos_{k}"] for k in keys] == items and row["nos_total"] == total == sum(items)
    assert (rob["tool"] == "NOS").sum() == 3  # "Three non-randomized studies" (Section 3.2)


def test_table4_deaths(ev):
    ae = ev.adverse_events
    deaths = ae[(ae["category"] == "death") & (ae["scope"] == "study")].set_index("study_id")["deaths"]
    assert deaths.to_dict() == TABLE4_DEATHS


def test_fan_deaths_table4_against_secondary_source(ev):
    out = ev.outcomes.set_index(["arm_id", "outcome", "time_point", "statistic"])
    six = out.loc[("fan2022.tofacitinib", "death", "6 months", "events_total")]
    year = out.loc[("fan2022.tofacitinib", "death", "1 year", "events_total")]
    table4 = TABLE4_DEATHS["fan2022"]
    assert (six["events"], year["events"], table4) == (10, 11, 12)  # pinned: three different counts


def test_thromboembolism_abstract_against_table4(ev):
    ae = ev.adverse_events
    thrombo = ae[ae["category"] == "thromboembolism"]
    assert thrombo.loc[thrombo["scope"] == "all_studies", "patients"].tolist() == [2]
    assert thrombo.loc[thrombo["scope"] == "study", "patients"].sum() == 1


def test_le_voyer_table4_against_primary_abstract(ev):
    ae = ev.adverse_events[ev.adverse_events["study_id"] == "levoyer2021"].set_index("event_id")
    assert ae.loc["levoyer2021.none", ["category", "tier"]].tolist() == ["none_reported", "paper"]
    assert ae.loc["levoyer2021.herpes_zoster", ["patients", "tier"]].tolist() == [3, "primary"]
    assert ae.loc["levoyer2021.skin_abscess", ["patients", "tier"]].tolist() == [2, "primary"]


def test_rux_and_fvc_intervals_are_printed_two_ways(ev):
    assert sorted(results(ev, "cdasi.drug.rux")["ci_high"].dropna().unique()) == [-5.1, 5.1]
    assert sorted(results(ev, "fvc.overall")["ci_high"].unique()) == [5.61, 6.61]
    # only one of each pair is symmetric about its estimate
    for key, good in (("cdasi.drug.rux", -5.1), ("fvc.overall", 5.61)):
        for _, r in results(ev, key).dropna(subset=["ci_low", "ci_high"]).iterrows():
            symmetric = abs((r["ci_high"] + r["ci_low"]) / 2 - r["estimate"]) < 0.01
            assert symmetric == (r["ci_high"] == good)


def test_single_study_subgroups_hold_one_arm(ev):
    links = ev.published_result_studies
    for key, arm in (("cdasi.drug.rux", "landoncardinal2023.ruxolitinib"), ("cdasi.drug.bar", "landoncardinal2023.baricitinib")):
        assert links.loc[links["result_key"] == key, "arm_id"].tolist() == [arm]
    death = links[links["result_key"] == "death.rr"]
    assert set(death["study_id"]) == {"chen2019", "fan2022"} and set(death["basis"]) == {"stated"}


def test_effect_measure_named_against_the_numbers(ev):
    cdasi = results(ev, "cdasi.overall")
    named = cdasi["measure_named"].dropna().unique().tolist()
    assert named == [SMD]
    assert (cdasi["estimate"].abs() > 5).all()  # raw CDASI points: far beyond any plausible SMD
    rr = results(ev, "death.rr")
    assert rr["measure_named_location"].str.contains("ratio of deaths to survivors").all()


def test_risk_ratio_p_value_disagrees_with_its_interval(ev):
    rr = results(ev, "death.rr").iloc[0]
    assert (rr["estimate"], rr["ci_low"], rr["ci_high"], rr["p_unlabelled"]) == (0.48, 0.27, 0.86, 0.19)
    se = (math.log(rr["ci_high"]) - math.log(rr["ci_low"])) / (2 * 1.959963984540054)
    p_from_ci = math.erfc(abs(math.log(rr["estimate"]) / se) / math.sqrt(2))
    assert p_from_ci < 0.05 < rr["p_unlabelled"]  # pinned: a CI excluding 1 beside p = 0.19


def test_primary_source_facts_are_in_the_data(ev):
    out = ev.outcomes.set_index(["arm_id", "outcome", "time_point", "statistic"])
    paik = out.loc[("paik2021.tofacitinib", "cdasi_activity", "week 12", "mean_sd_before_after")]
    assert [paik[c] for c in ("n", "mean_before", "sd_before", "mean_after", "sd_after", "p_value")] == [10, 28, 15.4, 9.5, 8.5, 0.0005]
    for outcome, events in (("acr_eular_moderate_improvement", 5), ("acr_eular_minimal_improvement", 5), ("imacs_improvement", 10)):
        assert out.loc[("paik2021.tofacitinib", outcome, "week 12", "events_total"), "events"] == events
    cid = out.loc[("levoyer2021.all", "clinically_inactive_disease", "within 6 months", "events_total")]
    assert (cid["events"], cid["total"]) == (5, 10)
    hr = out.loc[("fan2022.tofacitinib", "death", "1 year", "hazard_ratio_ci")]
    assert [hr[c] for c in ("estimate", "ci_low", "ci_high", "p_value")] == [0.438, 0.2, 0.96, 0.039]
    rp = out.xs("percent", level="statistic")["percent"].to_dict()
    assert rp == {("fan2022.tofacitinib_rpild", "death", "6 months"): 76.9, ("fan2022.tofacitinib_rpild", "death", "1 year"): 84.6,
                  ("fan2022.tacrolimus_rpild", "death", "6 months"): 95.5, ("fan2022.tacrolimus_rpild", "death", "1 year"): 100.0}
    facts = ev.study_facts.set_index("fact_id")
    assert facts.loc["fan2022.cohort", "value"] == 61 and facts.loc["paik2021.enrolment", "value"] == 10
    assert facts.loc["paik2021.registry", "value_text"] == "NCT03002649"
    campar = ev.excluded_report_facts.set_index("fact_id")
    assert campar.loc["campar2022.patients", "count"] == 8 and campar.loc["campar2022.improvement", "count"] == 7
    assert ev.excluded_reports.set_index("report_id").loc["campar2022", "n_patients"] == 8


def test_what_is_not_public_is_visibly_missing(ev):
    out = ev.outcomes
    missing = out[out["tier"] == "missing"]
    expected = {("paik2022.tofacitinib", "cdasi_activity"), ("min2022.tofacitinib", "cdasi_activity"),
                ("chen2019.tofacitinib", "death"), ("chen2019.control", "death"),
                ("chen2019.tofacitinib", "fvc_pct_predicted"), ("fan2022.tofacitinib", "fvc_pct_predicted")}
    assert expected <= set(zip(missing["arm_id"], missing["outcome"]))
    values = ["n", "mean_before", "sd_before", "mean_after", "sd_after", "estimate", "se", "ci_low", "ci_high",
              "events", "total", "percent"]
    assert missing[values].isna().all().all()
    # every study-arm the paper's pooled analyses contain has an outcomes row, public or not
    links = ev.published_result_studies.merge(ev.published_results[["result_key", "outcome"]].drop_duplicates(), on="result_key")
    pooled = set(zip(links["arm_id"], links["outcome"]))
    have = set(zip(out["arm_id"], out["outcome"]))
    assert pooled - have == set()
