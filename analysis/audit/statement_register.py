"""The statement register: every checkable statement of the paper with the check applied and a verdict.

The register is data (``data/paper_statements.csv``): each row quotes a statement with its location,
says what it was compared with, gives a verdict (consistent, inconsistent, not checkable) and the
reasoning. Where a verdict rests on a computation, ``check_ref`` names the code that makes it:

* ``<check_id>|<item>``: a row of one of the consistency checks of :mod:`analysis.audit.consistency`
  (its ``result_id``, ``item`` or ``subgroup_factor``); that row's status is the code's verdict;
* ``register|<name>``: one of the :data:`REGISTER_CHECKS` below, each a small computation over the data.

:func:`statement_register` re-runs every referenced check and sets the code's verdict and its evidence
(a sentence with the computed numbers) beside the recorded one; :func:`disagreements` lists rows where
the two differ, which the tests require to be none. Rows without ``check_ref`` rest on reading the
paper; their reason says what was read. :func:`register_summary` counts statements and distinct
findings (two statements of one result checked by one check are one finding).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from analysis.audit.bias import tool_rule_check, totals_check
from analysis.audit.consistency import run_all_checks
from analysis.audit.limitations import eligibility_table, results_with_overlap
from analysis.audit.subgroup_tests import published_subgroup_test
from analysis.audit.consistency.result import CheckResult
from analysis.data import Evidence
from analysis.format import fmt_int, fmt_list, fmt_num, fmt_p
from analysis.stats.small_study import MIN_STUDIES_FOR_ASYMMETRY_TESTS

__all__ = ["REGISTER_CHECKS", "VERDICTS", "CodeCheck", "RegisterSummary", "disagreements", "register_summary",
           "statement_register"]

#: the register's verdicts, as data/paper_statements.csv allows them.
VERDICTS = ("consistent", "inconsistent", "not checkable")
#: a consistency check's row status -> the register's verdict.
_FROM_STATUS = {"consistent": "consistent", "inconsistent": "inconsistent", "cannot check": "not checkable"}
#: the significance level at which a test for subgroup differences is read (the paper's own, Methods 2.4).
_ALPHA = 0.05


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
                     + (f" ({fmt_list(broken['study'])})" if len(broken) else ""))


def _trial_designs_included(evidence: Evidence) -> CodeCheck:
    rules = tool_rule_check(evidence.table("studies"), evidence.table("risk_of_bias"))
    trials = rules[rules["design_class"] == "non-controlled trial"]
    return CodeCheck("inconsistent" if len(trials) else "consistent",
                     f"{fmt_int(len(trials))} included reports are prospective or open-label trials by their Table 1 design"
                     + (f" ({fmt_list(trials['study'])})" if len(trials) else ""))


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
                     "more patients than the rule asks" + (f" ({fmt_list(failing['study'])})" if len(failing) else ""))


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
                     f"arms pooled in the FVC result: {fmt_list(fvc['arm_id'])} (roles: {fmt_list(sorted(roles))})")


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


def _statement_value(evidence: Evidence, statement_id: str) -> float:
    statements = evidence.table("paper_statements").set_index("statement_id")
    return float(statements.at[statement_id, "value"])


def _reference_is_included_study(evidence: Evidence) -> CodeCheck:
    number = int(_statement_value(evidence, "r32_nos_reference"))
    studies = evidence.table("studies")
    hit = studies[studies["ref_number"] == number]
    return CodeCheck("inconsistent" if len(hit) else "not checkable",
                     f"reference {fmt_int(number)} is " + (f"the included study {hit['label'].iloc[0]} (Table 1)"
                                                            if len(hit) else "not an included study"))


def _nos_count(evidence: Evidence) -> CodeCheck:
    stated = int(_statement_value(evidence, "r32_three_nos"))
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
                     "comparator arms given tacrolimus: " + (fmt_list(control["arm_id"]) or "none"))


def _risk_of_bias_totals(evidence: Evidence) -> CodeCheck:
    from analysis.audit.bias import item_texts

    totals = totals_check(evidence.table("risk_of_bias"), item_texts())
    return CodeCheck("consistent" if totals.n_matching == totals.n_studies else "inconsistent",
                     f"{fmt_int(totals.n_matching)} of {fmt_int(totals.n_studies)} printed totals equal the sum of their items")


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
    "risk_of_bias_totals": _risk_of_bias_totals,
}

#: per consistency check, the details column that identifies an item and the columns that show its evidence.
_KEYS = {"subgroups_vs_overall": "subgroup_factor"}
_EVIDENCE = {
    "ci_symmetry": lambda r: f"{r['printed']}: asymmetry {fmt_num(r['asymmetry'], 3)} against a rounding tolerance of {fmt_num(r['tolerance'], 3)}",
    "p_vs_ci": lambda r: f"printed p = {r['p_printed_text']}, implied by the interval p = {fmt_p(r['p_implied'])}",
    "heterogeneity_k": lambda r: (f"I² = {r['i2_text']}%, p = {r['p_text']}; k that fit both: {r['k_consistent']}"
                                  + (f"; {r['note']}" if r.get("note") else "")),
    "counts_vs_tables": lambda r: f"stated {r['stated']} ({r['stated_where']}); computed {r['computed']} ({r['computed_how']})",
    "text_vs_tables": lambda r: f"the paper says: {r['text_says']}; the numbers give: {r['data_give']}",
    "measure_names": lambda r: f"the paper says: {r['name_says']}; the numbers give: {r['numbers_give']}",
    "eligibility": lambda r: f"{r['criterion']}: {r['found']}",
}


def _item_names(evidence: Evidence) -> dict[str, str]:
    """id -> how a consistency check's item names it: studies by label, adverse events by their
    text in lower case (as :func:`analysis.audit.consistency.counts` writes its items)."""
    events = evidence.table("adverse_events")
    return {**evidence.study_labels(), **dict(zip(events["event_id"], events["event"].str.lower()))}


def _consistency_check(results: dict[str, CheckResult], check_id: str, item: str,
                       labels: dict[str, str] | None = None) -> CodeCheck:
    """The status of one item of a consistency check. An item naming a study or an adverse event writes
    its id in braces ("deaths in {fan2022}", "{all.thromboembolism.abstract} (patients)"), replaced by
    the study's label or the event's text as the check writes it, so renaming either does not break
    the register."""
    if labels:
        item = re.sub(r"\{([a-z0-9_.]+)\}", lambda m: labels.get(m.group(1), m.group(0)), item)
    if check_id not in results:
        raise ValueError(f"check_ref names the unknown check {check_id!r}; valid: {', '.join(results)} or 'register'")
    details = results[check_id].details
    key = _KEYS.get(check_id) or ("result_id" if "result_id" in details.columns else "item")
    rows = details[details[key] == item]
    if len(rows) != 1:
        raise ValueError(f"check_ref {check_id}|{item}: expected one row of {check_id} with {key} {item!r}, "
                         f"found {len(rows)}; valid: {', '.join(map(str, details[key]))}")
    row = rows.iloc[0]
    describe = _EVIDENCE.get(check_id)
    return CodeCheck(_FROM_STATUS[row["status"]], describe(row) if describe else results[check_id].finding)


def statement_register(evidence: Evidence) -> pd.DataFrame:
    """The register's rows (file order) with ``code_verdict`` and ``code_evidence`` from the check each
    ``check_ref`` names (empty where the verdict rests on reading), ``checked_by`` ("code" or "reading")
    and ``finding``: the key of the distinct finding (``check_ref``, or the statement id for readings)."""
    statements = evidence.table("paper_statements")
    results = {r.check_id: r for r in run_all_checks(evidence)}
    published = evidence.table("published_results")
    key_of = dict(zip(published["result_id"], published["result_key"]))
    rows = []
    for _, s in statements.iterrows():
        ref = s["check_ref"] if isinstance(s["check_ref"], str) else ""
        code = None
        if ref:
            kind, name = ref.split("|", 1)
            if kind == "register":
                if name not in REGISTER_CHECKS:
                    raise ValueError(f"check_ref {ref!r} of {s['statement_id']}: no register check {name!r}; "
                                     f"valid: {', '.join(REGISTER_CHECKS)}")
                code = REGISTER_CHECKS[name](evidence)
            else:
                code = _consistency_check(results, kind, name, _item_names(evidence))
        rows.append({
            "statement_id": s["statement_id"], "section": s["section"], "location": s["location"],
            "quote": s["quote"], "claim": s["claim"], "check": s["check"], "verdict": s["verdict"],
            "reason": s["reason"], "check_ref": ref, "checked_by": "code" if code else "reading",
            "code_verdict": code.verdict if code else "", "code_evidence": code.evidence if code else "",
            "finding": _finding_key(ref, s["statement_id"], key_of),
        })
    return pd.DataFrame(rows)


def _finding_key(ref: str, statement_id: str, key_of: dict[str, str]) -> str:
    """Statements of one result checked by one check are one finding: a reference to a published
    statement (a result_id) counts once per result_key (the abstract and the Discussion repeat the
    Results); other references count once each, and so does each reading."""
    if not ref:
        return statement_id
    kind, name = ref.split("|", 1)
    return f"{kind}|{key_of[name]}" if name in key_of else ref


def disagreements(register: pd.DataFrame) -> pd.DataFrame:
    """Rows whose recorded verdict differs from the code's (should be none)."""
    checked = register[register["checked_by"] == "code"]
    return checked[checked["verdict"] != checked["code_verdict"]]


@dataclass(frozen=True)
class RegisterSummary:
    """Counts over the register: statements per section and verdict, distinct findings."""

    n_statements: int
    n_by_code: int
    n_by_reading: int
    by_verdict: dict[str, int]
    n_findings_inconsistent: int
    by_section: pd.DataFrame  # section, then one column per verdict, statements


def register_summary(register: pd.DataFrame) -> RegisterSummary:
    """Statements per verdict and section; inconsistent findings counted once per distinct finding."""
    order = ["Title", "Abstract", "Methods", "Results", "Discussion", "Tables and figures"]
    table = (register.groupby(["section", "verdict"]).size().unstack(fill_value=0)
             .reindex(index=[s for s in order if s in set(register["section"])], columns=list(VERDICTS), fill_value=0))
    table["statements"] = table.sum(axis=1)
    table.columns.name = None
    bad = register[register["verdict"] == "inconsistent"]
    return RegisterSummary(
        n_statements=len(register),
        n_by_code=int((register["checked_by"] == "code").sum()),
        n_by_reading=int((register["checked_by"] == "reading").sum()),
        by_verdict={v: int((register["verdict"] == v).sum()) for v in VERDICTS},
        n_findings_inconsistent=int(bad["finding"].nunique()),
        by_section=table.reset_index(),
    )
