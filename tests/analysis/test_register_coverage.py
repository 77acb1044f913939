"""The statement register covers the whole paper (issue #14): every part of it and every table, each
study's cells of Tables 1-3, and every interval the paper prints; distinct findings are counted once,
and the front page shows the register's own count."""
import dataclasses
import re

import pandas as pd
import pytest

from analysis.audit.statement_register import (PARTS, TABLE_PARTS, paper_part, register_check, register_summary,
                                               statement_register)
from analysis.chapters import index, statements
from analysis.format import fmt_int
from analysis.paths import ROOT


def _refs(register, check):
    """study ids of the rows naming ``register|<check>:<study_id>``."""
    prefix = f"register|{check}:"
    return {ref[len(prefix):] for ref in register["check_ref"] if ref.startswith(prefix)}


def test_every_part_of_the_paper_and_every_table_is_read(register):
    assert {"Title", "Abstract", "Introduction", "Methods", "Results", "Discussion"} <= set(register["section"])
    tables = register.loc[register["section"] == "Tables and figures", "location"]
    printed = {int(m) for loc in tables for m in re.findall(r"^Tables? (\d)", loc)}
    assert printed == {1, 2, 3, 4}  # the paper prints four tables
    assert tables.str.startswith("Figure").any()
    assert set(register["part"]) == set(PARTS)


def test_every_study_has_its_table_cells_checked(evidence, register):
    studies = set(evidence.studies["study_id"])
    for check in ("table1_patients", "table1_design", "table1_follow_up"):
        assert _refs(register, check) == studies, check
    multi_drug = {s for s, text in zip(evidence.studies["study_id"], evidence.studies["interventions"]) if "(n =" in text}
    assert _refs(register, "table1_drug_counts") == multi_drug
    re_reports = evidence.studies.loc[evidence.studies["same_patients_as"].notna(), "study_id"]
    assert _refs(register, "table1_same_patients") == set(re_reports)
    assert _refs(register, "appraisal_row") == set(evidence.risk_of_bias["study_id"])
    nos = evidence.risk_of_bias.loc[evidence.risk_of_bias["tool"] == "NOS", "study_id"]
    assert _refs(register, "nos_comparison_items") == set(nos)
    # each Table 1 row is named by its label in the locations of its cells
    table1 = register[register["part"] == TABLE_PARTS["Table 1"]]
    for label in evidence.studies["label"]:
        assert table1["location"].str.contains(f"row {label}", regex=False).any(), label


def test_every_printed_interval_is_in_the_register(evidence, register):
    published = evidence.published_results
    with_interval = set(published.loc[published["ci_low"].notna(), "result_id"])
    named = {ref.split("|", 1)[1] for ref in register["check_ref"] if "|" in ref}
    assert with_interval - named == set()


def test_the_appendix_shows_every_statement_once(evidence, register):
    page = statements.page(evidence)
    covered = [p for parts in statements.PART_TABLES.values() for p in parts]
    assert sorted(covered) == sorted(PARTS)
    assert sum(int(page[f"n_{name}"]) for name in statements.PART_TABLES) == len(register)
    assert list(page.summary.frame["part"]) == [p for p in PARTS if p in set(register["part"])]


def test_a_table_statement_must_name_its_table():
    assert paper_part("x", "Tables and figures", "Table 3, row Fan 2022") == "Tables 2 and 3 (quality appraisal)"
    assert paper_part("x", "Results", "Section 3.3") == "Results"
    with pytest.raises(ValueError, match="statement x: a table or figure statement's location must start with"):
        paper_part("x", "Tables and figures", "Table 7, row Fan 2022")


def test_distinct_findings_on_hand_picked_rows(register):
    # four problems: the population (title and Introduction), the references cited as included studies
    # (two checks joined by same_finding_as), the risk-of-bias ratings (a reading), the death ratio's p
    # (the Results and the Discussion print the same result); one consistent statement
    picked = ["title_pm_dm", "intro_main_object", "conference_abstracts_excluded", "r31_references", "m23_rating",
              "r36_survival", "d_death_rr", "abs_cdasi_overall"]
    subset = register[register["statement_id"].isin(picked)]
    summary = register_summary(subset)
    assert summary.n_statements == 8
    assert summary.by_verdict == {"consistent": 1, "inconsistent": 7, "not checkable": 0}
    assert summary.n_findings_inconsistent == 4


def test_same_finding_as_joins_two_inconsistent_statements_only(evidence, register):
    joined = register.set_index("statement_id")
    assert joined.at["r31_references", "finding"] == joined.at["conference_abstracts_excluded", "finding"]
    # once the named statement is consistent the two are no longer one problem: the join is dropped
    rows = evidence.paper_statements.copy()
    rows.loc[rows["statement_id"] == "r31_references", "same_finding_as"] = "abs_cdasi_overall"
    apart = statement_register(dataclasses.replace(evidence, paper_statements=rows)).set_index("statement_id")
    assert apart.at["r31_references", "finding"] == "counts_vs_tables|references cited for the included studies"
    # a chain or an unknown statement is an error that names the row
    rows.loc[rows["statement_id"] == "r31_references", "same_finding_as"] = "nobody"
    with pytest.raises(ValueError, match="statement r31_references: same_finding_as must name a statement"):
        statement_register(dataclasses.replace(evidence, paper_statements=rows))
    rows.loc[rows["statement_id"] == "r31_references", "same_finding_as"] = "conference_abstracts_excluded"
    rows.loc[rows["statement_id"] == "conference_abstracts_excluded", "same_finding_as"] = "m23_rating"
    with pytest.raises(ValueError, match="statement r31_references: same_finding_as must name a statement"):
        statement_register(dataclasses.replace(evidence, paper_statements=rows))


def test_the_front_page_counts_the_registers_distinct_inconsistencies(evidence, register):
    page = index.page(evidence)
    summary = register_summary(register)
    assert page.n_register_statements == fmt_int(len(register))
    assert page.n_register_findings == fmt_int(summary.n_findings_inconsistent)
    assert page.n_register_inconsistent == fmt_int((register["verdict"] == "inconsistent").sum())
    qmd = (ROOT / "index.qmd").read_text(encoding="utf-8")
    assert "page.n_register_findings" in qmd and "@sec-statements" in qmd


def test_the_front_page_count_follows_the_register(evidence):
    base = int(index.page(evidence).n_register_findings)
    rows = evidence.paper_statements
    # the paper says the same thing again: one more statement, no new finding
    again = rows[rows["statement_id"] == "title_pm_dm"].assign(statement_id="title_again", section="Discussion")
    repeated = dataclasses.replace(evidence, paper_statements=pd.concat([rows, again], ignore_index=True))
    page = index.page(repeated)
    assert int(page.n_register_findings) == base
    assert int(page.n_register_statements) == len(rows) + 1
    # a new problem the data show: Le Voyer 2021's Total cell no longer matches its abstract
    studies = evidence.studies.copy()
    studies.loc[studies["study_id"] == "levoyer2021", "total_n"] = 12
    flipped = rows.copy()
    flipped.loc[flipped["statement_id"] == "t1_levoyer2021_patients", "verdict"] = "inconsistent"
    changed = dataclasses.replace(evidence, studies=studies, paper_statements=flipped)
    register = statement_register(changed)
    row = register.set_index("statement_id").loc["t1_levoyer2021_patients"]
    assert row["code_verdict"] == "inconsistent"
    new = register_summary(register).n_findings_inconsistent
    assert int(index.page(changed).n_register_findings) == new == base + 1


def test_a_table_check_needs_its_study_and_a_known_name(evidence):
    with pytest.raises(ValueError, match="no table check 'table9'"):
        register_check(evidence, "table9:fan2022")
    with pytest.raises(ValueError, match=r"a table check needs ':<study_id>'"):
        register_check(evidence, "table1_patients")
    with pytest.raises(ValueError, match="no such study"):
        register_check(evidence, "table1_patients:nobody2020")
