"""The anti-MDA5 ADM-ILD analyses: deaths as 2x2 tables, risk and odds ratios, what can be pooled,
the paper's risk ratio beside the one study whose counts are public, and FVC.

The paper pools deaths from the 2x2 tables of two studies (Chen 2019, Fan 2022; Methods 2.4) into
a "risk ratio" it defines as deaths to survivors. Chen 2019's counts (and the size of its control
group) are in no public source, so no pooled ratio can be regenerated; Fan 2022's counts are
derived from the percentages of its secondary reports (``outcomes``, tier ``derived``).
Formulas: RR = (a/n1) / (c/n2), var(log RR) = 1/a - 1/n1 + 1/c - 1/n2; OR = (a/b) / (c/d),
var(log OR) = 1/a + 1/b + 1/c + 1/d; 95% CI exp(log ratio +/- 1.96 SE)
(:func:`analysis.stats.risk_ratio`, :func:`analysis.stats.odds_ratio`; Cochrane Handbook v6.5,
sections 6.4.1 and 10.4.4.2).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analysis.data.derive import COUNT_ASSUMPTION
from analysis.format import fmt_int, fmt_names
from analysis.stats import Z95, odds_ratio, recover_from_ci, risk_ratio

__all__ = [
    "COUNT_ASSUMPTION",
    "RatioPair",
    "death_tables",
    "two_by_two_tests",
    "fvc_results",
    "poolability",
    "ratio_forest_frame",
    "ratio_pair",
    "ratio_table",
    "survival_comparison",
]




@dataclass(frozen=True)
class RatioPair:
    """Risk ratio and odds ratio of death (treated against control) from one 2x2 table, as ratios,
    with 95% Wald CIs built on the log scale and the log-scale SEs."""

    events_treat: int
    total_treat: int
    events_ctrl: int
    total_ctrl: int
    rr: float
    rr_ci_low: float
    rr_ci_high: float
    log_rr_se: float
    or_: float
    or_ci_low: float
    or_ci_high: float
    log_or_se: float


def ratio_pair(events_treat: int, total_treat: int, events_ctrl: int, total_ctrl: int) -> RatioPair:
    """RR and OR with their 95% CIs from a 2x2 table (a of n1 treated died, c of n2 controls died)."""
    rr, orr = (f(events_treat, total_treat, events_ctrl, total_ctrl) for f in (risk_ratio, odds_ratio))
    return RatioPair(
        events_treat, total_treat, events_ctrl, total_ctrl,
        math.exp(rr.yi), math.exp(rr.yi - Z95 * rr.se), math.exp(rr.yi + Z95 * rr.se), rr.se,
        math.exp(orr.yi), math.exp(orr.yi - Z95 * orr.se), math.exp(orr.yi + Z95 * orr.se), orr.se,
    )


def death_tables(evidence) -> pd.DataFrame:
    """One row per study and time point of the paper's death analysis: the treated and control
    arms' deaths and totals (missing where no source gives them) and the tier of the counts."""
    links = evidence.table("published_result_studies")
    arms = evidence.table("arms").set_index("arm_id")
    labels = evidence.study_labels()
    outcomes = evidence.table("outcomes")
    deaths = outcomes[(outcomes["outcome"] == "death") & outcomes["statistic"].isin(["events_total", "unknown"])]
    rows = []
    for study_id in links.loc[links["result_key"] == "death.rr", "study_id"].unique():
        of_study = deaths[deaths["study_id"] == study_id]
        for time_point, group in of_study.groupby("time_point", sort=False):
            by_role = {arms.loc[a, "role"]: r for a, r in zip(group["arm_id"], group.to_dict("records"))}
            t, c = by_role.get("intervention", {}), by_role.get("comparator", {})
            tiers = sorted({x.get("tier") for x in (t, c) if x})
            rows.append({
                "study_id": study_id, "study": labels[study_id], "time_point": time_point,
                "treated_arm": arms.loc[t["arm_id"], "label"] if t else pd.NA,
                "treated_deaths": t.get("events", pd.NA), "treated_total": t.get("total", pd.NA),
                "control_arm": arms.loc[c["arm_id"], "label"] if c else pd.NA,
                "control_deaths": c.get("events", pd.NA), "control_total": c.get("total", pd.NA),
                "tier": "missing" if "missing" in tiers else "; ".join(tiers),
                "input_tier": "; ".join(sorted({str(x.get("input_tier")) for x in (t, c) if x and pd.notna(x.get("input_tier"))})),
                "note": (t.get("note") if isinstance(t.get("note"), str) else ""),
            })
    frame = pd.DataFrame(rows)
    frame = _table4_deaths(evidence, frame)
    for column in ("treated_deaths", "treated_total", "control_deaths", "control_total"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _table4_deaths(evidence, frame: pd.DataFrame) -> pd.DataFrame:
    """Fill a treated arm's missing deaths from the paper's Table 4 death column (tier paper, no time
    point), with the arm's size from Table 1; the note says where each number comes from. The 2x2
    table stays incomplete while the control arm's counts are missing."""
    events = evidence.table("adverse_events")
    table4 = events[(events["category"] == "death") & (events["scope"] == "study") & events["deaths"].notna()]
    table4 = table4.set_index("study_id")
    arms = evidence.table("arms")
    frame = frame.copy()
    frame["treated_deaths_source"] = ""
    for i, row in frame.iterrows():
        if pd.notna(row["treated_deaths"]) or row["study_id"] not in table4.index:
            continue
        record = table4.loc[row["study_id"]]
        treated = arms[(arms["arm_id"] == record["arm_id"]) & (arms["role"] == "intervention")]
        if treated.empty:
            continue
        frame.at[i, "treated_deaths"] = int(record["deaths"])
        if pd.isna(row["treated_total"]) and pd.notna(treated["n"].iloc[0]):
            frame.at[i, "treated_total"] = int(treated["n"].iloc[0])
        frame.at[i, "treated_deaths_source"] = (f"the paper's {record['location']} (death column, no time point); "
                                                "patients from its Table 1")
    return frame


def ratio_table(tables: pd.DataFrame) -> pd.DataFrame:
    """RR and OR (95% CI) for each row of :func:`death_tables` whose four counts are known;
    rows with a missing count keep missing ratios."""
    rows = []
    for _, r in tables.iterrows():
        counts = [r[c] for c in ("treated_deaths", "treated_total", "control_deaths", "control_total")]
        shown = ["not public" if pd.isna(x) else fmt_int(x) for x in counts]
        base = {"study": r["study"], "time_point": r["time_point"], "tier": r["tier"],
                "counts": f"{shown[0]}/{shown[1]} vs {shown[2]}/{shown[3]}"}
        if any(pd.isna(x) for x in counts):
            rows.append({**base, **{k: math.nan for k in ("risk_treated", "risk_control", "rr", "rr_ci_low", "rr_ci_high",
                                                           "log_rr_se", "or", "or_ci_low", "or_ci_high", "log_or_se")}})
            continue
        p = ratio_pair(*(int(x) for x in counts))
        rows.append({**base, "risk_treated": counts[0] / counts[1], "risk_control": counts[2] / counts[3],
                     "rr": p.rr, "rr_ci_low": p.rr_ci_low, "rr_ci_high": p.rr_ci_high, "log_rr_se": p.log_rr_se,
                     "or": p.or_, "or_ci_low": p.or_ci_low, "or_ci_high": p.or_ci_high, "log_or_se": p.log_or_se})
    return pd.DataFrame(rows)


def poolability(evidence) -> pd.DataFrame:
    """Per study of the paper's death analysis: is a 2x2 table public, and what is missing."""
    tables = death_tables(evidence)
    rows = []
    for study, group in tables.groupby("study", sort=False):
        complete = group[["treated_deaths", "treated_total", "control_deaths", "control_total"]].notna().all(axis=1)
        missing = [c.replace("_", " ") for c in ("treated_deaths", "treated_total", "control_deaths", "control_total")
                   if group[c].isna().all()]
        rows.append({"study": study, "time_points_with_counts": ", ".join(group.loc[complete, "time_point"]) or "none",
                     "missing": ", ".join(missing) or "nothing", "tier": "; ".join(sorted(set(group["tier"]))),
                     "can_enter_pool": bool(complete.any())})
    return pd.DataFrame(rows)


def survival_comparison(evidence) -> pd.DataFrame:
    """The paper's pooled death ratio (which it names a risk ratio) beside what Fan 2022 alone gives:
    RR and OR at each time point, Chen 2019 as not public, and the secondary report's adjusted
    hazard ratio. Ratios as ratios."""
    published = evidence.table("published_results")
    paper = published[published["result_key"] == "death.rr"].iloc[0]
    tables = death_tables(evidence)
    pooled = " and ".join(sorted(tables["study"].unique(), key=lambda label: label.casefold()))
    rows = [{"what": f"Paper, pooled ({pooled})", "measure": "risk ratio",
             "estimate": paper["estimate"], "ci_low": paper["ci_low"], "ci_high": paper["ci_high"], "tier": "paper",
             "source": paper["location"]}]
    ratios = ratio_table(tables)
    for _, r in ratios[ratios["rr"].isna()].iterrows():
        rows.append({"what": f"{r['study']} (counts not public)", "measure": "risk ratio", "estimate": math.nan,
                     "ci_low": math.nan, "ci_high": math.nan, "tier": r["tier"], "source": "no public source"})
    for _, r in ratios[ratios["rr"].notna()].iterrows():
        assumed = r["tier"] == "derived"  # counts derived from survival percentages: an assumption
        for measure, key in (("risk ratio", "rr"), ("odds ratio", "or")):
            rows.append({"what": f"{r['study']}, {r['time_point']} ({r['counts']}{', assumed counts' if assumed else ''})",
                         "measure": measure,
                         "estimate": r[key], "ci_low": r[f"{key}_ci_low"], "ci_high": r[f"{key}_ci_high"],
                         "tier": r["tier"],
                         "source": ("computed from counts that " + COUNT_ASSUMPTION if assumed
                                    else "computed from the counts")})
    outcomes = evidence.table("outcomes")
    labels = evidence.study_labels()
    for _, h in outcomes[(outcomes["outcome"] == "death") & (outcomes["statistic"] == "hazard_ratio_ci")].iterrows():
        rows.append({"what": f"{labels[h['study_id']]}, {h['time_point']}", "measure": "hazard ratio (adjusted)",
                     "estimate": h["estimate"], "ci_low": h["ci_low"], "ci_high": h["ci_high"], "tier": h["tier"],
                     "source": h["source_id"]})
    return pd.DataFrame(rows)


def ratio_forest_frame(comparison: pd.DataFrame) -> pd.DataFrame:
    """A forest-plot frame (see :mod:`analysis.report.figures.forest`) of :func:`survival_comparison`,
    grouped by measure with a heading per measure; the paper's pooled value is a diamond."""
    rows, order = [], 0
    for measure, group in comparison.groupby("measure", sort=False):
        group = group.sort_values("tier", key=lambda tiers: tiers.eq("paper"), kind="stable")  # the pool at the bottom
        rows.append({"row_order": order, "label": measure[:1].upper() + measure[1:], "row_type": "heading",
                     "estimate": math.nan, "ci_low": math.nan, "ci_high": math.nan, "tier": None})
        order += 1
        for _, r in group.iterrows():
            rows.append({"row_order": order, "label": r["what"], "row_type": "overall" if r["tier"] == "paper" else "study",
                         "group": measure,
                         "estimate": r["estimate"], "ci_low": r["ci_low"], "ci_high": r["ci_high"], "tier": r["tier"],
                         "source": r["source"]})
            order += 1
    return pd.DataFrame(rows)


def fvc_results(evidence) -> pd.DataFrame:
    """The published FVC results (each statement), their interval symmetry, and the public inputs:
    none (every study-level FVC value is missing)."""
    published = evidence.table("published_results")
    fvc = published[published["outcome"] == "fvc_pct_predicted"]
    outcomes = evidence.table("outcomes")
    inputs = outcomes[outcomes["outcome"] == "fvc_pct_predicted"]
    labels = evidence.study_labels()
    missing = fmt_names((labels[s] for s in inputs.loc[inputs["tier"] == "missing", "study_id"]), separator=", ")
    rows = []
    for _, r in fvc.iterrows():
        rec = recover_from_ci(r["estimate"], r["ci_low"], r["ci_high"])
        rows.append({"result_id": r["result_id"], "location": r["location"], "estimate": r["estimate"],
                     "ci_low": r["ci_low"], "ci_high": r["ci_high"], "i2_pct": r["i2_pct"], "p_printed": r["p_unlabelled"],
                     "upper_minus_estimate": r["ci_high"] - r["estimate"], "estimate_minus_lower": r["estimate"] - r["ci_low"],
                     "symmetric": rec.symmetric, "tier": "paper", "missing_inputs": missing})
    return pd.DataFrame(rows)


def two_by_two_tests(evidence) -> pd.DataFrame:
    """For each complete 2x2 table derived from survival percentages: the published between-arm p
    (a log-rank test in the source) beside Pearson's chi² test (no continuity correction) and Fisher's
    exact test on the derived counts. A mismatch shows that the counts are not the data the
    published test used (censoring), so 2x2 intervals on them are approximations under
    :data:`COUNT_ASSUMPTION`. Source: Cochrane Handbook v6.5, section 6.8 (time-to-event data)."""
    from scipy import stats  # imported here: scipy.stats takes ~0.8 s to import

    tables = death_tables(evidence)
    outcomes = evidence.table("outcomes")
    rows = []
    for _, r in tables.iterrows():
        counts = [r[c] for c in ("treated_deaths", "treated_total", "control_deaths", "control_total")]
        if any(pd.isna(x) for x in counts):
            continue
        a, n1, c, n2 = (int(x) for x in counts)
        published = outcomes[(outcomes["study_id"] == r["study_id"]) & (outcomes["outcome"] == "death")
                             & (outcomes["time_point"] == r["time_point"]) & (outcomes["statistic"] == "events_total")]
        p_published = published["p_value"].dropna()
        table = [[a, n1 - a], [c, n2 - c]]
        rows.append({
            "study_id": r["study_id"], "study": r["study"], "time_point": r["time_point"],
            "counts": f"{a}/{n1} vs {c}/{n2}",
            "p_published": float(p_published.iloc[0]) if len(p_published) else math.nan,
            "p_chi2": float(stats.chi2_contingency(table, correction=False)[1]),
            "p_fisher": float(stats.fisher_exact(table)[1]),
            "assumption": COUNT_ASSUMPTION,
        })
    return pd.DataFrame(rows)
