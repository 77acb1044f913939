"""The statement register (issue #14): every checkable statement of the paper as data, each with the
check applied and a verdict, and the code's own result wherever a computation decides the verdict."""
import dataclasses

import pytest

from analysis.audit.statement_register import (REGISTER_CHECKS, TABLE_CHECKS, VERDICTS, disagreements,
                                               register_summary, statement_register)
from analysis.chapters import statements as statements_page


def test_every_recorded_verdict_agrees_with_the_code(register):
    assert disagreements(register).empty
    coded = register[register["checked_by"] == "code"]
    assert (coded["code_evidence"] != "").all()
    # every register check is used by some row, and every row's reference resolved
    used = {ref.split("|", 1)[1].partition(":")[0] for ref in register["check_ref"] if ref.startswith("register|")}
    assert used == set(REGISTER_CHECKS) | set(TABLE_CHECKS)


def test_every_statement_has_its_quote_location_check_verdict_and_reason(register):
    for column in ("section", "location", "quote", "check", "verdict", "reason"):
        assert (register[column].astype(str).str.strip() != "").all(), column
    assert set(register["verdict"]) <= set(VERDICTS)
    # every part of the paper the issue names is read
    assert {"Title", "Abstract", "Introduction", "Methods", "Results", "Discussion",
            "Tables and figures"} <= set(register["section"])
    assert register["statement_id"].is_unique


def test_a_verdict_the_code_does_not_support_stops_the_page(evidence):
    statements = evidence.paper_statements.copy()
    statements.loc[statements["statement_id"] == "r36_survival", "verdict"] = "consistent"
    changed = dataclasses.replace(evidence, paper_statements=statements)
    assert list(disagreements(statement_register(changed))["statement_id"]) == ["r36_survival"]
    with pytest.raises(ValueError, match="r36_survival"):
        statements_page.page(changed)


def test_a_reference_to_an_unknown_check_or_item_is_an_error(evidence):
    for ref, message in (("register|no_such_check", "no register check"), ("p_vs_ci|no.such.result", "expected one row"),
                         ("nonsense|x", "unknown check")):
        statements = evidence.paper_statements.copy()
        statements.loc[statements["statement_id"] == "r36_survival", "check_ref"] = ref
        with pytest.raises(ValueError, match=message):
            statement_register(dataclasses.replace(evidence, paper_statements=statements))


def test_repeated_statements_of_one_result_are_one_finding(register):
    death = register[register["statement_id"].isin(["r36_survival", "d_death_rr"])]
    assert death["finding"].nunique() == 1
    smd = register[register["statement_id"].isin(["m24_smd", "fig_smd_captions"])]
    assert smd["finding"].nunique() == 1
    summary = register_summary(register)
    bad = register[register["verdict"] == "inconsistent"]
    assert summary.n_findings_inconsistent == bad["finding"].nunique() < len(bad)
    assert summary.n_statements == len(register) == int(summary.by_part["statements"].sum())


def test_fair_wording_of_the_drug_ranking(register):
    """The paper calls TOF not (significantly) different from RUX, which the subgroup test supports; only
    the claim that BAR is inferior goes beyond the data."""
    by_id = register.set_index("statement_id")
    assert by_id.at["r33_tof_not_different", "verdict"] == "consistent"
    assert by_id.at["d_tof_not_significant", "verdict"] == "consistent"
    assert by_id.at["r33_bar_inferior", "verdict"] == "inconsistent"
    assert by_id.at["r33_bar_inferior", "code_verdict"] == "inconsistent"


def test_register_checks_follow_the_data(evidence):
    # a polymyositis cohort among the included studies turns the title's claim consistent
    studies = evidence.studies.copy()
    studies.loc[studies.index[0], "population"] = "PM"
    changed = dataclasses.replace(evidence, studies=studies)
    assert REGISTER_CHECKS["populations_include_pm"](changed).verdict == "consistent"
    assert REGISTER_CHECKS["populations_include_pm"](evidence).verdict == "inconsistent"
    # the NOS count is read from the register's own value
    assert REGISTER_CHECKS["nos_count"](evidence).verdict == "consistent"
