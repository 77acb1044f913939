"""The paper's verbal statements come from data/paper_statements.csv: the readers return what the
paper says (checked against its text), and the checks change when the data change."""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from analysis.audit.consistency import check_eligibility, paper_statements
from analysis.audit.consistency.heterogeneity import studies_in_result
from analysis.audit.consistency.statements import single_study_results, statement, studies_stated_in_subgroup
from analysis.audit.limitations import eligibility_table, size_rule_patients, small_study_check


@pytest.fixture(scope="module")
def statements(evidence):
    return evidence.paper_statements


def _frame(rows):
    columns = ["statement_id", "subject", "claim", "value", "unit", "value_meaning", "location"]
    return pd.DataFrame([dict(zip(columns, r)) for r in rows], columns=columns)


def test_statements_as_the_paper_states_them(statements):
    ui = statement(statements, "ck_ui_one_study")
    # Section 3.5, paragraph 2: "only one article in the literature has UI as the unit"
    assert (ui.subject, ui.value, ui.unit) == ("ck.unit.ui", 1.0, "studies")
    assert ui.location.startswith("Section 3.5, paragraph 2")
    # Methods 2.1: letters and case series "(more than 10 patients)"
    assert size_rule_patients(statements) == 10
    assert statement(statements, "rux_lowest").value is None
    ids = [s.statement_id for s in paper_statements(statements)]
    assert ids == list(statements["statement_id"]) and len(set(ids)) == len(ids)


def test_unknown_statement_lists_the_valid_ids(statements):
    with pytest.raises(ValueError, match="unknown statement 'ck_all'; valid: .*ck_all_decreased, .*ck_ui_one_study"):
        statement(statements, "ck_all")


def test_readers_want_the_statements_frame(evidence):
    with pytest.raises(TypeError, match="paper_statements DataFrame"):
        statement(evidence, "ck_ui_one_study")
    with pytest.raises(ValueError, match=r"expected columns \['unit'\]"):
        single_study_results(evidence.paper_statements.drop(columns="unit"))


def test_single_study_and_subgroup_counts_from_the_shipped_rows(statements):
    assert list(single_study_results(statements)) == ["ck.unit.ui"]
    # the U subgroup's candidates lose the one study the paper puts in UI
    assert studies_stated_in_subgroup(statements, "ck.unit.u") == 1
    assert studies_stated_in_subgroup(statements, "ck.unit.ui") is None  # no count stated for U
    assert studies_stated_in_subgroup(statements, "cdasi.overall") is None


def test_subgroup_counts_add_over_sibling_levels():
    frame = _frame([
        ("a", "x.level.one", "one study", 1, "studies", "studies", "here"),
        ("b", "x.level.two", "two studies", 2, "studies", "studies", "there"),
        ("c", "x.other.one", "three studies", 3, "studies", "studies", "elsewhere"),
        ("d", "x.level.three", "ten patients", 10, "patients", "threshold", "nowhere"),
        ("e", "x.level", "no number", float("nan"), None, None, "anywhere"),
    ])
    assert studies_stated_in_subgroup(frame, "x.level.three") == 3  # 1 + 2; patients and other factors ignored
    assert studies_stated_in_subgroup(frame, "x.level.one") == 2
    assert studies_stated_in_subgroup(frame, "x") is None
    assert single_study_results(frame) == {"x.level.one": "here"}


def test_limitations_follow_the_statements(evidence):
    without = evidence.paper_statements[evidence.paper_statements["statement_id"] != "ck_ui_one_study"]
    k = small_study_check(evidence, "cdasi_activity").k_table.set_index("result_key")
    k_without = small_study_check(dataclasses.replace(evidence, paper_statements=without), "cdasi_activity").k_table.set_index("result_key")
    assert (k.at["ck.unit.ui", "k"], k.at["ck.unit.ui", "k_is_upper_bound"]) == (1, False)
    assert k_without.at["ck.unit.ui", "k_is_upper_bound"] and k_without.at["ck.unit.ui", "k"] > 1
    links = evidence.published_result_studies
    candidates = links.loc[links["result_key"] == "ck.unit.u", "study_id"].nunique()
    assert studies_in_result(evidence, "ck.unit.u")[0] == candidates - 1  # one candidate is the UI study
    assert studies_in_result(dataclasses.replace(evidence, paper_statements=without), "ck.unit.u")[0] is None


def test_size_rule_read_from_the_data(evidence):
    lowered = evidence.paper_statements.copy()
    lowered.loc[lowered["statement_id"] == "letters_min_size", "value"] = 9.0
    table = eligibility_table(evidence.studies, lowered).set_index("study")
    # with a threshold of 9 every study (10 to 26 patients, Table 1) has more than enough patients
    assert set(table["more_than_10"]) <= {"yes", "not covered"}
    assert size_rule_patients(lowered) == 9
    check = check_eligibility(dataclasses.replace(evidence, paper_statements=lowered))
    assert "more than 9 patients" in check.tested
    case_series = check.details[check.details["item"].str.endswith("(appraised as a case series)")]
    assert (case_series["status"] == "consistent").all()


def test_eligibility_reads_publication_type_not_notes(evidence):
    """The abstract and letter rules follow data/*.csv publication_type; note text plays no part."""
    reports = evidence.excluded_reports.copy()
    studies = evidence.studies.copy()
    # a type removed from the data (source silent) is no longer counted, whatever the note says
    reports.loc[reports["report_id"] == "shirai2022", "publication_type"] = pd.NA
    # a note that mentions a congress abstract does not make a report one
    reports.loc[reports["report_id"] == "landoncardinal2019", "publication_type"] = pd.NA
    reports.loc[reports["report_id"] == "landoncardinal2019", "note"] = "a congress abstract"
    # an included study recorded as a conference abstract breaks the abstract rule
    studies.loc[studies["study_id"] == "fan2022", "publication_type"] = "conference_abstract"
    # a letter of 10 patients fails the size rule (Methods 2.1: more than 10), even if not a case series
    studies.loc[studies["study_id"] == "levoyer2021", "publication_type"] = "letter"
    details = check_eligibility(dataclasses.replace(evidence, excluded_reports=reports, studies=studies)).details
    details = details.set_index("item")
    cited = details.loc["references cited for the included studies"]
    assert cited["status"] == "consistent" and cited["found"].startswith("0 of the references")
    letters = details.loc["letters among the included studies"]
    assert letters["status"] == "inconsistent" and "Fan 2022 as conference abstracts" in letters["found"]
    assert letters["found"].startswith("4 included studies are letters")
    assert details.at["Le Voyer 2021 (published as a correspondence letter)", "status"] == "inconsistent"
