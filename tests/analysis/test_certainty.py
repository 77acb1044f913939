"""GRADE certainty and the summary of findings (issue #15): each domain rule on hand-made cases, and
the table rebuilt from a modified data package changing as the rules say."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis.audit import certainty as c
from analysis.audit import grade as g
from analysis.data import load
from analysis.paths import DATA_DIR


# --- the rules on hand-made cases -----------------------------------------------------------------

def test_an_interval_crossing_the_mid_is_downgraded_for_imprecision():
    # CDASI-like: lower is better, MID 4; interval -6 to -2 crosses -4, 500 patients
    crossing = g.rate_imprecision(-6.0, -2.0, null=0.0, mid=4.0, better="lower", participants=500)
    assert crossing.rating == g.SERIOUS and "minimal important difference" in crossing.reason
    beyond = g.rate_imprecision(-9.0, -5.0, null=0.0, mid=4.0, better="lower", participants=500)
    assert beyond.rating == g.NOT_SERIOUS
    # the same interval with too few patients: one check failed
    assert g.rate_imprecision(-9.0, -5.0, null=0.0, mid=4.0, better="lower", participants=40).rating == g.SERIOUS


def test_an_interval_including_no_effect_in_a_small_sample_is_very_serious():
    rating = g.rate_imprecision(-2.83, 23.46, null=0.0, mid=None, better="higher", participants=36)
    assert rating.rating == g.VERY_SERIOUS
    assert "includes no effect" in rating.reason and "No minimal important difference" in rating.reason


def test_the_mid_threshold_follows_the_direction_of_improvement():
    assert g.mid_threshold(0.0, 3.0, "higher") == 3.0
    assert g.mid_threshold(0.0, 3.0, "lower") == -3.0
    assert g.mid_threshold(0.0, None, "lower") is None
    # FVC-like: higher is better, MID 3; interval 0.61 to 5.61 crosses 3
    assert "crosses" in g.rate_imprecision(0.61, 5.61, null=0.0, mid=3.0, better="higher", participants=500).reason


def test_a_ratio_is_judged_by_events_and_no_interval_is_very_serious():
    ratio = g.rate_imprecision(0.27, 0.86, null=1.0, mid=None, better="lower", participants=79,
                               events_at_most=79, continuous=False)
    assert ratio.rating == g.SERIOUS and "events" in ratio.reason
    assert g.rate_imprecision(None, None, null=0.0, mid=None, better="lower", participants=91).rating == g.VERY_SERIOUS


def test_a_single_study_outcome_cannot_be_rated_for_inconsistency():
    single = g.rate_inconsistency(1, 80.0)
    assert single.rating == g.NOT_ASSESSABLE and single.downgrade == 0 and "single" in single.reason.lower()


def test_inconsistency_follows_i2():
    assert g.rate_inconsistency(3, 0.0).rating == g.NOT_SERIOUS
    assert g.rate_inconsistency(4, 63.0).rating == g.SERIOUS
    assert g.rate_inconsistency(4, 80.0).rating == g.VERY_SERIOUS
    assert g.rate_inconsistency(2, None).rating == g.NOT_ASSESSABLE
    assert g.rate_inconsistency(6, None, pooled=False).rating == g.NOT_ASSESSABLE
    assert "uncertain" in g.rate_inconsistency(3, 0.0).reason  # few studies said so


def test_risk_of_bias_from_designs():
    series = g.rate_risk_of_bias(["Prospective open label pilot study"], [False])
    assert series.rating == g.VERY_SERIOUS
    cohort = g.rate_risk_of_bias(["Retrospective observation study"], [True])
    assert cohort.rating == g.SERIOUS
    unknown_control = g.rate_risk_of_bias(["Prospective single-center open-label study"], [True], [False])
    assert unknown_control.rating == g.SERIOUS
    trial = g.rate_risk_of_bias(["Phase 3 randomised, placebo-controlled trial"], [True])
    assert trial.rating == g.NOT_SERIOUS
    with pytest.raises(ValueError):
        g.rate_risk_of_bias([], [])


def test_starting_level_and_floor():
    assert g.starting_level(["Retrospective observation study"]) == "low"
    assert g.starting_level(["Non-randomised cohort"]) == "low"
    assert g.starting_level(["Randomized placebo-controlled trial", "case series"]) == "high"
    serious = g.DomainRating("imprecision", g.SERIOUS, "computed", "", "")
    very = g.DomainRating("risk_of_bias", g.VERY_SERIOUS, "computed", "", "")
    assert g.overall_certainty("high", [serious]) == "moderate"
    assert g.overall_certainty("high", [serious, very]) == "very low"
    assert g.overall_certainty("low", [very, very]) == "very low"  # never below very low
    assert g.overall_certainty("low", []) == "low"


def test_indirectness_flags():
    assert g.indirectness_flags("polymyositis or dermatomyositis", ["adult DM"], ["adult"], False) == [
        "no contributing study includes polymyositis"]
    flags = g.indirectness_flags("anti-MDA5 ILD", ["anti-MDA5 ILD"], ["adult", "juvenile"], True, "a marker.")
    assert flags == ["children pooled with adults", "surrogate outcome (a marker)"]
    assert g.rate_indirectness([]).rating == g.NOT_SERIOUS
    assert g.rate_indirectness(flags).rating == g.SERIOUS


def test_publication_bias_is_a_judgement_beside_k():
    judged = g.rate_publication_bias(3, pd.Series({"rating": "serious", "reason": "small reports", "evidence": "x"}))
    assert (judged.rating, judged.basis) == (g.SERIOUS, "judgement") and "too few" in judged.inputs
    assert g.rate_publication_bias(3, None).rating == g.NOT_ASSESSABLE


# --- the table from the real data -----------------------------------------------------------------

@pytest.fixture(scope="module")
def rows():
    return {r.sof_row: r for r in c.summary_of_findings(load())}


def test_every_row_has_five_domains_and_a_certainty(rows):
    assert list(rows) == ["skin", "muscle", "ck", "death_mda5_ild", "fvc", "serious_harms"]
    for row in rows.values():
        assert [d.domain for d in row.domains] == list(g.DOMAINS)
        assert row.certainty in g.LEVELS and all(d.reason for d in row.domains)
        assert {d.basis for d in row.domains} == {"computed", "judgement"}


def test_paik_2022_is_not_counted_as_new_patients(rows):
    skin = rows["skin"]
    assert (skin.k_paper, skin.k_independent) == (4, 3)
    assert skin.participants_paper - skin.participants_independent == 10
    assert "Paik 2022 re-reports Paik 2021" in skin.reports_independent


def test_the_skin_interval_lies_beyond_the_mid(rows):
    skin = rows["skin"]
    assert skin.beyond_mid is True and skin.includes_null is False
    assert skin.domain("imprecision").rating == g.SERIOUS  # only the number of patients
    assert "Anyanwu 2015" in skin.mid_text
    assert rows["muscle"].mid_text.startswith("no accepted value")


def test_bottom_line_is_computed_from_the_table(rows):
    line = c.bottom_line(list(rows.values()), load())
    assert "very low for 6 of 6 outcomes" in line.supports
    assert "Only for CDASI" in line.supports
    assert "0 of 7 included reports" in line.missing


# --- the table rebuilt from modified data ---------------------------------------------------------

@pytest.fixture()
def data_dir(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(path, edit):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame)
    frame.to_csv(path, index=False)


def _row(data_dir, sof_row):
    return next(r for r in c.summary_of_findings(load(data_dir=data_dir)) if r.sof_row == sof_row)


def test_a_larger_mid_makes_the_skin_interval_cross_it(data_dir):
    def edit(f):
        f.loc[f["mid_id"] == "cdasi_activity.mid", ["value_low", "value_high"]] = ["16", "16"]
    _edit(data_dir / "minimal_important_differences.csv", edit)
    skin = _row(data_dir, "skin")
    assert skin.beyond_mid is False
    assert skin.domain("imprecision").rating == g.VERY_SERIOUS  # crosses the MID and too few patients


def test_a_published_i2_of_80_makes_fvc_inconsistent(data_dir):
    def edit(f):
        f.loc[f["result_id"] == "fvc.overall.results", "i2_pct"] = "80"
    _edit(data_dir / "published_results.csv", edit)
    assert _row(data_dir, "fvc").domain("inconsistency").rating == g.VERY_SERIOUS


def test_a_randomised_design_starts_high(data_dir):
    def edit(f):
        f.loc[f["study_id"] == "fan2022", "design"] = "Randomised controlled trial"
        f.loc[f["study_id"] == "chen2019", "design"] = "Randomised controlled trial"
    _edit(data_dir / "studies.csv", edit)
    death = _row(data_dir, "death_mda5_ild")
    assert death.start == "high"
    assert death.domain("risk_of_bias").rating == g.NOT_SERIOUS
    assert g.LEVELS.index(death.certainty) > 0  # no longer at the floor


def test_a_report_of_new_patients_counts_as_a_study(data_dir):
    def edit(f):
        f.loc[f["study_id"] == "paik2022", ["same_patients_as", "same_patients_basis"]] = ["", ""]
    _edit(data_dir / "studies.csv", edit)
    skin = _row(data_dir, "skin")
    assert skin.k_independent == 4 and skin.participants_independent == skin.participants_paper


def test_a_judgement_for_a_computed_domain_is_refused(data_dir):
    path = data_dir / "certainty_ratings.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    extra = frame.iloc[[0]].copy()
    extra["rating_id"], extra["domain"] = "skin.imprecision", "imprecision"
    pd.concat([frame, extra]).to_csv(path, index=False)
    with pytest.raises(ValueError, match="computed domains"):
        c.summary_of_findings(load(data_dir=data_dir))


def test_every_continuous_outcome_has_a_mid_row_and_a_sourced_value_or_says_missing():
    evidence = load()
    mids = evidence.table("minimal_important_differences")
    registry = __import__("analysis.domain.outcomes", fromlist=["outcome_registry"]).outcome_registry(evidence)
    continuous = [o for o, spec in registry.items() if spec.scale == "identity"]
    for outcome in continuous:
        rows = mids[(mids["outcome"] == outcome) & (mids["quantity"] == "minimal_important_difference")]
        assert len(rows) == 1, outcome
        row = rows.iloc[0]
        if row["tier"] == "missing":
            assert pd.isna(row["value_low"]) and isinstance(row["note"], str), outcome
        else:
            assert isinstance(row["source_id"], str) and row["value_low"] > 0, outcome


def test_a_mid_marked_missing_shows_as_not_found(data_dir):
    def edit(f):
        row = f["mid_id"] == "cdasi_activity.mid"
        f.loc[row, ["value_low", "value_high", "tier", "source_id", "location"]] = ["", "", "missing", "", ""]
    _edit(data_dir / "minimal_important_differences.csv", edit)
    skin = _row(data_dir, "skin")
    assert skin.mid_text.startswith("no accepted value") and skin.beyond_mid is None
    assert "No minimal important difference" in skin.domain("imprecision").reason
