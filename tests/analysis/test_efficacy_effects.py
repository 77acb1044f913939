"""Study effects, settings and provenance: hand-checked values from the public inputs."""
from __future__ import annotations

import math

import pandas as pd
import pytest

import analysis.domain.provenance as provenance
import analysis.domain.settings as settings_module
import analysis.domain.study_effects as study_effects_module
from analysis.report.figures import TIERS
from analysis.domain.provenance import TIER_DEFINITIONS, tier_table
from analysis.domain.sensitivity_grid import cached_evidence
from analysis.domain.settings import PAPER_SETTINGS, AnalysisSettings, describe
from analysis.domain.outcomes import outcome_registry
from analysis.domain.study_effects import study_effects

Z = 1.959964  # the 97.5% normal quantile to 6 decimals (tables of the normal distribution)


@pytest.fixture(scope="module")
def evidence():
    return cached_evidence()


def test_public_api_is_pinned():
    assert settings_module.__all__ == ['MIN_PREDICTION_DF', 'AnalysisSettings', 'PAPER_SETTINGS', 'PAPER_POSSIBLE_ESTIMATORS', 'possible_settings_sentence', 'ESTIMATOR_NAMES', 'INTERVAL_NAMES', 'ESTIMATOR_SHORT_NAMES', 'INTERVAL_SHORT_NAMES', 'describe']
    assert provenance.__all__ == ["LEGEND_MEANINGS", "TIERS", "TIER_DEFINITIONS", "tier_table"]
    assert "study_effects" in study_effects_module.__all__


def test_paper_settings_are_dl_with_wald_interval_and_r_sweep():
    assert (PAPER_SETTINGS.method, PAPER_SETTINGS.ci_method, PAPER_SETTINGS.pi_method) == ("DL", "normal", "t")
    assert PAPER_SETTINGS.r == 0.5
    assert PAPER_SETTINGS.rs == (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
    sentence = describe(PAPER_SETTINGS)
    assert "DerSimonian-Laird" in sentence and "Wald" in sentence and "r = 0.5" in sentence
    assert "REML" in describe(PAPER_SETTINGS.with_(method="REML"))


@pytest.mark.parametrize("change", [{"method": "XX"}, {"ci_method": "z"}, {"r": 1.5}, {"rs": ()}])
def test_bad_settings_raise_with_the_valid_choices(change):
    with pytest.raises(ValueError, match="must"):
        AnalysisSettings(**change)


def test_tier_definitions_cover_every_chart_tier_in_legend_order():
    assert list(TIER_DEFINITIONS["tier"]) == list(TIERS)
    assert "missing" in set(TIER_DEFINITIONS["tier"])
    assert TIER_DEFINITIONS["meaning"].str.len().min() > 20
    assert list(tier_table(["missing", "primary"])["tier"]) == ["primary", "missing"]
    with pytest.raises(ValueError, match="valid tiers"):
        tier_table(["invented"])


def test_paik_2021_change_at_r_half_by_hand(evidence):
    effects = study_effects(evidence, "cdasi_activity").set_index("label")
    paik = effects.loc["Paik 2021"]
    # change = 9.5 - 28 = -18.5 (PubMed abstract, PMID 33258553)
    assert paik["yi"] == pytest.approx(-18.5)
    # variance = (15.4² + 8.5² - 2 x 0.5 x 15.4 x 8.5) / 10 = (237.16 + 72.25 - 130.9) / 10 = 17.851
    assert paik["vi"] == pytest.approx(17.851, abs=1e-9)
    assert paik["se"] == pytest.approx(math.sqrt(17.851))
    assert paik["tier"] == "derived" and "assumed" in paik["input_tier"] and paik["r"] == 0.5


def test_paik_variance_follows_r(evidence):
    effects = study_effects(evidence, "cdasi_activity", PAPER_SETTINGS.with_(r=0.0)).set_index("label")
    # r = 0: (15.4² + 8.5²) / 10 = 30.941
    assert effects.loc["Paik 2021", "vi"] == pytest.approx(30.941)


def test_landon_cardinal_arms_recovered_from_the_papers_subgroup_cis(evidence):
    effects = study_effects(evidence, "cdasi_activity").set_index("label")
    rux = effects.loc["Landon-Cardinal 2023, ruxolitinib"]
    bar = effects.loc["Landon-Cardinal 2023, baricitinib"]
    # -20.00 (-34.9 to -5.1): half width 14.9; -11.2 (-21.51 to -0.89): half width 10.31
    assert rux["se"] == pytest.approx(14.9 / Z, rel=1e-6)
    assert bar["se"] == pytest.approx(10.31 / Z, rel=1e-6)
    assert (rux["yi"], bar["yi"]) == (-20.0, -11.2)
    assert rux["tier"] == bar["tier"] == "recovered"
    assert rux["recovered_from"] == "cdasi.drug.rux.abstract"


def test_missing_inputs_stay_as_rows_naming_what_is_missing(evidence):
    effects = study_effects(evidence, "cdasi_activity")
    missing = effects[effects["tier"] == "missing"]
    assert sorted(missing["label"]) == ["Min 2022", "Paik 2022"]
    assert missing["yi"].isna().all()
    assert all(label in text for label, text in zip(missing["label"], missing["missing"]))
    for outcome in ("mmt", "ck", "fvc_pct_predicted"):
        frame = study_effects(evidence, outcome)
        assert (frame["tier"] == "missing").all() and frame["missing"].str.len().gt(0).all()


def test_one_row_per_arm_the_paper_pooled(evidence):
    links = evidence.published_result_studies
    results = evidence.published_results
    for outcome in ("cdasi_activity", "mmt", "ck", "fvc_pct_predicted"):
        keys = set(results.loc[results["outcome"] == outcome, "result_key"])
        arms = set(links.loc[links["result_key"].isin(keys), "arm_id"])
        assert set(study_effects(evidence, outcome)["arm_id"]) == arms


def test_death_fan_2022_risk_ratio_by_hand(evidence):
    death = study_effects(evidence, "death").set_index("label")
    fan = death.loc["Fan 2022"]
    # 6 months: 10/26 tofacitinib against 22/35 tacrolimus (38.5% and 62.9%, secondary summary)
    assert fan["yi"] == pytest.approx(math.log((10 / 26) / (22 / 35)))
    assert fan["vi"] == pytest.approx(1 / 10 - 1 / 26 + 1 / 22 - 1 / 35)
    assert death.loc["Chen 2019", "tier"] == "missing"


def test_unknown_outcome_lists_valid_names(evidence):
    with pytest.raises(ValueError, match="valid outcomes: " + ", ".join(outcome_registry(evidence))):
        study_effects(evidence, "aldolase")
    assert isinstance(study_effects(evidence, "mmt"), pd.DataFrame)
