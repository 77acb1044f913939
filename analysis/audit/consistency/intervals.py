"""Checks (a) and (b): each published interval against its estimate, and each printed p-value
against its interval.

A Wald interval is symmetric about its estimate on the analysis scale (identity for mean
differences, log for ratios), so an asymmetry larger than the rounding of the three printed
numbers can explain is a misprint or a different kind of interval. The same interval implies a
two-sided p-value for the null (0 for differences, 1 for ratios): z = g(estimate) / SE with
SE = (g(high) - g(low)) / (2 x 1.96). Source: Altman & Bland 2011, BMJ 343:d2090 ("How to
obtain the P value from a confidence interval"); Cochrane Handbook v6.5, section 6.3.
"""
from __future__ import annotations

import itertools
import math

import pandas as pd
from scipy import stats

from analysis.audit.consistency.result import CheckResult, overall_status
from analysis.format import fmt_num, fmt_p
from analysis.stats import Z95, half_unit, printed_decimals, recover_from_ci

__all__ = ["P_ROLES", "check_ci_symmetry", "check_p_against_ci", "implied_p_range", "p_value_roles", "result_scale",
           "stated_intervals"]

#: what an unlabelled p-value is read as: a test of the effect, or a test of heterogeneity.
P_ROLES = ("effect", "heterogeneity")


def _printed(row: pd.Series, column: str) -> str:
    """A published number as the paper prints it (the loader's ``<column>_text``), else formatted."""
    text = row.get(f"{column}_text")
    if isinstance(text, str) and text and text != "nan":
        return text
    return fmt_num(row[column]) if pd.notna(row[column]) else ""


def p_value_roles(published_results: pd.DataFrame) -> pd.DataFrame:
    """Each printed p-value that the paper does not label, classified once: "heterogeneity" when an
    I² is printed beside it (in the same statement, or beside the same p in another statement of the
    same result), "effect" otherwise (printed with the estimate and its interval only). Columns:
    result_id, result_key, location, p_printed, p_printed_text, role, evidence."""
    rows = published_results[published_results["p_unlabelled"].notna()]
    records = []
    for _, row in rows.iterrows():
        p = float(row["p_unlabelled"])
        siblings = published_results[(published_results["result_key"] == row["result_key"])
                                     & (published_results["p_unlabelled"] == p)
                                     & published_results["i2_pct"].notna()]
        if pd.notna(row["i2_pct"]):
            role, evidence = "heterogeneity", f"printed beside I² = {_printed(row, 'i2_pct')}% in the same statement"
        elif not siblings.empty:
            other = siblings.iloc[0]
            role, evidence = "heterogeneity", (f"the same p is printed beside I² = {_printed(other, 'i2_pct')}% "
                                               f"in {other['location']}")
        else:
            role, evidence = "effect", "printed with the estimate and its interval, with no I² beside it"
        records.append({"result_id": row["result_id"], "result_key": row["result_key"], "location": row["location"],
                        "p_printed": p, "p_printed_text": _printed(row, "p_unlabelled"), "role": role,
                        "evidence": evidence})
    return pd.DataFrame(records, columns=["result_id", "result_key", "location", "p_printed", "p_printed_text",
                                          "role", "evidence"])



def result_scale(measure_named: object) -> str:
    """"log" when the paper names a ratio measure (risk/odds/hazard ratio), else "identity"."""
    return "log" if isinstance(measure_named, str) and "ratio" in measure_named.lower() else "identity"


def stated_intervals(published_results: pd.DataFrame) -> pd.DataFrame:
    """The published rows that print an estimate with both interval bounds, with their scale."""
    rows = published_results[
        (published_results["status"] == "stated")
        & published_results["estimate"].notna()
        & published_results["ci_low"].notna()
        & published_results["ci_high"].notna()
    ].copy()
    rows["scale"] = [result_scale(m) for m in rows["measure_named"]]
    return rows


def check_ci_symmetry(evidence) -> CheckResult:
    """(a) Is each published 95% CI symmetric about its estimate on the right scale, within rounding?

    Uses :func:`analysis.stats.recover_from_ci` (asymmetry g(high) + g(low) - 2 g(estimate) and
    the largest asymmetry the printed decimals allow).
    """
    rows = stated_intervals(evidence.table("published_results"))
    records = []
    for _, row in rows.iterrows():
        est, low, high = float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])
        record = {"result_id": row["result_id"], "location": row["location"], "estimate": est,
                  "ci_low": low, "ci_high": high, "scale": row["scale"],
                  "printed": f"{_printed(row, 'estimate')} ({_printed(row, 'ci_low')} to {_printed(row, 'ci_high')})"}
        if not low <= est <= high:
            record.update(decimals=pd.NA, asymmetry=math.nan, tolerance=math.nan, status="inconsistent",
                          note="estimate lies outside its interval")
        else:
            rec = recover_from_ci(est, low, high, scale=row["scale"])
            record.update(decimals=rec.decimals, asymmetry=rec.asymmetry, tolerance=rec.asymmetry_tolerance,
                          status="consistent" if rec.symmetric else "inconsistent", note=rec.note)
        records.append(record)
    details = pd.DataFrame(records)
    bad = details[details["status"] == "inconsistent"]
    worst = ", ".join(
        f"{r.result_id} ({r.printed}: "
        f"asymmetry {fmt_num(r.asymmetry, 3)} against a rounding tolerance of {fmt_num(r.tolerance, 3)})"
        for r in bad.itertuples()
    )
    finding = (f"{len(details) - len(bad)} of {len(details)} printed intervals are symmetric within rounding"
               + (f"; {len(bad)} are not: {worst}." if len(bad) else "."))
    return CheckResult(
        check_id="ci_symmetry",
        title="Confidence intervals symmetric about their estimates",
        tested=("Whether each printed 95% CI is symmetric about its estimate on the identity scale "
                "(mean differences) or the log scale (the risk ratio), allowing for the rounding of the printed digits."),
        finding=finding,
        status=overall_status(details["status"]),
        details=details,
    )


def _g(x: float, scale: str) -> float:
    return math.log(x) if scale == "log" else x


def implied_p_range(estimate: float, ci_low: float, ci_high: float, *, scale: str,
                    decimals: int | None = None) -> tuple[float, float, float]:
    """(p, p_min, p_max): the two-sided p for "no effect" implied by a 95% Wald CI.

    p = 2 (1 - Phi(|g(est)| / SE)), SE = (g(high) - g(low)) / (2 z_0.975). p_min and p_max are
    the extremes over every combination of the three printed numbers moved by half a unit of
    their last decimal (``decimals``, or each number's own shown decimals when None): the values
    the unrounded interval could have had.
    """
    h_est, h_low, h_high = (half_unit(printed_decimals(x) if decimals is None else decimals)
                            for x in (estimate, ci_low, ci_high))

    def p_of(e: float, lo: float, hi: float) -> float:
        se = (_g(hi, scale) - _g(lo, scale)) / (2 * Z95)
        return float(2 * stats.norm.sf(abs(_g(e, scale)) / se))

    centre = p_of(estimate, ci_low, ci_high)
    corners = [p_of(estimate + a * h_est, ci_low + b * h_low, ci_high + c * h_high)
               for a, b, c in itertools.product((-1.0, 1.0), repeat=3)
               if ci_low + b * h_low < ci_high + c * h_high and (scale != "log" or ci_low + b * h_low > 0)]
    return centre, min(corners + [centre]), max(corners + [centre])


def check_p_against_ci(evidence) -> CheckResult:
    """(b) Does each printed p-value read as a test of the effect agree with its CI?

    Each unlabelled p is classified once by :func:`p_value_roles`: one printed beside an I² is a
    heterogeneity p and is checked against I² in check (c) instead. A 95% CI that excludes the null
    implies p < 0.05 and the reverse; more precisely the CI implies one p (see :func:`implied_p_range`).
    The printed p, widened by half a unit of its last decimal, must overlap the implied range.
    The finding counts distinct results, not statements (a result repeated in the Discussion counts once).
    """
    published = evidence.table("published_results")
    roles = p_value_roles(published).set_index("result_id")
    rows = stated_intervals(published)
    rows = rows[rows["p_unlabelled"].notna()]
    records = []
    for _, row in rows.iterrows():
        if roles.at[row["result_id"], "role"] != "effect":
            continue
        est, low, high, scale = float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"]), row["scale"]
        p_printed = float(row["p_unlabelled"])
        half_p = half_unit(printed_decimals(p_printed))
        p, p_min, p_max = implied_p_range(est, low, high, scale=scale)
        null = 1.0 if scale == "log" else 0.0
        excludes_null = not (low <= null <= high)
        agrees = p_printed - half_p <= p_max and p_printed + half_p >= p_min
        records.append({
            "result_id": row["result_id"], "result_key": row["result_key"], "location": row["location"],
            "estimate": est, "ci_low": low, "ci_high": high,
            "printed": f"{_printed(row, 'estimate')} ({_printed(row, 'ci_low')} to {_printed(row, 'ci_high')})",
            "scale": scale, "ci_excludes_null": excludes_null, "p_printed": p_printed,
            "p_printed_text": roles.at[row["result_id"], "p_printed_text"],
            "p_role_evidence": roles.at[row["result_id"], "evidence"],
            "p_implied": p, "p_implied_min": p_min, "p_implied_max": p_max,
            "same_conclusion_at_0_05": (p_printed < 0.05) == excludes_null,
            "status": "consistent" if agrees else "inconsistent",
        })
    details = pd.DataFrame(records)
    heterogeneity = roles[roles["role"] == "heterogeneity"]
    het_text = (f"{heterogeneity['result_key'].nunique()} other result(s) print an unlabelled p beside an I² "
                f"({', '.join(sorted(set(heterogeneity['result_key'])))}): read as heterogeneity p-values and "
                "checked against I² in the I² check")
    if details.empty:
        return CheckResult("p_vs_ci", "p-values against confidence intervals", "No p-value read as an effect test.",
                           het_text + ".", "cannot check", details)
    bad = details[details["status"] == "inconsistent"]
    keys, bad_keys = details["result_key"].unique(), bad["result_key"].unique()
    contradict = bad.loc[~bad["same_conclusion_at_0_05"], "result_key"].unique()
    examples = "; ".join(
        f"{key}: printed p = {group['p_printed_text'].iloc[0]} with {group['printed'].iloc[0]}, implied p = "
        f"{fmt_p(group['p_implied'].iloc[0])} ({len(group)} statement{'s' if len(group) > 1 else ''})"
        for key, group in bad.groupby("result_key", sort=False)
    )
    finding = (
        (f"{len(bad_keys)} of {len(keys)} distinct results whose unlabelled p reads as an effect test differ from "
         f"the p their interval implies ({examples}); {len(contradict)} of them reach the opposite conclusion "
         "at the 0.05 level" if len(bad_keys) else
         f"All {len(keys)} distinct results whose unlabelled p reads as an effect test agree with their intervals")
        + "; " + het_text + ".")
    return CheckResult(
        check_id="p_vs_ci",
        title="p-values against confidence intervals",
        tested=("Whether each printed p-value read as a test of the effect (no I² printed beside it) equals, within "
                "rounding, the two-sided p for no effect implied by the 95% CI printed with it."),
        finding=finding,
        status=overall_status(details["status"]),
        details=details,
    )
