"""The study selection as the paper reports it: the PRISMA 2020 flow frame, its arithmetic, and
the reports known by name that the selection left out.

Input is the ``screening`` table of the data package (one row per flow step, ``count`` empty
when the paper does not state it) and the ``excluded_reports`` table. A count the paper does not
state stays missing here and is drawn as "not reported" by
:func:`analysis.report.figures.prisma_flow`; it is never filled with 0.

Sources: Ma et al. 2024, Methods 2.1 and Results 3.1 (counts); Page et al. 2021, BMJ 372:n71,
Figure 1 (the PRISMA 2020 flow template this frame follows).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.domain.contracts import require_columns
from analysis.format import is_missing

__all__ = [
    "EXCLUSION_REASON_STEPS",
    "INELIGIBLE_STATUS",
    "REQUIRED_STEPS",
    "SelectionArithmetic",
    "excluded_reports_table",
    "prisma_frame",
    "selection_arithmetic",
    "step_count",
]

#: flow steps the frame needs, by ``screening.step_id``.
REQUIRED_STEPS = (
    "databases_searched", "records_identified", "duplicates_removed", "records_excluded_title_abstract",
    "full_texts_assessed", "full_texts_excluded", "studies_included", "patients_included",
)
#: the full-text exclusion reasons the paper names, in its order (Results 3.1, sentence 3).
EXCLUSION_REASON_STEPS = (
    "excluded_insufficient_data", "excluded_no_full_text", "excluded_small_sample", "excluded_non_chemotherapy",
)
#: the status of an excluded report that fails the paper's own criteria (the others are cited but unused).
INELIGIBLE_STATUS = "ineligible_by_stated_criteria"
_STATUS_WORDS = {
    INELIGIBLE_STATUS: "not included; fails the paper's stated criteria (this project's reading)",
    "cited_among_included_not_in_table1": "cited among the included studies but absent from Tables 1-4",
}


def _indexed(screening: pd.DataFrame) -> pd.DataFrame:
    for column in ("step_id", "description", "count"):
        if column not in screening.columns:
            raise ValueError(f"screening frame: expected a column {column!r}, got columns {list(screening.columns)}; "
                             "pass load('screening').screening.")
    needed = (*REQUIRED_STEPS, *EXCLUSION_REASON_STEPS)
    absent = [s for s in needed if s not in set(screening["step_id"])]
    if absent:
        raise ValueError(f"screening frame: expected rows with step_id {absent}, which are missing; "
                         f"the flow needs all of {list(needed)} (data/screening.csv).")
    if screening["step_id"].duplicated().any():
        dup = screening.loc[screening["step_id"].duplicated(), "step_id"].tolist()
        raise ValueError(f"screening frame: step_id must be unique, but {dup} appear more than once.")
    return screening.set_index("step_id")


def step_count(screening: pd.DataFrame, step_id: str) -> int | None:
    """The stated count of one flow step, or ``None`` when the paper does not state it."""
    frame = _indexed(screening)
    if step_id not in frame.index:
        raise ValueError(f"Unknown step_id {step_id!r}; valid step_ids are {sorted(frame.index)}.")
    value = frame.at[step_id, "count"]
    return None if is_missing(value) else int(value)


@dataclass(frozen=True)
class SelectionArithmetic:
    """Whether the stated flow counts add up.

    ``assessed_minus_excluded`` = full texts assessed - full texts excluded (Results 3.1,
    sentences 2-3), to compare with ``included_stated`` (sentence 4). ``records_screened`` =
    records identified - duplicates removed, missing when either is not stated.
    ``unstated_steps`` lists the step_ids whose count the paper does not give.
    """

    records_identified: int | None
    records_screened: int | None
    full_texts_assessed: int | None
    full_texts_excluded: int | None
    assessed_minus_excluded: int | None
    included_stated: int | None
    adds_up: bool | None
    unstated_steps: tuple[str, ...]


def selection_arithmetic(screening: pd.DataFrame) -> SelectionArithmetic:
    """Check the flow: assessed - excluded == included (``adds_up``; ``None`` if a count is missing)."""
    frame = _indexed(screening)
    count = {s: (None if is_missing(v) else int(v)) for s, v in frame["count"].items()}
    assessed, excluded = count["full_texts_assessed"], count["full_texts_excluded"]
    identified, duplicates = count["records_identified"], count["duplicates_removed"]
    difference = None if assessed is None or excluded is None else assessed - excluded
    included = count["studies_included"]
    return SelectionArithmetic(
        records_identified=identified,
        records_screened=None if identified is None or duplicates is None else identified - duplicates,
        full_texts_assessed=assessed,
        full_texts_excluded=excluded,
        assessed_minus_excluded=difference,
        included_stated=included,
        adds_up=None if difference is None or included is None else difference == included,
        unstated_steps=tuple(s for s, v in count.items() if v is None),
    )


def prisma_frame(screening: pd.DataFrame) -> pd.DataFrame:
    """The stages of the PRISMA 2020 flow, in the frame :func:`analysis.report.figures.prisma_flow` takes.

    Main column: records identified -> records screened -> full texts assessed -> studies
    included, joined by downward arrows. Right column: duplicates removed, records excluded
    at screening, full texts excluded with the paper's reasons; each is level with the
    main-flow step it leaves and receives a rightward arrow from it, as in the PRISMA 2020
    template (``arrow_to`` lists both targets, separated by ";"). Counts the paper does not
    state stay missing; the screened count is computed only when both of its inputs are stated.
    """
    frame = _indexed(screening)
    arithmetic = selection_arithmetic(screening)

    def count(step: str) -> object:
        value = frame.at[step, "count"]
        return pd.NA if is_missing(value) else int(value)

    databases = count("databases_searched")
    patients = count("patients_included")
    reasons = []
    for step in EXCLUSION_REASON_STEPS:
        text = frame.at[step, "description"].removeprefix("Excluded: ")
        value = frame.at[step, "count"]
        reasons.append(f"{text[:1].upper()}{text[1:]}: n = {'not reported' if is_missing(value) else int(value)}")
    database_words = "databases" if is_missing(databases) else f"{int(databases)} databases"
    patient_words = "patients not reported" if is_missing(patients) else f"{int(patients)} patients as stated"
    rows = [
        ("identified", f"Records identified from {database_words}", count("records_identified"), 0, 0,
         None, "screened; duplicates", "Identification"),
        ("duplicates", "Duplicate records removed before screening", count("duplicates_removed"), 1, 0,
         None, None, None),
        ("screened", "Records screened (title and abstract)",
         pd.NA if arithmetic.records_screened is None else arithmetic.records_screened, 0, 1,
         None, "assessed; excluded_screening", "Screening"),
        ("excluded_screening", "Records excluded at title and abstract", count("records_excluded_title_abstract"),
         1, 1, None, None, None),
        ("assessed", "Full-text reports assessed for eligibility", count("full_texts_assessed"), 0, 2,
         None, "included; excluded_full_text", None),
        ("excluded_full_text", "Full-text reports excluded, with reasons", count("full_texts_excluded"), 1, 2,
         "\n".join(reasons), None, None),
        ("included", f"Studies included in the review ({patient_words})", count("studies_included"), 0, 3,
         None, None, "Included"),
    ]
    out = pd.DataFrame(rows, columns=["stage_id", "label", "count", "column", "row", "reasons", "arrow_to", "phase"])
    out["count"] = out["count"].astype("Int64")
    out["arrow_to"] = out["arrow_to"].astype("string")
    return out


def excluded_reports_table(excluded_reports: pd.DataFrame) -> pd.DataFrame:
    """The reports known by name that are not among the included studies, with their reasons.

    Columns: report, year, patients (missing when not known), status (in words), reasons,
    basis (what the reasons rest on), location.
    """
    needed = ("report_id", "citation", "year", "n_patients", "status", "reasons", "reasons_basis", "location")
    require_columns(excluded_reports, needed, "excluded_reports")
    unknown = sorted(set(excluded_reports["status"]) - set(_STATUS_WORDS))
    if unknown:
        raise ValueError(f"excluded_reports: unknown status {unknown}; valid statuses are {sorted(_STATUS_WORDS)}.")
    authors = excluded_reports["citation"].str.split(",").str[0].str.split(" ").str[0]
    return pd.DataFrame({
        "report": [f"{a} {int(y)}" for a, y in zip(authors, excluded_reports["year"])],
        "patients": excluded_reports["n_patients"].astype("Int64"),
        "status": excluded_reports["status"].map(_STATUS_WORDS),
        "reasons": excluded_reports["reasons"],
        "basis": excluded_reports["reasons_basis"],
        "where": excluded_reports["location"],
    }).reset_index(drop=True)
