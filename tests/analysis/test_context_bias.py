"""Risk of bias: item texts from the schema, totals equal item sums, the tool rule."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.audit.bias import (design_class, item_texts, risk_of_bias_long, risk_of_bias_table, tool_rule_check,
                           totals_check)
from analysis.data import load


@pytest.fixture(scope="module")
def evidence():
    return load("risk_of_bias", "studies")


@pytest.fixture(scope="module")
def items():
    return item_texts()


def test_item_texts_come_from_the_schema(items):
    assert list(items.loc[items["tool"] == "JBI", "item"]) == [f"Q{i}" for i in range(1, 11)]
    assert list(items.loc[items["tool"] == "NOS", "item"]) == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    # Table 2 legend of the paper: "Q1, were there clear criteria for inclusion in the case series?"
    q1 = items.set_index("column").at["jbi_q1", "item_text"]
    assert q1.lower() == "were there clear criteria for inclusion in the case series?"
    assert not items["item_text"].str.endswith("?.").any()
    # NOS comparability can earn two stars; every other NOS item one; JBI items 2
    assert items.set_index("column").at["nos_v", "max_score"] == 2
    assert set(items.loc[items["tool"] == "JBI", "max_score"]) == {2}


def test_published_totals_equal_item_sums(evidence, items):
    # Tables 2 and 3 of the paper: Landon-Cardinal 18, Min/Paik/Paik 20; Le Voyer 6, Fan 7, Chen 6
    check = totals_check(evidence.risk_of_bias, items)
    assert check.all_match and check.n_studies == 7 and check.mismatched_studies == ()
    sums = check.table.set_index("study_id")["sum_of_items"].to_dict()
    assert sums == {"landoncardinal2023": 18, "min2022": 20, "paik2021": 20, "paik2022": 20,
                    "levoyer2021": 6, "fan2022": 7, "chen2019": 6}


def test_corrupted_total_is_caught(evidence, items):
    bad = evidence.risk_of_bias.copy()
    bad.loc[bad["study_id"] == "fan2022", "nos_total"] = 8
    bad.loc[bad["study_id"] == "min2022", "jbi_q3"] = pd.NA
    check = totals_check(bad, items)
    assert not check.all_match
    assert set(check.mismatched_studies) == {"fan2022", "min2022"}
    row = check.table.set_index("study_id").loc["min2022"]
    assert row["items_missing"] == 1 and not row["matches"]


def test_long_frame_and_tables(evidence, items):
    labels = evidence.study_labels()
    long = risk_of_bias_long(evidence.risk_of_bias, items, labels)
    assert len(long) == 4 * 10 + 3 * 8
    assert long.loc[(long["study"] == "Landon-Cardinal 2023") & (long["item"] == "Q9"), "score"].item() == 0
    jbi = risk_of_bias_table(evidence.risk_of_bias, items, labels, "JBI")
    assert list(jbi["study"]) == ["Landon-Cardinal 2023", "Min 2022", "Paik 2021", "Paik 2022"]
    assert (jbi["matches"] == "yes").all()
    with pytest.raises(ValueError, match="valid tools"):
        risk_of_bias_table(evidence.risk_of_bias, items, labels, "ROB2")


def test_tool_rule_against_the_papers_own_rule(evidence):
    # Methods 2.3: JBI for case series and retrospective studies, NOS for non-controlled trials.
    rules = tool_rule_check(evidence.studies, evidence.risk_of_bias).set_index("study_id")
    assert rules.at["paik2021", "tool_by_rule"] == "NOS" and rules.at["paik2021", "tool_used"] == "JBI"
    assert rules.at["levoyer2021", "tool_by_rule"] == "JBI" and rules.at["levoyer2021", "tool_used"] == "NOS"
    assert rules.at["min2022", "follows_rule"] and rules.at["chen2019", "follows_rule"]
    assert set(rules.index[~rules["follows_rule"]]) == {"paik2021", "paik2022", "landoncardinal2023",
                                                         "levoyer2021", "fan2022"}
    # With the arms, a study with a comparator arm (Fan 2022: tofacitinib against tacrolimus) is a
    # comparative cohort, for which the NOS is the right tool: it follows the rule.
    full = load()
    with_arms = tool_rule_check(full.studies, full.risk_of_bias, full.arms).set_index("study_id")
    comparative = set(full.arms.loc[full.arms["role"] == "comparator", "study_id"])
    assert set(with_arms.index[with_arms["design_class"] == "comparative cohort"]) == comparative
    assert with_arms.at["fan2022", "tool_by_rule"] == "NOS" and with_arms.at["fan2022", "follows_rule"]
    assert set(with_arms.index[~with_arms["follows_rule"]]) == {"paik2021", "paik2022", "landoncardinal2023",
                                                                "levoyer2021"}


def test_design_class_rejects_unknown_text():
    assert design_class("Retrospective monocentric study") == "retrospective or case series"
    assert design_class("Prospective open-label pilot study") == "non-controlled trial"
    with pytest.raises(ValueError, match="Cannot classify"):
        design_class("Randomised controlled trial")
