"""The front page's numbers, against the paper's own statements (published reference values)."""
import pytest

from analysis.audit.consistency import checks_table, run_all_checks
from analysis.domain.reproduction import reproduction_table
from analysis.domain.outcomes import headline_keys, outcome_registry
from analysis.audit.findings import BY_CONSTRUCTION_LABEL, evidence_base, findings, headline_table


def test_evidence_base_matches_table_1_and_the_text(evidence):
    base = evidence_base(evidence)
    assert base.n_reports == 7  # "7 publications" (Abstract; Section 3.1)
    assert base.n_patients_stated == 91  # "a total of 91 patients" (Abstract)
    assert base.n_patients_table1 == 26 + 18 + 16 + 11 + 10 + 10 + 10  # Table 1, last column
    assert base.n_reports_same_patients == 1 and base.n_patients_same_patients == 10  # Paik 2022 re-reports Paik 2021
    assert base.patients_difference == base.n_patients_same_patients
    assert base.designs["reports"].sum() == base.n_reports


def test_headline_table_shows_the_abstracts_numbers(evidence):
    keys = headline_keys(evidence)
    table = headline_table(reproduction_table(evidence), outcome_registry(evidence), keys)
    # the results the abstract headlines, in its reading order
    assert keys == ("cdasi.overall", "cdasi.drug.rux", "cdasi.drug.tof", "cdasi.drug.bar", "cdasi.regimen.alone",
                    "cdasi.regimen.combination", "mmt.overall", "ck.unit.u", "ck.unit.ui", "death.rr", "fvc.overall")
    assert len(table) == len(keys)
    published = dict(zip(table["analysis"] + "|" + table["outcome"], table["published"]))
    # Abstract: "the CDASI decreased by 17.67 (95% CI: -20.94 ~ -14.41)"; "MMT increased by 10.31 (95% CI: -2.83 ~ 23.46)"
    assert published["overall|CDASI activity"] == "-17.67 (95% CI -20.94 to -14.41)"
    assert published["overall|Manual muscle testing (MMT)"] == "10.31 (95% CI -2.83 to 23.46)"
    # Abstract: "RUX ... [-20.00 (95% CI: -34.9 ~ -5.1)]": the abstract's bound, not the Results' typo (+5.1)
    # printed digits, never more (issue #14): the abstract prints -34.9 and -5.1, not -34.90 and -5.10
    assert published["drug: ruxolitinib|CDASI activity"] == "-20.00 (95% CI -34.9 to -5.1)"
    assert set(table["verdict"]) <= {"reproduced", "differs", "not reproducible from public inputs",
                                     "no number published", BY_CONSTRUCTION_LABEL}
    # a row regenerated from an input recovered from that very result is never labelled a success
    reproduction = reproduction_table(evidence)
    by_construction = reproduction[reproduction["by_construction"]]
    assert not any(table["verdict"].str.startswith("reproduced (by construction)"))
    assert (table["verdict"] == BY_CONSTRUCTION_LABEL).sum() == by_construction[
        by_construction["result_key"].isin(keys)].drop_duplicates("result_key").shape[0]


def test_findings_count_every_statement_once(evidence):
    reproduction = reproduction_table(evidence)
    found = findings(reproduction, checks_table(run_all_checks(evidence)))
    assert found.n_statements == len(evidence.published_results)
    assert sum(found.verdicts.values()) == found.n_statements
    assert found.n_by_construction <= found.count("reproduced") + found.count("differs")
    assert 0 <= found.n_checks_inconsistent <= found.n_checks


def test_unknown_headline_key_is_a_clear_error(evidence):
    with pytest.raises(ValueError, match="no published result with result_key 'nope'"):
        headline_table(reproduction_table(evidence), outcome_registry(evidence), keys=("nope",))


def test_a_headline_result_the_paper_does_not_have_is_named(evidence):
    import dataclasses

    definitions = evidence.outcome_definitions.copy()
    definitions.loc[definitions.index[0], "headline_results"] = "cdasi.overall; cdasi.nope"
    with pytest.raises(ValueError, match=r"lacks: \['cdasi.nope'\]"):
        headline_keys(dataclasses.replace(evidence, outcome_definitions=definitions))
