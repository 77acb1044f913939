"""Verbal statements of the paper, read from the ``paper_statements`` table, for the checks.

The paper makes a few claims only in words ("the CK results all fell", "only one article used
UI", "more than 10 patients"). They live in ``data/paper_statements.csv``, each with its
location and the number it contains; this module turns rows of that table into
:class:`PaperStatement` objects and answers the questions the checks ask of them. Nothing here
is a fact of its own: every function takes the statements frame (``load().paper_statements``).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.domain.contracts import require_columns

__all__ = ["PaperStatement", "paper_statements", "single_study_results", "statement", "studies_stated_in_subgroup"]

#: columns the functions read from the statements frame.
_COLUMNS = ("statement_id", "subject", "claim", "value", "unit", "value_meaning", "location")


@dataclass(frozen=True)
class PaperStatement:
    """A claim made in words: ``subject`` names what it is about (a published result key, a
    result-key prefix, a topic); ``value`` holds the number the words contain, if any, counted
    in ``unit`` ("studies" or "patients") and standing for ``value_meaning``."""

    statement_id: str
    location: str
    subject: str
    claim: str
    value: float | None = None
    unit: str | None = None
    value_meaning: str | None = None


def _checked(statements: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(statements, pd.DataFrame):
        raise TypeError(f"expected the paper_statements DataFrame (load('paper_statements').paper_statements), "
                        f"got {type(statements).__name__}")
    require_columns(statements, _COLUMNS, "paper_statements")
    return statements


def _text(value) -> str | None:
    return None if pd.isna(value) else str(value)


def paper_statements(statements: pd.DataFrame) -> tuple[PaperStatement, ...]:
    """Every row of ``statements`` as a :class:`PaperStatement`, in file order (empty cells -> None)."""
    rows = _checked(statements)
    return tuple(
        PaperStatement(statement_id=r["statement_id"], location=r["location"], subject=r["subject"], claim=r["claim"],
                       value=None if pd.isna(r["value"]) else float(r["value"]), unit=_text(r["unit"]),
                       value_meaning=_text(r["value_meaning"]))
        for _, r in rows.iterrows()
    )


def statement(statements: pd.DataFrame, statement_id: str) -> PaperStatement:
    """The statement called ``statement_id``; ValueError listing the valid ids otherwise."""
    found = [s for s in paper_statements(statements) if s.statement_id == statement_id]
    if not found:
        valid = ", ".join(_checked(statements)["statement_id"])
        raise ValueError(f"unknown statement {statement_id!r}; valid: {valid} (data/paper_statements.csv)")
    return found[0]


def _study_counts(statements: pd.DataFrame) -> list[PaperStatement]:
    return [s for s in paper_statements(statements) if s.unit == "studies" and s.value is not None]


def single_study_results(statements: pd.DataFrame) -> dict[str, str]:
    """Published results the paper says hold exactly one study: result_key -> location of the
    statement (a statement in unit "studies" with value 1 about that result)."""
    return {s.subject: s.location for s in _study_counts(statements) if s.value == 1}


def studies_stated_in_subgroup(statements: pd.DataFrame, result_key: str) -> int | None:
    """For a subgroup whose studies the paper does not name: how many studies the paper says
    belong to the other level(s) of the same factor, i.e. the sum of the "studies" counts stated
    for results that share ``result_key``'s prefix (``ck.unit.u`` and ``ck.unit.ui`` share
    ``ck.unit``). None when no such count is stated."""
    if "." not in result_key:
        return None
    parent = result_key.rsplit(".", 1)[0]
    counts = [s.value for s in _study_counts(statements)
              if s.subject != result_key and s.subject.rsplit(".", 1)[0] == parent]
    return int(sum(counts)) if counts else None
