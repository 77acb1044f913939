"""Checks of single cells of the paper's tables, one study at a time: Table 1 (study characteristics)
against the studies' own reports and titles, Tables 2 and 3 (quality appraisal) against their
tools' rules. The register names them ``register|<name>:<study_id>`` (data/paper_statements.csv).

Each check returns a :class:`~analysis.audit.register_checks.CodeCheck`: "not checkable" when the
data hold no independent source for the cell, never a guess.

* ``table1_patients``: the Total column against the patients the study's own reports (or a
  faithful secondary report) give: the largest ``study_facts`` count of the study's population
  (the whole cohort; smaller counts are its subsets), less the patients of its comparator arms
  sized by a non-paper source (a cohort count covers every arm; Table 1 describes the JAK-inhibitor
  arm). A report of the same patients as another (``same_patients_as``) is checked against that
  report's sources.
* ``table1_design``: the Type column's design class (:func:`analysis.audit.bias.design_class`)
  against the class of each independent description of the design: the study's own title (the
  paper's reference list) and ``study_facts`` of topic design.
* ``table1_follow_up``: the median follow-up (whole months as printed, so within half a month)
  against a study's stated treatment period; against a stated minimum follow-up, the median must
  not be below it.
* ``table1_drug_counts``: the per-drug patients of the Intervention cell ("Ruxolitinib (n = 4);
  Baricitinib (n = 12)") add up to the Total cell.
* ``table1_same_patients``: a report of the same patients repeats the other report's age, prior
  therapy, intervention and patients.
* ``appraisal_row``: a row of Table 2 or 3: every item score within its tool's range
  (0 to the item's maximum, from the data package) and the printed total equal to their sum.
* ``nos_comparison_items``: NOS items II (selection of the non-exposed cohort) and V
  (comparability of cohorts) can earn a star only when there is a non-exposed cohort; a study
  with no comparator arm (data/arms.csv) scored above 0 on either breaks the tool's rule.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from analysis.audit.bias import TOOL_TOTAL_COLUMNS, design_class, item_texts, totals_check
from analysis.audit.register_checks import CodeCheck
from analysis.data import Evidence
from analysis.format import fmt_int, fmt_list, fmt_num, is_missing
from analysis.stats import half_unit

__all__ = ["TABLE_CHECKS", "WEEKS_PER_MONTH"]

#: weeks in an average Gregorian month (365.2425 days / 12 / 7).
WEEKS_PER_MONTH = 365.2425 / 12 / 7
_DRUG_COUNT = re.compile(r"\(n\s*=\s*(\d+)\)")
_NOS_COMPARISON_ITEMS = ("nos_ii", "nos_v")


def _study(evidence: Evidence, study_id: str) -> pd.Series:
    studies = evidence.table("studies").set_index("study_id")
    if study_id not in studies.index:
        raise ValueError(f"check of study {study_id!r}: no such study in data/studies.csv; "
                         f"valid: {', '.join(studies.index)}")
    return studies.loc[study_id]


def _source_study(study: pd.Series) -> str:
    """The study whose reports describe ``study``'s patients: the earlier report it re-reports, or itself."""
    return study["same_patients_as"] if isinstance(study["same_patients_as"], str) else study.name


def _facts(evidence: Evidence, study_id: str, topic: str) -> pd.DataFrame:
    facts = evidence.table("study_facts")
    return facts[(facts["study_id"] == study_id) & (facts["topic"] == topic) & (facts["tier"] != "paper")]


def table1_patients(evidence: Evidence, study_id: str) -> CodeCheck:
    """Total no. patients against the study's own count (see the module's docstring)."""
    study = _study(evidence, study_id)
    source = _source_study(study)
    counts = _facts(evidence, source, "population")
    counts = counts[(counts["unit"] == "patients") & counts["value"].notna()]
    if counts.empty:
        return CodeCheck("not checkable", f"no source other than the paper gives the patients of {study['label']}")
    whole = counts.loc[counts["value"].idxmax()]
    arms = evidence.table("arms")
    comparators = arms[(arms["study_id"] == source) & (arms["role"] == "comparator") & arms["subset_of"].isna()
                       & arms["n"].notna() & (arms["tier"] != "paper")]
    independent = int(whole["value"]) - int(comparators["n"].sum())
    how = f"{fmt_int(int(whole['value']))} ({whole['source_id']})"
    if len(comparators):
        how += " less the comparator arm " + fmt_list(
            [f"{r['label'].lower()} {fmt_int(int(r['n']))} ({r['source_id']})" for _, r in comparators.iterrows()])
    if source != study_id:
        how += f", the patients of {_study(evidence, source)['label']}"
    agree = independent == int(study["total_n"])
    return CodeCheck("consistent" if agree else "inconsistent",
                     f"Table 1 gives {fmt_int(int(study['total_n']))}; the study's sources give {how} = {fmt_int(independent)}")


def _class_or_none(text: str) -> str | None:
    try:
        return design_class(text)
    except ValueError:
        return None


def _title(citation: str) -> str:
    """The title in a Vancouver citation: the text after the authors ("et al." or the last initials)."""
    parts = [p.strip() for p in citation.split(". ")]
    return parts[1] if len(parts) > 2 else citation


def table1_design(evidence: Evidence, study_id: str) -> CodeCheck:
    """The Type cell's design class against the study's own title and stated design."""
    study = _study(evidence, study_id)
    printed = design_class(study["design"])
    source = _source_study(study)
    described = [(f"the title of {_study(evidence, source)['label']}", _title(_study(evidence, source)["citation"]))]
    described += [(f"{r['source_id']} ({r['location']})", r["description"])
                  for _, r in _facts(evidence, source, "design").iterrows()]
    classes = [(where, _class_or_none(text)) for where, text in described]
    classes = [(where, kind) for where, kind in classes if kind]
    if not classes:
        return CodeCheck("not checkable", f"neither the title of {study['label']} nor another source names its design")
    differ = [where for where, kind in classes if kind != printed]
    return CodeCheck("inconsistent" if differ else "consistent",
                     f"Table 1: {study['design']} ({printed}); "
                     + "; ".join(f"{where}: {kind}" for where, kind in classes))


def table1_follow_up(evidence: Evidence, study_id: str) -> CodeCheck:
    """Median follow-up (months, printed whole) against the stated treatment period or minimum follow-up."""
    study = _study(evidence, study_id)
    facts = _facts(evidence, study_id, "design")  # a re-report (an extension) has its own follow-up
    facts = facts[facts["unit"].isin(["weeks", "months"]) & facts["value"].notna()]
    if facts.empty:
        return CodeCheck("not checkable", f"no source other than the paper gives the follow-up of {study['label']}")
    fact = facts.iloc[0]
    months = float(fact["value"]) / (WEEKS_PER_MONTH if fact["unit"] == "weeks" else 1.0)
    median = float(study["follow_up_median_months"])
    stated = f"{fmt_int(int(fact['value']))} {fact['unit']} = {fmt_num(months, 1)} months ({fact['source_id']})"
    if "minimum" in fact["description"].lower():
        fits = median >= months
        return CodeCheck("consistent" if fits else "inconsistent",
                         f"Table 1 median {fmt_num(median, 0)} months; minimum follow-up {stated}: the median is "
                         + ("not below the minimum" if fits else "below the minimum"))
    fits = abs(median - months) <= half_unit(0)
    return CodeCheck("consistent" if fits else "inconsistent",
                     f"Table 1 median {fmt_num(median, 0)} months (whole months, so ±{fmt_num(half_unit(0), 1)}); "
                     f"treatment period {stated}")


def table1_drug_counts(evidence: Evidence, study_id: str) -> CodeCheck:
    """The per-drug "(n = k)" counts of the Intervention cell against the Total cell."""
    study = _study(evidence, study_id)
    counts = [int(n) for n in _DRUG_COUNT.findall(study["interventions"])]
    if not counts:
        return CodeCheck("consistent", f"one drug and no per-drug counts: {study['interventions']}")
    total = int(study["total_n"])
    return CodeCheck("consistent" if sum(counts) == total else "inconsistent",
                     f"{' + '.join(fmt_int(n) for n in counts)} = {fmt_int(sum(counts))} per drug; Total {fmt_int(total)}")


#: the Table 1 cells a report of the same patients repeats (column -> its Table 1 heading).
_SAME_PATIENT_CELLS = {"mean_age_years": "mean age", "prior_therapy": "prior therapy",
                       "interventions": "intervention", "total_n": "patients"}


def table1_same_patients(evidence: Evidence, study_id: str) -> CodeCheck:
    """A re-report's Table 1 row against the row of the report whose patients it re-describes."""
    study = _study(evidence, study_id)
    if not isinstance(study["same_patients_as"], str):
        raise ValueError(f"table1_same_patients:{study_id}: {study['label']} re-reports no other report "
                         "(studies.same_patients_as is empty)")
    other = _study(evidence, study["same_patients_as"])
    differ = [name for column, name in _SAME_PATIENT_CELLS.items() if str(study[column]) != str(other[column])]
    return CodeCheck("inconsistent" if differ else "consistent",
                     f"{study['label']} against {other['label']}: "
                     + (f"{fmt_list(differ)} differ" if differ else f"the same {fmt_list(list(_SAME_PATIENT_CELLS.values()))}"))


def _appraisal(evidence: Evidence, study_id: str) -> pd.Series:
    rob = evidence.table("risk_of_bias").set_index("study_id")
    if study_id not in rob.index:
        raise ValueError(f"{study_id!r} has no row in data/risk_of_bias.csv; valid: {', '.join(rob.index)}")
    return rob.loc[study_id]


def appraisal_row(evidence: Evidence, study_id: str) -> CodeCheck:
    """A Table 2 or 3 row: item scores within 0..maximum of the tool, total = sum of the items."""
    row = _appraisal(evidence, study_id)
    items = item_texts()
    items = items[items["tool"] == row["tool"]]
    out_of_range = [f"{r['item']} = {row[r['column']]}" for _, r in items.iterrows()
                    if not is_missing(row[r["column"]]) and not 0 <= int(row[r["column"]]) <= int(r["max_score"])]
    rob = evidence.table("risk_of_bias")
    totals = totals_check(rob[rob["study_id"] == study_id], item_texts()).table.iloc[0]
    ok = not out_of_range and bool(totals["matches"])
    return CodeCheck("consistent" if ok else "inconsistent",
                     f"{row['tool']} items {fmt_int(int(totals['items_scored']))} scored, "
                     + (f"out of range: {fmt_list(out_of_range)}; " if out_of_range else "each within its range; ")
                     + f"sum {fmt_int(int(totals['sum_of_items']))}, printed total "
                     + f"{fmt_int(row[TOOL_TOTAL_COLUMNS[row['tool']]])}")


def nos_comparison_items(evidence: Evidence, study_id: str) -> CodeCheck:
    """NOS II and V need a non-exposed cohort: stars there for a study with no comparator arm break the rule."""
    row = _appraisal(evidence, study_id)
    if row["tool"] != "NOS":
        raise ValueError(f"nos_comparison_items:{study_id}: the study is appraised with {row['tool']}, not the NOS")
    arms = evidence.table("arms")
    comparators = arms[(arms["study_id"] == study_id) & (arms["role"] == "comparator") & arms["subset_of"].isna()]
    items = item_texts().set_index("column")
    scored = {items.at[c, "item"]: int(row[c]) for c in _NOS_COMPARISON_ITEMS if not is_missing(row[c])}
    starred = [item for item, score in scored.items() if score > 0]
    arms_text = (f"comparator arm: {fmt_list(comparators['label'].str.lower())}" if len(comparators)
                 else "no comparator arm")
    scores = "; ".join(f"item {item} = {fmt_int(score)}" for item, score in scored.items())
    broken = bool(starred) and comparators.empty
    return CodeCheck("inconsistent" if broken else "consistent", f"{scores}; {arms_text} in the data")


#: name -> the check behind a ``register|<name>:<study_id>`` reference.
TABLE_CHECKS: dict[str, Callable[[Evidence, str], CodeCheck]] = {
    "table1_patients": table1_patients,
    "table1_design": table1_design,
    "table1_follow_up": table1_follow_up,
    "table1_drug_counts": table1_drug_counts,
    "table1_same_patients": table1_same_patients,
    "appraisal_row": appraisal_row,
    "nos_comparison_items": nos_comparison_items,
}
