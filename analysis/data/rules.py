"""Domain rules that a Table Schema cannot express: relations between cells, rows and tables.

Each rule reads the loaded tables and returns the problems it finds; :func:`check_rules` runs
every rule whose tables are loaded. Rule names and fix hints live in
:data:`analysis.data.problems.RULES`. Value ranges (SD >= 0, n >= 1, 0 <= p <= 1, ...) are
schema constraints in ``datapackage.json`` and reported through frictionless; the stricter
bounds the statistics engine needs (SD and SE > 0, intervals wider than 0, ratios > 0) are
checked here, so that a value the engine would refuse stops the load with its line.
"""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analysis.data.derive import FORMULAS, RECOVERED_OUTPUTS
from analysis.data.problems import Problem, problem
from analysis.data.tables import LoadedTable

__all__ = ["MEDIAN_RANGES", "POSITIVE_SPREADS", "STATEMENT_VALUE_COLUMNS", "STATISTIC_COLUMNS", "VALUE_COLUMNS", "check_rules"]

Tables = dict[str, LoadedTable]

#: value columns each outcomes statistic must fill (after derivation).
STATISTIC_COLUMNS: dict[str, tuple[str, ...]] = {
    "mean_sd_before_after": ("n", "mean_before", "sd_before", "mean_after", "sd_after"),
    "median_iqr_before_after": ("n", "median_before", "low_before", "high_before", "median_after", "low_after", "high_after"),
    "median_range_before_after": ("n", "median_before", "low_before", "high_before", "median_after", "low_after", "high_after"),
    "mean_change_sd": ("n", "estimate", "sd_change"),
    "mean_change_ci": ("n", "estimate", "ci_low", "ci_high"),
    "events_total": ("events", "total"),
    "percent": ("percent",),
    "hazard_ratio_ci": ("estimate", "ci_low", "ci_high"),
    "unknown": (),
}

#: per table, the cells that hold values (a 'missing' row leaves them all empty).
VALUE_COLUMNS: dict[str, tuple[str, ...]] = {
    "arms": ("n",),
    "study_facts": ("value", "value_text"),
    "adverse_events": ("patients", "deaths"),
    "screening": ("count",),
    "outcomes": ("n", "mean_before", "sd_before", "mean_after", "sd_after", "median_before", "low_before",
                 "high_before", "median_after", "low_after", "high_after", "estimate", "sd_change", "se",
                 "ci_low", "ci_high", "events", "total", "percent", "p_value"),
    "paper_statements": ("value",),
    "minimal_important_differences": ("value_low", "value_high"),
}

#: cells of a paper statement that are filled together: a number, its unit and what it stands for.
STATEMENT_VALUE_COLUMNS = ("value", "unit", "value_meaning")

_TIER_KINDS = {"primary": {"primary", "registry"}, "secondary": {"secondary"}, "paper": {"paper"}, "recovered": {"paper"}}


def _filled(text: pd.Series, columns) -> list[str]:
    return [c for c in columns if c in text.index and text[c] != ""]


def _provenance(tables: Tables) -> list[Problem]:
    """value-needs-source, missing-has-values, tier-source-mismatch for every table with a tier."""
    kinds = {}
    if "sources" in tables:
        kinds = dict(zip(tables["sources"].text["source_id"], tables["sources"].text["kind"]))
    out = []
    for name, values in VALUE_COLUMNS.items():
        if name not in tables or "tier" not in tables[name].text.columns:
            continue
        t = tables[name]
        for line, _, text in t.rows():
            tier, filled = text["tier"], _filled(text, values)
            has_source = "source_id" not in text.index or text["source_id"] != ""
            if tier == "missing" and filled:
                out.append(problem(t.file, line, filled[0], text[filled[0]], "missing-has-values",
                                   detail=f"tier is 'missing' but {', '.join(filled)} hold values"))
            if tier not in ("missing", "assumed", "") and not has_source:
                out.append(problem(t.file, line, "source_id", "", "value-needs-source", detail=f"tier is {tier!r}"))
            if has_source and "source_id" in text.index and text["source_id"] in kinds:
                kind = kinds[text["source_id"]]
                wanted = _TIER_KINDS.get(tier)
                if tier == "derived" and "input_tier" in text.index and text["input_tier"]:
                    wanted = _TIER_KINDS.get(text["input_tier"])
                if wanted is not None and kind not in wanted:
                    out.append(problem(t.file, line, "tier", tier, "tier-source-mismatch",
                                       detail=f"source {text['source_id']!r} is of kind {kind!r}"))
    return out


def _arm_study(tables: Tables) -> list[Problem]:
    """arm-of-other-study wherever a row names both a study and an arm."""
    if "arms" not in tables:
        return []
    arm_study = dict(zip(tables["arms"].text["arm_id"], tables["arms"].text["study_id"]))
    out = []
    for name in ("arms", "outcomes", "adverse_events", "published_result_studies"):
        if name not in tables:
            continue
        t = tables[name]
        for line, _, text in t.rows():
            study = text.get("study_id", "")
            arms = [text.get("arm_id", "")] if name != "arms" else [text.get("subset_of", "")]
            if name == "arms" and study and not text["arm_id"].startswith(study + "."):
                out.append(problem(t.file, line, "arm_id", text["arm_id"], "arm-of-other-study",
                                   detail=f"arm ids of {study!r} start with '{study}.'"))
            for arm in arms:
                if arm and study and arm in arm_study and arm_study[arm] != study:
                    column = "subset_of" if name == "arms" else "arm_id"
                    out.append(problem(t.file, line, column, arm, "arm-of-other-study",
                                       detail=f"arm {arm!r} belongs to {arm_study[arm]!r}, the row to {study!r}"))
    return out


def _arm_sizes(tables: Tables) -> list[Problem]:
    """subset-exceeds-parent for arms; count-within-arm for outcomes and adverse events."""
    if "arms" not in tables:
        return []
    arms = tables["arms"]
    size = {a: n for a, n in zip(arms.typed["arm_id"], arms.typed["n"]) if pd.notna(n)}
    out = []
    children = arms.typed.dropna(subset=["subset_of", "n"]).groupby("subset_of")["n"].sum()
    for parent, total in children.items():
        if parent in size and total > size[parent]:
            line = int(arms.typed.index[arms.typed["arm_id"] == parent][0])
            out.append(problem(arms.file, line, "n", size[parent], "subset-exceeds-parent",
                               detail=f"its subsets hold {total} patients"))
    checks = {"outcomes": ("n", "total"), "adverse_events": ("patients", "deaths")}
    for name, columns in checks.items():
        if name not in tables:
            continue
        t = tables[name]
        for line, typed, _ in t.rows():
            limit = size.get(typed["arm_id"])
            for c in columns:
                if limit is not None and pd.notna(typed[c]) and typed[c] > limit:
                    out.append(problem(t.file, line, c, typed[c], "count-within-arm",
                                       detail=f"arm {typed['arm_id']!r} has n = {limit}"))
    return out


def _events_and_intervals(tables: Tables) -> list[Problem]:
    """events-within-total and ci-order."""
    out = []
    for name, events, total in (("outcomes", "events", "total"), ("excluded_report_facts", "count", "total")):
        if name in tables:
            t = tables[name]
            for line, typed, _ in t.rows():
                if pd.notna(typed[events]) and pd.notna(typed[total]) and typed[events] > typed[total]:
                    out.append(problem(t.file, line, events, typed[events], "events-within-total",
                                       detail=f"{events} {typed[events]} > {total} {typed[total]}"))
    for name in ("outcomes", "published_results"):
        if name not in tables:
            continue
        t = tables[name]
        for line, typed, _ in t.rows():
            low, est, high = typed["ci_low"], typed["estimate"], typed["ci_high"]
            pairs = [("ci_low", low, "estimate", est), ("estimate", est, "ci_high", high), ("ci_low", low, "ci_high", high)]
            for a, x, b, y in pairs:
                if pd.notna(x) and pd.notna(y) and x > y:
                    out.append(problem(t.file, line, b if b != "estimate" else a, y if b != "estimate" else x,
                                       "ci-order", detail=f"{a} {x:g} > {b} {y:g}"))
                    break
    return out


#: outcomes cells the statistics engine divides by (analysis.stats check_positive, vi > 0).
POSITIVE_SPREADS = ("sd_before", "sd_after", "sd_change", "se")
#: (low, middle, high) cells of a median's range or IQR, before and after.
MEDIAN_RANGES = (("low_before", "median_before", "high_before"), ("low_after", "median_after", "high_after"))


def _engine_inputs(tables: Tables) -> list[Problem]:
    """spread-positive, interval-zero-width, range-order and ratio-positive: the values the
    statistics engine (analysis/stats) would refuse, caught here with their file, line and column."""
    out = []
    for name in ("outcomes", "published_results"):
        if name not in tables:
            continue
        t = tables[name]
        for line, typed, _ in t.rows():
            low, high = typed["ci_low"], typed["ci_high"]
            if pd.notna(low) and pd.notna(high) and low == high:
                out.append(problem(t.file, line, "ci_high", high, "interval-zero-width", detail=f"ci_low = ci_high = {high:g}"))
            if name != "outcomes":
                continue
            for column in POSITIVE_SPREADS:
                if pd.notna(typed[column]) and typed[column] == 0:
                    out.append(problem(t.file, line, column, t.text.at[line, column], "spread-positive"))
            for a, m, b in MEDIAN_RANGES:
                x, y, z = typed[a], typed[m], typed[b]
                for left, u, right, v in ((a, x, m, y), (m, y, b, z), (a, x, b, z)):
                    if pd.notna(u) and pd.notna(v) and u > v:
                        out.append(problem(t.file, line, left, t.text.at[line, left], "range-order", detail=f"{left} {u:g} > {right} {v:g}"))
                        break
                else:
                    if pd.notna(x) and pd.notna(z) and x == z:
                        out.append(problem(t.file, line, b, t.text.at[line, b], "interval-zero-width", detail=f"{a} = {b} = {z:g}"))
            if typed["statistic"] == "hazard_ratio_ci":
                for column in ("estimate", "ci_low", "ci_high"):
                    if pd.notna(typed[column]) and typed[column] <= 0:
                        out.append(problem(t.file, line, column, t.text.at[line, column], "ratio-positive",
                                           detail="a hazard ratio is pooled as its logarithm"))
    return out


def _outcome_forms(tables: Tables) -> list[Problem]:
    """statistic-incomplete, derived-needs-formula, computed-value-typed-in, recovered-needs-result,
    recovered-not-single-study for outcomes."""
    if "outcomes" not in tables:
        return []
    t = tables["outcomes"]
    links = tables.get("published_result_studies")
    results = tables.get("published_results")
    key_of = dict(zip(results.text["result_id"], results.text["result_key"])) if results is not None else {}
    out = []
    for line, _, text in t.rows():
        tier, statistic = text["tier"], text["statistic"]
        if tier == "derived":
            formula = FORMULAS.get(text["formula"])
            named = [s.strip() for s in text["formula_inputs"].split(";") if s.strip()]
            if formula is None:
                out.append(problem(t.file, line, "formula", text["formula"], "derived-needs-formula",
                                   detail=f"expected one of {', '.join(FORMULAS)}"))
            elif set(named) != set(formula.inputs) or _filled(text, formula.inputs) != list(formula.inputs):
                out.append(problem(t.file, line, "formula_inputs", text["formula_inputs"], "derived-needs-formula",
                                   detail=f"{formula.name} reads {'; '.join(formula.inputs)}, all filled"))
            else:
                typed_in = _filled(text, formula.outputs)
                if typed_in:
                    out.append(problem(t.file, line, typed_in[0], text[typed_in[0]], "computed-value-typed-in"))
        elif tier == "recovered":
            typed_in = _filled(text, RECOVERED_OUTPUTS)
            if typed_in:
                out.append(problem(t.file, line, typed_in[0], text[typed_in[0]], "computed-value-typed-in"))
            if text["recovered_from"] == "":
                out.append(problem(t.file, line, "recovered_from", "", "recovered-needs-result"))
            elif links is not None and text["recovered_from"] in key_of:
                key = key_of[text["recovered_from"]]
                arms = list(links.text.loc[links.text["result_key"] == key, "arm_id"])
                if arms != [text["arm_id"]]:
                    out.append(problem(t.file, line, "recovered_from", text["recovered_from"], "recovered-not-single-study",
                                       detail=f"{key!r} contains {', '.join(arms) or 'no arms'}"))
        elif tier != "missing":
            absent = [c for c in STATISTIC_COLUMNS.get(statistic, ()) if text[c] == ""]
            if absent or statistic == "unknown":
                out.append(problem(t.file, line, absent[0] if absent else "statistic", "" if absent else statistic,
                                   "statistic-incomplete",
                                   detail=f"{statistic} needs {', '.join(STATISTIC_COLUMNS.get(statistic, ())) or 'a known statistic'}"))
    return out


def _published(tables: Tables) -> list[Problem]:
    """status-mismatch for published_results."""
    if "published_results" not in tables:
        return []
    t = tables["published_results"]
    numbers = ("estimate", "ci_low", "ci_high", "i2_pct", "p_heterogeneity", "p_unlabelled")
    out = []
    for line, _, text in t.rows():
        filled = _filled(text, numbers)
        if text["status"] == "stated" and text["estimate"] == "":
            out.append(problem(t.file, line, "estimate", "", "status-mismatch", detail="status is 'stated'"))
        if text["status"] == "figure_only" and filled:
            out.append(problem(t.file, line, filled[0], text[filled[0]], "status-mismatch", detail="status is 'figure_only'"))
    return out


def _scopes(tables: Tables) -> list[Problem]:
    """scope-mismatch for adverse events."""
    if "adverse_events" not in tables:
        return []
    t = tables["adverse_events"]
    out = []
    for line, _, text in t.rows():
        named = [c for c in ("study_id", "arm_id") if text[c] != ""]
        if text["scope"] == "study" and len(named) < 2:
            column = "arm_id" if "study_id" in named else "study_id"
            out.append(problem(t.file, line, column, "", "scope-mismatch", detail="scope is 'study'"))
        if text["scope"] == "all_studies" and named:
            out.append(problem(t.file, line, named[0], text[named[0]], "scope-mismatch", detail="scope is 'all_studies'"))
    return out


def _tools(tables: Tables) -> list[Problem]:
    """tool-items-mismatch for risk of bias."""
    if "risk_of_bias" not in tables:
        return []
    t = tables["risk_of_bias"]
    items = {"JBI": [c for c in t.text.columns if c.startswith("jbi_")],
             "NOS": [c for c in t.text.columns if c.startswith("nos_")]}
    out = []
    for line, _, text in t.rows():
        own = items.get(text["tool"])
        if own is None:
            continue
        other = [c for tool, cols in items.items() if tool != text["tool"] for c in cols]
        for c in [c for c in own if text[c] == ""] + _filled(text, other):
            out.append(problem(t.file, line, c, text[c], "tool-items-mismatch", detail=f"tool is {text['tool']!r}"))
    return out


def _statements(tables: Tables) -> list[Problem]:
    """statement-value-incomplete for paper statements; statement-subject-unknown when
    published_results is loaded too (a count of studies must name a published result)."""
    if "paper_statements" not in tables:
        return []
    t = tables["paper_statements"]
    results = tables.get("published_results")
    keys = set(results.text["result_key"]) if results is not None else None
    out = []
    for line, _, text in t.rows():
        filled = _filled(text, STATEMENT_VALUE_COLUMNS)
        if filled and len(filled) < len(STATEMENT_VALUE_COLUMNS):
            empty = [c for c in STATEMENT_VALUE_COLUMNS if c not in filled]
            out.append(problem(t.file, line, empty[0], "", "statement-value-incomplete",
                               detail=f"{', '.join(filled)} filled but {', '.join(empty)} empty"))
        # a count of studies about a result names its result_key; a topic (no ".") may be counted too
        if keys is not None and text["unit"] == "studies" and "." in text["subject"] and text["subject"] not in keys:
            out.append(problem(t.file, line, "subject", text["subject"], "statement-subject-unknown",
                               detail="a statement counting studies is about one published result"))
    return out


#: subgroup factors whose levels are numbers: the level must be a whole number (months).
NUMERIC_SUBGROUP_FACTORS = ("follow_up_months",)


def _subgroup_levels(tables: Tables) -> list[Problem]:
    """subgroup-level-number: a follow-up subgroup's level is a whole number of months."""
    if "published_results" not in tables:
        return []
    t = tables["published_results"]
    out = []
    for line, _, text in t.rows():
        if text["subgroup_factor"] in NUMERIC_SUBGROUP_FACTORS and not text["subgroup_level"].isdigit():
            out.append(problem(t.file, line, "subgroup_level", text["subgroup_level"], "subgroup-level-number",
                               detail=f"subgroup_factor is {text['subgroup_factor']!r}"))
    return out


RULE_CHECKS: tuple[Callable[[Tables], list[Problem]], ...] = (
    _provenance, _arm_study, _arm_sizes, _events_and_intervals, _engine_inputs, _outcome_forms, _published, _scopes,
    _tools, _statements, _subgroup_levels,
)


def check_rules(tables: Tables) -> list[Problem]:
    """Every domain-rule problem in the loaded ``tables``."""
    return [p for check in RULE_CHECKS for p in check(tables)]
