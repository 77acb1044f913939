"""Input that is not plain, finite, comma-separated UTF-8 data, broken once in a copy of the
package: each case is one DataValidationError whose message names the file, the line, the
column (where there is one), the value, the rule and a fix; never an accepted value, a silent
coercion or a raw traceback. Problems of other files are reported in the same error."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.data import TABLE_NAMES, DataValidationError, load
from tests.data.conftest import line_of, read_rows, set_cell, write_rows

PAIK_CDASI = "paik2021,paik2021.tofacitinib,cdasi_activity,"
SCREENING_HEADER = "step_id,description,count,tier,location,note"


def failure(data_dir, *tables) -> DataValidationError:
    with pytest.raises(DataValidationError) as excinfo:
        load(*tables, data_dir=data_dir)
    return excinfo.value


def reported(error: DataValidationError, file: str, line: int | None, column: str | None, rule: str):
    """The one problem at (file, line, column, rule); its message must say where, what and how to fix."""
    found = [p for p in error.problems if (Path(p.file).name, p.line, p.column, p.rule) == (file, line, column, rule)]
    assert len(found) == 1, f"expected {file}, line {line}, column {column}, rule {rule} in:\n{error}"
    message = str(found[0])
    where = file if line is None else f"{file}, line {line}"
    where += f", column {column}:" if column else ":"
    assert where in message, message
    assert f"breaks rule '{rule}'" in message and message.partition("; fix: ")[2].strip(), message
    assert "\n" not in message
    return found[0]


def problems_of_error(error: DataValidationError) -> list[tuple[str, int | None, str | None, str]]:
    return [(Path(p.file).name, p.line, p.column, p.rule) for p in error.problems]


def only(error: DataValidationError, file: str, line: int | None, column: str | None, rule: str):
    assert len(error.problems) == 1, str(error)
    return reported(error, file, line, column, rule)


# 1. numbers that are not finite, not representable, or not written plainly

@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [
        ("mean_before", "NaN", "non-finite-number"),
        ("mean_before", "nan", "non-finite-number"),
        ("mean_before", "inf", "non-finite-number"),
        ("mean_before", "-inf", "non-finite-number"),
        ("mean_before", "Infinity", "non-finite-number"),
        ("mean_before", "1e400", "non-finite-number"),
        ("sd_before", "nan", "non-finite-number"),  # not "below the minimum 0": the value is no number
        ("n", "inf", "non-finite-number"),  # an integer column too
        ("mean_before", "1e-400", "number-not-representable"),  # would become 0
        ("n", "99999999999999999999999", "number-not-representable"),
        ("mean_before", "1_000", "number-format"),  # Python reads it as 1000; pandas made it NaN
        ("n", "\uff11\uff10", "number-format"),  # full-width digits
    ],
)
def test_a_number_that_is_not_a_plain_finite_value_is_rejected(data_copy, column, value, rule):
    line = set_cell(data_copy, "outcomes", PAIK_CDASI, column, value)
    found = only(failure(data_copy), "outcomes.csv", line, column, rule)
    assert found.value == value


def test_non_finite_numbers_in_several_files_are_reported_together(data_copy):
    expected = {
        ("outcomes.csv", set_cell(data_copy, "outcomes", PAIK_CDASI, "mean_after", "NaN"), "mean_after", "non-finite-number"),
        ("published_results.csv", set_cell(data_copy, "published_results", "cdasi.overall.results,", "i2_pct", "inf"),
         "i2_pct", "non-finite-number"),
        ("studies.csv", set_cell(data_copy, "studies", "min2022,", "mean_age_years", "1e400"), "mean_age_years",
         "non-finite-number"),
        ("risk_of_bias.csv", set_cell(data_copy, "risk_of_bias", "levoyer2021,", "study_id", "levoyer2020"), "study_id",
         "unknown-reference"),
    }
    assert set(problems_of_error(failure(data_copy))) == expected


# 2. values the statistics engine needs positive, wider than 0 or in order

@pytest.mark.parametrize("column", ["sd_before", "sd_after", "sd_change", "se"])
def test_a_zero_sd_or_se_is_rejected(data_copy, column):
    line = set_cell(data_copy, "outcomes", PAIK_CDASI, column, "0")
    found = only(failure(data_copy), "outcomes.csv", line, column, "spread-positive")
    assert found.value == "0"


def test_a_zero_sd_is_rejected_however_it_is_written(data_copy):
    line = set_cell(data_copy, "outcomes", PAIK_CDASI, "sd_after", "0.000")
    assert only(failure(data_copy), "outcomes.csv", line, "sd_after", "spread-positive").value == "0.000"


def test_a_zero_width_interval_is_rejected(data_copy):
    path = data_copy / "outcomes.csv"
    line = _hazard_ratio_line(path)
    rows = read_rows(path)
    header = rows[0]
    for column in ("estimate", "ci_low", "ci_high"):
        rows[line - 1][header.index(column)] = "0.5"
    write_rows(path, rows)
    only(failure(data_copy), "outcomes.csv", line, "ci_high", "interval-zero-width")


@pytest.mark.parametrize(("column", "value"), [("ci_low", "0"), ("ci_low", "-0.2")])
def test_a_hazard_ratio_interval_must_be_above_zero(data_copy, column, value):
    path = data_copy / "outcomes.csv"
    line = _hazard_ratio_line(path)
    rows = read_rows(path)
    rows[line - 1][rows[0].index(column)] = value
    write_rows(path, rows)
    only(failure(data_copy), "outcomes.csv", line, column, "ratio-positive")


@pytest.mark.parametrize(
    ("cells", "column", "rule"),
    [
        ({"low_before": "10", "median_before": "20", "high_before": "30", "low_after": "25", "median_after": "5",
          "high_after": "30"}, "low_after", "range-order"),
        ({"low_before": "10", "median_before": "10", "high_before": "10", "low_after": "1", "median_after": "5",
          "high_after": "30"}, "high_before", "interval-zero-width"),
    ],
)
def test_a_median_range_must_be_ordered_and_wider_than_zero(data_copy, cells, column, rule):
    line = set_cell(data_copy, "outcomes", PAIK_CDASI, "statistic", "median_iqr_before_after")
    for name in ("mean_before", "sd_before", "mean_after", "sd_after"):
        set_cell(data_copy, "outcomes", PAIK_CDASI, name, "")
    for name, value in cells.items():
        set_cell(data_copy, "outcomes", PAIK_CDASI, name, value)
    only(failure(data_copy), "outcomes.csv", line, column, rule)


def _hazard_ratio_line(path: Path) -> int:
    rows = read_rows(path)
    statistic = rows[0].index("statistic")
    (line,) = [i for i, row in enumerate(rows, 1) if i > 1 and row[statistic] == "hazard_ratio_ci"]
    return line


# 3. tables without rows

@pytest.mark.parametrize("table", TABLE_NAMES)
def test_a_table_with_a_header_only_is_rejected_by_name(data_copy, table):
    path = data_copy / f"{table}.csv"
    path.write_text(path.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    error = failure(data_copy, table)
    found = reported(error, f"{table}.csv", 2, None, "table-empty")
    assert f"table {table!r} has a header but no rows" in str(found)


def test_an_empty_file_is_one_problem_naming_the_table(data_copy):
    (data_copy / "outcomes.csv").write_bytes(b"")
    found = only(failure(data_copy, "outcomes"), "outcomes.csv", 1, None, "table-empty")
    assert "the file of table 'outcomes' is empty" in str(found)


def test_an_empty_table_is_reported_with_the_problems_of_other_tables(data_copy):
    path = data_copy / "screening.csv"
    path.write_text(SCREENING_HEADER + "\n", encoding="utf-8")
    line = set_cell(data_copy, "studies", "min2022,", "year", "2O22")
    error = failure(data_copy)
    assert set(problems_of_error(error)) == {("screening.csv", 2, None, "table-empty"),
                                              ("studies.csv", line, "year", "wrong-type")}


# 4. files that are not plain comma-separated UTF-8 with one header

def test_a_byte_order_mark_is_named_and_the_rest_is_still_checked(data_copy):
    path = data_copy / "screening.csv"
    line = set_cell(data_copy, "screening", "records_identified,", "count", "many")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    error = failure(data_copy, "screening")
    found = reported(error, "screening.csv", 1, None, "byte-order-mark")
    assert "starts with a byte-order mark; save as UTF-8 without BOM" in str(found)
    reported(error, "screening.csv", line, "count", "wrong-type")  # the same pass goes on past the mark
    assert len(error.problems) == 2


def test_a_byte_order_mark_alone_is_one_problem(data_copy):
    path = data_copy / "arms.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    only(failure(data_copy, "arms"), "arms.csv", 1, None, "byte-order-mark")


@pytest.mark.parametrize(("delimiter", "named"), [(";", "semicolon ';'"), ("\t", "tab"), ("|", "vertical bar '|'")])
def test_another_delimiter_is_named(data_copy, delimiter, named):
    path = data_copy / "screening.csv"
    rows = read_rows(path)
    path.write_text("\n".join(delimiter.join(row) for row in rows) + "\n", encoding="utf-8")
    found = only(failure(data_copy, "screening"), "screening.csv", 1, None, "wrong-delimiter")
    assert f"no comma but 5 {named} delimiter(s)" in str(found)


def test_a_repeated_header_name_names_the_column_and_its_positions(data_copy):
    path = data_copy / "screening.csv"
    rows = read_rows(path)
    rows[0][4] = "tier"  # location -> a second tier
    write_rows(path, rows)
    error = failure(data_copy, "screening")
    found = reported(error, "screening.csv", 1, "tier", "duplicate-column")
    assert "header cells 4 and 5 are both named 'tier'" in str(found)
    reported(error, "screening.csv", 1, "location", "missing-column")


def test_not_utf8_names_the_line_the_column_and_the_byte(data_copy):
    path = data_copy / "screening.csv"
    line = set_cell(data_copy, "screening", "records_identified,", "description", "Records identified (\u00e9)")
    path.write_bytes(path.read_bytes().replace("\u00e9".encode("utf-8"), b"\xe9"))  # Latin-1 e-acute
    found = only(failure(data_copy, "screening"), "screening.csv", line, "description", "not-utf8")
    assert "byte E9" in str(found) and "Latin-1" in str(found)


def test_a_utf16_file_is_named(data_copy):
    path = data_copy / "screening.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    found = only(failure(data_copy, "screening"), "screening.csv", 1, None, "not-utf8")
    assert "UTF-16" in str(found)


# 5. resource paths outside data/

@pytest.mark.parametrize("outside", ["../secret.csv", "/etc/passwd", "sub/../../secret.csv"])
def test_a_resource_path_outside_the_data_folder_is_rejected(data_copy, outside):
    (data_copy.parent / "secret.csv").write_text(SCREENING_HEADER + "\nsecret,x,1,paper,,\n", encoding="utf-8")
    descriptor = data_copy / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    next(r for r in package["resources"] if r["name"] == "screening")["path"] = outside
    descriptor.write_text(json.dumps(package, indent=2), encoding="utf-8")
    line = line_of(descriptor, f'      "path": {json.dumps(outside)},')
    studies = set_cell(data_copy, "studies", "min2022,", "year", "2O22")
    error = failure(data_copy)
    found = reported(error, "datapackage.json", line, "path", "resource-path-outside")
    assert found.value == outside and "resource 'screening' points outside data/" in str(found)
    reported(error, "studies.csv", studies, "year", "wrong-type")  # the other tables are still checked
    assert len(error.problems) == 2


def test_a_symlink_out_of_the_data_folder_is_rejected(data_copy):
    target = data_copy.parent / "outside.csv"
    target.write_bytes((data_copy / "screening.csv").read_bytes())
    (data_copy / "screening.csv").unlink()
    (data_copy / "screening.csv").symlink_to(target)
    found = only(failure(data_copy, "screening"), "datapackage.json", line_of(data_copy / "datapackage.json",
                 '      "path": "screening.csv",'), "path", "resource-path-outside")
    assert "a link out of the folder" in str(found)


# 6. other malformed input that used to raise a raw exception or pass

def test_a_nul_byte_in_a_cell_is_rejected(data_copy):
    line = set_cell(data_copy, "screening", "records_identified,", "description", "Records\x00identified")
    found = only(failure(data_copy, "screening"), "screening.csv", line, "description", "control-character")
    assert "NUL (U+0000) at character 8 of the cell" in str(found)


def test_a_ragged_row_names_its_line_and_column(data_copy):
    path = data_copy / "screening.csv"
    line = line_of(path, "records_identified,")
    rows = read_rows(path)
    rows[line - 1] = rows[line - 1][:3]
    write_rows(path, rows)
    error = failure(data_copy, "screening")
    assert {p.line for p in error.problems} == {line}
    for column in ("tier", "location", "note"):
        reported(error, "screening.csv", line, column, "missing-cell")


def test_blank_rows_only_are_blank_rows_and_an_empty_table_not_repeated_keys(data_copy):
    (data_copy / "screening.csv").write_text(SCREENING_HEADER + "\n\n\n", encoding="utf-8")
    error = failure(data_copy, "screening")
    assert sorted(problems_of_error(error)) == [("screening.csv", 2, None, "blank-row"),
                                                ("screening.csv", 2, None, "table-empty"),
                                                ("screening.csv", 3, None, "blank-row")]


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda r, p: r["schema"]["fields"][2].update(type="numbr"), 'field type "numbr" is not supported'),
        (lambda r, p: r["schema"]["fields"][2].update(constraints={"minimum": "x"}), "resource 'screening'"),
        (lambda r, p: r["schema"]["fields"].append({"type": "string"}), "every field needs a name"),
        (lambda r, p: r.update(path=["a.csv", "b.csv"]), "one file name as a string"),
        (lambda r, p: p["resources"].append(dict(r)), "2 resources are named 'screening'"),
        (lambda r, p: r.update({"x-requires": ["nope"]}), "refers to resource 'nope'"),
    ],
    ids=["unknown-type", "bad-constraint", "field-without-name", "path-list", "repeated-resource", "unknown-requires"],
)
def test_a_broken_descriptor_is_a_validation_error_naming_datapackage_json(data_copy, edit, says):
    descriptor = data_copy / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    edit(next(r for r in package["resources"] if r["name"] == "screening"), package)
    descriptor.write_text(json.dumps(package, indent=2), encoding="utf-8")
    error = failure(data_copy, "screening")
    assert [Path(p.file).name for p in error.problems] == ["datapackage.json"], str(error)
    assert says in str(error)
