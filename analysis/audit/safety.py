"""Adverse events and deaths per study: the paper's Table 4 beside what primary and secondary
sources report, with every disagreement found by a rule rather than by hand.

Inputs are the ``adverse_events`` table (Table 4 rows with tier ``paper``, statements about all
studies together with scope ``all_studies``, and events primary sources report) and the
``outcomes`` table (death, any-adverse-event and discontinuation counts per arm from secondary
sources, derived from percentages by ``analysis.data.derive``).

Disagreement rules (:func:`safety_disagreements`), one row per comparison:

* ``none_vs_source``: Table 4 says an arm had no adverse events, a primary or secondary source
  reports patients with events in the same arm.
* ``deaths_vs_source``: the Table 4 death count of an arm differs from a death count a source
  gives for that arm (each time point compared on its own).
* ``statement_vs_table``: a statement about all studies (abstract, results) differs from the sum
  of Table 4's study rows for the same event; rows are matched on identical event text when
  Table 4 has one, otherwise on the event category.
* ``any_event_vs_source``: a source gives more patients with any adverse event in an arm than
  Table 4 lists events for that arm (the sum of its event rows bounds the patients it lists).
* ``discontinuation_vs_source``: a source counts discontinuations in an arm for which Table 4
  gives none or a different number.

Rows about an arm Table 4 does not cover (e.g. the tacrolimus controls of Fan 2022) are shown
for context with ``flagged`` False and ``comparison`` False. ``finding`` groups the rows of one
finding (two events of an arm Table 4 calls event-free, one arm's deaths at two time points), so
counts of disagreements count distinct findings.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.domain.contracts import require_columns
from analysis.audit.death_ratios import COUNT_ASSUMPTION
from analysis.format import is_missing

__all__ = [
    "CAMPAR_SAFETY_FACTS",
    "SafetySummary",
    "adverse_events_table",
    "deaths_table",
    "excluded_report_safety",
    "safety_disagreements",
    "safety_summary",
    "serious_events_table",
    "side_by_side",
]

PAPER_TIER = "paper"
SOURCE_TIERS = ("primary", "secondary", "derived")
#: the Campar 2022 facts that bear on safety and exposure (excluded_report_facts.fact_id).
CAMPAR_SAFETY_FACTS = ("campar2022.patients", "campar2022.baricitinib", "campar2022.tofacitinib",
                       "campar2022.monotherapy", "campar2022.duration", "campar2022.discontinued",
                       "campar2022.stop_no_response", "campar2022.stop_diverticulitis")
_AE_COLUMNS = ("event_id", "scope", "study_id", "arm_id", "event", "category", "patients", "serious", "deaths",
               "tier", "source_id", "location")
_OUTCOME_COLUMNS = ("study_id", "arm_id", "outcome", "time_point", "statistic", "events", "total", "tier",
                    "source_id", "location")
_DISAGREEMENT_COLUMNS = ["check", "event_id", "study_id", "study", "arm_id", "what", "paper_value", "paper_location",
                         "source_value", "source_tier", "source_id", "source_location", "flagged", "explanation"]


def _require(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    require_columns(frame, columns, name)


def _label(labels: dict[str, str], study_id: object) -> str:
    if is_missing(study_id):
        return "All included studies"
    if study_id not in labels:
        raise ValueError(f"study_id {study_id!r} has no label; known study_ids: {sorted(labels)}.")
    return labels[study_id]


def _int_or_na(value: object) -> object:
    return pd.NA if is_missing(value) else int(value)


def adverse_events_table(adverse_events: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Every adverse-event statement, Table 4 rows first per study, then source rows.

    Columns: study, event, patients, deaths, serious, reported_by ("paper", "primary source"
    ...), location, tier, source_id. Studies in Table 1 order; the all-study
    statements last.
    """
    _require(adverse_events, _AE_COLUMNS, "adverse_events")
    order = {s: i for i, s in enumerate(labels)}
    frame = adverse_events.assign(
        _study=[order.get(s, len(order)) if not is_missing(s) else len(order) + 1 for s in adverse_events["study_id"]],
        _source=[0 if t == PAPER_TIER else 1 for t in adverse_events["tier"]],
    ).sort_values(["_study", "_source"], kind="stable")
    frame = frame.reset_index(drop=True)
    out = pd.DataFrame({
        "study": [_label(labels, s) for s in frame["study_id"]],
        "event": frame["event"],
        "patients": frame["patients"].astype("Int64"),
        "deaths": frame["deaths"].astype("Int64"),
        "serious": frame["serious"].str.replace("not_stated", "not stated"),
        "reported_by": ["paper" if t == PAPER_TIER else f"{t} source" for t in frame["tier"]],
        "location": frame["location"],
        "tier": frame["tier"],
        "source_id": frame["source_id"],
    })
    return out.reset_index(drop=True)


def side_by_side(adverse_events: pd.DataFrame, outcomes: pd.DataFrame, labels: dict[str, str],
                 disagreements: pd.DataFrame) -> pd.DataFrame:
    """One row per study: what Table 4 says beside what other sources say, and the flags.

    Columns: study, table4_events ("event (patients)" joined by "; "), table4_deaths,
    other_sources (events from adverse_events rows with a source tier, and any-event,
    discontinuation and death counts from outcomes, each "(tier)"), flags (number of flagged
    disagreements for the study).
    """
    _require(adverse_events, _AE_COLUMNS, "adverse_events")
    _require(outcomes, _OUTCOME_COLUMNS, "outcomes")
    words = {"any_adverse_event": "any adverse event", "discontinuation": "stopped the drug", "death": "deaths"}
    arm_names = {}
    rows = []
    for study_id, label in labels.items():
        ae = adverse_events[adverse_events["study_id"] == study_id]
        paper = ae[ae["tier"] == PAPER_TIER]
        events = [f"{e} ({int(p)})" for e, p, c in zip(paper["event"], paper["patients"], paper["category"])
                  if c != "death" and not is_missing(p)]
        deaths = paper.loc[paper["category"] == "death", "deaths"].dropna()
        other = [f"{e} ({int(p)}; {t})" for e, p, t in zip(*(ae.loc[ae["tier"].isin(SOURCE_TIERS), c]
                                                          for c in ("event", "patients", "tier")))]
        counted = outcomes[(outcomes["study_id"] == study_id) & (outcomes["statistic"] == "events_total")
                           & outcomes["outcome"].isin(list(words))]
        for _, row in counted.iterrows():
            arm = arm_names.setdefault(row["arm_id"], row["arm_id"].split(".", 1)[-1].replace("_", " "))
            when = "" if row["time_point"] == "not stated" else f" at {row['time_point']}"
            other.append(f"{words[row['outcome']]}{when}, {arm} arm: {int(row['events'])}/{int(row['total'])} "
                         f"({row['tier']})")
        flags = disagreements[(disagreements["study_id"] == study_id) & disagreements["flagged"]]
        rows.append({"study": label, "table4_events": "; ".join(events) if events else "none listed",
                     "table4_deaths": int(deaths.sum()) if len(deaths) else pd.NA,
                     "other_sources": "; ".join(other) if other else "none found",
                     "flags": len(flags)})
    out = pd.DataFrame(rows)
    out["table4_deaths"] = out["table4_deaths"].astype("Int64")
    return out


def deaths_table(adverse_events: pd.DataFrame, outcomes: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Deaths per study and arm: Table 4's death column, the all-study statement, and death
    counts from primary/secondary sources (with time point and denominator).

    Columns: study, arm_id, time_point, deaths, total, tier, source_id, location, assumption (what a count
    derived from a survival percentage assumes, :data:`analysis.audit.death_ratios.COUNT_ASSUMPTION`).
    """
    _require(adverse_events, _AE_COLUMNS, "adverse_events")
    _require(outcomes, _OUTCOME_COLUMNS, "outcomes")
    rows = []
    for _, row in adverse_events[adverse_events["category"] == "death"].iterrows():
        rows.append({"study_id": row["study_id"], "study": _label(labels, row["study_id"]), "arm_id": row["arm_id"],
                     "time_point": "not stated", "deaths": _int_or_na(row["deaths"]), "total": pd.NA,
                     "tier": row["tier"], "source_id": row["source_id"], "location": row["location"],
                     "assumption": ""})
    counted = outcomes[(outcomes["outcome"] == "death") & (outcomes["statistic"] == "events_total")]
    for _, row in counted.iterrows():
        rows.append({"study_id": row["study_id"], "study": _label(labels, row["study_id"]), "arm_id": row["arm_id"],
                     "time_point": row["time_point"], "deaths": _int_or_na(row["events"]),
                     "total": _int_or_na(row["total"]), "tier": row["tier"], "source_id": row["source_id"],
                     "location": row["location"],
                     "assumption": COUNT_ASSUMPTION if row["tier"] == "derived" else ""})
    out = pd.DataFrame(rows)
    order = {s: i for i, s in enumerate(labels)}
    out["_order"] = [order.get(s, len(order)) if not is_missing(s) else len(order) for s in out["study_id"]]
    out = out.sort_values("_order", kind="stable").drop(columns=["_order", "study_id"]).reset_index(drop=True)
    for column in ("deaths", "total"):
        out[column] = out[column].astype("Int64")
    return out


def serious_events_table(adverse_events: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Per study: patients with serious non-fatal events and deaths as Table 4 gives them.

    ``serious_patients`` sums ``patients`` over the study's Table 4 rows marked serious (deaths
    excluded); a study whose Table 4 rows call nothing serious gets 0 only if it has a row that
    states 0 serious events, otherwise the count is missing ("not stated").
    Columns: study, serious_patients, serious_events_named, table4_deaths.
    """
    _require(adverse_events, _AE_COLUMNS, "adverse_events")
    paper = adverse_events[(adverse_events["tier"] == PAPER_TIER) & (adverse_events["scope"] == "study")]
    rows = []
    for study_id in labels:
        own = paper[paper["study_id"] == study_id]
        serious = own[(own["serious"] == "yes") & (own["category"] != "death")]
        named = [e for e, p in zip(serious["event"], serious["patients"]) if not is_missing(p) and p > 0]
        total = serious["patients"].dropna()
        deaths = own.loc[own["category"] == "death", "deaths"].dropna()
        rows.append({"study": labels[study_id],
                     "serious_patients": int(total.sum()) if len(total) else pd.NA,
                     "serious_events_named": "; ".join(named) if named else "none named",
                     "table4_deaths": int(deaths.sum()) if len(deaths) else pd.NA})
    out = pd.DataFrame(rows)
    for column in ("serious_patients", "table4_deaths"):
        out[column] = out[column].astype("Int64")
    return out


def _row(check: str, study_id: object, labels: dict[str, str], arm_id: object, what: str, paper_value: object,
         paper_location: str, source_value: object, source_tier: str, source_id: str, source_location: str,
         flagged: bool, explanation: str, event_id: object = pd.NA) -> dict:
    """One comparison; ``event_id`` is the adverse_events row it is about (a statement about all
    studies, or the source's event), empty for comparisons with counts from ``outcomes``."""
    return {"check": check, "event_id": event_id, "study_id": study_id, "study": _label(labels, study_id),
            "arm_id": arm_id, "what": what,
            "paper_value": paper_value, "paper_location": paper_location, "source_value": source_value,
            "source_tier": source_tier, "source_id": source_id, "source_location": source_location,
            "flagged": flagged, "explanation": explanation}


def _statement_rows(adverse_events: pd.DataFrame, labels: dict[str, str]) -> list[dict]:
    rows = []
    table4 = adverse_events[(adverse_events["tier"] == PAPER_TIER) & (adverse_events["scope"] == "study")]
    for _, statement in adverse_events[adverse_events["scope"] == "all_studies"].iterrows():
        same_text = table4[table4["event"] == statement["event"]]
        matched = same_text if len(same_text) else table4[table4["category"] == statement["category"]]
        field = "deaths" if statement["category"] == "death" else "patients"
        stated, summed = statement[field], int(matched[field].dropna().sum())
        studies = ", ".join(_label(labels, s) for s in matched.loc[matched[field].fillna(0) > 0, "study_id"])
        rows.append(_row("statement_vs_table", pd.NA, labels, pd.NA, statement["event"], int(stated),
                         statement["location"], summed, PAPER_TIER, "ma2024",
                         "Table 4 (sum of study rows)", int(stated) != summed,
                         f"{statement['location']} states {int(stated)}; Table 4's rows sum to {summed}"
                         + (f" ({studies})." if studies else "."), event_id=statement["event_id"]))
    return rows


def safety_disagreements(adverse_events: pd.DataFrame, outcomes: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Apply the rules of the module docstring; one row per comparison, ``flagged`` True where
    the paper and the other statement disagree."""
    _require(adverse_events, _AE_COLUMNS, "adverse_events")
    _require(outcomes, _OUTCOME_COLUMNS, "outcomes")
    table4 = adverse_events[(adverse_events["tier"] == PAPER_TIER) & (adverse_events["scope"] == "study")]
    sources = adverse_events[adverse_events["tier"].isin(SOURCE_TIERS) & (adverse_events["scope"] == "study")]
    rows = []
    for _, none in table4[table4["category"] == "none_reported"].iterrows():
        found = sources[(sources["arm_id"] == none["arm_id"]) & (sources["patients"].fillna(0) > 0)]
        for _, event in found.iterrows():
            rows.append(_row("none_vs_source", none["study_id"], labels, none["arm_id"], event["event"], 0,
                             none["location"], int(event["patients"]), event["tier"], event["source_id"],
                             event["location"], True,
                             f"Table 4 reports no adverse events; the {event['tier']} source reports "
                             f"{int(event['patients'])} patient(s) with {event['event'].lower()}.",
                             event_id=event["event_id"]))
    counted = outcomes[outcomes["statistic"] == "events_total"]
    covered_arms = set(table4["arm_id"].dropna())
    for _, death in table4[table4["category"] == "death"].iterrows():
        for _, other in counted[(counted["outcome"] == "death") & (counted["arm_id"] == death["arm_id"])].iterrows():
            paper_value, value = int(death["deaths"]), int(other["events"])
            rows.append(_row("deaths_vs_source", death["study_id"], labels, death["arm_id"],
                             f"Deaths ({other['time_point']})", paper_value, death["location"],
                             f"{value} of {int(other['total'])}", other["tier"], other["source_id"], other["location"],
                             paper_value != value,
                             f"Table 4 gives {paper_value} deaths; the source gives {value} of {int(other['total'])} "
                             f"at {other['time_point']}."))
    rows.extend(_statement_rows(adverse_events, labels))
    for _, other in counted[counted["outcome"] == "any_adverse_event"].iterrows():
        arm = other["arm_id"]
        listed = table4[(table4["arm_id"] == arm) & ~table4["category"].isin(["death", "none_reported"])]
        bound = int(listed["patients"].dropna().sum())
        covered = arm in covered_arms
        flagged = covered and int(other["events"]) > bound
        rows.append(_row("any_event_vs_source", other["study_id"], labels, arm, "Patients with any adverse event",
                         bound if covered else pd.NA, "Table 4" if covered else "not in Table 4",
                         f"{int(other['events'])} of {int(other['total'])}", other["tier"], other["source_id"],
                         other["location"], flagged,
                         (f"Table 4 lists events in at most {bound} patient(s) of this arm; the source counts "
                          f"{int(other['events'])} of {int(other['total'])} with any adverse event.") if covered else
                         "Table 4 does not cover this arm; shown for comparison."))
    for _, other in counted[counted["outcome"] == "discontinuation"].iterrows():
        arm = other["arm_id"]
        stated = table4[(table4["arm_id"] == arm) & (table4["category"] == "discontinuation")]["patients"].dropna()
        covered = arm in covered_arms
        paper_value = int(stated.sum()) if len(stated) else pd.NA
        flagged = covered and (is_missing(paper_value) or paper_value != int(other["events"])) and int(other["events"]) > 0
        rows.append(_row("discontinuation_vs_source", other["study_id"], labels, arm, "Patients who stopped the drug",
                         paper_value, "Table 4" if covered else "not in Table 4",
                         f"{int(other['events'])} of {int(other['total'])}", other["tier"], other["source_id"],
                         other["location"], flagged,
                         ("Table 4 says nothing about stopping treatment in this arm; the source counts "
                          f"{int(other['events'])} of {int(other['total'])}.") if covered and is_missing(paper_value) else
                         (f"Table 4 gives {paper_value}; the source counts {int(other['events'])}.") if covered else
                         "Table 4 does not cover this arm; shown for comparison."))
    out = pd.DataFrame(rows, columns=_DISAGREEMENT_COLUMNS)
    out["flagged"] = out["flagged"].astype(bool)
    out["comparison"] = out["paper_location"] != "not in Table 4"
    out["finding"] = [_finding_key(r) for _, r in out.iterrows()]
    return out


def _finding_key(row: pd.Series) -> str:
    """One key per distinct finding: several events of one arm that Table 4 calls event-free, or one
    arm's deaths at several time points, are one finding (the paper's number is compared once per arm)."""
    if row["check"] in ("none_vs_source", "deaths_vs_source"):
        return f"{row['check']}:{row['arm_id']}"
    if is_missing(row["arm_id"]):
        return f"{row['check']}:{row['what']}"
    return f"{row['check']}:{row['arm_id']}"


@dataclass(frozen=True)
class SafetySummary:
    """Counts for the safety chapter's prose, all computed from the tables above."""

    n_studies: int
    table4_deaths_total: int
    n_studies_with_table4_deaths: int
    n_comparisons: int  # distinct comparisons with an arm or statement the paper covers (context rows left out)
    n_flagged: int  # distinct findings among them (several rows of one finding count once)
    n_studies_flagged: int
    n_rows: int  # rows of the comparison table, context rows included
    n_context: int  # rows about arms Table 4 does not cover, shown for context only


def safety_summary(adverse_events: pd.DataFrame, disagreements: pd.DataFrame, labels: dict[str, str]) -> SafetySummary:
    """Totals: Table 4 deaths (sum of the death column), studies with deaths, flags."""
    table4 = adverse_events[(adverse_events["tier"] == PAPER_TIER) & (adverse_events["scope"] == "study")
                            & (adverse_events["category"] == "death")]
    flagged = disagreements[disagreements["flagged"]]
    compared = disagreements[disagreements["comparison"]]
    return SafetySummary(
        n_studies=len(labels),
        table4_deaths_total=int(table4["deaths"].dropna().sum()),
        n_studies_with_table4_deaths=int((table4["deaths"].fillna(0) > 0).sum()),
        n_comparisons=int(compared["finding"].nunique()),
        n_flagged=int(flagged["finding"].nunique()),
        n_studies_flagged=int(flagged["study_id"].dropna().nunique()),
        n_rows=len(disagreements),
        n_context=int((~disagreements["comparison"]).sum()),
    )


def excluded_report_safety(excluded_report_facts: pd.DataFrame, fact_ids: tuple[str, ...] = CAMPAR_SAFETY_FACTS) -> pd.DataFrame:
    """The exposure and safety facts of an excluded report, marked as outside the pooled evidence.

    Columns: fact, patients, out_of, value, unit, pooled_by_paper ("no: excluded report"), source_id, location.
    """
    _require(excluded_report_facts, ("fact_id", "description", "count", "total", "value", "unit", "source_id",
                                     "location"), "excluded_report_facts")
    indexed = excluded_report_facts.set_index("fact_id")
    absent = [f for f in fact_ids if f not in indexed.index]
    if absent:
        raise ValueError(f"excluded_report_facts: expected fact_id(s) {absent}, which are missing "
                         f"(data/excluded_report_facts.csv).")
    rows = indexed.loc[list(fact_ids)]
    return pd.DataFrame({
        "fact": rows["description"].to_numpy(),
        "patients": rows["count"].astype("Int64").to_numpy(),
        "out_of": rows["total"].astype("Int64").to_numpy(),
        "value": rows["value"].to_numpy(),
        "unit": rows["unit"].to_numpy(),
        "pooled_by_paper": "no: excluded report",
        "source_id": rows["source_id"].to_numpy(),
        "location": rows["location"].to_numpy(),
    })
