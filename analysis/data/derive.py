"""Compute the outcomes values that are derived or recovered rather than stated.

Derived rows hold a stated percentage and n; the count is the whole number that reproduces the
percentage at its printed decimals (``count_from_percent``; decimals read by
:func:`analysis.stats.printed_decimals`), searching smaller denominators
when none out of n does (``count_and_total_from_percent``: a patient censored before the time
point). A percentage that no whole count reproduces, or that two counts reproduce, is a problem.

Recovered rows name a published single-study result; its estimate and 95% CI give the study's
effect and standard error through :func:`analysis.stats.recover_from_ci`
(SE = (high - low) / (2 x 1.959964), checking the interval's symmetry against its rounding).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from analysis.data.problems import Problem, problem
from analysis.data.tables import LoadedTable
from analysis.stats import printed_decimals, recover_from_ci

__all__ = ["COUNT_ASSUMPTION", "FORMULAS", "RECOVERED_OUTPUTS", "Formula", "CountFromPercent", "count_from_percent",
           "count_and_total_from_percent", "derive"]

#: what a count derived from a survival percentage assumes (secondary reports give Kaplan-Meier
#: percentages with log-rank tests, not counts).
COUNT_ASSUMPTION = ("assumes nobody in the arm was censored before this time point: the source gives a "
                    "Kaplan-Meier percentage, not a count")

#: the cells a recovered row leaves empty in the file and :func:`derive` fills.
RECOVERED_OUTPUTS = ("estimate", "se", "ci_low", "ci_high")
_DERIVATION_COLUMNS = ["line", "study_id", "arm_id", "outcome", "time_point", "statistic", "tier", "method",
                       "inputs", "outputs", "check"]


@dataclass(frozen=True)
class Formula:
    """A derivation: the cells it reads and the cells it fills."""

    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class CountFromPercent:
    """``events`` of ``total`` reproduce ``percent`` at ``decimals``; ``exact_pct`` = 100 events / total."""

    events: int
    total: int
    percent: str
    decimals: int
    exact_pct: float


def _matches(percent: str, total: int) -> list[int]:
    """Whole counts k (0 <= k <= total) with |100 k / total - percent| <= half a printed unit."""
    target = Fraction(percent.strip())
    half = Fraction(1, 2 * 10 ** printed_decimals(percent))
    return [k for k in range(total + 1) if abs(Fraction(100 * k, total) - target) <= half]


def count_from_percent(percent: str, n: int) -> CountFromPercent:
    """The unique count out of ``n`` that ``percent`` (as printed) rounds from.

    Raises ValueError naming the nearest counts when none or several reproduce it.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, but got {n}")
    ks = _matches(percent, n)
    if len(ks) != 1:
        nearest = round(float(Fraction(percent)) * n / 100)
        around = ", ".join(f"{k}/{n} = {100 * k / n:.2f}%" for k in (nearest - 1, nearest, nearest + 1) if 0 <= k <= n)
        which = "no whole count" if not ks else f"{len(ks)} counts ({', '.join(map(str, ks))})"
        raise ValueError(f"{percent}% of {n}: {which} reproduces it at {printed_decimals(percent)} decimals ({around})")
    return CountFromPercent(ks[0], n, percent, printed_decimals(percent), 100 * ks[0] / n)


def count_and_total_from_percent(percent: str, n: int) -> CountFromPercent:
    """Like :func:`count_from_percent`, but when no count out of ``n`` reproduces ``percent``,
    the largest total below ``n`` with exactly one reproducing count (patients lost before the
    time point). Raises ValueError when no total up to ``n`` works."""
    for total in range(n, 0, -1):
        ks = _matches(percent, total)
        if len(ks) == 1:
            return CountFromPercent(ks[0], total, percent, printed_decimals(percent), 100 * ks[0] / total)
        if len(ks) > 1:
            break
    raise ValueError(f"{percent}%: no total up to {n} has exactly one whole count that reproduces it")


FORMULAS: dict[str, Formula] = {
    "count_from_percent": Formula("count_from_percent", ("percent", "n"), ("events", "total")),
    "count_and_total_from_percent": Formula("count_and_total_from_percent", ("percent", "n"), ("events", "total")),
}
_COUNTERS = {"count_from_percent": count_from_percent, "count_and_total_from_percent": count_and_total_from_percent}


def _derive_row(t: LoadedTable, line: int, text: pd.Series) -> tuple[dict, dict, list[Problem]]:
    name = text["formula"]
    try:
        result = _COUNTERS[name](text["percent"], int(text["n"]))
    except (ValueError, KeyError) as exc:
        rule = "percent-ambiguous" if "counts (" in str(exc) else "percent-matches-no-count"
        return {}, {}, [problem(t.file, line, "percent", text["percent"], rule, detail=str(exc))]
    check = (f"{result.percent}% reproduced by {result.events}/{result.total} = {result.exact_pct:.4g}% "
             f"at {result.decimals} decimal(s)")
    if result.total != int(text["n"]):
        check += f"; no count out of n = {text['n']} does, so the total is {result.total}"
    log = {"method": name, "inputs": f"percent={text['percent']}; n={text['n']}",
           "outputs": f"events={result.events}; total={result.total}", "check": check}
    return {"events": result.events, "total": result.total}, log, []


def _recover_row(t: LoadedTable, line: int, text: pd.Series, results: LoadedTable) -> tuple[dict, dict, list[Problem]]:
    source = results.text.loc[results.text["result_id"] == text["recovered_from"]]
    if source.empty:
        return {}, {}, []  # the unknown reference is reported by the foreign-key check
    printed = source.iloc[0]
    if "" in (printed["estimate"], printed["ci_low"], printed["ci_high"]):
        return {}, {}, [problem(t.file, line, "recovered_from", text["recovered_from"], "recovered-result-incomplete")]
    numbers = [float(printed[c]) for c in ("estimate", "ci_low", "ci_high")]
    decimals = min(printed_decimals(printed[c]) for c in ("estimate", "ci_low", "ci_high"))
    scale = "log" if text["statistic"] == "hazard_ratio_ci" else "identity"
    try:
        rec = recover_from_ci(*numbers, scale=scale, decimals=decimals)
    except ValueError as exc:
        return {}, {}, [problem(t.file, line, "recovered_from", text["recovered_from"], "recovered-result-incomplete",
                                detail=str(exc))]
    if not rec.symmetric:
        return {}, {}, [problem(t.file, line, "recovered_from", text["recovered_from"], "recovered-interval-asymmetric",
                                detail=rec.note)]
    values = {"estimate": numbers[0], "ci_low": numbers[1], "ci_high": numbers[2], "se": rec.se}
    log = {"method": "recover_from_ci", "inputs": f"{text['recovered_from']}: {printed['estimate']} "
                                                  f"({printed['ci_low']} to {printed['ci_high']})",
           "outputs": f"yi={rec.yi:.6g}; se={rec.se:.6g}", "check": rec.note}
    return values, log, []


def derive(tables: dict[str, LoadedTable]) -> tuple[pd.DataFrame | None, pd.DataFrame | None, list[Problem]]:
    """Outcomes with derived and recovered values filled in, the log of each computation, and problems.

    Rows whose form is broken (reported by the rules) are left as they are.
    """
    if "outcomes" not in tables:
        return None, None, []
    t = tables["outcomes"]
    filled = t.typed.copy()
    log_rows, problems = [], []
    for line, typed, text in t.rows():
        if text["tier"] == "derived" and text["formula"] in FORMULAS and pd.notna(typed["percent"]) and pd.notna(typed["n"]):
            if any(text[c] != "" for c in FORMULAS[text["formula"]].outputs):
                continue
            values, log, found = _derive_row(t, line, text)
        elif text["tier"] == "recovered" and text["recovered_from"] and "published_results" in tables:
            if any(text[c] != "" for c in RECOVERED_OUTPUTS):
                continue
            values, log, found = _recover_row(t, line, text, tables["published_results"])
        else:
            continue
        problems.extend(found)
        for column, value in values.items():
            filled.loc[line, column] = value
        if log:
            keys = {c: text[c] for c in ("study_id", "arm_id", "outcome", "time_point", "statistic", "tier")}
            log_rows.append({"line": line, **keys, **log})
    derivations = pd.DataFrame(log_rows, columns=_DERIVATION_COLUMNS)
    return filled, derivations, problems
