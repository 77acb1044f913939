"""What the evidence supports: a summary of findings with GRADE certainty (issue #15).

One row per outcome that matters to patients (``data/sof_outcomes.csv``): the studies and patients
as the paper counted them and as they really are (a report that re-describes another included
report's patients, ``studies.same_patients_as``, is not a new study), the effect as published and
as regenerated from public inputs (:func:`analysis.domain.reproduction.reproduction_table`), the
minimal important difference (``data/minimal_important_differences.csv``), the certainty and a
plain-language statement.

The certainty of each row follows the rules of :mod:`analysis.audit.grade`.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.audit.grade import (DOMAIN_LABELS, DOMAINS, LEVELS, DomainRating, indirectness_flags, is_randomised,
                                  mid_threshold, overall_certainty, rate_imprecision, rate_inconsistency,
                                  rate_indirectness, rate_publication_bias, rate_risk_of_bias, starting_level)
from analysis.data import Evidence
from analysis.domain.outcomes import outcome_registry
from analysis.domain.regeneration import public_inputs_pool
from analysis.domain.reproduction import reproduction_table
from analysis.format import est_ci, fmt_int, fmt_list, fmt_num, is_missing

__all__ = ["BottomLine", "SofRow", "bottom_line", "certainty_table", "sof_display", "summary_of_findings"]

# --- the rows ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SofRow:
    """One row of the summary of findings (display strings and the numbers behind them)."""

    sof_row: str
    label: str
    short_label: str
    outcome: str
    reports_paper: str  # "4 reports, 47 patients" as the paper counted
    reports_independent: str  # the same without re-reported patients
    k_paper: int | None
    k_independent: int | None
    participants_paper: int | None
    participants_independent: int | None
    published: str
    regenerated: str
    public_evidence: str
    mid_text: str
    start: str
    certainty: str
    domains: tuple[DomainRating, ...]
    plain_language: str
    published_estimate: float | None
    published_ci: tuple[float, float] | None
    includes_null: bool | None
    beyond_mid: bool | None
    regenerable: bool

    def domain(self, name: str) -> DomainRating:
        return next(d for d in self.domains if d.domain == name)


def _split(value: object) -> list[str]:
    return [] if is_missing(value) else [x.strip() for x in str(value).split(";") if x.strip()]


def _first_statement(reproduction: pd.DataFrame, key: str) -> pd.Series:
    rows = reproduction[reproduction["result_key"] == key]
    if rows.empty:
        raise ValueError(f"sof_outcomes names result_key {key!r}, which published_results lacks")
    with_interval = rows[rows["published_ci_low"].notna()]
    return (with_interval if not with_interval.empty else rows).iloc[0]


def _mids(evidence: Evidence) -> dict[str, pd.Series]:
    table = evidence.table("minimal_important_differences")
    return {(r["outcome"], r["quantity"]): r for _, r in table.iterrows()}


def _mid_text(mid: pd.Series | None, scale: pd.Series | None, labels: dict[str, str]) -> str:
    parts = []
    if mid is None or mid["tier"] == "missing":
        parts.append("no accepted value found")
    else:
        low, high = mid["value_low"], mid["value_high"]
        high = low if is_missing(high) else high
        digits = 0 if float(low).is_integer() and float(high).is_integer() else 1
        value = fmt_num(low, digits) + (f" to {fmt_num(high, digits)}" if high != low else "")
        parts.append(f"{value} {mid['unit']} ({labels.get(mid['source_id'], mid['source_id'])})")
    if scale is not None and scale["tier"] != "missing":
        parts.append(f"scale {fmt_num(scale['value_low'], 0)}-{fmt_num(scale['value_high'], 0)}")
    return "; ".join(parts)


def _source_labels(evidence: Evidence) -> dict[str, str]:
    sources = evidence.table("sources")
    out = {}
    for _, s in sources.iterrows():
        citation = str(s["citation"])
        author = citation.split(",")[0].split(" ")[0]
        year = re.search(r"\b(19|20)\d{2}\b", citation)
        out[s["source_id"]] = f"{author} {year.group(0)}" if year else author
    return out


def _participants(study_ids: list[str], arm_ids: list[str], evidence: Evidence) -> tuple[int | None, bool]:
    """Patients in the linked arms (or the studies' Table 1 totals); bool: every size known."""
    studies = evidence.table("studies").set_index("study_id")
    if not arm_ids:
        return int(studies.loc[study_ids, "total_n"].sum()), True
    arms = evidence.table("arms").set_index("arm_id")
    sizes = [arms.at[a, "n"] for a in arm_ids]
    known = [int(n) for n in sizes if not is_missing(n)]
    return (sum(known) if known else None), len(known) == len(sizes)


def _plain_language(label: str, certainty: str, row: pd.Series | None, spec, mid: float | None) -> str:
    hedge = {"high": "", "moderate": "probably ", "low": "may ", "very low": ""}[certainty]
    if row is None or is_missing(row["published_estimate"]):
        effect = "Harms are too few and too unevenly reported to say how often they occur"
    else:
        est, lo, hi = row["published_estimate"], row["published_ci_low"], row["published_ci_high"]
        if spec.scale == "log":
            effect = f"A {spec.measure} of {fmt_num(est)}"
        else:
            word = "fall" if est < spec.null_value else "rise"
            good = (est < spec.null_value) == (spec.better == "lower")
            effect = (f"A {word} of {fmt_num(abs(est))} {spec.unit} "
                      f"({'an improvement' if good else 'a worsening'})")
            if mid is not None and not is_missing(lo):
                threshold = mid_threshold(spec.null_value, mid, spec.better)
                if min(lo, hi) < threshold < max(lo, hi):
                    effect += ", with an interval that runs from unimportant to important changes"
                elif good:
                    effect += f", {fmt_num(abs(est) / mid, 1)} times the smallest important change"
        if not is_missing(lo) and lo <= spec.null_value <= hi:
            effect += ", with an interval that includes no effect"
    if certainty == "very low":
        return f"{effect}. The evidence is very uncertain."
    return f"{effect}. JAK inhibitors {hedge}change this outcome ({certainty} certainty)."


def summary_of_findings(evidence: Evidence, reproduction: pd.DataFrame | None = None) -> list[SofRow]:
    """The rows of ``sof_outcomes`` with their effects and certainty, in ``position`` order."""
    reproduction = reproduction_table(evidence) if reproduction is None else reproduction
    registry = outcome_registry(evidence)
    studies = evidence.table("studies").set_index("study_id")
    arms = evidence.table("arms").set_index("arm_id")
    links = evidence.table("published_result_studies")
    judgements = evidence.table("certainty_ratings")
    computed = set(DOMAINS) - {"publication_bias"}
    wrong = judgements[judgements["domain"].isin(computed)]
    if not wrong.empty:
        raise ValueError(f"certainty_ratings holds judgements for computed domains: {', '.join(wrong['rating_id'])}; "
                         "the rules of analysis.audit.certainty decide those")
    mids = _mids(evidence)
    labels = _source_labels(evidence)
    events = evidence.table("adverse_events")
    rows = []
    for _, sof in evidence.table("sof_outcomes").sort_values("position").iterrows():
        key, outcome = sof["result_key"], sof["outcome"]
        pooled = not is_missing(key)
        if pooled:
            linked = links[links["result_key"] == key]
            study_ids = list(dict.fromkeys(linked["study_id"]))
            arm_ids = list(linked["arm_id"])
            candidate = bool((linked["basis"] == "candidate").any())
        else:
            scoped = events[(events["scope"] == "study")]
            study_ids = [s for s in studies.index if s in set(scoped["study_id"])]
            arm_ids, candidate = [], False
        independent = [s for s in study_ids if studies.at[s, "same_patients_as"] not in set(study_ids)]
        dropped = [s for s in study_ids if s not in independent]
        independent_arms = [a for a in arm_ids if arms.at[a, "study_id"] in set(independent)]
        n_paper, _ = _participants(study_ids, arm_ids, evidence)
        n_indep, all_known = _participants(independent, independent_arms, evidence)
        k_paper = None if candidate else len(study_ids)
        k_indep = None if candidate else len(independent)
        at_least = "" if all_known else "at least "
        if candidate:
            reports_paper = f"not stated (one of {fmt_int(len(study_ids))} candidate reports left out)"
            reports_indep = f"not stated; candidates: at most {fmt_int(n_indep)} patients in {fmt_int(len(independent))} studies"
        else:
            reports_paper = f"{fmt_int(len(study_ids))} reports, {at_least}{fmt_int(n_paper)} patients"
            reports_indep = f"{fmt_int(len(independent))} studies, {at_least}{fmt_int(n_indep)} patients"
            if dropped:
                reports_indep += " (" + fmt_list(f"{studies.at[s, 'label']} re-reports {studies.at[studies.at[s, 'same_patients_as'], 'label']}"
                                               for s in dropped) + ")"
        spec = registry.get(outcome) if pooled else None
        row = _first_statement(reproduction, key) if pooled else None
        designs = [str(studies.at[s, "design"]) for s in independent]
        contributing_arms = [a for a in independent_arms]
        has_comparator = [any(arms.at[a, "role"] == "comparator" for a in contributing_arms if arms.at[a, "study_id"] == s)
                          for s in independent]
        control_known = [all(not is_missing(arms.at[a, "n"]) for a in contributing_arms
                             if arms.at[a, "study_id"] == s and arms.at[a, "role"] == "comparator") for s in independent]
        start = starting_level(designs)
        populations = [str(studies.at[s, "population"]) for s in independent]
        ages = [str(studies.at[s, "age_group"]) for s in independent]
        flags = indirectness_flags(str(sof["question_population"]), populations, ages, bool(sof["surrogate"]),
                                   "" if is_missing(sof["surrogate_reason"]) else str(sof["surrogate_reason"]))
        i2 = None
        if pooled:
            i2s = evidence.table("published_results")
            i2s = i2s[(i2s["result_key"] == key) & i2s["i2_pct"].notna()]["i2_pct"]
            i2 = float(i2s.iloc[0]) if not i2s.empty else None
        mid_row = mids.get((outcome, "minimal_important_difference"))
        mid = (float(mid_row["value_low"]) if mid_row is not None and mid_row["tier"] != "missing" else None)
        continuous = spec is not None and spec.scale == "identity"
        ci = None
        if row is not None and not is_missing(row["published_ci_low"]):
            ci = (float(row["published_ci_low"]), float(row["published_ci_high"]))
        judgement = judgements[(judgements["sof_row"] == sof["sof_row"]) & (judgements["domain"] == "publication_bias")]
        domains = (
            rate_risk_of_bias(designs, has_comparator, control_known),
            rate_inconsistency(k_indep, i2, pooled=pooled),
            rate_indirectness(flags, populations),
            rate_imprecision(ci[0] if ci else None, ci[1] if ci else None,
                             null=spec.null_value if spec else 0.0, mid=mid if continuous else None,
                             better=spec.better if spec else "lower", participants=n_indep,
                             events_at_most=n_indep, continuous=continuous,
                             unit=spec.unit if spec else ""),
            rate_publication_bias(k_indep, judgement.iloc[0] if not judgement.empty else None),
        )
        certainty = overall_certainty(start, domains)
        regenerable = bool(row is not None and not is_missing(row["regenerated_estimate"]))
        public = _public_evidence(evidence, sof, outcome, pooled, spec)
        if row is None:
            published = _harms_text(evidence, sof)
            regenerated = "no pooled estimate"
        else:
            published = est_ci(row["published_estimate"], row["published_ci_low"], row["published_ci_high"])
            if regenerable:
                regenerated = est_ci(row["regenerated_estimate"], row["regenerated_ci_low"], row["regenerated_ci_high"])
            else:
                n_missing = sum(1 for t in str(row["inputs"]).split("; ") if t.endswith("(missing)"))
                regenerated = f"not possible: {fmt_int(n_missing)} of {fmt_int(len(arm_ids))} inputs not public"
        includes_null = beyond_mid = None
        if ci is not None and spec is not None:
            includes_null = ci[0] <= spec.null_value <= ci[1]
            threshold = mid_threshold(spec.null_value, mid, spec.better) if continuous else None
            if threshold is not None:
                beyond_mid = (max(ci) < threshold) if spec.better == "lower" else (min(ci) > threshold)
        rows.append(SofRow(
            sof_row=sof["sof_row"], label=sof["label"], short_label=spec.short_label if spec else sof["label"],
            outcome="" if is_missing(outcome) else outcome,
            reports_paper=reports_paper, reports_independent=reports_indep, k_paper=k_paper, k_independent=k_indep,
            participants_paper=n_paper, participants_independent=n_indep, published=published,
            regenerated=regenerated, public_evidence=public,
            mid_text=_mid_text(mid_row, mids.get((outcome, "scale_range")), labels) if continuous else "not applicable",
            start=start, certainty=certainty, domains=domains,
            plain_language=_plain_language(sof["label"], certainty, row, spec, mid),
            published_estimate=None if row is None else float(row["published_estimate"]),
            published_ci=ci, includes_null=includes_null, beyond_mid=beyond_mid, regenerable=regenerable,
        ))
    return rows


def _public_evidence(evidence: Evidence, sof: pd.Series, outcome: object, pooled: bool, spec) -> str:
    """The best the public record gives for the row beside the paper's pooled result."""
    if not pooled:
        return "the studies' own reports (Safety chapter)"
    outcomes = evidence.table("outcomes")
    hr = outcomes[(outcomes["outcome"] == outcome) & (outcomes["statistic"] == "hazard_ratio_ci")]
    if not hr.empty:
        labels = evidence.study_labels()
        h = hr.iloc[0]
        return (f"{labels[h['study_id']]} adjusted hazard ratio {est_ci(h['estimate'], h['ci_low'], h['ci_high'], digits=3)}, "
                f"{h['time_point']}")
    try:
        partial = public_inputs_pool(evidence, outcome)
    except ValueError:
        return "none public"
    r = partial.result
    return (f"{est_ci(r.estimate, r.ci_low, r.ci_high)} from {fmt_int(len(partial.effects))} of "
            f"{fmt_int(len(partial.effects) + len(partial.missing))} arms (partial)")


_HARM_WORDS = {"infection": "infections", "thromboembolism": "thromboembolism", "death": "deaths",
               "discontinuation": "discontinuations", "haematological": "blood disorders",
               "serious_adverse_event": "other serious"}


def _harms_text(evidence: Evidence, sof: pd.Series) -> str:
    """Counts of the harms categories in the study rows (Table 4 and the studies' own reports),
    beside the paper's all-study statements, and discontinuations from the outcome rows."""
    events = evidence.table("adverse_events")
    outcomes = evidence.table("outcomes")
    arms = evidence.table("arms").set_index("arm_id")
    parts = []
    for category in _split(sof["adverse_event_categories"]):
        rows = events[events["category"] == category]
        study_rows = rows[rows["scope"] == "study"]
        count_col = "deaths" if category == "death" else "patients"
        total = int(study_rows[count_col].dropna().sum())
        if category == "discontinuation":
            stops = outcomes[(outcomes["outcome"] == "discontinuation") & outcomes["events"].notna()]
            stops = stops[[arms.at[a, "role"] == "intervention" for a in stops["arm_id"]]]
            total += int(stops["events"].sum())
        if rows.empty and total == 0:
            continue
        text = f"{_HARM_WORDS.get(category, category.replace('_', ' '))} {fmt_int(total)}"
        stated = rows[rows["scope"] == "all_studies"][count_col].dropna()
        # an all-study statement counts the whole category only for deaths and thromboembolism
        # (the abstract's infection statement names one infection)
        if category in ("death", "thromboembolism") and not stated.empty and int(stated.iloc[0]) != total:
            text += f" (its text: {fmt_int(int(stated.iloc[0]))})"
        parts.append(text)
    return "Patients with " + ", ".join(parts)


# --- tables and the bottom line --------------------------------------------------------------------

def sof_display(rows: Sequence[SofRow]) -> pd.DataFrame:
    """The summary-of-findings table, one row per outcome."""
    return pd.DataFrame([{
        "outcome": r.label,
        "studies": f"Paper: {r.reports_paper}; independent: {r.reports_independent}",
        "published": r.published,
        "regenerated": r.regenerated,
        "public_evidence": r.public_evidence,
        "mid": r.mid_text,
        "certainty": r.certainty,
        "meaning": r.plain_language,
    } for r in rows])


def certainty_table(rows: Sequence[SofRow]) -> pd.DataFrame:
    """Every domain of every row: rating, computed or judged, the one-line reason and the inputs."""
    out = []
    for r in rows:
        for d in r.domains:
            out.append({"outcome": r.label, "domain": DOMAIN_LABELS[d.domain], "rating": d.rating, "basis": d.basis,
                        "reason": d.reason, "inputs": d.inputs})
        out.append({"outcome": r.label, "domain": "Certainty", "rating": r.certainty, "basis": "computed",
                    "reason": f"Starts {r.start} ({'a randomised study contributes' if r.start == 'high' else 'no randomised study'}); "
                              f"the domains take it down {fmt_int(sum(d.downgrade for d in r.domains))} level(s), "
                              "never below very low.",
                    "inputs": ""})
    return pd.DataFrame(out)


@dataclass(frozen=True)
class BottomLine:
    """The front page's bottom line, sentence by sentence, computed from the summary of findings."""

    claims: str
    supports: str
    missing: str
    next: str

    @property
    def sentences(self) -> tuple[str, ...]:
        return (self.claims, self.supports, self.missing, self.next)


def bottom_line(rows: Sequence[SofRow], evidence: Evidence) -> BottomLine:
    """What the paper claims, what the evidence supports, what is missing and what to look for."""
    pooled = [r for r in rows if r.published_estimate is not None]
    claims = ("The paper reports pooled changes of " + fmt_list(f"{r.short_label} {r.published}" for r in pooled)
              + ".")
    levels = pd.Series([r.certainty for r in rows]).value_counts()
    level_text = fmt_list(f"{lv} for {fmt_int(int(levels[lv]))} of {fmt_int(len(rows))} outcomes"
                          for lv in reversed(LEVELS) if lv in levels)
    beyond = [r.short_label for r in pooled if r.beyond_mid]
    null = [r.short_label for r in pooled if r.includes_null]
    supports = f"By GRADE, the certainty of the evidence is {level_text}."
    if beyond:
        supports += (f" Only for {fmt_list(beyond)} does the published interval lie wholly beyond the smallest "
                     "important change, and that rests on uncontrolled before-after series.")
    if null:
        supports += f" For {fmt_list(null)} the published interval includes no effect."
    studies = evidence.table("studies")
    n_random = sum(is_randomised(d) for d in studies["design"])
    has_pm = any("polymyositis" in str(p).lower() for p in studies["population"])
    n_regen = sum(r.regenerable for r in pooled)
    events = evidence.table("adverse_events")
    study_rows = events[(events["scope"] == "study") & (events["tier"] == "paper")
                        & ~events["category"].isin(["death", "none_reported"])]
    not_stated = int((study_rows["serious"] == "not_stated").sum())
    missing = (f"Missing: a randomised comparison ({fmt_int(n_random)} of {fmt_int(len(studies))} included reports "
               f"randomised patients), {'any' if not has_pm else 'enough'} patients with polymyositis "
               f"({'none' if not has_pm else 'some'} in the included studies, though the title names it), "
               f"public study-level data ({fmt_int(n_regen)} of {fmt_int(len(pooled))} pooled results can be "
               f"recomputed), and complete harms reporting (seriousness not stated for {fmt_int(not_stated)} of "
               f"{fmt_int(len(study_rows))} adverse events in the paper's Table 4).")
    nxt = "Look next for randomised trials"
    if "new_studies" in evidence.tables:
        new = evidence.table("new_studies")
        randomised = new[new["randomised"].fillna(False).astype(bool)]
        if not randomised.empty:
            nxt += " (" + fmt_list(randomised["label"]) + " in the New evidence chapter)"
    nxt += (" that report skin, muscle and harms outcomes with their spread, and for any study that includes "
            "polymyositis.")
    return BottomLine(claims=claims, supports=supports, missing=missing, next=nxt)
