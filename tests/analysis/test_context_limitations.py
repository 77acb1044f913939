"""Limitation checks against hand-computed values taken from the paper's text and tables."""
from __future__ import annotations

import math

import pytest

from analysis.audit.limitations import (design_table, eligibility_table, inputs_availability, patient_overlap,
                                  population_mix, results_with_overlap, scale_mix, small_study_check)

# Ma et al. 2024, Table 1, column "Total no. patients": 26 + 18 + 16 + 11 + 10 + 10 + 10
TABLE1_PATIENTS = [26, 18, 16, 11, 10, 10, 10]
# Abstract, Results, sentence 1 and Section 3.1: "7 publications with a total of 91 patients"
STATED_PATIENTS = 91
# Table 1: Paik 2022 (the extension) has 10 patients
PAIK_2022_PATIENTS = 10


def test_patient_overlap_explains_91(evidence):
    overlap = patient_overlap(evidence.studies, evidence.screening)
    assert overlap.table1_total == sum(TABLE1_PATIENTS) == 101
    assert overlap.re_reported == PAIK_2022_PATIENTS
    assert overlap.distinct == 101 - 10 == STATED_PATIENTS
    assert overlap.stated == STATED_PATIENTS and overlap.explains_stated
    assert overlap.pairs[["study", "same_patients_as"]].values.tolist() == [["Paik 2022", "Paik 2021"]]


def test_overlap_check_fails_when_the_stated_total_differs(evidence):
    screening = evidence.screening.copy()
    screening.loc[screening["step_id"] == "patients_included", "count"] = 101
    assert not patient_overlap(evidence.studies, screening).explains_stated


def test_results_holding_both_paik_reports(evidence):
    twice = results_with_overlap(evidence).set_index("result_key")
    # Table 1 endpoints: both Paik reports list CDASI, MMT and CK; both are tofacitinib (Figure 3 TOF subgroup)
    assert {"cdasi.overall", "cdasi.drug.tof", "mmt.overall"} <= set(twice.index)
    assert twice.at["cdasi.overall", "estimate"] == -17.67  # Section 3.3: "decreased by 17.67"
    # Section 3.5: only one article used UI, so that subgroup cannot hold both reports
    assert "ck.unit.ui" not in twice.index


def test_size_rule_both_readings(evidence):
    table = eligibility_table(evidence.studies, evidence.paper_statements).set_index("study")
    # Methods 2.1 "more than 10 patients" covers letters and case series only: the two 10-patient case
    # series fail it (Paik 2021, Paik 2022); Le Voyer 2021, a full article appraised with the NOS, is not covered
    assert set(table.index[table["more_than_10"] == "no"]) == {"Paik 2021", "Paik 2022"}
    assert table.at["Le Voyer 2021", "more_than_10"] == "not covered"
    assert table.at["Le Voyer 2021", "admission_rule_applies"] == "no"
    covered = evidence.studies[(evidence.studies["risk_of_bias_tool"] == "JBI")
                               | evidence.studies["publication_type"].isin(["letter", "research_letter"])]
    assert set(table.index[table["admission_rule_applies"] == "yes"]) == set(covered["label"])
    # Results 3.1 excludes "less than 10 patients": every included study has at least 10
    assert (table["not_fewer_than_10"] == "yes").all()
    assert table.at["Le Voyer 2021", "age_group"] == "juvenile"
    assert table.at["Le Voyer 2021", "mean_age_years"] == pytest.approx(9.1)  # Table 1 mean age


def test_population_and_scale_mix(evidence):
    mix = population_mix(evidence).set_index("result_key")
    assert mix.at["mmt.overall", "has_juvenile"]            # Le Voyer (children) in the MMT result
    assert not mix.loc[["cdasi.overall", "mmt.overall"], "has_anti_mda5_ild"].any()
    assert mix.at["death.rr", "has_anti_mda5_ild"]
    scales = scale_mix(evidence)
    mmt = scales[scales["result_key"] == "mmt.overall"].set_index("study")["measure_named"]
    assert mmt["Landon-Cardinal 2023"].endswith("MMT-8")   # Table 1: "CDASI, MMT-8, CK, IFN-a"
    assert mmt["Le Voyer 2021"].endswith("CMAS and MMT")   # Table 1: "CMAS, MMT"
    units = set(scales.loc[scales["result_key"].str.startswith("ck."), "measure_named"])
    assert units == {"subgroup unit as printed: U", "subgroup unit as printed: UI"}


def test_small_study_tests_are_underpowered(evidence):
    check = small_study_check(evidence, "cdasi_activity")
    # public CDASI effects: Paik 2021 (primary means), Landon-Cardinal ruxolitinib and baricitinib (recovered)
    assert check.k_public == 3 and check.k_paper == 5
    # below the Handbook's minimum of 10 the tests are not run, and the reason says why
    assert check.egger is None and check.begg is None
    assert check.begg_min_p == pytest.approx(2 / math.factorial(3))  # 1/3: only 2 of 3! rankings are extreme
    assert check.egger_t_critical == pytest.approx(12.706, abs=1e-3)  # t(0.975, df = 1)
    assert "below the 10" in check.not_computed_reason and "12.7" in check.not_computed_reason
    assert (check.k_table["k"] < 10).all() and check.k_table["below_minimum"].all()
    k = check.k_table.set_index("result_key")["k"]
    # Figure 8/9 (Section 3.6): the survival and FVC results pool the two ADM-ILD studies
    assert k["death.rr"] == 2 and k["fvc.overall"] == 2


def test_inputs_availability_counts(evidence):
    inputs = inputs_availability(evidence)
    table = inputs.table.set_index("outcome")
    assert inputs.n_public + inputs.n_missing == inputs.n_inputs
    # MMT, CK and FVC values of no included study are public (primary-sources notes)
    assert table.loc[["Manual muscle testing (MMT)", "Creatine kinase (CK)", "FVC, % of predicted"], "public"].eq(0).all()
    # CDASI: Paik 2021 plus the two Landon-Cardinal arms
    assert table.at["CDASI activity", "public"] == 3


def test_designs_without_control(evidence):
    designs = design_table(evidence).set_index("study")
    # Fan 2022 has a tacrolimus arm (Discussion 4.1); Chen 2019 compared with controls (Methods 2.4)
    assert set(designs.index[designs["comparison_group"] != "none"]) == {"Fan 2022", "Chen 2019"}
    assert "CDASI" in designs.at["Paik 2021", "pooled_before_after"]
