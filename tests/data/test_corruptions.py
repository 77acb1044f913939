"""Each rule, broken once in a copy of the data, is reported with the exact file, line, column
and rule; several breaks at once are all reported in one error."""
from __future__ import annotations

import csv

import pytest

from analysis.data import DataValidationError, load
from tests.data.conftest import line_of, problems_of, read_rows, set_cell, write_rows

PAIK_CDASI = "paik2021,paik2021.tofacitinib,cdasi_activity,"
PAIK_IMACS = "paik2021,paik2021.tofacitinib,imacs_improvement,"
FAN_DEATH_6M = "fan2022,fan2022.tofacitinib,death,6 months,"


def only_problem(data_dir, *tables):
    with pytest.raises(DataValidationError) as excinfo:
        load(*tables, data_dir=data_dir)
    found = problems_of(excinfo)
    assert len(found) == 1, str(excinfo.value)
    return found[0], excinfo.value.problems[0]


@pytest.mark.parametrize(
    "case",
    [
        ("outcomes", PAIK_CDASI, "mean_before", "28a", "wrong-type"),
        ("outcomes", PAIK_CDASI, "sd_before", "-15.4", "sd-non-negative"),
        ("outcomes", PAIK_IMACS, "events", "11", "events-within-total"),
        ("outcomes", PAIK_CDASI, "source_id", "", "value-needs-source"),
        ("outcomes", FAN_DEATH_6M, "percent", "38.0", "percent-matches-no-count"),
        ("outcomes", PAIK_CDASI, "n", "0", "n-positive"),
        ("outcomes", PAIK_CDASI, "p_value", "5", "p-value-range"),
        ("outcomes", PAIK_CDASI, "tier", "secondary", "tier-source-mismatch"),
        ("outcomes", PAIK_CDASI, "statistic", "mean_change_sd", "statistic-incomplete", "estimate"),
        ("outcomes", FAN_DEATH_6M, "events", "10", "computed-value-typed-in"),
        ("outcomes", FAN_DEATH_6M, "formula_inputs", "percent", "derived-needs-formula"),
        ("outcomes", "paik2022,paik2022.tofacitinib,cdasi_activity,", "mean_before", "30", "missing-has-values"),
        ("outcomes", "landoncardinal2023,landoncardinal2023.ruxolitinib,", "recovered_from", "cdasi.drug.tof.abstract",
         "recovered-not-single-study"),
        ("outcomes", "landoncardinal2023,landoncardinal2023.ruxolitinib,", "recovered_from", "cdasi.drug.rux.results_s2",
         "recovered-interval-asymmetric"),
        ("outcomes", "landoncardinal2023,landoncardinal2023.ruxolitinib,", "recovered_from", "",
         "recovered-needs-result"),
        ("outcomes", "landoncardinal2023,landoncardinal2023.ruxolitinib,", "se", "7.6", "computed-value-typed-in"),
        ("outcomes", PAIK_CDASI, "outcome", "cdasi", "allowed-values"),
        ("studies", "min2022,", "publication_type", "letter_to_the_editor", "allowed-values"),
        ("excluded_reports", "campar2022,", "publication_type", "abstract", "allowed-values"),
        ("published_results", "cdasi.overall.results,", "ci_low", "-14.00", "ci-order"),
        ("published_results", "cdasi.follow_up.3.results,", "estimate", "-20", "status-mismatch"),
        ("published_results", "cdasi.follow_up.3.results,", "subgroup_level", "3 months", "subgroup-level-number"),
        ("risk_of_bias", "levoyer2021,", "study_id", "levoyer2020", "unknown-reference"),
        ("risk_of_bias", "min2022,", "nos_i", "1", "tool-items-mismatch"),
        ("risk_of_bias", "min2022,", "jbi_q1", "3", "out-of-range"),
        ("adverse_events", "all.hsv.abstract,", "study_id", "min2022", "scope-mismatch"),
        ("study_facts", "paik2021.design,", "study_id", "paik2020", "unknown-reference"),
        ("published_result_studies", "death.rr,chen2019.control,", "study_id", "fan2022", "arm-of-other-study", "arm_id"),
        ("screening", "records_identified,", "count", "296.5", "wrong-type"),
        ("paper_statements", "ck_ui_one_study,", "source_id", "ma2025", "unknown-reference"),
        ("paper_statements", "letters_min_size,", "value", "ten", "wrong-type"),
        ("paper_statements", "letters_min_size,", "unit", "", "statement-value-incomplete"),
        ("paper_statements", "rux_lowest,", "value", "3", "statement-value-incomplete", "unit"),
        ("paper_statements", "ck_ui_one_study,", "subject", "ck.unit.iu", "statement-subject-unknown"),
        ("paper_statements", "ck_ui_one_study,", "source_id", "paik2021_abstract", "tier-source-mismatch", "tier"),
    ],
)
def test_one_broken_cell_is_reported_exactly(data_copy, case):
    table, row, column, value, rule, *reported = case
    line = set_cell(data_copy, table, row, column, value)
    where, found = only_problem(data_copy)
    assert where == (f"{table}.csv", line, reported[0] if reported else column, rule)
    assert found.hint and "\n" not in found.hint


def test_count_within_arm_points_at_the_count(data_copy):
    # the outcomes row counts 10 of 10; shrinking the arm to 9 makes the count exceed it
    set_cell(data_copy, "arms", "paik2021.tofacitinib,", "n", "9")
    with pytest.raises(DataValidationError) as excinfo:
        load(data_dir=data_copy)
    cdasi = line_of(data_copy / "outcomes.csv", PAIK_CDASI)
    assert ("outcomes.csv", cdasi, "n", "count-within-arm") in problems_of(excinfo)
    assert {p.rule for p in excinfo.value.problems} == {"count-within-arm"}


def test_subset_exceeding_parent_points_at_the_parent(data_copy):
    set_cell(data_copy, "arms", "levoyer2021.ruxolitinib,", "n", "8")
    parent = line_of(data_copy / "arms.csv", "levoyer2021.all,")
    (where, _) = only_problem(data_copy)
    assert where == ("arms.csv", parent, "n", "subset-exceeds-parent")


def test_inverted_interval(data_copy):
    path = data_copy / "published_results.csv"
    line = line_of(path, "fvc.overall.results,")
    rows = read_rows(path)
    header = rows[0]
    low, high = header.index("ci_low"), header.index("ci_high")
    rows[line - 1][low], rows[line - 1][high] = rows[line - 1][high], rows[line - 1][low]
    write_rows(path, rows)
    where, found = only_problem(data_copy)
    assert where == ("published_results.csv", line, "ci_low", "ci-order")


def test_duplicate_key(data_copy):
    line = set_cell(data_copy, "risk_of_bias", "paik2022,", "study_id", "paik2021")
    where, found = only_problem(data_copy)
    assert where == ("risk_of_bias.csv", line, "study_id", "duplicate-key")
    assert found.value == "paik2021"


def test_duplicate_statement_id(data_copy):
    # the later of the two rows is the duplicate (the register is in the paper's order: Abstract first)
    line = set_cell(data_copy, "paper_statements", "rux_least_noticeable,", "statement_id", "rux_lowest")
    where, found = only_problem(data_copy, "paper_statements")
    assert where == ("paper_statements.csv", line, "statement_id", "duplicate-key")
    assert found.value == "rux_lowest"


def test_three_statement_breaks_are_reported_together(data_copy):
    expected = {
        ("paper_statements.csv", set_cell(data_copy, "paper_statements", "ck_ui_one_study,", "source_id", "nobody"),
         "source_id", "unknown-reference"),
        ("paper_statements.csv", set_cell(data_copy, "paper_statements", "combination_better,", "statement_id",
                                          "rux_lowest"), "statement_id", "duplicate-key"),
        ("paper_statements.csv", set_cell(data_copy, "paper_statements", "small_sample_excluded,", "value", "10 pts"),
         "value", "wrong-type"),
    }
    with pytest.raises(DataValidationError) as excinfo:
        load(data_dir=data_copy)
    assert set(problems_of(excinfo)) == expected


def test_statements_alone_skip_the_subject_check_that_needs_published_results(data_copy):
    # a partial load cannot know the result keys; the full load reports the unknown subject
    line = set_cell(data_copy, "paper_statements", "ck_ui_one_study,", "subject", "ck.unit.iu")
    assert load("paper_statements", data_dir=data_copy).tables == ("sources", "paper_statements")
    where, _ = only_problem(data_copy, "paper_statements", "published_results")
    assert where == ("paper_statements.csv", line, "subject", "statement-subject-unknown")


def test_unknown_study_id_in_outcomes(data_copy):
    line = set_cell(data_copy, "outcomes", PAIK_CDASI, "study_id", "paik2020")
    with pytest.raises(DataValidationError) as excinfo:
        load(data_dir=data_copy)
    assert ("outcomes.csv", line, "study_id", "unknown-reference") in problems_of(excinfo)


def test_missing_column_is_one_problem(data_copy):
    path = data_copy / "outcomes.csv"
    rows = read_rows(path)
    drop = rows[0].index("sd_after")
    write_rows(path, [r[:drop] + r[drop + 1:] for r in rows])
    where, _ = only_problem(data_copy)
    assert where == ("outcomes.csv", 1, "sd_after", "missing-column")


def test_extra_column(data_copy):
    path = data_copy / "screening.csv"
    rows = read_rows(path)
    write_rows(path, [r + (["comment"] if i == 0 else [""]) for i, r in enumerate(rows)])
    where, _ = only_problem(data_copy)
    assert where == ("screening.csv", 1, "comment", "extra-column")


def test_stray_quote_is_malformed_csv(data_copy):
    path = data_copy / "screening.csv"
    line = line_of(path, "studies_included,")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = '"' + lines[line - 1]  # the quote closes inside the line, leaving garbage after it
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataValidationError) as excinfo:
        load("screening", data_dir=data_copy)
    found = problems_of(excinfo)
    assert ("screening.csv", line, None, "malformed-csv") in found
    assert {(f[0], f[1]) for f in found} == {("screening.csv", line)}


def test_quote_never_closed_is_reported_where_it_opens(data_copy):
    path = data_copy / "screening.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.append('late_step,A step added last,1,"paper,Section 3.1,\n')  # the quote before paper never closes
    line = len(lines)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataValidationError) as excinfo:
        load("screening", data_dir=data_copy)
    found = problems_of(excinfo)
    assert ("screening.csv", line, None, "malformed-csv") in found
    assert ("screening.csv", line, "tier", "line-break-in-cell") in found


def test_row_with_too_many_cells(data_copy):
    path = data_copy / "screening.csv"
    line = line_of(path, "databases_searched,")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = lines[line - 1].rstrip("\n") + ",surplus\n"
    path.write_text("".join(lines), encoding="utf-8")
    where, found = only_problem(data_copy, "screening")
    assert where[:2] == ("screening.csv", line) and where[3] == "extra-cell"
    assert found.value == "surplus"


def test_several_problems_in_several_files_are_reported_together(data_copy):
    expected = {
        ("outcomes.csv", set_cell(data_copy, "outcomes", PAIK_CDASI, "sd_before", "-15.4"), "sd_before", "sd-non-negative"),
        ("outcomes.csv", set_cell(data_copy, "outcomes", PAIK_IMACS, "events", "11"), "events", "events-within-total"),
        ("outcomes.csv", set_cell(data_copy, "outcomes", FAN_DEATH_6M, "percent", "38.0"), "percent", "percent-matches-no-count"),
        ("published_results.csv", set_cell(data_copy, "published_results", "mmt.overall.results,", "i2_pct", "high"),
         "i2_pct", "wrong-type"),
        ("risk_of_bias.csv", set_cell(data_copy, "risk_of_bias", "levoyer2021,", "study_id", "levoyer2020"),
         "study_id", "unknown-reference"),
        ("adverse_events.csv", set_cell(data_copy, "adverse_events", "min2022.hsv,", "source_id", ""),
         "source_id", "value-needs-source"),
    }
    with pytest.raises(DataValidationError) as excinfo:
        load(data_dir=data_copy)
    assert set(problems_of(excinfo)) == expected
    report = str(excinfo.value)
    assert report.startswith("6 data problems")
    assert all(f"line {line}, column {column}" in report for _, line, column, _ in expected)


def test_problem_message_names_file_line_column_value_rule_and_fix(data_copy):
    line = set_cell(data_copy, "outcomes", PAIK_CDASI, "sd_before", "-3")
    with pytest.raises(DataValidationError) as excinfo:
        load(data_dir=data_copy)
    (message,) = [str(p) for p in excinfo.value.problems]
    assert message.startswith(f"{data_copy / 'outcomes.csv'}, line {line}, column sd_before: value '-3' "
                              "breaks rule 'sd-non-negative': an SD or standard error cannot be negative")
    assert "; fix: " in message


def test_missing_data_file(data_copy):
    (data_copy / "arms.csv").unlink()
    with pytest.raises(DataValidationError) as excinfo:
        load("arms", data_dir=data_copy)
    (problem,) = excinfo.value.problems
    assert (problem.rule, problem.file) == ("file-missing", str(data_copy / "arms.csv"))
    assert "restore the file" in str(excinfo.value)


def test_missing_datapackage(data_copy):
    (data_copy / "datapackage.json").unlink()
    with pytest.raises(DataValidationError) as excinfo:
        load(data_dir=data_copy)
    (problem,) = excinfo.value.problems
    assert problem.rule == "datapackage-missing"
    assert "datapackage.json" in str(excinfo.value) and "data_dir=" in str(excinfo.value)


def test_broken_datapackage_json(data_copy):
    (data_copy / "datapackage.json").write_text('{"resources": [', encoding="utf-8")
    with pytest.raises(DataValidationError) as excinfo:
        load(data_dir=data_copy)
    assert [p.rule for p in excinfo.value.problems] == ["datapackage-invalid"]


def test_unknown_table_name_lists_valid_names():
    with pytest.raises(ValueError, match="valid names: sources, studies, arms"):
        load("outcome")


def test_csv_module_reads_the_corrupted_copy_back(data_copy):
    # guard for the helpers: an edit changes exactly one cell and keeps every other line
    before = (data_copy / "outcomes.csv").read_text(encoding="utf-8").splitlines()
    line = set_cell(data_copy, "outcomes", PAIK_CDASI, "sd_before", "-3")
    after = (data_copy / "outcomes.csv").read_text(encoding="utf-8").splitlines()
    assert [i for i, (a, b) in enumerate(zip(before, after), 1) if a != b] == [line]
    assert list(csv.reader([after[line - 1]]))[0][8] == "-3"
