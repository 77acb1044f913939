"""Every check of the statement register flips its verdict on a hand-made change to the data, in the
direction worked out by hand (issue #14): no verdict is typed. A check added to REGISTER_CHECKS or
TABLE_CHECKS without a case here fails ``test_every_check_has_a_case``."""
import dataclasses

import pandas as pd
import pytest

from analysis.audit.register_checks import REGISTER_CHECKS
from analysis.audit.statement_register import register_check
from analysis.audit.table_checks import TABLE_CHECKS


def _set(table, key, ids, column, value):
    """A change: ``column`` := ``value`` in the rows of ``table`` whose ``key`` is one of ``ids``."""
    def change(ev):
        frame = getattr(ev, table).copy()
        rows = frame[key].isin([ids] if isinstance(ids, str) else ids)
        assert rows.any(), (table, ids)
        frame.loc[rows, column] = value
        return dataclasses.replace(ev, **{table: frame})
    return change


def _then(*changes):
    def change(ev):
        for c in changes:
            ev = c(ev)
        return ev
    return change


def _shift(result_key, by):
    """Move a published result's estimate and interval by ``by`` (the width, so its SE, unchanged)."""
    def change(ev):
        frame = ev.published_results.copy()
        rows = frame["result_key"] == result_key
        for column in ("estimate", "ci_low", "ci_high"):
            frame.loc[rows, column] = frame.loc[rows, column] + by
        return dataclasses.replace(ev, published_results=frame)
    return change


def _add_fvc_comparator(ev):
    links = ev.published_result_studies
    extra = links[links["arm_id"] == "fan2022.tofacitinib"].iloc[[0]].assign(
        result_key="fvc.overall", arm_id="fan2022.tacrolimus")
    return dataclasses.replace(ev, published_result_studies=pd.concat([links, extra], ignore_index=True))


def _ten_studies_for_one_result(ev):
    """The only stated result is the overall CDASI, pooled from ten studies: both tests are possible."""
    published = ev.published_results[ev.published_results["result_key"] == "cdasi.overall"]
    template = ev.published_result_studies.iloc[[0]]
    links = pd.concat([template.assign(result_key="cdasi.overall", study_id=f"s{i}", arm_id="min2022.tofacitinib")
                       for i in range(10)], ignore_index=True)
    return dataclasses.replace(ev, published_results=published, published_result_studies=links)


def _drop_studies_facts(study):
    def change(ev):
        return dataclasses.replace(ev, study_facts=ev.study_facts[ev.study_facts["study_id"] != study])
    return change


#: check name -> (its argument for a table check, the change, verdict before, verdict after)
REGISTER_CASES = {
    "populations_include_pm": (_set("studies", "study_id", "min2022", "population", "PM"), "inconsistent", "consistent"),
    "serious_events_in_table4": (_set("adverse_events", "study_id", "landoncardinal2023", "serious", "not_stated"),
                                 "inconsistent", "consistent"),
    "tool_rule": (_then(_set("risk_of_bias", "study_id", ["landoncardinal2023", "paik2021", "paik2022"], "tool", "NOS"),
                        _set("risk_of_bias", "study_id", "levoyer2021", "tool", "JBI")), "inconsistent", "consistent"),
    "trial_designs_included": (_set("studies", "study_id", ["chen2019", "landoncardinal2023", "paik2021", "paik2022"],
                                    "design", "Retrospective observation study"), "inconsistent", "consistent"),
    "same_patients_pooled_twice": (_set("studies", "study_id", "paik2022", "same_patients_as", float("nan")),
                                   "inconsistent", "consistent"),
    "scale_directions": (_set("outcome_definitions", "outcome", "mmt", "better", "lower"), "inconsistent", "consistent"),
    "admission_size_rule": (_set("studies", "study_id", ["paik2021", "paik2022"], "total_n", 11),
                            "inconsistent", "consistent"),
    "mmt_interval_excludes_zero": (_shift("mmt.overall", 5.0), "inconsistent", "consistent"),  # -2.83 + 5 > 0
    "ck_intervals_include_zero": (_shift("ck.unit.u", 30.0), "consistent", "inconsistent"),  # -28.25 + 30 > 0
    "fvc_has_comparison": (_add_fvc_comparator, "inconsistent", "consistent"),
    "asymmetry_tests_possible": (_ten_studies_for_one_result, "inconsistent", "consistent"),
    "reference_is_included_study": (_set("paper_statements", "statement_id", "r32_nos_reference", "value", 12.0),
                                    "inconsistent", "not checkable"),  # reference 12 is a case report
    "nos_count": (_set("paper_statements", "statement_id", "r32_three_nos", "value", 4.0), "consistent", "inconsistent"),
    # baricitinib moved from -11.2 to +20 (its interval with it) makes the drugs differ clearly
    "drugs_not_shown_to_differ": (_shift("cdasi.drug.bar", 31.2), "consistent", "inconsistent"),
    "drug_difference_claimed": (_shift("cdasi.drug.bar", 31.2), "inconsistent", "consistent"),
    "regimen_difference_claimed": (_shift("cdasi.regimen.alone", 20.0), "inconsistent", "consistent"),
    "tacrolimus_control": (_set("arms", "drug", "tacrolimus", "drug", "cyclosporine"), "consistent", "inconsistent"),
    "cdasi_subgroup_factors": (_set("published_results", "subgroup_factor", "follow_up_months", "subgroup_factor",
                                    "age"), "consistent", "inconsistent"),
    "most_studies_report_cdasi": (_set("studies", "study_id", ["min2022", "paik2022"], "endpoints", "MMT"),
                                  "consistent", "inconsistent"),
    "nos_item_count": (_set("paper_statements", "statement_id", "r32_nos_eight_items", "value", 9.0),
                       "consistent", "inconsistent"),
    "others_appraised_with_jbi": (_set("risk_of_bias", "study_id", "min2022", "tool", "ROBINS-I"),
                                  "consistent", "inconsistent"),
    "tofacitinib_most_used": (_set("arms", "arm_id", "landoncardinal2023.baricitinib", "n", 100),
                              "consistent", "inconsistent"),
    "fvc_change_considerable": (_set("minimal_important_differences", "mid_id", "fvc_pct_predicted.mid", "value_low", 0.5),
                                "inconsistent", "consistent"),
}

TABLE_CASES = {
    "table1_patients": ("paik2021", _set("studies", "study_id", "paik2021", "total_n", 11), "consistent", "inconsistent"),
    "table1_design": ("min2022", _set("studies", "study_id", "min2022", "design", "Prospective open label pilot study"),
                      "consistent", "inconsistent"),
    "table1_follow_up": ("levoyer2021", _drop_studies_facts("levoyer2021"), "consistent", "not checkable"),
    "table1_drug_counts": ("levoyer2021", _set("studies", "study_id", "levoyer2021", "total_n", 11),
                           "consistent", "inconsistent"),
    "table1_same_patients": ("paik2022", _set("studies", "study_id", "paik2022", "prior_therapy", "MTX"),
                             "consistent", "inconsistent"),
    "appraisal_row": ("chen2019", _set("risk_of_bias", "study_id", "chen2019", "nos_total", 7), "consistent", "inconsistent"),
    "nos_comparison_items": ("levoyer2021", _set("risk_of_bias", "study_id", "levoyer2021", "nos_ii", 0),
                             "inconsistent", "consistent"),
}


def test_every_check_has_a_case():
    assert set(REGISTER_CASES) == set(REGISTER_CHECKS)
    assert set(TABLE_CASES) == set(TABLE_CHECKS)


@pytest.mark.parametrize("name", sorted(REGISTER_CASES))
def test_a_register_check_flips(evidence, name):
    change, before, after = REGISTER_CASES[name]
    assert register_check(evidence, name).verdict == before
    assert register_check(change(evidence), name).verdict == after


@pytest.mark.parametrize("name", sorted(TABLE_CASES))
def test_a_table_check_flips(evidence, name):
    study, change, before, after = TABLE_CASES[name]
    assert register_check(evidence, f"{name}:{study}").verdict == before
    assert register_check(change(evidence), f"{name}:{study}").verdict == after
