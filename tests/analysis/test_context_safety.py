"""Safety disagreement rules: hand-made frames, then the real data with each known disagreement pinned."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.data import load
from analysis.audit.safety import (deaths_table, excluded_report_safety, safety_disagreements, safety_summary,
                             serious_events_table, side_by_side)

AE_COLUMNS = ["event_id", "scope", "study_id", "arm_id", "event", "category", "patients", "serious", "deaths",
              "tier", "source_id", "location"]
OUT_COLUMNS = ["study_id", "arm_id", "outcome", "time_point", "statistic", "events", "total", "tier", "source_id",
               "location"]
LABELS = {"a": "Study A", "b": "Study B"}


def ae(*rows):
    frame = pd.DataFrame(rows, columns=AE_COLUMNS)
    for column in ("patients", "deaths"):
        frame[column] = frame[column].astype("Int64")
    return frame


def outcomes(*rows):
    frame = pd.DataFrame(rows, columns=OUT_COLUMNS)
    for column in ("events", "total"):
        frame[column] = frame[column].astype("Int64")
    return frame


NO_OUTCOMES = outcomes()


def test_none_statement_against_primary_events():
    events = ae(("a.none", "study", "a", "a.all", "No adverse events", "none_reported", 0, "not_stated", None, "paper", "p", "Table 4"),
                ("a.flu", "study", "a", "a.all", "Influenza", "infection", 4, "not_stated", None, "primary", "s", "Abstract"),
                ("b.none", "study", "b", "b.all", "No adverse events", "none_reported", 0, "not_stated", None, "paper", "p", "Table 4"))
    flags = safety_disagreements(events, NO_OUTCOMES, LABELS)
    assert len(flags) == 1
    row = flags.iloc[0]
    assert row["check"] == "none_vs_source" and row["flagged"] and row["source_value"] == 4 and row["study"] == "Study A"


def test_deaths_agree_and_disagree():
    events = ae(("a.d", "study", "a", "a.x", "Deaths", "death", None, "yes", 3, "paper", "p", "Table 4"))
    same = outcomes(("a", "a.x", "death", "6 months", "events_total", 3, 20, "derived", "s", "results"))
    other = outcomes(("a", "a.x", "death", "6 months", "events_total", 2, 20, "derived", "s", "results"))
    assert not safety_disagreements(events, same, LABELS)["flagged"].any()
    flagged = safety_disagreements(events, other, LABELS)
    assert flagged["flagged"].tolist() == [True] and flagged["source_value"].item() == "2 of 20"


def test_statement_matched_on_text_then_category():
    events = ae(("a.hsv", "study", "a", "a.x", "Herpes", "infection", 1, "not_stated", None, "paper", "p", "Table 4"),
                ("b.uti", "study", "b", "b.x", "UTI", "infection", 2, "not_stated", None, "paper", "p", "Table 4"),
                ("all.hsv", "all_studies", None, None, "Herpes", "infection", 1, "not_stated", None, "paper", "p", "Abstract"),
                ("all.inf", "all_studies", None, None, "Infections", "infection", 2, "not_stated", None, "paper", "p", "Abstract"))
    flags = safety_disagreements(events, NO_OUTCOMES, LABELS).set_index("what")
    assert not flags.at["Herpes", "flagged"]          # 1 vs the Herpes row only
    assert flags.at["Infections", "source_value"] == 3  # no same-text row: whole category, 1 + 2
    assert flags.at["Infections", "flagged"]


def test_any_event_and_discontinuation_only_for_covered_arms():
    events = ae(("a.f", "study", "a", "a.x", "Fungal", "infection", 2, "not_stated", None, "paper", "p", "Table 4"))
    counts = outcomes(("a", "a.x", "any_adverse_event", "not stated", "events_total", 5, 10, "derived", "s", "r"),
                      ("a", "a.y", "any_adverse_event", "not stated", "events_total", 9, 10, "derived", "s", "r"),
                      ("a", "a.x", "discontinuation", "not stated", "events_total", 1, 10, "derived", "s", "r"))
    flags = safety_disagreements(events, counts, LABELS).set_index(["check", "arm_id"])
    assert flags.loc[("any_event_vs_source", "a.x"), "flagged"]       # 5 > at most 2 listed
    assert not flags.loc[("any_event_vs_source", "a.y"), "flagged"]   # arm not in Table 4
    assert flags.loc[("discontinuation_vs_source", "a.x"), "flagged"]  # Table 4 silent on stopping


def test_missing_column_is_a_clear_error():
    with pytest.raises(ValueError, match="adverse_events frame: expected columns"):
        safety_disagreements(ae().drop(columns="tier"), NO_OUTCOMES, LABELS)


@pytest.fixture(scope="module")
def real():
    evidence = load()
    labels = evidence.study_labels()
    flags = safety_disagreements(evidence.adverse_events, evidence.outcomes, labels)
    return evidence, labels, flags


def _flag(flags, check, what, arm=None):
    rows = flags[(flags["check"] == check) & (flags["what"] == what)]
    if arm is not None:
        rows = rows[rows["arm_id"] == arm]
    assert len(rows) == 1
    return rows.iloc[0]


def test_real_levoyer_none_against_zoster_and_abscesses(real):
    _, _, flags = real
    # Table 4: "No adverse events occurred"; Le Voyer abstract: herpes zoster 3, skin abscesses 2
    assert _flag(flags, "none_vs_source", "Herpes zoster")["source_value"] == 3
    assert _flag(flags, "none_vs_source", "Skin abscesses")["source_value"] == 2


def test_real_fan_deaths(real):
    _, _, flags = real
    # Table 4: 12 deaths; secondary report 38.5% of 26 at 6 months (10) and 44.0% at 1 year (11 of 25)
    six = _flag(flags, "deaths_vs_source", "Deaths (6 months)")
    year = _flag(flags, "deaths_vs_source", "Deaths (1 year)")
    assert (six["paper_value"], six["source_value"], six["flagged"]) == (12, "10 of 26", True)
    assert (year["paper_value"], year["source_value"], year["flagged"]) == (12, "11 of 25", True)


def test_real_abstract_statements(real):
    _, _, flags = real
    # Abstract: "one patient developed Orolabial HSV, and two patients developed thromboembolism events"
    assert not _flag(flags, "statement_vs_table", "Orolabial herpes simplex virus infection")["flagged"]
    thrombo = _flag(flags, "statement_vs_table", "Thromboembolic events")
    assert (thrombo["paper_value"], thrombo["source_value"], thrombo["flagged"]) == (2, 1, True)
    # Section 3.6: "only one patient has been reported to have died"; Table 4 death column 12 + 0 + 1 + 0*4 = 13
    deaths = _flag(flags, "statement_vs_table", "Deaths across all included publications")
    assert (deaths["paper_value"], deaths["source_value"]) == (1, 13)


def test_real_fan_any_event_and_discontinuation_per_arm(real):
    _, _, flags = real
    # secondary report: any AE 73.1% vs 74.3% (19/26, 26/35); discontinuation 23.1% vs 14.3% (6/26, 5/35)
    tof = _flag(flags, "any_event_vs_source", "Patients with any adverse event", "fan2022.tofacitinib")
    tac = _flag(flags, "any_event_vs_source", "Patients with any adverse event", "fan2022.tacrolimus")
    assert (tof["source_value"], tof["paper_value"], tof["flagged"]) == ("19 of 26", 5, True)
    assert (tac["source_value"], tac["flagged"]) == ("26 of 35", False)
    stop = _flag(flags, "discontinuation_vs_source", "Patients who stopped the drug", "fan2022.tofacitinib")
    assert (stop["source_value"], stop["flagged"]) == ("6 of 26", True)


def test_real_summary_and_tables(real):
    evidence, labels, flags = real
    summary = safety_summary(evidence.adverse_events, flags, labels)
    assert summary.table4_deaths_total == 13 and summary.n_studies_with_table4_deaths == 2
    # Distinct findings: Le Voyer (two events of an arm Table 4 calls event-free: one finding), Fan deaths
    # (two time points against one Table 4 number: one finding), thromboembolism, deaths overall, Fan any
    # event, Fan stopping = 6; comparisons: those plus orolabial herpes = 7; the two tacrolimus rows are
    # context (Table 4 does not cover that arm), not comparisons.
    assert summary.n_flagged == 6 and summary.n_studies_flagged == 2
    assert summary.n_comparisons == 7
    assert summary.n_context == 2 and summary.n_rows == len(flags)
    assert flags.loc[flags["arm_id"] == "levoyer2021.all", "finding"].nunique() == 1
    assert flags.loc[(flags["check"] == "deaths_vs_source"), "finding"].nunique() == 1
    serious = serious_events_table(evidence.adverse_events, labels).set_index("study")
    assert serious.at["Landon-Cardinal 2023", "serious_patients"] == 2  # thromboembolism + febrile neutropenia
    assert pd.isna(serious.at["Min 2022", "serious_patients"])            # not stated, not 0
    deaths = deaths_table(evidence.adverse_events, evidence.outcomes, labels)
    assert set(deaths["tier"]) == {"paper", "derived"}
    # counts derived from Kaplan-Meier percentages say what they assume (issue #14)
    assert (deaths.loc[deaths["tier"] == "derived", "assumption"].str.contains("censored")).all()
    assert (deaths.loc[deaths["tier"] != "derived", "assumption"] == "").all()
    side = side_by_side(evidence.adverse_events, evidence.outcomes, labels, flags).set_index("study")
    assert side.at["Le Voyer 2021", "flags"] == 2 and side.at["Fan 2022", "flags"] == 4


def test_campar_is_context_only():
    campar = excluded_report_safety(load("excluded_report_facts").excluded_report_facts)
    assert (campar["pooled_by_paper"] == "no: excluded report").all()
    # Campar abstract: "The drug was discontinued in 2 patients ... serious adverse effect (diverticulitis)"
    assert campar.loc[campar["fact"] == "Drug discontinued", "patients"].item() == 2
    with pytest.raises(ValueError, match="campar2022.nothing"):
        excluded_report_safety(load("excluded_report_facts").excluded_report_facts, ("campar2022.nothing",))
