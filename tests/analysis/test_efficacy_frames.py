"""Forest/summary frames and the sensitivity grid: invariants."""
from __future__ import annotations

import pytest

from analysis.report.figures import forest_plot, leave_one_out_plot, summary_plot
from analysis.report.forest_frames import forest_frame, leave_one_out_frame, published_summary_frame
from analysis.audit.subgroup_tests import published_subgroup_test
from analysis.domain.regeneration import public_inputs_pool
from analysis.domain.sensitivity_grid import GRID_CI_METHODS, GRID_METHODS, full_grid, public_outcomes
from analysis.domain.sensitivity_grid import public_leave_one_out
from analysis.domain.sensitivity_grid import cached_evidence
from analysis.domain.settings import PAPER_SETTINGS
from analysis.domain.study_effects import study_effects

Z = 1.959964


@pytest.fixture(scope="module")
def evidence():
    return cached_evidence()


def test_forest_frame_weights_and_diamond(evidence):
    pool = public_inputs_pool(evidence, "cdasi_activity")
    frame = forest_frame(study_effects(evidence, "cdasi_activity"), pool.result)
    studies = frame[frame["row_type"] == "study"]
    drawn = studies[studies["tier"] != "missing"]
    assert drawn["weight_pct"].sum() == pytest.approx(100.0)
    assert studies.loc[studies["tier"] == "missing", "estimate"].isna().all()
    diamond = frame[frame["row_type"] == "overall"].iloc[0]
    assert (diamond["estimate"], diamond["ci_low"], diamond["ci_high"]) == (
        pool.result.estimate, pool.result.ci_low, pool.result.ci_high)
    prediction = frame[frame["row_type"] == "prediction"].iloc[0]
    assert prediction["pi_low"] < diamond["ci_low"] and prediction["pi_high"] > diamond["ci_high"]
    forest_plot(frame, measure_label="points").to_dict()  # the chart accepts the frame


def test_forest_frame_refuses_a_pool_of_other_studies(evidence):
    pool = public_inputs_pool(evidence, "cdasi_activity")
    effects = study_effects(evidence, "cdasi_activity")
    with pytest.raises(ValueError, match="pool exactly the rows shown"):
        forest_frame(effects[effects["label"] != "Paik 2021"], pool.result)


def test_summary_frame_holds_printed_values_only(evidence):
    frame = published_summary_frame(evidence)
    assert (frame["tier"] == "paper").all()
    overall = frame.set_index("result_key").loc["cdasi.overall"]
    assert (overall["estimate"], overall["ci_low"], overall["ci_high"]) == (-17.67, -20.94, -14.41)
    # the ruxolitinib interval is printed twice as -5.1 and once as +5.1: the majority is shown
    assert frame.set_index("result_key").loc["cdasi.drug.rux", "ci_high"] == -5.1
    assert "cdasi.follow_up.3" not in set(frame["result_key"])  # no printed numbers
    summary_plot(frame).to_dict()


def test_leave_one_out_frame(evidence):
    loo = public_leave_one_out(public_inputs_pool(evidence, "cdasi_activity").effects)
    frame = leave_one_out_frame(loo)
    assert (frame["row_type"] == "omitted").sum() == 3
    leave_one_out_plot(frame, measure_label="points").to_dict()


def test_drug_subgroup_test_by_hand(evidence):
    test = published_subgroup_test(evidence, "drug")
    mu = [-20.0, -18.29, -11.2]
    se = [14.9 / Z, (-14.78 + 21.8) / (2 * Z), 10.31 / Z]
    w = [1 / s ** 2 for s in se]
    bar = sum(a * b for a, b in zip(w, mu)) / sum(w)
    assert test.q == pytest.approx(sum(a * (m - bar) ** 2 for a, m in zip(w, mu)), rel=1e-6)
    assert test.df == 2 and test.legitimate
    assert not published_subgroup_test(evidence, "regimen").legitimate
    with pytest.raises(ValueError, match="valid factors"):
        published_subgroup_test(evidence, "follow_up")


def test_grid_size(evidence):
    grid = full_grid(evidence)
    outcomes = public_outcomes(evidence)
    n_rs = len(PAPER_SETTINGS.rs)
    full = grid[grid["omitted"] == ""]
    assert len(full) == len(outcomes) * n_rs * len(GRID_METHODS) * len(GRID_CI_METHODS)
    expected_loo = 0
    for effects in outcomes.values():
        k = len(effects)
        for ci in GRID_CI_METHODS:
            if k >= (3 if ci != "normal" else 2):
                expected_loo += n_rs * len(GRID_METHODS) * k
    assert len(grid) - len(full) == expected_loo


def test_grid_at_paper_settings_equals_the_public_pool(evidence):
    grid = full_grid(evidence)
    row = grid[(grid["outcome"] == "cdasi_activity") & (grid["omitted"] == "") & (grid["r"] == 0.5)
               & (grid["method"] == "DL") & (grid["ci_method"] == "normal")].iloc[0]
    assert row["estimate"] == pytest.approx(public_inputs_pool(evidence, "cdasi_activity").result.estimate)

