"""The register's checks of the paper's tables in detail: each boundary of a check on hand-made changes
to the data, worked out by hand (one flip per check, for every check, is in test_register_checks_flip)."""
import dataclasses

import pandas as pd
import pytest

from analysis.audit.register_checks import REGISTER_CHECKS
from analysis.audit.statement_register import disagreements, statement_register
from analysis.audit.table_checks import TABLE_CHECKS, WEEKS_PER_MONTH


def _with(evidence, table, study_or_id, column, value, key="study_id"):
    """``evidence`` with one cell of ``table`` changed (the row whose ``key`` is ``study_or_id``)."""
    frame = getattr(evidence, table).copy()
    rows = frame[key] == study_or_id
    assert rows.sum() >= 1, (table, study_or_id)
    frame.loc[rows, column] = value
    return dataclasses.replace(evidence, **{table: frame})


def _verdict(evidence, check, study):
    return TABLE_CHECKS[check](evidence, study).verdict


# --- Table 1 ---------------------------------------------------------------------------------------

def test_total_patients_against_the_studys_own_count(evidence):
    assert _verdict(evidence, "table1_patients", "paik2021") == "consistent"
    assert _verdict(_with(evidence, "studies", "paik2021", "total_n", 11), "table1_patients", "paik2021") == "inconsistent"
    # Paik 2022 is checked against the count of the trial it extends
    assert _verdict(_with(evidence, "study_facts", "paik2021.population", "value", 12.0, key="fact_id"),
                    "table1_patients", "paik2022") == "inconsistent"
    # Fan 2022: the cohort (61) less the tacrolimus arm (35) is the tofacitinib arm (26); one patient
    # more in the tacrolimus arm leaves 25
    check = TABLE_CHECKS["table1_patients"](evidence, "fan2022")
    assert check.verdict == "consistent" and "less the comparator arm" in check.evidence
    assert _verdict(_with(evidence, "arms", "fan2022.tacrolimus", "n", 36, key="arm_id"),
                    "table1_patients", "fan2022") == "inconsistent"
    # without a source other than the paper the cell is not checkable
    facts = evidence.study_facts[evidence.study_facts["study_id"] != "levoyer2021"]
    assert _verdict(dataclasses.replace(evidence, study_facts=facts), "table1_patients", "levoyer2021") == "not checkable"
    assert _verdict(evidence, "table1_patients", "min2022") == "not checkable"


def test_design_against_the_studys_title_and_abstract(evidence):
    assert _verdict(evidence, "table1_design", "min2022") == "consistent"  # "A retrospective study ..."
    assert _verdict(_with(evidence, "studies", "min2022", "design", "Prospective open label pilot study"),
                    "table1_design", "min2022") == "inconsistent"
    # Chen 2019's title names no design; a stated design from its own report makes the cell checkable
    assert _verdict(evidence, "table1_design", "chen2019") == "not checkable"
    fact = evidence.study_facts.iloc[[0]].assign(fact_id="chen2019.design", study_id="chen2019", topic="design",
                                                 description="Retrospective review of case notes", unit=None,
                                                 value=float("nan"), source_id="chen2019_x", tier="primary")
    with_fact = dataclasses.replace(evidence, study_facts=pd.concat([evidence.study_facts, fact]))
    assert _verdict(with_fact, "table1_design", "chen2019") == "inconsistent"  # Table 1 says prospective


def test_follow_up_against_the_treatment_period_and_the_minimum(evidence):
    # Paik 2021: 12 weeks is 12 / 4.348 = 2.76 months; a whole-month median of 3 is within half a month
    assert abs(12 / WEEKS_PER_MONTH - 2.76) < 0.01
    assert _verdict(evidence, "table1_follow_up", "paik2021") == "consistent"
    assert _verdict(_with(evidence, "studies", "paik2021", "follow_up_median_months", 2.0),
                    "table1_follow_up", "paik2021") == "inconsistent"  # 0.76 from 2.76
    # Le Voyer 2021: at least 6 months of follow-up, so a median of 5 is impossible and 9 is possible
    assert _verdict(_with(evidence, "studies", "levoyer2021", "follow_up_median_months", 5.0),
                    "table1_follow_up", "levoyer2021") == "inconsistent"
    assert _verdict(_with(evidence, "studies", "levoyer2021", "follow_up_median_months", 9.0),
                    "table1_follow_up", "levoyer2021") == "consistent"
    # an extension has its own follow-up: the parent trial's period does not decide it
    assert _verdict(evidence, "table1_follow_up", "paik2022") == "not checkable"


def test_per_drug_counts_add_to_the_total(evidence):
    assert _verdict(evidence, "table1_drug_counts", "landoncardinal2023") == "consistent"  # 4 + 12 = 16
    assert _verdict(_with(evidence, "studies", "landoncardinal2023", "total_n", 17),
                    "table1_drug_counts", "landoncardinal2023") == "inconsistent"
    assert _verdict(_with(evidence, "studies", "levoyer2021", "interventions", "Ruxolitinib (n = 6); Baricitinib (n = 3)"),
                    "table1_drug_counts", "levoyer2021") == "inconsistent"


def test_a_re_report_repeats_the_row_of_the_report_it_extends(evidence):
    assert _verdict(evidence, "table1_same_patients", "paik2022") == "consistent"
    changed = _with(evidence, "studies", "paik2022", "mean_age_years", 47.0)
    check = TABLE_CHECKS["table1_same_patients"](changed, "paik2022")
    assert check.verdict == "inconsistent" and "mean age differ" in check.evidence
    with pytest.raises(ValueError, match="re-reports no other report"):
        TABLE_CHECKS["table1_same_patients"](evidence, "paik2021")


# --- Tables 2 and 3 --------------------------------------------------------------------------------

def test_an_appraisal_row_against_its_tools_range_and_total(evidence):
    assert _verdict(evidence, "appraisal_row", "min2022") == "consistent"
    assert _verdict(_with(evidence, "risk_of_bias", "min2022", "jbi_total", 19), "appraisal_row", "min2022") == "inconsistent"
    # an item above the JBI maximum of 2, with a total that adds up, still breaks the tool's range
    out = _with(_with(evidence, "risk_of_bias", "min2022", "jbi_q1", 3), "risk_of_bias", "min2022", "jbi_total", 21)
    check = TABLE_CHECKS["appraisal_row"](out, "min2022")
    assert check.verdict == "inconsistent" and "out of range: Q1 = 3" in check.evidence
    # NOS item V allows two stars, the others one
    assert _verdict(_with(_with(evidence, "risk_of_bias", "fan2022", "nos_v", 2), "risk_of_bias", "fan2022", "nos_total", 8),
                    "appraisal_row", "fan2022") == "consistent"
    assert _verdict(_with(_with(evidence, "risk_of_bias", "fan2022", "nos_i", 2), "risk_of_bias", "fan2022", "nos_total", 8),
                    "appraisal_row", "fan2022") == "inconsistent"


def test_nos_comparison_stars_need_a_non_exposed_cohort(evidence):
    # Le Voyer 2021 has no comparator arm but a star for item II
    assert _verdict(evidence, "nos_comparison_items", "levoyer2021") == "inconsistent"
    assert _verdict(_with(evidence, "risk_of_bias", "levoyer2021", "nos_ii", 0),
                    "nos_comparison_items", "levoyer2021") == "consistent"
    # Fan 2022 keeps its stars only while its tacrolimus arm exists
    assert _verdict(evidence, "nos_comparison_items", "fan2022") == "consistent"
    arms = evidence.arms[~((evidence.arms["study_id"] == "fan2022") & (evidence.arms["role"] == "comparator"))]
    assert _verdict(dataclasses.replace(evidence, arms=arms), "nos_comparison_items", "fan2022") == "inconsistent"
    with pytest.raises(ValueError, match="appraised with JBI, not the NOS"):
        TABLE_CHECKS["nos_comparison_items"](evidence, "min2022")


# --- checks of the text -----------------------------------------------------------------------------

def test_considerable_fvc_change_against_the_smallest_important_change(evidence):
    # the published interval's lower end (0.61) is below the smallest important change (3.0)
    assert REGISTER_CHECKS["fvc_change_considerable"](evidence).verdict == "inconsistent"
    lower = _with(evidence, "minimal_important_differences", "fvc_pct_predicted.mid", "value_low", 0.5, key="mid_id")
    assert REGISTER_CHECKS["fvc_change_considerable"](lower).verdict == "consistent"
    mids = evidence.minimal_important_differences
    none = dataclasses.replace(evidence, minimal_important_differences=mids[mids["outcome"] != "fvc_pct_predicted"])
    assert REGISTER_CHECKS["fvc_change_considerable"](none).verdict == "not checkable"


# --- the register as a whole ------------------------------------------------------------------------

def test_a_changed_cell_shows_as_a_disagreement_of_its_row(evidence):
    changed = _with(evidence, "risk_of_bias", "chen2019", "nos_total", 5)
    differing = disagreements(statement_register(changed))
    assert list(differing["statement_id"]) == ["t3_chen2019_row"]
    assert differing.iloc[0]["code_verdict"] == "inconsistent"
