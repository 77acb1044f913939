"""Check (f): what the text says against what the tables and the primary sources give.

Direction words ("decreased", "increased") against the signs of the published estimates, verbal
rankings of subgroups against their estimates, the follow-up subgroups against Table 1, and
Table 4 against the primary and secondary reports of the same studies.
"""
from __future__ import annotations

import pandas as pd

from analysis.audit.consistency.intervals import stated_intervals
from analysis.audit.consistency.result import CheckResult, overall_status
from analysis.audit.consistency.statements import statement
from analysis.domain.outcomes import outcome_registry
from analysis.format import fmt_int, fmt_names, fmt_num

__all__ = ["DIRECTION_WORDS", "check_text_against_tables", "direction_rows", "claim_rows"]

#: sign of the change each direction word asserts; "improved" depends on the outcome.
DIRECTION_WORDS = {"decreased": -1, "decrease": -1, "reduction": -1, "reduced": -1, "increased": 1}


def _sign_asserted(word: object, outcome: str, lower_is_better: frozenset[str]) -> int | None:
    if not isinstance(word, str) or word == "none":
        return None
    if word == "improved":
        return -1 if outcome in lower_is_better else 1
    if word not in DIRECTION_WORDS:
        raise ValueError(f"unknown direction word {word!r}; known: {', '.join([*DIRECTION_WORDS, 'improved', 'none'])}")
    return DIRECTION_WORDS[word]


def direction_rows(published: pd.DataFrame, lower_is_better: frozenset[str]) -> pd.DataFrame:
    """Each direction word printed with a result against the sign of the result's estimate
    ("improved" means a fall for the outcomes in ``lower_is_better``, a rise for the others)."""
    rows = []
    for _, r in published[published["estimate"].notna()].iterrows():
        sign = _sign_asserted(r["direction_word"], r["outcome"], lower_is_better)
        if sign is None:
            continue
        ok = (r["estimate"] > 0) == (sign > 0)
        rows.append({"item": f"direction word of {r['result_id']}", "location": r["location"],
                     "text_says": r["direction_word"], "data_give": f"estimate {_as_printed(r)}",
                     "status": "consistent" if ok else "inconsistent"})
    return pd.DataFrame(rows)


def _as_printed(row, column: str = "estimate") -> str:
    """A published number as the paper prints it (the loader's ``<column>_text``), else formatted."""
    text = row.get(f"{column}_text") if hasattr(row, "get") else getattr(row, f"{column}_text", None)
    return text if isinstance(text, str) and text and text != "nan" else fmt_num(row[column] if hasattr(row, "get")
                                                                                   else getattr(row, column))


def _one_per_key(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.drop_duplicates("result_key")


def claim_rows(evidence) -> pd.DataFrame:
    """Verbal claims (``paper_statements``, see :mod:`analysis.audit.consistency.statements`) and Table 4
    against computed values."""
    published = evidence.table("published_results")
    statements = evidence.table("paper_statements")
    stated = stated_intervals(published)
    rows = []

    ck = _one_per_key(stated[(stated["outcome"] == "ck") & (stated["analysis"] == "subgroup")])
    s = statement(statements, "ck_all_decreased")
    rows.append({"item": "CK results all decreased", "location": s.location, "text_says": s.claim,
                 "data_give": "; ".join(f"{r['subgroup_level']}: {_as_printed(r)}" for _, r in ck.iterrows()),
                 "status": "consistent" if (ck["estimate"] < 0).all() else "inconsistent"})

    drug = _one_per_key(stated[stated["subgroup_factor"] == "drug"]).sort_values("estimate")
    order = "; ".join(f"{r['subgroup_level']}: {_as_printed(r)}" for _, r in drug.iterrows())
    s = statement(statements, "rux_least_noticeable")
    smallest = drug.iloc[-1]["subgroup_level"]
    rows.append({"item": "drug with the least CDASI reduction", "location": s.location, "text_says": s.claim,
                 "data_give": f"{order} (smallest reduction: {smallest})",
                 "status": "consistent" if smallest == "ruxolitinib" else "inconsistent"})
    s = statement(statements, "rux_lowest")
    rows.append({"item": "ranking of the drugs", "location": s.location, "text_says": s.claim, "data_give": order,
                 "status": "consistent" if list(drug["subgroup_level"]) == ["ruxolitinib", "tofacitinib", "baricitinib"]
                 else "inconsistent"})
    regimen = _one_per_key(stated[stated["subgroup_factor"] == "regimen"]).set_index("result_key")
    s = statement(statements, "combination_better")
    combo, alone = regimen.loc["cdasi.regimen.combination", "estimate"], regimen.loc["cdasi.regimen.alone", "estimate"]
    rows.append({"item": "combination against monotherapy", "location": s.location, "text_says": s.claim,
                 "data_give": (f"combination {_as_printed(regimen.loc['cdasi.regimen.combination'])}; "
                               f"alone {_as_printed(regimen.loc['cdasi.regimen.alone'])}"),
                 "status": "consistent" if combo < alone else "inconsistent"})

    levels = sorted(int(x) for x in published.loc[published["subgroup_factor"] == "follow_up_months", "subgroup_level"].unique())
    links = evidence.table("published_result_studies")
    studies = evidence.table("studies").set_index("study_id")
    cdasi_studies = links.loc[links["result_key"] == "cdasi.overall", "study_id"].unique()
    months = sorted({int(studies.loc[s_id, "follow_up_median_months"]) for s_id in cdasi_studies})
    rows.append({"item": "follow-up subgroups against Table 1", "location": "Section 3.3, paragraph 4",
                 "text_says": "follow-up subgroups of " + ", ".join(map(str, levels)) + " months",
                 "data_give": "Table 1 median follow-up of the CDASI studies: " + ", ".join(map(str, months)) + " months",
                 "status": "consistent" if levels == months else "inconsistent"})

    events = evidence.table("adverse_events")
    # One pass over the events, grouped by study (a filter per study would grow with the square of the studies).
    not_deaths = events[events["study_id"].notna() & (events["category"] != "death")]
    for study_id, of_study in not_deaths.groupby("study_id", sort=False):
        said_none = of_study[(of_study["source_id"] == "ma2024") & (of_study["category"] == "none_reported")]
        elsewhere = of_study[of_study["source_id"] != "ma2024"]
        if len(said_none) and len(elsewhere):
            rows.append({"item": f"adverse events of {studies.loc[study_id, 'label']}", "location": said_none.iloc[0]["location"],
                         "text_says": said_none.iloc[0]["event"],
                         "data_give": "; ".join(f"{r.event}: {fmt_int(r.patients)} patients ({r.tier}, {r.source_id})"
                                                for r in elsewhere.itertuples()),
                         "status": "inconsistent" if elsewhere["patients"].sum() > 0 else "consistent"})
    outcomes = evidence.table("outcomes")
    death_counts = {arm: rows for arm, rows in outcomes[(outcomes["outcome"] == "death") & outcomes["events"].notna()]
                    .groupby("arm_id", sort=False)}
    for _, d in events[(events["category"] == "death") & (events["scope"] == "study")].iterrows():
        counted = death_counts.get(d["arm_id"])
        if counted is None:
            continue
        matches = counted["events"].astype(int).eq(int(d["deaths"])).any()
        rows.append({"item": f"deaths in {studies.loc[d['study_id'], 'label']}", "location": d["location"],
                     "text_says": f"{fmt_int(d['deaths'])} deaths",
                     "data_give": "; ".join(f"{r.time_point}: {fmt_int(r.events)} of {fmt_int(r.total)} ({r.tier})"
                                            for r in counted.itertuples()),
                     "status": "consistent" if matches else "inconsistent"})
    return pd.DataFrame(rows)


def check_text_against_tables(evidence) -> CheckResult:
    """(f) Direction words, verbal rankings, follow-up subgroups and Table 4 against the numbers."""
    lower = frozenset(o for o, spec in outcome_registry(evidence).items() if spec.better == "lower")
    directions = direction_rows(evidence.table("published_results"), lower)
    claims = claim_rows(evidence)
    wrong = directions[directions["status"] == "inconsistent"]
    summary = pd.DataFrame([{
        "item": "direction words printed with the estimates", "location": "Abstract, Results and Discussion",
        "text_says": f"{fmt_int(len(directions))} words such as decreased, reduction, increased, improved",
        "data_give": f"{fmt_int(len(directions) - len(wrong))} of {fmt_int(len(directions))} match the sign of their estimate"
                     + (" (not: " + ", ".join(wrong["item"]) + ")" if len(wrong) else ""),
        "status": overall_status(directions["status"]),
    }])
    details = pd.concat([claims, summary], ignore_index=True)
    bad = claims[claims["status"] == "inconsistent"]
    bad_dir = directions[directions["status"] == "inconsistent"]
    finding = (
        f"{len(bad)} of {len(claims)} statements disagree with the numbers ("
        + fmt_names((f"{r.item}: {r.data_give}" for r in bad.itertuples()), separator="; ")
        + f"), and {len(bad_dir)} of {len(directions)} direction words contradict the sign of their estimate."
    )
    return CheckResult(
        check_id="text_vs_tables",
        title="Text against tables and sources",
        tested=("Whether the text's verbal claims (directions, rankings, follow-up subgroups) and Table 4 agree with the "
                "published estimates, Table 1 and the primary and secondary reports of the same studies."),
        finding=finding,
        status=overall_status(details["status"]),
        details=details,
    )
