"""The consistency checks on the real data: the statuses expected from reading the paper.

Each expectation was found by reading the paper (Ma et al. 2024) and computing by hand; the
source of each is in the test's comment.
"""
from __future__ import annotations

import pytest

import analysis.audit.consistency as consistency
from analysis.audit.consistency import checks_table, details_for_display, run_all_checks


@pytest.fixture(scope="module")
def results(evidence):
    return {r.check_id: r for r in run_all_checks(evidence)}


def _status(result, key_column, key):
    details = result.details.set_index(key_column)
    return details.at[key, "status"]


def test_public_api_is_pinned():
    assert set(consistency.__all__) >= {"CheckResult", "run_all_checks", "checks_table", "STATUSES"}
    for name in consistency.__all__:
        assert hasattr(consistency, name)


def test_all_eight_checks_run_and_tabulate(results):
    assert list(results) == ["ci_symmetry", "p_vs_ci", "heterogeneity_k", "subgroups_vs_overall", "counts_vs_tables",
                             "text_vs_tables", "measure_names", "eligibility"]
    table = checks_table(results.values())
    assert len(table) == 8
    assert set(table["status"]) <= {"consistent", "inconsistent", "cannot check"}
    for r in results.values():
        assert r.tested.endswith(".") and r.finding.endswith(".")
        frame, labels = details_for_display(r)
        assert set(frame.columns) <= set(labels)


def test_fvc_discussion_interval_flagged_results_interval_not(results):
    # Section 3.6: 3.11 (0.61 ~ 5.61), symmetric; Discussion: 3.11 (0.61 ~ 6.61), 2.5 below vs 3.5 above.
    check = results["ci_symmetry"]
    assert _status(check, "result_id", "fvc.overall.results") == "consistent"
    assert _status(check, "result_id", "fvc.overall.discussion") == "inconsistent"
    # Section 3.3 prints the ruxolitinib upper bound once as 5.1 and once as -5.1.
    assert _status(check, "result_id", "cdasi.drug.rux.results_s2") == "inconsistent"
    assert _status(check, "result_id", "cdasi.drug.rux.results_s3") == "consistent"
    # The risk ratio 0.48 (0.27-0.86) is symmetric on the log scale within rounding.
    assert _status(check, "result_id", "death.rr.results") == "consistent"
    assert check.status == "inconsistent"
    assert int((check.details["status"] == "inconsistent").sum()) == 2


def test_rr_p_value_disagrees_with_its_interval(results):
    check = results["p_vs_ci"]
    details = check.details.set_index("result_id")
    assert details.at["death.rr.results", "status"] == "inconsistent"
    assert details.at["death.rr.results", "ci_excludes_null"]
    assert details.at["death.rr.results", "p_implied"] == pytest.approx(0.013, abs=1e-3)
    assert not details.at["death.rr.results", "same_conclusion_at_0_05"]


def test_heterogeneity_statuses(results):
    check = results["heterogeneity_k"]
    details = check.details.set_index("result_id")
    # CDASI: 5 arms (Table 1 and the drug subgroups), I² 0%, p 0.756 >= P(chi²_4 >= 4) = 0.406.
    assert details.at["cdasi.overall.results", "k_from_data"] == 5
    assert details.at["cdasi.overall.results", "status"] == "consistent"
    # MMT: 4 studies, p 0.397 just above P(chi²_3 >= 3) = 0.392.
    assert details.at["mmt.overall.results", "status"] == "consistent"
    # CK in U: 5 CK studies minus the one in UI = 4, but that k is inferred from Table 1 (the paper names no
    # study); I² 63% with p 0.1 fits only 2 or 3. The pair itself is possible, so the I² check does not call it
    # inconsistent: it says the result pooled fewer reports than Table 1 lists, and the counts check records
    # that once.
    assert details.at["ck.unit.u.results", "k_from_data"] == 4
    assert details.at["ck.unit.u.results", "k_consistent"] == "2, 3"
    assert details.at["ck.unit.u.results", "status"] == "consistent"
    assert details.at["ck.unit.u.results", "k_fewer_than_table1"]
    assert "fewer reports than Table 1 lists" in details.at["ck.unit.u.results", "note"]
    counts = results["counts_vs_tables"].details.set_index("item")
    assert counts.at["reports pooled in ck.unit.u", "status"] == "inconsistent"
    assert (counts.at["reports pooled in ck.unit.u", "stated"], counts.at["reports pooled in ck.unit.u", "computed"]) == (3, 4)
    # a k the data state (arms linked to the result) is judged as before
    assert not details.at["cdasi.overall.results", "k_fewer_than_table1"]


def test_each_unlabelled_p_is_classified_once(results, evidence):
    from analysis.audit.consistency.intervals import p_value_roles

    roles = p_value_roles(evidence.published_results).set_index("result_id")
    # printed beside I² (CK: "p = 0.1, I² = 63%"; FVC: "p = 0.709, I² = 0%"), or the same p beside I² elsewhere
    assert roles.at["ck.unit.u.results", "role"] == "heterogeneity"
    assert roles.at["fvc.overall.results", "role"] == "heterogeneity"
    assert roles.at["fvc.overall.discussion", "role"] == "heterogeneity"
    assert roles.at["death.rr.results", "role"] == "effect" and roles.at["death.rr.discussion", "role"] == "effect"
    # the effect check reads only effect p-values, and its finding counts distinct results, not statements
    p_check = results["p_vs_ci"]
    assert set(p_check.details["result_key"]) == {"death.rr"}
    assert p_check.finding.startswith("1 of 1 distinct results")
    assert "0.190" not in p_check.finding and "p = 0.19 " in p_check.finding  # the p as printed
    # every heterogeneity-read p that prints an I² is in the I² check
    het = results["heterogeneity_k"].details
    assert {"ck.unit.u.results", "fvc.overall.results"} <= set(het["result_id"])


def test_subgroups_against_overall(results):
    check = results["subgroups_vs_overall"]
    details = check.details.set_index("subgroup_factor")
    # Hand: weights 1/7.602², 1/1.791², 1/5.260² on -20, -18.29, -11.2 give -17.67.
    assert details.at["drug", "combined_estimate"] == pytest.approx(-17.67, abs=0.005)
    assert details.at["drug", "status"] == "consistent"
    # Hand: 1/2.577² and 1/2.115² on -16.16 and -18.59 give -17.61, not -17.67.
    assert details.at["regimen", "combined_estimate"] == pytest.approx(-17.61, abs=0.005)
    assert details.at["regimen", "status"] == "inconsistent"


def test_counts(results):
    details = results["counts_vs_tables"].details.set_index("item")
    assert details.at["patients, each counted once", "computed"] == 91  # 101 - 10 (Paik 2022)
    assert details.at["studies", "status"] == "consistent"
    assert details.at["PRISMA: full texts assessed minus excluded", "status"] == "consistent"  # 45 - 38 = 7
    assert details.at["deaths", "computed"] == 13  # 12 + 0 + 1 + 0 + 0 + 0 + 0 in Table 4
    assert details.at["deaths", "status"] == "inconsistent"  # Section 3.6: only one death
    assert details.at["thromboembolic events (patients)", "status"] == "inconsistent"  # abstract 2, Table 4 1


def test_text_against_tables(results):
    details = results["text_vs_tables"].details.set_index("item")
    assert details.at["CK results all decreased", "status"] == "inconsistent"  # U: +8.64
    assert details.at["drug with the least CDASI reduction", "status"] == "inconsistent"  # baricitinib, not RUX
    assert details.at["combination against monotherapy", "status"] == "consistent"
    assert details.at["follow-up subgroups against Table 1", "status"] == "consistent"  # 3, 5, 27
    assert details.at["adverse events of Le Voyer 2021", "status"] == "inconsistent"  # zoster 3, abscesses 2
    assert details.at["deaths in Fan 2022", "status"] == "inconsistent"  # 12 vs 10 and 11
    assert details.at["direction words printed with the estimates", "status"] == "consistent"


def test_measure_names(results):
    details = results["measure_names"].details.set_index("item")
    assert details.at["cdasi_activity: SMD named, points printed", "status"] == "inconsistent"
    assert "-272.12" in details.at["cdasi_activity: SMD named, points printed", "numbers_give"]  # -17.67 x 15.4
    assert details.at["mmt: SMD named, points printed", "status"] == "cannot check"
    ratio = details.at["risk ratio defined as deaths to survivors", "numbers_give"]
    assert "RR 0.61" in ratio and "OR 0.37" in ratio  # (10/26)/(22/35) and (10/16)/(22/13)


def test_eligibility(results):
    details = results["eligibility"].details.set_index("item")
    assert details.at["Paik 2021 (appraised as a case series)", "status"] == "inconsistent"  # 10 is not > 10
    assert details.at["Min 2022 (appraised as a case series)", "status"] == "consistent"  # 11
    assert details.at["references cited for the included studies", "status"] == "inconsistent"
    # publication_type (data/studies.csv, data/excluded_reports.csv): the two cited references absent from
    # Table 1 are congress abstracts (Shirai 2022, EULAR suppl; Landon-Cardinal 2019, Arthritis Rheumatol suppl)
    assert "(shirai2022, landoncardinal2019)" in details.at["references cited for the included studies", "found"]
    # three included letters (Min 2022 and Landon-Cardinal 2023 research letters, Chen 2019 NEJM correspondence),
    # all full texts, so the abstract rule holds for them
    letters = details.at["letters among the included studies", "found"]
    assert letters.startswith("3 included studies are letters")
    assert all(name in letters for name in ("Chen 2019", "Landon-Cardinal 2023", "Min 2022"))
    assert details.at["letters among the included studies", "status"] == "consistent"
    # Chen 2019 is a letter, so the size rule covers it: 18 > 10 (Table 1)
    assert details.at["Chen 2019 (published as a correspondence letter)", "status"] == "consistent"
    assert "4 of 8 comparisons" in results["eligibility"].finding
