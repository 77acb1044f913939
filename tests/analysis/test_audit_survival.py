"""ADM-ILD survival analyses against hand-computed values."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.audit.death_ratios import (death_tables, fvc_results, poolability, ratio_forest_frame, ratio_pair, ratio_table,
                               survival_comparison)
from analysis.report.figures import forest_plot

Z = 1.959963984540054


def test_fan_2022_six_months_rr_and_or_by_hand():
    # Fan 2022, 6 months: 10/26 tofacitinib vs 22/35 tacrolimus (secondary report percentages).
    pair = ratio_pair(10, 26, 22, 35)
    rr = (10 / 26) / (22 / 35)
    se = math.sqrt(1 / 10 - 1 / 26 + 1 / 22 - 1 / 35)
    assert pair.rr == pytest.approx(rr)
    assert pair.log_rr_se == pytest.approx(se)
    assert pair.rr_ci_low == pytest.approx(math.exp(math.log(rr) - Z * se))
    assert pair.rr_ci_high == pytest.approx(math.exp(math.log(rr) + Z * se))
    odds = (10 / 16) / (22 / 13)
    se_or = math.sqrt(1 / 10 + 1 / 16 + 1 / 22 + 1 / 13)
    assert pair.or_ == pytest.approx(odds)
    assert pair.log_or_se == pytest.approx(se_or)
    assert pair.or_ci_high == pytest.approx(math.exp(math.log(odds) + Z * se_or))


def test_death_tables_and_ratios_from_the_data(evidence):
    tables = death_tables(evidence).set_index(["study_id", "time_point"])
    fan6 = tables.loc[("fan2022", "6 months")]
    assert (fan6["treated_deaths"], fan6["treated_total"], fan6["control_deaths"], fan6["control_total"]) == (10, 26, 22, 35)
    assert fan6["tier"] == "derived"
    fan1 = tables.loc[("fan2022", "1 year")]
    assert (fan1["treated_deaths"], fan1["treated_total"], fan1["control_deaths"], fan1["control_total"]) == (11, 25, 23, 35)
    chen = tables.loc["chen2019"].iloc[0]
    # the control arm is in no public source; the treated arm's deaths are the paper's own Table 4 (no time
    # point), with the arm's size from Table 1, so the table shows them rather than a dash
    assert chen["tier"] == "missing" and pd.isna(chen["control_deaths"]) and pd.isna(chen["control_total"])
    table4 = evidence.adverse_events.set_index("event_id")
    arms = evidence.arms.set_index("arm_id")
    assert chen["treated_deaths"] == table4.at["chen2019.deaths", "deaths"]
    assert chen["treated_total"] == arms.at["chen2019.tofacitinib", "n"]
    assert "Table 4" in chen["treated_deaths_source"]
    ratios = ratio_table(death_tables(evidence)).set_index(["study", "time_point"])
    assert ratios.loc[("Fan 2022", "1 year"), "rr"] == pytest.approx((11 / 25) / (23 / 35))
    assert math.isnan(ratios.loc[("Chen 2019", "not stated"), "rr"])


def test_only_fan_can_enter_a_pool(evidence):
    pool = poolability(evidence).set_index("study")
    assert not pool.at["Chen 2019", "can_enter_pool"]
    assert pool.at["Fan 2022", "can_enter_pool"]


def test_paper_rr_differs_from_every_fan_ratio(evidence):
    comparison = survival_comparison(evidence)
    paper = comparison[comparison["tier"] == "paper"].iloc[0]
    assert (paper["estimate"], paper["ci_low"], paper["ci_high"]) == (0.48, 0.27, 0.86)  # Section 3.6
    fan = comparison[comparison["what"].str.startswith("Fan 2022") & comparison["measure"].isin(["risk ratio", "odds ratio"])]
    assert len(fan) == 4
    assert (abs(fan["estimate"] - 0.48) > 0.005).all()
    # counts derived from survival percentages are labelled an assumption wherever the ratios appear
    assert fan["what"].str.contains("assumed counts").all() and fan["source"].str.contains("censored").all()
    hr = comparison[comparison["measure"] == "hazard ratio (adjusted)"].iloc[0]
    assert (hr["estimate"], hr["tier"]) == (0.438, "secondary")
    forest_plot(ratio_forest_frame(comparison), null_value=1, log_scale=True, measure_label="Ratio")


def test_fvc_results_flag_the_discussion_interval(evidence):
    fvc = fvc_results(evidence).set_index("result_id")
    assert fvc.at["fvc.overall.results", "symmetric"]
    assert not fvc.at["fvc.overall.discussion", "symmetric"]
    assert fvc.at["fvc.overall.discussion", "upper_minus_estimate"] == pytest.approx(3.5)
    assert fvc.at["fvc.overall.results", "missing_inputs"] == "Chen 2019, Fan 2022"


def test_derived_counts_are_an_assumption_and_the_published_test_does_not_fit_them(evidence):
    """Fan 2022's counts come from Kaplan-Meier percentages: they hold only without early censoring. The
    published between-arm p (log-rank) is set beside chi² and Fisher tests on the counts, which differ."""
    from scipy import stats

    from analysis.audit.death_ratios import COUNT_ASSUMPTION, two_by_two_tests

    tests = two_by_two_tests(evidence).set_index("time_point")
    assert set(tests["study_id"]) == {"fan2022"}
    assert (tests["assumption"] == COUNT_ASSUMPTION).all() and "censored" in COUNT_ASSUMPTION
    six = tests.loc["6 months"]
    tables = death_tables(evidence).set_index(["study_id", "time_point"]).loc[("fan2022", "6 months")]
    a, n1, c, n2 = (int(tables[k]) for k in ("treated_deaths", "treated_total", "control_deaths", "control_total"))
    table = [[a, n1 - a], [c, n2 - c]]
    assert six["p_chi2"] == pytest.approx(stats.chi2_contingency(table, correction=False)[1])
    assert six["p_fisher"] == pytest.approx(stats.fisher_exact(table)[1])
    published = evidence.outcomes
    p = published[(published["study_id"] == "fan2022") & (published["time_point"] == "6 months")
                  & (published["statistic"] == "events_total")]["p_value"].iloc[0]
    assert six["p_published"] == p
    # the published p is below 0.05, both tests on the counts are above it: the counts are not the data tested
    assert six["p_published"] < 0.05 < min(six["p_chi2"], six["p_fisher"])
