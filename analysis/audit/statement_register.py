"""The statement register: every checkable statement of the paper with the check applied and a verdict.

The register is data (``data/paper_statements.csv``): each row quotes a statement with its location,
says what it was compared with, gives a verdict (consistent, inconsistent, not checkable) and the
reasoning. Where a verdict rests on a computation, ``check_ref`` names the code that makes it:

* ``<check_id>|<item>``: a row of one of the consistency checks of :mod:`analysis.audit.consistency`
  (its ``result_id``, ``item`` or ``subgroup_factor``); that row's status is the code's verdict;
* ``register|<name>``: one of the :data:`REGISTER_CHECKS` (:mod:`analysis.audit.register_checks`),
  each a small computation over the data;
* ``register|<name>:<study_id>``: one of the :data:`TABLE_CHECKS` (:mod:`analysis.audit.table_checks`),
  a check of one study's cell of Tables 1-3.

:func:`statement_register` re-runs every referenced check and sets the code's verdict and its evidence
(a sentence with the computed numbers) beside the recorded one; :func:`disagreements` lists rows where
the two differ, which the tests require to be none. Rows without ``check_ref`` rest on reading the
paper; their reason says what was read. :func:`register_summary` counts statements and distinct
findings (two statements of one result checked by one check are one finding).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from analysis.audit.consistency import run_all_checks
from analysis.audit.consistency.result import CheckResult
from analysis.audit.register_checks import REGISTER_CHECKS, CodeCheck
from analysis.audit.table_checks import TABLE_CHECKS
from analysis.data import Evidence
from analysis.format import fmt_num, fmt_p

__all__ = ["PARTS", "REGISTER_CHECKS", "SECTIONS", "TABLE_CHECKS", "TABLE_PARTS", "VERDICTS", "CodeCheck", "RegisterSummary", "disagreements",
           "paper_part", "register_check", "register_summary", "statement_register"]

#: the register's verdicts, as data/paper_statements.csv allows them.
VERDICTS = ("consistent", "inconsistent", "not checkable")
#: a consistency check's row status -> the register's verdict.
_FROM_STATUS = {"consistent": "consistent", "inconsistent": "inconsistent", "cannot check": "not checkable"}
#: the parts of the paper, in its order (data/paper_statements.csv ``section``).
SECTIONS = ("Title", "Abstract", "Introduction", "Methods", "Results", "Discussion", "Tables and figures")
#: the paper's tables and figures, each a part of its own: what a "Tables and figures" row's location
#: starts with -> the part (Tables 2 and 3 are the two halves of one quality appraisal).
TABLE_PARTS = {"Table 1": "Table 1 (study characteristics)", "Table 2": "Tables 2 and 3 (quality appraisal)",
               "Table 3": "Tables 2 and 3 (quality appraisal)", "Table 4": "Table 4 (adverse events)",
               "Figure": "Figure captions"}
#: every part, in the paper's order.
PARTS = (*SECTIONS[:-1], *dict.fromkeys(TABLE_PARTS.values()))


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


def register_check(evidence: Evidence, name: str, statement_id: str = "") -> CodeCheck:
    """Run the register check ``name`` of a ``register|<name>`` reference: a :data:`REGISTER_CHECKS`
    name, or ``<table check>:<study_id>`` for a :data:`TABLE_CHECKS` check of one study."""
    where = f" of {statement_id}" if statement_id else ""
    check, _, study_id = name.partition(":")
    if study_id:
        if check not in TABLE_CHECKS:
            raise ValueError(f"check_ref register|{name}{where}: no table check {check!r}; "
                             f"valid: {', '.join(TABLE_CHECKS)} (as <check>:<study_id>)")
        return TABLE_CHECKS[check](evidence, study_id)
    if check not in REGISTER_CHECKS:
        hint = " (a table check needs ':<study_id>')" if check in TABLE_CHECKS else ""
        raise ValueError(f"check_ref register|{name}{where}: no register check {check!r}{hint}; "
                         f"valid: {', '.join(REGISTER_CHECKS)}")
    return REGISTER_CHECKS[check](evidence)


def paper_part(statement_id: str, section: str, location: str) -> str:
    """The part of the paper a statement stands in: its section, or for a table cell or figure caption
    the table (:data:`TABLE_PARTS`) its location names first ("Table 1, row Fan 2022, column Type")."""
    if section != "Tables and figures":
        return section
    match = re.match(r"(Table \d|Figure)", location)
    if match is None or match.group(1) not in TABLE_PARTS:
        raise ValueError(f"data/paper_statements.csv, statement {statement_id}: a table or figure statement's "
                         f"location must start with one of {', '.join(TABLE_PARTS)}; got {location!r}")
    return TABLE_PARTS[match.group(1)]


def statement_register(evidence: Evidence) -> pd.DataFrame:
    """The register's rows (file order) with ``part`` (:func:`paper_part`), ``code_verdict`` and
    ``code_evidence`` from the check each ``check_ref`` names (empty where the verdict rests on
    reading), ``checked_by`` ("code" or "reading") and ``finding``: the key of the distinct finding
    (``check_ref``, or the statement id for readings; ``same_finding_as`` joins two of them)."""
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
            code = (register_check(evidence, name, s["statement_id"]) if kind == "register"
                    else _consistency_check(results, kind, name, _item_names(evidence)))
        rows.append({
            "statement_id": s["statement_id"], "section": s["section"],
            "part": paper_part(s["statement_id"], s["section"], s["location"]), "location": s["location"],
            "quote": s["quote"], "claim": s["claim"], "check": s["check"], "verdict": s["verdict"],
            "reason": s["reason"], "check_ref": ref, "checked_by": "code" if code else "reading",
            "code_verdict": code.verdict if code else "", "code_evidence": code.evidence if code else "",
            "finding": _finding_key(ref, s["statement_id"], key_of),
            "same_finding_as": s["same_finding_as"] if isinstance(s["same_finding_as"], str) else "",
        })
    return _merge_findings(pd.DataFrame(rows))


def _merge_findings(register: pd.DataFrame) -> pd.DataFrame:
    """A statement naming ``same_finding_as`` takes that statement's finding key while both are
    inconsistent: the two report one problem through two checks (only inconsistent statements are
    counted as findings, so the join matters only then). The named statement must name no other."""
    by_id = register.set_index("statement_id")
    for line, row in register[register["same_finding_as"] != ""].iterrows():
        target = row["same_finding_as"]
        if target not in by_id.index or by_id.at[target, "same_finding_as"]:
            raise ValueError(f"data/paper_statements.csv, statement {row['statement_id']}: same_finding_as must name "
                             f"a statement of the register that names no other; got {target!r}")
        if row["verdict"] == "inconsistent" and by_id.at[target, "verdict"] == "inconsistent":
            register.at[line, "finding"] = by_id.at[target, "finding"]
    return register


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
    """Counts over the register: statements per part of the paper and verdict, distinct findings."""

    n_statements: int
    n_by_code: int
    n_by_reading: int
    by_verdict: dict[str, int]
    n_findings_inconsistent: int
    by_part: pd.DataFrame  # part (PARTS order), then one column per verdict, statements


def register_summary(register: pd.DataFrame) -> RegisterSummary:
    """Statements per verdict and part of the paper; inconsistent statements counted once per distinct
    finding (``finding``: one claim the paper repeats, or one result checked in several places, is one)."""
    table = (register.groupby(["part", "verdict"]).size().unstack(fill_value=0)
             .reindex(index=[p for p in PARTS if p in set(register["part"])], columns=list(VERDICTS), fill_value=0))
    table["statements"] = table.sum(axis=1)
    table.columns.name = None
    bad = register[register["verdict"] == "inconsistent"]
    return RegisterSummary(
        n_statements=len(register),
        n_by_code=int((register["checked_by"] == "code").sum()),
        n_by_reading=int((register["checked_by"] == "reading").sum()),
        by_verdict={v: int((register["verdict"] == v).sum()) for v in VERDICTS},
        n_findings_inconsistent=int(bad["finding"].nunique()),
        by_part=table.reset_index(),
    )
