"""Check (c): I², the heterogeneity p-value and the number of studies k must fit together.

For k studies Cochran's Q has k - 1 degrees of freedom under homogeneity, the heterogeneity
p-value is P(chi²_{k-1} >= Q), and I² = 100 max(0, (Q - (k - 1)) / Q). So a printed p gives Q,
Q gives I², and the pair (I², p) is possible only for some k. I² = 0 means Q <= k - 1, hence
p >= P(chi²_{k-1} >= k - 1). Printed values are taken as rounded to their shown decimals, so
each becomes an interval and the check asks whether the intervals overlap.
Source: Higgins & Thompson 2002, Stat Med 21:1539; Higgins et al. 2003, BMJ 327:557.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from scipy import stats

from analysis.audit.consistency.result import CheckResult, overall_status
from analysis.audit.consistency.statements import studies_stated_in_subgroup
from analysis.format import fmt_int, fmt_num, fmt_p, fmt_pct
from analysis.stats import half_unit, i2_from_q_pct, printed_decimals

__all__ = ["K_SEARCH", "HeterogeneityFit", "fit_i2_p_k", "q_range_from_i2", "studies_in_result", "check_heterogeneity",
           "k_is_inferred"]

#: the numbers of studies searched for a fit of (I², p); the paper pools at most seven studies.
K_SEARCH = range(2, 11)


@dataclass(frozen=True)
class HeterogeneityFit:
    """Whether a printed I² and p can both hold for one k, with the Q and I² ranges the printed p allows."""

    k: int
    consistent: bool
    q_low: float
    q_high: float
    i2_low_pct: float
    i2_high_pct: float


def fit_i2_p_k(i2_pct: float, p: float, k: int, *, i2_decimals: int | None = None,
               p_decimals: int | None = None) -> HeterogeneityFit:
    """Can a meta-analysis of ``k`` studies print both I² = ``i2_pct`` and heterogeneity p = ``p``?

    The printed p stands for [p - h, p + h] (h = half a unit of its last decimal), which gives
    Q in [chi²_{k-1} quantile at p + h, quantile at p - h]; I² is increasing in Q, so the
    printed p allows I² in [I²(Q_low), I²(Q_high)]. Consistent when that overlaps the printed
    I² +/- half a unit.
    """
    if k < 2:
        raise ValueError(f"k must be at least 2 for a heterogeneity test, but got {k!r}")
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], but got {p!r}")
    if not 0 <= i2_pct <= 100:
        raise ValueError(f"i2_pct must be a percentage in [0, 100], but got {i2_pct!r}")
    df = k - 1
    h_p = half_unit(printed_decimals(p) if p_decimals is None else p_decimals)
    h_i2 = half_unit(printed_decimals(i2_pct) if i2_decimals is None else i2_decimals)
    p_high, p_low = min(1.0, p + h_p), max(1e-300, p - h_p)
    q_low = float(stats.chi2.isf(p_high, df))
    q_high = float(stats.chi2.isf(p_low, df))
    i2_low, i2_high = i2_from_q_pct(q_low, df), i2_from_q_pct(q_high, df)
    consistent = i2_low <= i2_pct + h_i2 and i2_high >= max(0.0, i2_pct - h_i2)
    return HeterogeneityFit(k, consistent, q_low, q_high, i2_low, i2_high)


def q_range_from_i2(i2_pct: float, k: int, *, decimals: int | None = None) -> tuple[float, float]:
    """The Q values that give the printed I² (rounded to ``decimals``) for k studies.

    Q = df / (1 - I²/100) for I² > 0; I² = 0 holds for every Q in [0, df].
    """
    df = k - 1
    half = half_unit(printed_decimals(i2_pct) if decimals is None else decimals)
    low_i2, high_i2 = max(0.0, i2_pct - half), min(99.999999, i2_pct + half)
    q_low = 0.0 if low_i2 <= 0 else df / (1 - low_i2 / 100)
    q_high = df / (1 - high_i2 / 100)
    return q_low, q_high


def studies_in_result(evidence, result_key: str) -> tuple[int | None, str]:
    """(k, basis): how many effects the paper pooled for ``result_key``, from published_result_studies.

    Single-arm outcomes pool one effect per arm (Landon-Cardinal 2023 enters the CDASI analysis
    as two arms); comparisons pool one 2x2 table per study. For "candidate" rows (the paper does
    not say which studies), k comes from the paper's statement of how many studies the other
    levels of the same subgroup factor hold (``paper_statements``, read by
    :func:`analysis.audit.consistency.statements.studies_stated_in_subgroup`).
    """
    links = evidence.table("published_result_studies")
    links = links[links["result_key"] == result_key]
    if links.empty:
        return None, "no studies linked"
    arms = evidence.table("arms").set_index("arm_id")
    comparative = (arms.loc[links["arm_id"], "role"] == "comparator").any()
    if set(links["basis"]) == {"candidate"}:
        others = studies_stated_in_subgroup(evidence.table("paper_statements"), result_key)
        if others is None:
            return None, f"{fmt_int(links['study_id'].nunique())} candidate studies, membership not stated"
        k = links["study_id"].nunique() - others
        return k, f"{fmt_int(links['study_id'].nunique())} candidate studies minus {fmt_int(others)} stated to be in the other unit"
    if comparative:
        return links["study_id"].nunique(), "studies with a 2x2 table"
    return links["arm_id"].nunique(), "arms linked to the result"


def k_is_inferred(basis: str) -> bool:
    """True when :func:`studies_in_result` inferred k from candidate studies (the paper names none): k is then
    the number the paper's Table 1 and its own statements imply if every candidate report was pooled, not a
    number the paper states."""
    return "candidate" in basis


def _text(row: pd.Series, column: str) -> str:
    text = row.get(f"{column}_text")
    return text if isinstance(text, str) and text and text != "nan" else fmt_num(row[column])


def check_heterogeneity(evidence) -> CheckResult:
    """(c) For each result printing I² with a heterogeneity (or unlabelled) p: which k fit both?

    Where the paper names the pooled studies (or they are linked in the data), the printed pair must fit
    that k. Where k is inferred from candidates (:func:`k_is_inferred`), the pair is judged on whether any
    k fits; a pair that does not fit the inferred k says the result pooled a different number of reports
    than Table 1 lists (reported in the note and, once, by the counts check), not that I² and p disagree.
    """
    published = evidence.table("published_results")
    rows = published[published["i2_pct"].notna() & (published["p_heterogeneity"].notna()
                                                     | published["p_unlabelled"].notna())]
    records = []
    for _, row in rows.iterrows():
        p = row["p_heterogeneity"] if pd.notna(row["p_heterogeneity"]) else row["p_unlabelled"]
        p, i2 = float(p), float(row["i2_pct"])
        k, basis = studies_in_result(evidence, row["result_key"])
        fits = {kk: fit_i2_p_k(i2, p, kk) for kk in K_SEARCH}
        fitting = [kk for kk, f in fits.items() if f.consistent]
        record = {"result_id": row["result_id"], "result_key": row["result_key"], "location": row["location"],
                  "i2_pct": i2, "p_het": p, "i2_text": _text(row, "i2_pct"),
                  "p_text": _text(row, "p_heterogeneity" if pd.notna(row["p_heterogeneity"]) else "p_unlabelled"),
                  "p_label": ("heterogeneity" if pd.notna(row["p_heterogeneity"])
                              else "unlabelled, read as heterogeneity (printed beside I²)"),
                  "k_from_data": k, "k_basis": basis,
                  "k_consistent": ", ".join(str(kk) for kk in fitting) or "none", "k_fewer_than_table1": False}
        if k is None or k < 2:
            record.update(q_low=pd.NA, q_high=pd.NA, q_from_i2_low=pd.NA, q_from_i2_high=pd.NA,
                          p_from_i2_low=pd.NA, p_from_i2_high=pd.NA, status="cannot check", note="")
        else:
            fit = fits.get(k) or fit_i2_p_k(i2, p, k)
            q_i2_low, q_i2_high = q_range_from_i2(i2, k)
            record.update(q_low=fit.q_low, q_high=fit.q_high, q_from_i2_low=q_i2_low, q_from_i2_high=q_i2_high,
                          p_from_i2_low=float(stats.chi2.sf(q_i2_high, k - 1)),
                          p_from_i2_high=float(stats.chi2.sf(q_i2_low, k - 1)),
                          status="consistent" if fit.consistent else "inconsistent", note="")
            if k_is_inferred(basis):
                record["k_inferred"] = True
                if fit.consistent:
                    record["note"] = f"k = {fmt_int(k)} inferred from Table 1 ({basis}) fits the printed pair"
                else:
                    record["status"] = "consistent" if fitting else "inconsistent"
                    record["k_fewer_than_table1"] = bool(fitting) and max(fitting) < k
                    record["note"] = (f"the printed pair fits k = {', '.join(str(kk) for kk in fitting) or 'none'}, not "
                                      f"the k = {fmt_int(k)} that Table 1 implies ({basis}): the result pooled fewer "
                                      "reports than Table 1 lists, and the paper gives no reason")
        records.append(record)
    details = pd.DataFrame(records)
    parts = []
    for r in details.itertuples():
        if r.status == "cannot check":
            parts.append(f"{r.result_id}: k unknown")
            continue
        if r.i2_pct == 0:
            why = (f"I² printed as 0% needs Q <= {fmt_num(r.q_from_i2_high)} on {fmt_int(r.k_from_data - 1)} df, "
                   f"so p >= {fmt_p(r.p_from_i2_low)}; "
                   f"printed p = {r.p_text}")
        else:
            why = (f"printed p = {r.p_text} gives Q = {fmt_num(r.q_low)} to {fmt_num(r.q_high)}, "
                   f"whereas I² = {r.i2_text}% needs Q = {fmt_num(r.q_from_i2_low)} to "
                   f"{fmt_num(r.q_from_i2_high)}, that is p = {fmt_p(r.p_from_i2_low)} to {fmt_p(r.p_from_i2_high)}")
        if r.k_fewer_than_table1:
            parts.append(f"{r.result_id}: {r.note} (at k = {fmt_int(r.k_from_data)}, {why}; k that fit both: "
                         f"{r.k_consistent})")
            continue
        parts.append(f"{r.result_id} with k = {fmt_int(r.k_from_data)} is {r.status} ({why}; "
                     f"k that fit both: {r.k_consistent})")
    return CheckResult(
        check_id="heterogeneity_k",
        title="I², heterogeneity p-value and number of studies",
        tested=("Whether each printed I² and heterogeneity p-value can hold together for the number of "
                "studies the paper pooled, with both numbers taken as rounded to their printed decimals."),
        finding="; ".join(parts) + ".",
        status=overall_status(details["status"]),
        details=details,
    )
