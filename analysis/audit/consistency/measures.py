"""Check (g): the names the paper gives its effect measures against the numbers it prints.

* The figure captions call the CDASI and MMT effects standardized mean differences (SMD), yet the
  text reports them as score points. An SMD is a change divided by a standard deviation; Paik
  2021's CDASI change in points and as an SMD (change / baseline SD, the standardized mean change
  of Becker 1988) show which one the published -17.67 resembles, and what an SMD of that size
  would mean in points.
* Methods 2.4 defines its "risk ratio" as the ratio of deaths to survivors, which is an odds;
  a ratio of two odds is an odds ratio. Both are computed from Fan 2022's counts.
Sources: Borenstein et al. 2009, Introduction to Meta-Analysis, chapters 4-5; Becker 1988,
Br J Math Stat Psychol 41:257; Cochrane Handbook v6.5, section 6.4.1 (risk and odds).
"""
from __future__ import annotations

import math

import pandas as pd

from analysis.audit.consistency.result import CheckResult, overall_status
from analysis.format import fmt_int, fmt_num
from analysis.stats import odds_ratio, risk_ratio

__all__ = ["check_measure_names", "smd_rows", "ratio_rows"]


def smd_rows(evidence) -> list[dict[str, object]]:
    """Each outcome whose figure caption names an SMD: the published estimate read as points and as an SMD."""
    published = evidence.table("published_results")
    outcomes = evidence.table("outcomes")
    named = published[published["measure_named"].fillna("").str.contains("standardized mean difference")
                      & published["estimate"].notna() & (published["analysis"] == "overall")]
    rows = []
    for outcome, group in named.groupby("outcome", sort=False):
        est = float(group.iloc[0]["estimate"])
        primary = outcomes[(outcomes["outcome"] == outcome) & (outcomes["statistic"] == "mean_sd_before_after")]
        if primary.empty:
            rows.append({"item": f"{outcome}: SMD named, points printed", "location": group.iloc[0]["measure_named_location"],
                         "name_says": "standardized mean difference", "numbers_give": f"estimate {fmt_num(est)}",
                         "status": "cannot check",
                         "note": "No study gives this outcome's mean and SD publicly, so no SMD can be compared."})
            continue
        p = primary.iloc[0]
        change = float(p["mean_after"] - p["mean_before"])
        smd = change / float(p["sd_before"])
        as_points = est * float(p["sd_before"])
        impossible = abs(as_points) > float(p["mean_before"]) and est < 0
        rows.append({
            "item": f"{outcome}: SMD named, points printed", "location": group.iloc[0]["measure_named_location"],
            "name_says": "standardized mean difference",
            "numbers_give": (f"published {fmt_num(est)}; {p['study_id']} change {fmt_num(change)} points, SMD {fmt_num(smd)}; "
                             f"an SMD of {fmt_num(est)} with that SD is {fmt_num(as_points)} points from a baseline mean of "
                             f"{fmt_num(p['mean_before'])}"),
            "status": "inconsistent" if impossible or abs(est - change) < abs(est - smd) else "consistent",
            "note": ("The published value is on the scale of raw points, not of SDs; a fall larger than the baseline mean "
                     "would take the score below zero." if impossible else ""),
        })
    return rows


def ratio_rows(evidence) -> list[dict[str, object]]:
    """The paper's risk ratio and its definition (deaths over survivors) against RR and OR from Fan 2022's counts."""
    published = evidence.table("published_results")
    rr_row = published[published["measure_named"].fillna("").str.contains("risk ratio")].iloc[0]
    outcomes = evidence.table("outcomes")
    arms = evidence.table("arms").set_index("arm_id")
    deaths = outcomes[(outcomes["outcome"] == "death") & outcomes["events"].notna()]
    parts = []
    differs = False
    for time_point, group in deaths.groupby("time_point", sort=False):
        roles = {arms.loc[a, "role"]: r for a, r in zip(group["arm_id"], group.itertuples())}
        t, c = roles["intervention"], roles["comparator"]
        rr = math.exp(risk_ratio(int(t.events), int(t.total), int(c.events), int(c.total)).yi)
        orr = math.exp(odds_ratio(int(t.events), int(t.total), int(c.events), int(c.total)).yi)
        odds_t, odds_c = t.events / (t.total - t.events), c.events / (c.total - c.events)
        differs = differs or abs(rr - orr) > 0.005
        parts.append(f"{t.study_id} {time_point}: {fmt_int(t.events)}/{fmt_int(t.total)} vs {fmt_int(c.events)}/{fmt_int(c.total)} "
                     f"gives RR {fmt_num(rr)}, deaths-to-survivors {fmt_num(odds_t)} vs {fmt_num(odds_c)}, OR {fmt_num(orr)}")
    return [{
        "item": "risk ratio defined as deaths to survivors", "location": rr_row["measure_named_location"],
        "name_says": f"{rr_row['measure_named']} {fmt_num(rr_row['estimate'])}, defined as the ratio of deaths to survivors",
        "numbers_give": "; ".join(parts),
        "status": "inconsistent" if differs else "consistent",
        "note": ("Deaths divided by survivors is the odds of death; comparing two such odds gives an odds ratio, "
                 "which differs from the risk ratio when deaths are common."),
    }]


def check_measure_names(evidence) -> CheckResult:
    """(g) Effect-measure names against the numbers printed under them."""
    details = pd.DataFrame(smd_rows(evidence) + ratio_rows(evidence))
    bad = details[details["status"] == "inconsistent"]
    finding = (f"{len(bad)} of {len(details)} measure names do not fit their numbers: "
               + "; ".join(f"{r.item} ({r.numbers_give})" for r in bad.itertuples()) + ".")
    return CheckResult(
        check_id="measure_names",
        title="Effect-measure names against the numbers",
        tested=("Whether the measures the paper names (a standardized mean difference in the figure captions, a risk ratio "
                "defined as deaths to survivors) match the size and meaning of the numbers it prints."),
        finding=finding,
        status=overall_status(details["status"]),
        details=details,
    )
