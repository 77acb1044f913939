"""The site's own statements corrected in issue #14: each test pins the corrected logic."""
import pandas as pd

from analysis.chapters import adm_ild, limitations, reproduction, skin
from analysis.domain.reproduction import published_text, reproduction_table, result_row
from analysis.domain.settings import PAPER_POSSIBLE_ESTIMATORS, PAPER_SETTINGS
from analysis.paths import ROOT


def _qmd(name):
    return (ROOT / "chapters" / name).read_text(encoding="utf-8")


def test_1_the_death_pool_is_of_crude_tables_as_the_methods_say(evidence):
    page = adm_ild.page(evidence)
    row = evidence.paper_statements.set_index("statement_id").loc["death_pooled_from_2x2"]
    assert page.pooled_from_location == row["location"] and "2x2" in row["quote"]
    text = _qmd("05-adm-ild.qmd")
    assert "Pooling an adjusted comparison" not in text and "page.pooled_from_location" in text
    assert "chosen by their clinicians" not in text  # an inference, not a reported fact (item 13)


def test_2_chen_deaths_in_the_tofacitinib_arm_come_from_table_4(evidence):
    page = adm_ild.page(evidence)
    table4 = evidence.adverse_events.set_index("event_id").at["chen2019.deaths", "deaths"]
    assert page.chen_t_deaths == str(int(table4))
    chen = page.counts.frame[page.counts.frame["study"] == "Chen 2019"].iloc[0]
    assert chen["treated_deaths"] == table4 and pd.isna(chen["control_deaths"])
    assert "Table 4" in chen["basis"]


def test_3_one_k_for_the_ck_subgroup(evidence):
    from analysis.audit.consistency.heterogeneity import studies_in_result
    from analysis.audit.limitations import small_study_check

    k_table = small_study_check(evidence, "cdasi_activity").k_table.set_index("result_key")
    assert k_table.at["ck.unit.u", "k"] == studies_in_result(evidence, "ck.unit.u")[0]


def test_6_the_size_rule_is_applied_only_to_letters_and_case_series(evidence):
    page = limitations.page(evidence)
    table = page.eligibility.frame.set_index("study")
    covered = table[table["admission_rule_applies"] == "yes"]
    assert page.n_fail_strict == str(int((covered["more_than_10"] == "no").sum()))
    assert (table.loc[table["admission_rule_applies"] == "no", "more_than_10"] == "not covered").all()


def test_8_and_12_and_13_prose_is_hedged_and_says_what_the_csv_holds(evidence):
    assert "names but does not use" not in _qmd("07-limitations.qmd")
    page = skin.page(evidence)
    assert int(page.grid_rows_shown) == len(page.grid.frame)
    assert int(page.grid_rows_full) > int(page.grid_rows_shown)
    # the CDASI statements add up: every verdict is counted in the sentence
    parts = ("n_not_reproducible", "n_reproduced", "n_differs", "n_no_number")
    assert sum(int(getattr(page, p)) for p in parts) == int(page.n_cdasi_rows)
    assert all(f"page.{p}" in _qmd("02-skin.qmd") for p in parts)
    campar = evidence.excluded_reports.set_index("report_id").at["campar2022", "reasons"]
    assert "other than dermatomyositis" not in campar


def test_7_only_the_untested_claim_is_criticised(evidence):
    text = _qmd("02-skin.qmd")
    assert "does not acknowledge" not in text
    page = skin.page(evidence)
    assert "Discussion" in page.tof_rux_locations and page.bar_inferior_location.startswith("Section 3.3")


def test_9_arms_recovered_from_the_paper_are_not_counted_as_public_sources(evidence):
    page = skin.page(evidence)
    assert int(page.n_from_sources) + int(page.n_recovered) + int(page.n_missing) == int(page.n_arms)
    assert "death is a risk ratio" not in (ROOT / "index.qmd").read_text(encoding="utf-8")


def test_10_both_possible_estimators_are_shown(evidence):
    assert PAPER_SETTINGS.method in PAPER_POSSIBLE_ESTIMATORS and len(PAPER_POSSIBLE_ESTIMATORS) == 2
    page = reproduction.page(evidence)
    assert "assumption" in page.possible_settings
    assert all(name in page.possible_settings for name in ("DerSimonian-Laird", "REML"))
    assert {"regenerated_other", "verdict_other"} <= set(page.all.frame.columns)
    assert "Regeneration uses the paper's own settings" not in _qmd("appendix-reproduction.qmd")


def test_11_published_numbers_keep_their_printed_digits(evidence):
    table = reproduction_table(evidence)
    published = evidence.published_results.set_index("result_id")
    for result_id in ("cdasi.drug.rux.results_s2", "ck.unit.ui.results"):
        row = published.loc[result_id]
        expected = f"{row['estimate_text']} (95% CI {row['ci_low_text']} to {row['ci_high_text']})"
        assert published_text(result_row(table, result_id)) == expected
    page = adm_ild.page(evidence)
    assert page.paper_p == published.at["death.rr.results", "p_unlabelled_text"]


def test_small_k_honesty(evidence):
    page = skin.page(evidence)
    assert page.pool_pi.startswith("not computed")
    assert "modified" in page.knha_sentence
    lim = limitations.page(evidence)
    assert "below the" in lim.tests_not_computed
    assert "egger_p" not in lim and "begg_p" not in lim


def test_paik_implied_r_is_a_labelled_scenario_from_the_data(evidence):
    from analysis.stats import correlation_from_paired_p

    page = skin.page(evidence)
    row = evidence.outcomes[(evidence.outcomes["arm_id"] == "paik2021.tofacitinib")
                            & (evidence.outcomes["statistic"] == "mean_sd_before_after")].iloc[0]
    implied = correlation_from_paired_p(row["mean_before"], row["sd_before"], row["mean_after"], row["sd_after"],
                                        int(row["n"]), float(row["p_value"]))
    assert page.implied_r == f"{implied.r:.2f}"
    assert int(page.n_r_dependent) == 1  # the sweep varies only this arm
    assert "page.implied_r" in _qmd("02-skin.qmd") and "varies only" in _qmd("02-skin.qmd")


def test_5_distinct_findings_count_a_repeated_result_once(evidence):
    page = reproduction.page(evidence)
    # the death p-value is compared in two statements (Results, Discussion): two items, one finding
    assert int(page.n_findings_distinct) < int(page.n_items_inconsistent)
    from analysis.chapters import index
    front = index.page(evidence)
    # the I² check no longer fails on a k the site inferred, so not every family finds an inconsistency
    assert int(front.n_checks_failed) < int(front.n_checks)


def test_11_check_findings_quote_published_numbers_as_printed(evidence):
    from analysis.audit.consistency import check_subgroups_against_overall, check_text_against_tables

    published = evidence.published_results.set_index("result_id")
    ui = published.at["ck.unit.ui.results", "estimate_text"]
    text = check_text_against_tables(evidence).details.set_index("item")
    assert f"UI: {ui}" in text.at["CK results all decreased", "data_give"]
    rux = published.loc["cdasi.drug.rux.abstract"]
    subgroups = check_subgroups_against_overall(evidence).details.set_index("subgroup_factor")
    assert f"95% CI {rux['ci_low_text']} to {rux['ci_high_text']}" in subgroups.at["drug", "subgroups"]
