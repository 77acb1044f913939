"""The verdict rules on hand-made pairs, and the reproduction table against the data."""
from __future__ import annotations

import math

import pytest

import analysis.domain.reproduction as reproduction
from analysis.domain.reproduction import reproduction_table, verdict_counts
from analysis.domain.regeneration import public_inputs_pool, regenerated_results
from analysis.domain.sensitivity_grid import cached_evidence
from analysis.domain.verdicts import DIFFERS, NO_NUMBER, NOT_REPRODUCIBLE, REPRODUCED, VERDICTS, compare, half_unit

Z = 1.959964


@pytest.fixture(scope="module")
def evidence():
    return cached_evidence()


@pytest.fixture(scope="module")
def table(evidence):
    return reproduction_table(evidence)


def test_api_names_the_audit_helper_imports():
    for name in ("reproduction_table", "verdict_counts", "regenerated_results", "public_inputs_pool", "VERDICTS"):
        assert name in reproduction.__all__
    assert VERDICTS == ("reproduced", "differs", "not reproducible from public inputs", "no number published")


def test_half_unit():
    assert half_unit(2) == pytest.approx(0.005)
    assert half_unit(0) == 0.5
    with pytest.raises(ValueError):
        half_unit(-1)


@pytest.mark.parametrize("regenerated, expected", [
    ((-17.67, -20.94, -14.41), REPRODUCED),          # identical
    ((-17.675, -20.94, -14.41), REPRODUCED),         # exactly half a unit: could print either way
    ((-17.6651, -20.9449, -14.4051), REPRODUCED),    # all just inside (0.0049 away)
    ((-17.6751, -20.94, -14.41), DIFFERS),           # estimate just outside
    ((-17.67, -20.94, -14.4151), DIFFERS),           # upper bound just outside
])
def test_verdict_rounding_boundaries_two_decimals(regenerated, expected):
    assert compare((-17.67, -20.94, -14.41), (2, 2, 2), regenerated).verdict == expected


def test_each_number_uses_its_own_printed_decimals():
    # -20.00 (2 decimals) with bounds -34.9 and -5.1 (1 decimal): bounds tolerate 0.05
    assert compare((-20.0, -34.9, -5.1), (2, 1, 1), (-20.0, -34.94, -5.06)).verdict == REPRODUCED
    assert compare((-20.0, -34.9, -5.1), (2, 1, 1), (-20.006, -34.9, -5.1)).verdict == DIFFERS


def test_differences_and_special_verdicts():
    c = compare((1.0, 0.5, 1.5), (1, 1, 1), (1.2, 0.5, 1.5))
    assert c.verdict == DIFFERS and c.difference == pytest.approx(0.2)
    assert compare((1.0, None, None), (1, None, None), (1.02, 0.0, 9.0)).verdict == REPRODUCED
    assert compare((float("nan"),) * 3, (None,) * 3, (1.0, 0.0, 2.0)).verdict == NO_NUMBER
    assert compare((1.0, 0.5, 1.5), (1, 1, 1), None).verdict == NOT_REPRODUCIBLE


def test_every_published_row_has_one_verdict(evidence, table):
    assert list(table["result_id"]) == list(evidence.published_results["result_id"])
    assert set(table["verdict"]) <= set(VERDICTS)
    counts = verdict_counts(table)
    assert counts["rows"].sum() == len(evidence.published_results)


def test_not_reproducible_rows_name_their_missing_inputs(table):
    rows = table[table["verdict"] == NOT_REPRODUCIBLE]
    assert rows["missing_inputs"].str.len().gt(0).all()
    overall = table.set_index("result_id").loc["cdasi.overall.results"]
    assert "Min 2022" in overall["missing_inputs"] and "Paik 2022" in overall["missing_inputs"]
    regimen = table.set_index("result_id").loc["cdasi.regimen.alone.results"]
    assert "does not say" in regimen["missing_inputs"]


def test_single_arm_subgroups_agree_by_construction(table):
    t = table.set_index("result_id")
    rux = t.loc["cdasi.drug.rux.abstract"]
    assert rux["verdict"] == REPRODUCED and rux["by_construction"]
    assert rux["regenerated_ci_high"] == pytest.approx(-20.0 + Z * 14.9 / Z)
    misprint = t.loc["cdasi.drug.rux.results_s2"]  # printed upper bound +5.1 instead of -5.1
    assert misprint["verdict"] == DIFFERS
    assert misprint["difference_ci_high"] == pytest.approx(-5.1 - 5.1)
    assert not t.loc["cdasi.overall.results", "by_construction"]


def test_figure_only_rows_have_no_number(table):
    t = table.set_index("result_id")
    for rid in ("cdasi.follow_up.3.results", "sensitivity.leave_one_out.results"):
        assert t.loc[rid, "verdict"] == NO_NUMBER
    # the 3-month subgroup holds exactly the public arms: regenerated, but nothing to compare
    assert not math.isnan(t.loc["cdasi.follow_up.3.results", "regenerated_estimate"])


def test_public_pool_by_hand(evidence):
    pool = public_inputs_pool(evidence, "cdasi_activity").result
    # DL with tau² = 0 here (Q below its df), so fixed-effect inverse-variance weights
    v = [14.9 ** 2 / Z ** 2, 10.31 ** 2 / Z ** 2, 17.851]
    y = [-20.0, -11.2, -18.5]
    w = [1 / x for x in v]
    mu = sum(a * b for a, b in zip(w, y)) / sum(w)
    assert pool.tau2 == 0
    assert pool.estimate == pytest.approx(mu, rel=1e-6)
    assert pool.se == pytest.approx(math.sqrt(1 / sum(w)), rel=1e-6)
    assert "partial" in public_inputs_pool(evidence, "cdasi_activity").title
    assert set(regenerated_results(evidence)) == {"cdasi.drug.rux", "cdasi.drug.bar", "cdasi.follow_up.3"}
