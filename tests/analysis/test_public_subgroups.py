"""Subgroups of the public CDASI inputs, against hand calculations."""
import math

import pytest

from analysis.data import load
from analysis.report.forest_frames import subgroup_frame
from analysis.domain.public_subgroups import public_subgroups
from analysis.domain.study_effects import study_effects


@pytest.fixture(scope="module")
def effects():
    return study_effects(load("outcomes", "published_results"), "cdasi_activity")


def test_drug_subgroups_of_one_arm_each_pool_to_that_arm(effects):
    found = public_subgroups(effects, "drug")
    by_group = dict(zip(found.groups, found.results))
    # Paik 2021 (tofacitinib): 9.5 - 28 = -18.5 points (abstract of Paik 2021)
    assert by_group["tofacitinib"].estimate == pytest.approx(-18.5)
    assert by_group["ruxolitinib"].estimate == pytest.approx(-20.0)
    assert by_group["baricitinib"].estimate == pytest.approx(-11.2)
    assert found.df_between == 2
    assert found.empty_groups == ()


def test_q_between_equals_a_hand_computed_fixed_effect_q(effects):
    found = public_subgroups(effects, "drug")
    # one arm per subgroup: Q between is Cochran's Q of the three arms, by hand:
    y = [-18.5, -20.0, -11.2]
    v = [(15.4 ** 2 + 8.5 ** 2 - 2 * 0.5 * 15.4 * 8.5) / 10, (14.9 / 1.959964) ** 2, (10.31 / 1.959964) ** 2]
    w = [1 / x for x in v]
    mean = sum(wi * yi for wi, yi in zip(w, y)) / sum(w)
    q = sum(wi * (yi - mean) ** 2 for wi, yi in zip(w, y))
    assert found.q_between == pytest.approx(q, rel=1e-3)
    assert found.p_between == pytest.approx(math.exp(-q / 2), rel=1e-3)  # chi-square, 2 df


def test_follow_up_subgroups_without_public_arms_are_named(effects):
    found = public_subgroups(effects, "follow-up")
    assert found.groups == ("3 months",)  # Landon-Cardinal 2023 and Paik 2021 (Table 1: 3 months)
    assert set(found.empty_groups) == {"5 months", "27 months"}  # Paik 2022 and Min 2022 (Table 1)
    assert found.q_between is None and found.p_between is None  # one pooled subgroup: nothing to compare
    assert found.result("3 months").k == 3
    frame = subgroup_frame(found)
    headings = frame.loc[frame["row_type"] == "heading", "label"].tolist()
    assert headings[:1] and set(found.empty_groups) <= set(headings)


def test_unknown_factor_is_refused(effects):
    with pytest.raises(ValueError, match="valid factors: drug, follow-up"):
        public_subgroups(effects, "dose")
