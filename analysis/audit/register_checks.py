"""The register's own checks: small computations over the data behind the verdicts on the paper's
sentences (``check_ref`` ``register|<name>`` of ``data/paper_statements.csv``).

Each check takes the evidence and returns a :class:`CodeCheck`: the code's verdict (consistent,
inconsistent, not checkable) and a sentence with the computed numbers. The paper's words each
check reads (a number it states) come from the statement's ``value`` in the register, never from
this module; what the check compares them with comes from ``data/``. The checks of single table
cells (Tables 1-3, one study each) are in :mod:`analysis.audit.table_checks`.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from analysis.audit.bias import item_texts, tool_rule_check
from analysis.audit.limitations import eligibility_table, results_with_overlap
from analysis.audit.subgroup_tests import published_subgroup_test
from analysis.data import Evidence
from analysis.format import fmt_int, fmt_list, fmt_names, fmt_num, fmt_p
from analysis.stats.small_study import MIN_STUDIES_FOR_ASYMMETRY_TESTS

__all__ = ["REGISTER_CHECKS", "CodeCheck", "drug_totals", "statement_value"]

#: the significance level at which a test for subgroup differences is read (the paper's own, Methods 2.4).
_ALPHA = 0.05


def _names(names: object) -> str:
    """Study labels or arm ids as a list ("A, B and C"), at most six and how many more (the data may grow)."""
    return fmt_names(names, separator=", ", last=" and ")


@dataclass(frozen=True)
class CodeCheck:
    """The code's verdict on a statement and the computed evidence behind it."""

    verdict: str
    evidence: str


def _populations_include_pm(evidence: Evidence) -> CodeCheck:
    studies = evidence.table("studies")
    pm = studies[studies["population"].str.contains("PM|polymyositis", case=False, regex=True)]
    populations = fmt_list(sorted(set(studies["population"])))
    return CodeCheck("consistent" if len(pm) else "inconsistent",
                     f"{fmt_int(len(pm))} of {fmt_int(len(studies))} included studies are of polymyositis; "
                     f"populations: {populations}")


def _serious_events_in_table4(evidence: Evidence) -> CodeCheck:
    events = evidence.table("adverse_events")
    serious = events[(events["tier"] == "paper") & (events["scope"] == "study") & (events["serious"] == "yes")
                     & (events["category"] != "death") & (events["patients"].fillna(0) > 0)]
    labels = evidence.study_labels()
    listed = "; ".join(f"{labels[r['study_id']]}: {r['event']}" for _, r in serious.iterrows())
    return CodeCheck("inconsistent" if len(serious) else "consistent",
                     f"{fmt_int(len(serious))} serious adverse-event rows in Table 4" + (f" ({listed})" if listed else ""))


def _tool_rule(evidence: Evidence) -> CodeCheck:
    rules = tool_rule_check(evidence.table("studies"), evidence.table("risk_of_bias"), evidence.table("arms"))
    broken = rules[~rules["follows_rule"]]
    return CodeCheck("inconsistent" if len(broken) else "consistent",
                     f"{fmt_int(len(broken))} of {fmt_int(len(rules))} studies got the other tool than the rule gives"
                     + (f" ({_names(broken['study'])})" if len(broken) else ""))


def _trial_designs_included(evidence: Evidence) -> CodeCheck:
    rules = tool_rule_check(evidence.table("studies"), evidence.table("risk_of_bias"))
    trials = rules[rules["design_class"] == "non-controlled trial"]
    return CodeCheck("inconsistent" if len(trials) else "consistent",
                     f"{fmt_int(len(trials))} included reports are prospective or open-label trials by their Table 1 design"
                     + (f" ({_names(trials['study'])})" if len(trials) else ""))


def _same_patients_pooled_twice(evidence: Evidence) -> CodeCheck:
    twice = results_with_overlap(evidence)
    keys = sorted(set(twice["result_key"])) if len(twice) else []
    return CodeCheck("inconsistent" if keys else "consistent",
                     f"{fmt_int(len(keys))} pooled results may contain both reports of the same patients"
                     + (f" ({fmt_list(keys)})" if keys else ""))


#: the outcomes Methods 2.2 says a higher score is worse for: CDASI, MMT and the muscle enzymes (CK).
_METHODS_22_OUTCOMES = ("cdasi_activity", "mmt", "ck")


def _admission_size_rule(evidence: Evidence) -> CodeCheck:
    table = eligibility_table(evidence.table("studies"), evidence.table("paper_statements"))
    failing = table[table["more_than_10"] == "no"]
    covered = table[table["admission_rule_applies"] == "yes"]
    return CodeCheck("inconsistent" if len(failing) else "consistent",
                     f"{fmt_int(len(failing))} of the {fmt_int(len(covered))} included letters and case series do not have "
                     "more patients than the rule asks" + (f" ({_names(failing['study'])})" if len(failing) else ""))


def _scale_directions(evidence: Evidence) -> CodeCheck:
    outcomes = evidence.table("outcome_definitions")
    named = outcomes[outcomes["outcome"].isin(_METHODS_22_OUTCOMES)]
    higher_better = named[named["better"] == "higher"]
    return CodeCheck("inconsistent" if len(higher_better) else "consistent",
                     "scales on which a higher score is better: " + (fmt_list(higher_better["label"]) or "none"))


def _published_interval(evidence: Evidence, result_key: str) -> pd.Series:
    published = evidence.table("published_results")
    rows = published[(published["result_key"] == result_key) & published["ci_low"].notna()]
    return rows.iloc[0]


def _mmt_interval_excludes_zero(evidence: Evidence) -> CodeCheck:
    row = _published_interval(evidence, "mmt.overall")
    excludes = not (row["ci_low"] <= 0 <= row["ci_high"])
    return CodeCheck("consistent" if excludes else "inconsistent",
                     f"MMT interval {row['ci_low_text']} to {row['ci_high_text']} "
                     + ("excludes 0" if excludes else "includes 0"))


def _ck_intervals_include_zero(evidence: Evidence) -> CodeCheck:
    published = evidence.table("published_results")
    ck = published[(published["outcome"] == "ck") & published["ci_low"].notna()].drop_duplicates("result_key")
    include = [(r["ci_low"] <= 0 <= r["ci_high"]) for _, r in ck.iterrows()]
    return CodeCheck("consistent" if all(include) else "inconsistent",
                     "; ".join(f"{r['result_key']}: {r['ci_low_text']} to {r['ci_high_text']}" for _, r in ck.iterrows())
                     + (" (all include 0)" if all(include) else ""))


def _fvc_has_comparison(evidence: Evidence) -> CodeCheck:
    links = evidence.table("published_result_studies")
    arms = evidence.table("arms").set_index("arm_id")
    fvc = links[links["result_key"] == "fvc.overall"]
    roles = set(arms.loc[fvc["arm_id"], "role"])
    return CodeCheck("consistent" if "comparator" in roles else "inconsistent",
                     f"arms pooled in the FVC result: {_names(fvc['arm_id'])} (roles: {fmt_list(sorted(roles))})")


def _asymmetry_tests_possible(evidence: Evidence) -> CodeCheck:
    links = evidence.table("published_result_studies")
    arms = evidence.table("arms").set_index("arm_id")
    published = evidence.table("published_results")
    stated = set(published.loc[published["status"] == "stated", "result_key"])
    treated = links[links["result_key"].isin(stated) & (links["arm_id"].map(arms["role"]) != "comparator")]
    k = treated.groupby("result_key")["study_id"].nunique()
    too_few = sorted(k[k < 3].index)
    return CodeCheck("inconsistent" if too_few or k.max() < MIN_STUDIES_FOR_ASYMMETRY_TESTS else "consistent",
                     f"studies per pooled result: {fmt_int(int(k.min()))} to {fmt_int(int(k.max()))}; "
                     f"below the 3 either test needs: {fmt_list(too_few) or 'none'}; the Cochrane Handbook asks for "
                     f"{fmt_int(MIN_STUDIES_FOR_ASYMMETRY_TESTS)}")


def statement_value(evidence: Evidence, statement_id: str) -> float:
    """The number a statement of the register states (its ``value``): the paper's words, read as data."""
    statements = evidence.table("paper_statements").set_index("statement_id")
    return float(statements.at[statement_id, "value"])


def _reference_is_included_study(evidence: Evidence) -> CodeCheck:
    number = int(statement_value(evidence, "r32_nos_reference"))
    studies = evidence.table("studies")
    hit = studies[studies["ref_number"] == number]
    return CodeCheck("inconsistent" if len(hit) else "not checkable",
                     f"reference {fmt_int(number)} is " + (f"the included study {hit['label'].iloc[0]} (Table 1)"
                                                            if len(hit) else "not an included study"))


def _nos_count(evidence: Evidence) -> CodeCheck:
    stated = int(statement_value(evidence, "r32_three_nos"))
    rob = evidence.table("risk_of_bias")
    n = int((rob["tool"] == "NOS").sum())
    return CodeCheck("consistent" if n == stated else "inconsistent",
                     f"stated {fmt_int(stated)}; Table 3 scores {fmt_int(n)}")


def _subgroup_test(evidence: Evidence, factor: str) -> tuple[bool, str]:
    test = published_subgroup_test(evidence, factor)
    differ = test.p < _ALPHA
    return differ, (f"test for differences across {fmt_list(test.levels)}: Q = {fmt_num(test.q)} on "
                    f"{fmt_int(test.df)} df, p = {fmt_p(test.p)}")


def _drugs_not_shown_to_differ(evidence: Evidence) -> CodeCheck:
    differ, text = _subgroup_test(evidence, "drug")
    return CodeCheck("inconsistent" if differ else "consistent", text)


def _drug_difference_claimed(evidence: Evidence) -> CodeCheck:
    differ, text = _subgroup_test(evidence, "drug")
    return CodeCheck("consistent" if differ else "inconsistent", text)


def _regimen_difference_claimed(evidence: Evidence) -> CodeCheck:
    differ, text = _subgroup_test(evidence, "regimen")
    return CodeCheck("consistent" if differ else "inconsistent", text)


def _tacrolimus_control(evidence: Evidence) -> CodeCheck:
    arms = evidence.table("arms")
    control = arms[(arms["role"] == "comparator") & (arms["drug"] == "tacrolimus")]
    return CodeCheck("consistent" if len(control) else "inconsistent",
                     "comparator arms given tacrolimus: " + (_names(control["arm_id"]) or "none"))


#: the three factors Methods 2.4 names for the CDASI subgroup analyses: drug types, drug regimens,
#: median follow-up months (the ``subgroup_factor`` names of data/published_results.csv).
_METHODS_24_CDASI_FACTORS = ("drug", "regimen", "follow_up_months")


def _cdasi_subgroup_factors(evidence: Evidence) -> CodeCheck:
    """The subgroup factors of the published CDASI results against the three Methods 2.4 names."""
    published = evidence.table("published_results")
    cdasi = published[(published["outcome"] == "cdasi_activity") & (published["analysis"] != "overall")]
    found = sorted(set(cdasi["subgroup_factor"].dropna()))
    same = set(found) == set(_METHODS_24_CDASI_FACTORS)
    return CodeCheck("consistent" if same else "inconsistent",
                     f"subgroup factors of the published CDASI results: {fmt_list(found) or 'none'}")


def _studies_with_endpoint(evidence: Evidence, short_label: str) -> pd.DataFrame:
    """Table 1 rows whose Endpoints cell names ``short_label`` as a word (CDASI, MMT, CK ...)."""
    studies = evidence.table("studies")
    pattern = rf"(?<![A-Za-z]){re.escape(short_label)}(?![A-Za-z])"
    return studies[studies["endpoints"].str.contains(pattern, regex=True)]


#: how the paper's Table 1 (Endpoints column, as recorded in ``studies.endpoints``) names the skin score; a
#: fact about the paper's wording, not the book's label for the outcome (which authors may change)
PAPER_CDASI_TERM = "CDASI"


def _most_studies_report_cdasi(evidence: Evidence) -> CodeCheck:
    """"Most of the literature" used CDASI: the Table 1 rows naming CDASI are more than half of the rows."""
    short = PAPER_CDASI_TERM
    with_cdasi = _studies_with_endpoint(evidence, short)
    n = len(evidence.table("studies"))
    return CodeCheck("consistent" if 2 * len(with_cdasi) > n else "inconsistent",
                     f"{fmt_int(len(with_cdasi))} of {fmt_int(n)} Table 1 rows name {short} among their endpoints "
                     f"({_names(with_cdasi['label'])})")


def _nos_item_count(evidence: Evidence) -> CodeCheck:
    """The number of NOS items Section 3.2 states against the items of Table 3 (the data package's
    NOS fields)."""
    stated = int(statement_value(evidence, "r32_nos_eight_items"))
    items = item_texts()
    n = int((items["tool"] == "NOS").sum())
    return CodeCheck("consistent" if n == stated else "inconsistent",
                     f"stated {fmt_int(stated)}; Table 3 has {fmt_int(n)} items "
                     f"({fmt_list(items.loc[items['tool'] == 'NOS', 'item'])})")


def _others_appraised_with_jbi(evidence: Evidence) -> CodeCheck:
    """Every study not appraised with the NOS is appraised with the JBI checklist (Tables 2-3)."""
    rob = evidence.table("risk_of_bias")
    others = rob[rob["tool"] != "NOS"]
    not_jbi = others[others["tool"] != "JBI"]
    labels = evidence.study_labels()
    return CodeCheck("consistent" if not_jbi.empty else "inconsistent",
                     f"{fmt_int(len(others) - len(not_jbi))} of the {fmt_int(len(others))} studies outside Table 3 "
                     f"are scored in Table 2 ({_names([labels[s] for s in others['study_id']])})")


def drug_totals(evidence: Evidence) -> pd.DataFrame:
    """Studies and Table 1 patients per JAK inhibitor: the intervention arms given one named drug
    (a study's per-drug arms, not its whole-study arm). Columns: drug, studies, patients; most
    patients first."""
    arms = evidence.table("arms")
    one_drug = arms[(arms["role"] == "intervention") & arms["drug"].notna() & (arms["drug"] != "mixed_jak_inhibitors")]
    # an arm inside another one-drug arm (a subgroup of it) is counted in that arm
    single = one_drug[one_drug["n"].notna() & ~one_drug["subset_of"].isin(one_drug["arm_id"])]
    return (single.groupby("drug").agg(studies=("study_id", "nunique"), patients=("n", "sum"))
            .reset_index().sort_values(["patients", "drug"], ascending=[False, True]).reset_index(drop=True))


def _tofacitinib_most_used(evidence: Evidence) -> CodeCheck:
    """The Discussion: tofacitinib was chosen in more studies, and fewer patients had the other drugs.
    Consistent when tofacitinib has both the most studies and the most patients in Table 1."""
    totals = drug_totals(evidence).set_index("drug")
    tof = totals.loc["tofacitinib"]
    others = totals.drop(index="tofacitinib")
    most = bool((tof["studies"] > others["studies"]).all() and (tof["patients"] > others["patients"]).all())
    return CodeCheck("consistent" if most else "inconsistent",
                     "; ".join(f"{drug}: {fmt_int(int(r['studies']))} studies, {fmt_int(int(r['patients']))} patients"
                               for drug, r in totals.iterrows()) + " (Table 1, each report counted)")


def _fvc_change_considerable(evidence: Evidence) -> CodeCheck:
    """"Considerably improved": the published FVC interval against the smallest important change
    (data/minimal_important_differences.csv, its lower value). Consistent only when the whole
    interval lies above it."""
    row = _published_interval(evidence, "fvc.overall")
    mids = evidence.table("minimal_important_differences")
    mid = mids[(mids["outcome"] == "fvc_pct_predicted") & (mids["quantity"] == "minimal_important_difference")]
    if mid.empty or pd.isna(mid["value_low"].iloc[0]):
        return CodeCheck("not checkable", "no smallest important change of FVC in the data")
    low = float(mid["value_low"].iloc[0])
    above = row["ci_low"] >= low
    return CodeCheck("consistent" if above else "inconsistent",
                     f"FVC change {row['estimate_text']} (95% CI {row['ci_low_text']} to {row['ci_high_text']}); smallest "
                     f"important change {fmt_num(low, 1)} to {fmt_num(float(mid['value_high'].iloc[0]), 1)} "
                     f"({mid['population'].iloc[0].split(',')[0]}); the interval's lower end is "
                     + ("above it" if above else "below it"))


#: name -> the computation behind a ``register|<name>`` reference.
REGISTER_CHECKS: dict[str, Callable[[Evidence], CodeCheck]] = {
    "populations_include_pm": _populations_include_pm,
    "serious_events_in_table4": _serious_events_in_table4,
    "tool_rule": _tool_rule,
    "trial_designs_included": _trial_designs_included,
    "same_patients_pooled_twice": _same_patients_pooled_twice,
    "scale_directions": _scale_directions,
    "admission_size_rule": _admission_size_rule,
    "mmt_interval_excludes_zero": _mmt_interval_excludes_zero,
    "ck_intervals_include_zero": _ck_intervals_include_zero,
    "fvc_has_comparison": _fvc_has_comparison,
    "asymmetry_tests_possible": _asymmetry_tests_possible,
    "reference_is_included_study": _reference_is_included_study,
    "nos_count": _nos_count,
    "drugs_not_shown_to_differ": _drugs_not_shown_to_differ,
    "drug_difference_claimed": _drug_difference_claimed,
    "regimen_difference_claimed": _regimen_difference_claimed,
    "tacrolimus_control": _tacrolimus_control,
    "cdasi_subgroup_factors": _cdasi_subgroup_factors,
    "most_studies_report_cdasi": _most_studies_report_cdasi,
    "nos_item_count": _nos_item_count,
    "others_appraised_with_jbi": _others_appraised_with_jbi,
    "tofacitinib_most_used": _tofacitinib_most_used,
    "fvc_change_considerable": _fvc_change_considerable,
}

