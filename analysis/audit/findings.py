"""The book's front page: the evidence base, the headline results (published beside regenerated)
and the reproduction's main findings, all computed from the data and the audit."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.data import Evidence
from analysis.domain.reproduction import published_text, regenerated_text
from analysis.domain.outcomes import OutcomeSpec

__all__ = ["BY_CONSTRUCTION_LABEL", "EvidenceBase", "evidence_base", "headline_table", "Findings", "findings"]


#: what a headline row says when its regenerated input was recovered from the very result it is set
#: beside: agreement there is arithmetic, not a check of the paper, so no verdict is shown as a success.
BY_CONSTRUCTION_LABEL = "agrees by construction (input recovered from this result; not a check)"


@dataclass(frozen=True)
class EvidenceBase:
    """What the paper pooled: reports, patients (as stated and as Table 1 sums), designs."""

    n_reports: int
    n_patients_table1: int
    n_patients_stated: int
    n_reports_same_patients: int  # reports that re-report another included report's patients
    n_patients_same_patients: int  # the Table 1 patients of those reports
    n_juvenile_reports: int
    designs: pd.DataFrame  # design, reports, patients

    @property
    def patients_difference(self) -> int:
        return self.n_patients_table1 - self.n_patients_stated


def evidence_base(evidence: Evidence) -> EvidenceBase:
    """Counts over the `studies` table and the paper's stated patient total (`screening`)."""
    studies = evidence.table("studies")
    screening = evidence.table("screening").set_index("step_id")
    stated = screening.at["patients_included", "count"]
    designs = (studies.groupby("design", sort=True)
               .agg(reports=("study_id", "size"), patients=("total_n", "sum"))
               .reset_index())
    return EvidenceBase(
        n_reports=len(studies),
        n_patients_table1=int(studies["total_n"].sum()),
        n_patients_stated=int(stated),
        n_reports_same_patients=int(studies["same_patients_as"].notna().sum()),
        n_patients_same_patients=int(studies.loc[studies["same_patients_as"].notna(), "total_n"].sum()),
        n_juvenile_reports=int((studies["age_group"] == "juvenile").sum()),
        designs=designs,
    )


def _first_statement(reproduction: pd.DataFrame, key: str) -> pd.Series:
    rows = reproduction[reproduction["result_key"] == key]
    if rows.empty:
        raise ValueError(f"no published result with result_key {key!r}")
    with_interval = rows[rows["published_ci_low"].notna()]
    return (with_interval if not with_interval.empty else rows).iloc[0]


def _analysis_label(row: pd.Series) -> str:
    if row["analysis"] == "overall":
        return "overall"
    return f"{str(row['subgroup_factor']).replace('_', ' ')}: {row['subgroup_level']}"


def headline_table(reproduction: pd.DataFrame, outcomes: Mapping[str, OutcomeSpec],
                   keys: tuple[str, ...]) -> pd.DataFrame:
    """One row per headline result ``keys`` (:func:`analysis.domain.outcomes.headline_keys`): outcome
    (its label in ``outcomes``, the registry of :func:`analysis.domain.outcomes.outcome_registry`),
    analysis, published and regenerated "est (95% CI)",
    the verdict, and whether agreement is by construction. The statement shown is the first one
    the paper prints with an interval (the abstract where it has one)."""
    rows = []
    for key in keys:
        row = _first_statement(reproduction, key)
        spec = outcomes.get(row["outcome"])
        rows.append({
            "outcome": spec.label if spec else row["outcome"],
            "analysis": _analysis_label(row),
            "published": published_text(row),
            "regenerated": regenerated_text(row),
            "verdict": (BY_CONSTRUCTION_LABEL if row["by_construction"] else row["verdict"]),
        })
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Findings:
    """Counts for the front page's summary of the reproduction."""

    n_statements: int
    verdicts: dict[str, int]
    n_by_construction: int
    n_checks: int
    n_checks_inconsistent: int
    inconsistent_titles: tuple[str, ...]

    def count(self, verdict: str) -> int:
        return self.verdicts.get(verdict, 0)


def findings(reproduction: pd.DataFrame, checks: pd.DataFrame) -> Findings:
    """Verdict counts over every published statement and the number of failed consistency checks."""
    verdicts = reproduction["verdict"].value_counts().to_dict()
    bad = checks[checks["status"] == "inconsistent"]
    return Findings(
        n_statements=len(reproduction),
        verdicts={str(k): int(v) for k, v in verdicts.items()},
        n_by_construction=int(reproduction["by_construction"].sum()),
        n_checks=len(checks),
        n_checks_inconsistent=len(bad),
        inconsistent_titles=tuple(bad["title"]),
    )
