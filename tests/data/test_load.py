"""The shipped package loads cleanly, partial loads open only what they need, the public API is
pinned, and the derivation helpers compute what a hand calculation gives."""
from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import analysis.data as data_api
from analysis.data import TABLE_NAMES, Evidence, count_and_total_from_percent, count_from_percent, load
from analysis.paths import DATA_DIR, DATAPACKAGE


def test_public_api_is_pinned():
    assert data_api.__all__ == ["load", "Evidence", "TABLE_NAMES", "DataValidationError", "Problem", "RULES",
                                "count_from_percent", "count_and_total_from_percent"]
    problem_fields = [f.name for f in dataclasses.fields(data_api.Problem)]
    assert problem_fields[:6] == ["file", "line", "column", "value", "rule", "hint"]
    assert dataclasses.is_dataclass(Evidence) and Evidence.__dataclass_params__.frozen


def test_evidence_has_one_attribute_per_package_table():
    resources = [r["name"] for r in json.loads(DATAPACKAGE.read_text(encoding="utf-8"))["resources"]]
    assert list(TABLE_NAMES) == resources
    attributes = {f.name for f in dataclasses.fields(Evidence)}
    assert set(resources) <= attributes


def test_shipped_data_loads_cleanly():
    evidence = load()
    assert evidence.tables == TABLE_NAMES
    assert evidence.data_dir == DATA_DIR
    for name in TABLE_NAMES:
        frame = evidence.table(name)
        assert isinstance(frame, pd.DataFrame) and len(frame) > 0
        assert frame.index.name == "line"
    assert str(evidence.outcomes["n"].dtype) == "Int64"
    assert str(evidence.outcomes["sd_before"].dtype) == "float64"
    assert str(evidence.outcomes["pooled_in_paper"].dtype) == "boolean"


def test_shipped_package_is_valid_for_frictionless_itself():
    # the same check `frictionless validate data/datapackage.json` runs, foreign keys included
    import frictionless

    report = frictionless.Package(str(DATAPACKAGE)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_every_field_is_described():
    descriptor = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        assert resource.get("description"), resource["name"]
        for field in resource["schema"]["fields"]:
            assert field.get("description"), (resource["name"], field["name"])


def test_partial_load_opens_only_the_tables_it_needs(data_copy):
    needed = {"outcomes", "published_results", "published_result_studies", "studies", "arms", "sources",
              "outcome_definitions"}
    for name in set(TABLE_NAMES) - needed:
        (data_copy / f"{name}.csv").unlink()  # a load that opened any of these would fail
    evidence = load("outcomes", "published_results", data_dir=data_copy)
    assert set(evidence.tables) == needed
    assert evidence.risk_of_bias is None and evidence.screening is None
    with pytest.raises(ValueError, match="was not loaded"):
        evidence.table("risk_of_bias")


def test_partial_load_ignores_problems_in_other_tables(data_copy):
    (data_copy / "outcomes.csv").write_text("garbage\n", encoding="utf-8")
    assert load("risk_of_bias", data_dir=data_copy).tables == ("sources", "studies", "risk_of_bias")


def test_paper_statements_load_alone_with_their_source(data_copy):
    for name in set(TABLE_NAMES) - {"sources", "paper_statements"}:
        (data_copy / f"{name}.csv").unlink()  # a load that opened any of these would fail
    evidence = load("paper_statements", data_dir=data_copy)
    assert evidence.tables == ("sources", "paper_statements")
    statements = evidence.paper_statements.set_index("statement_id")
    assert (statements["tier"] == "paper").all() and (statements["source_id"] == "ma2024").all()
    assert str(statements["value"].dtype) == "float64"
    # Section 3.5: "only one article ... has UI as the unit"; Methods 2.1 and Section 3.1: 10 patients
    assert statements.loc["ck_ui_one_study", ["subject", "value", "unit"]].tolist() == ["ck.unit.ui", 1.0, "studies"]
    assert statements.loc["letters_min_size", ["value", "unit"]].tolist() == [10.0, "patients"]
    assert statements.loc["small_sample_excluded", ["value", "unit"]].tolist() == [10.0, "patients"]
    # a claim without a number leaves value, unit and meaning empty together
    assert statements.loc["rux_lowest", ["value", "unit", "value_meaning"]].isna().all()


def test_derived_counts_match_hand_calculation():
    outcomes = load("outcomes").outcomes.set_index(["arm_id", "outcome", "time_point", "statistic"])
    # hand: 38.5% of 26 = 10.01 -> 10; 62.9% of 35 = 22.0 -> 22; 65.7% of 35 = 23.0 -> 23;
    # 73.1% of 26 = 19.0 -> 19; 74.3% of 35 = 26.0 -> 26; 23.1% of 26 = 6.0 -> 6; 14.3% of 35 = 5.0 -> 5;
    # 44.0% of 26 = 11.44 (11/26 = 42.3%, 12/26 = 46.2%): no count; 11/25 = 44.0%.
    expected = {
        ("fan2022.tofacitinib", "death", "6 months"): (10, 26),
        ("fan2022.tacrolimus", "death", "6 months"): (22, 35),
        ("fan2022.tofacitinib", "death", "1 year"): (11, 25),
        ("fan2022.tacrolimus", "death", "1 year"): (23, 35),
        ("fan2022.tofacitinib", "any_adverse_event", "not stated"): (19, 26),
        ("fan2022.tacrolimus", "any_adverse_event", "not stated"): (26, 35),
        ("fan2022.tofacitinib", "discontinuation", "not stated"): (6, 26),
        ("fan2022.tacrolimus", "discontinuation", "not stated"): (5, 35),
    }
    for key, (events, total) in expected.items():
        row = outcomes.loc[(*key, "events_total")]
        assert (row["events"], row["total"], row["tier"]) == (events, total, "derived"), key


def test_derived_cells_are_empty_in_the_file():
    raw = pd.read_csv(DATA_DIR / "outcomes.csv", dtype=str, keep_default_na=False)
    derived = raw[raw["tier"] == "derived"]
    recovered = raw[raw["tier"] == "recovered"]
    assert len(derived) == 8 and len(recovered) == 2
    assert (derived[["events", "total"]] == "").all().all()
    assert (recovered[["estimate", "se", "ci_low", "ci_high"]] == "").all().all()


def test_recovered_landon_cardinal_arms_match_hand_calculation():
    evidence = load("outcomes")
    lc = evidence.outcomes[evidence.outcomes["tier"] == "recovered"].set_index("arm_id")
    z = 1.959963984540054
    rux, bar = lc.loc["landoncardinal2023.ruxolitinib"], lc.loc["landoncardinal2023.baricitinib"]
    assert (rux["estimate"], rux["ci_low"], rux["ci_high"]) == (-20.0, -34.9, -5.1)
    assert rux["se"] == pytest.approx((-5.1 + 34.9) / (2 * z), rel=1e-12)  # 7.602
    assert bar["estimate"] == -11.2
    assert bar["se"] == pytest.approx((-0.89 + 21.51) / (2 * z), rel=1e-12)  # 5.260
    assert set(evidence.derivations["method"]) == {"recover_from_ci", "count_from_percent", "count_and_total_from_percent"}
    assert len(evidence.derivations) == 10


@pytest.mark.parametrize(
    ("percent", "n", "events"),
    [("38.5", 26, 10), ("62.9", 35, 22), ("100", 22, 22), ("0", 5, 0), ("50.0", 10, 5), ("87.5", 8, 7)],
)
def test_count_from_percent(percent, n, events):
    result = count_from_percent(percent, n)
    assert (result.events, result.total) == (events, n)


def test_count_from_percent_rejects_what_no_count_reproduces():
    with pytest.raises(ValueError, match="no whole count reproduces it at 1 decimals"):
        count_from_percent("44.0", 26)
    with pytest.raises(ValueError, match="counts"):
        count_from_percent("50", 300)  # 149, 150 and 151 of 300 all print as 50%


def test_count_and_total_from_percent_searches_smaller_totals():
    assert (count_and_total_from_percent("44.0", 26).events, count_and_total_from_percent("44.0", 26).total) == (11, 25)
    assert count_and_total_from_percent("38.5", 26).total == 26
    with pytest.raises(ValueError):
        count_and_total_from_percent("33.3", 2)


def test_readme_documents_every_table_and_field():
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for resource in json.loads(DATAPACKAGE.read_text(encoding="utf-8"))["resources"]:
        section = readme.split(f"### `{resource['path']}`", 1)
        assert len(section) == 2, resource["path"]
        body = section[1].split("\n### ", 1)[0]
        for field in resource["schema"]["fields"]:
            assert f"| `{field['name']}` |" in body, (resource["name"], field["name"])


@given(n=st.integers(min_value=1, max_value=999), data=st.data())
def test_count_from_percent_inverts_one_decimal_rounding(n, data):
    # below 1000 patients, neighbouring counts differ by more than 0.1 percentage points, so a
    # one-decimal percentage determines its count
    k = data.draw(st.integers(min_value=0, max_value=n))
    assert count_from_percent(f"{100 * k / n:.1f}", n).events == k


def test_problem_rendering_without_a_cell():
    problem = data_api.Problem("data/x.csv", 3, None, None, "malformed-csv", "re-save it", "',' expected")
    assert str(problem) == ("data/x.csv, line 3: breaks rule 'malformed-csv': the file must be readable as UTF-8 "
                            "comma-separated values (',' expected); fix: re-save it")


PRINTED_NUMBERS = ("estimate", "ci_low", "ci_high", "i2_pct", "p_heterogeneity", "p_unlabelled")


def test_published_results_keep_the_printed_text_of_their_numbers():
    published = load("published_results").published_results.set_index("result_id")
    # Abstract, Results: ruxolitinib -20.00 (95% CI -34.9 to -5.1); the Discussion prints the same estimate as -20
    rux = published.loc["cdasi.drug.rux.abstract"]
    assert rux["estimate"] == -20.0 and rux["estimate_text"] == "-20.00"
    assert (rux["ci_low_text"], rux["ci_high_text"]) == ("-34.9", "-5.1")
    assert published.at["cdasi.drug.rux.discussion", "estimate_text"] == "-20"
    assert pd.isna(published.at["cdasi.drug.rux.discussion", "ci_low_text"])  # nothing printed stays missing
    for column in PRINTED_NUMBERS:
        assert str(published[f"{column}_text"].dtype) == "str", column


def test_printed_text_equals_the_csv_cells_and_their_values(data_copy):
    # read the file independently of the loader: every cell as written, '' when empty
    import csv

    with open(data_copy / "published_results.csv", newline="", encoding="utf-8") as handle:
        cells = {row["result_id"]: row for row in csv.DictReader(handle)}
    published = load("published_results", data_dir=data_copy).published_results.set_index("result_id")
    assert set(cells) == set(published.index)
    for result_id, row in published.iterrows():
        for column in PRINTED_NUMBERS:
            text, value = row[f"{column}_text"], row[column]
            if cells[result_id][column] == "":
                assert pd.isna(text) and pd.isna(value), (result_id, column)
            else:
                assert text == cells[result_id][column].strip(), (result_id, column)
                assert float(text) == value, (result_id, column)


def test_printed_text_columns_are_derived_not_schema_fields():
    descriptor = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    evidence = load()
    for resource in descriptor["resources"]:
        fields = [f["name"] for f in resource["schema"]["fields"]]
        frame = evidence.table(resource["name"])
        extra = [c for c in frame.columns if c not in fields]
        if resource["name"] == "published_results":
            assert extra == [f"{c}_text" for c in PRINTED_NUMBERS]
            assert not any(f.endswith("_text") for f in fields)
        else:
            assert extra == [], resource["name"]


def test_printed_text_survives_a_partial_load(data_copy):
    needed = {"published_results", "published_result_studies", "studies", "arms", "sources", "outcome_definitions"}
    for name in set(TABLE_NAMES) - needed:
        (data_copy / f"{name}.csv").unlink()  # a load that opened any of these would fail
    evidence = load("published_results", data_dir=data_copy)
    assert set(evidence.tables) <= needed
    assert evidence.published_results["estimate_text"].notna().any()


def test_with_printed_text_rules():
    from analysis.data.printed_text import with_printed_text

    typed = pd.DataFrame({"estimate": [-20.0, None]}, index=pd.Index([2, 3], name="line"))
    text = pd.DataFrame({"estimate": [" -20.00", ""]}, index=typed.index, dtype=object)
    assert with_printed_text("studies", typed, text) is typed  # a table without printed-text columns
    with pytest.raises(ValueError, match="ci_low"):
        with_printed_text("published_results", typed, text)  # the listed columns must exist
    with pytest.raises(ValueError, match="different rows"):
        with_printed_text("published_results", typed, text.iloc[:1])
