"""Checks on the tidy frames the chart functions take: every problem reported at once.

A chart function states its columns as ``Column`` rules; ``check_frame`` reports all
missing columns, or else every failing cell (row, column, value, rule, fix hint) in one
``ValueError`` instead of stopping at the first. The cells are checked by pandera (lazy
validation of a schema built from the rules), the same mechanism as the science layer's
contracts (:mod:`analysis.domain.contracts`).
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from analysis.format import is_missing

__all__ = ["Column", "FrameProblems", "check_frame", "finite_or_missing", "text_or_missing"]

MAX_LISTED_PROBLEMS = 30


@dataclass(frozen=True)
class Column:
    """One column rule: its name, what a value must be, and whether it may be missing."""

    name: str
    kind: str  # "text", "number", "integer", "bool", "choice"
    required: bool = True
    nullable: bool = True
    choices: tuple[str, ...] = ()
    description: str = ""


@dataclass
class FrameProblems:
    """Collects (row, column, value, rule) problems and raises them together."""

    what: str
    problems: list[tuple[object, str, object, str]] = field(default_factory=list)

    def add(self, row: object, column: str, value: object, rule: str) -> None:
        self.problems.append((row, column, value, rule))

    @property
    def rows(self) -> set:
        """Rows (index labels) with at least one problem: cross-column rules skip them."""
        return {row for row, *_ in self.problems if not isinstance(row, list)}

    def raise_if_any(self, hint: str = "") -> None:
        if not self.problems:
            return
        lines = [f"{self.what}: {len(self.problems)} problem(s) in the frame."]
        for row, column, value, rule in self.problems[:MAX_LISTED_PROBLEMS]:
            lines.append(f"  row {row!r}, column {column!r}, value {value!r}: {rule}")
        if len(self.problems) > MAX_LISTED_PROBLEMS:
            lines.append(f"  ... and {len(self.problems) - MAX_LISTED_PROBLEMS} more.")
        if hint:
            lines.append(f"Fix: {hint}")
        raise ValueError("\n".join(lines))


def finite_or_missing(value: object) -> bool:
    if is_missing(value):
        return True
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(float(value))


def text_or_missing(value: object) -> bool:
    return is_missing(value) or isinstance(value, str)


_KIND_CHECKS: dict[str, tuple[Callable[[object], bool], str]] = {
    "text": (lambda v: isinstance(v, str), "expected text"),
    "number": (lambda v: finite_or_missing(v) and not is_missing(v), "expected a finite number"),
    "integer": (lambda v: finite_or_missing(v) and not is_missing(v) and float(v).is_integer(), "expected a whole number"),
    "bool": (lambda v: isinstance(v, bool) or type(v).__name__ == "bool_", "expected True or False"),
    "choice": (lambda v: isinstance(v, str), "expected one of the listed names"),
}


def _schema(rules: list[Column]) -> pa.DataFrameSchema:
    """A pandera schema of the rules: one element-wise check per column (missing values skipped
    unless the column is not nullable), columns the frame may have beyond these allowed."""
    columns = {}
    for rule in rules:
        test, message = _KIND_CHECKS[rule.kind]
        if rule.kind == "choice":
            test = (lambda choices: lambda v: isinstance(v, str) and v in choices)(rule.choices)
            message = f"expected one of {list(rule.choices)}"
        columns[rule.name] = pa.Column(None, pa.Check(test, element_wise=True, error=message), nullable=rule.nullable)
    return pa.DataFrameSchema(columns)


def check_frame(
    frame: pd.DataFrame, columns: Iterable[Column], *, what: str, hint: str = "", lazy: bool = False
) -> FrameProblems:
    """Check ``frame`` against ``columns``; raise on any problem, else return an empty collector.

    Missing columns or an empty frame always raise at once. With ``lazy=True`` cell
    problems are returned instead of raised, so the caller can add its cross-column rules
    (skipping ``problems.rows``) and raise everything together with ``raise_if_any``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what}: expected a pandas DataFrame, but got {type(frame).__name__}.")
    rules = list(columns)
    unknown_kinds = sorted({c.kind for c in rules} - set(_KIND_CHECKS))
    if unknown_kinds:
        raise ValueError(f"Unknown column kind(s) {unknown_kinds}; valid kinds are {sorted(_KIND_CHECKS)}.")
    missing = [c.name for c in rules if c.required and c.name not in frame.columns]
    if missing:
        expected = ", ".join(f"{c.name} ({c.kind}{'' if c.required else ', optional'})" for c in rules)
        raise ValueError(
            f"{what}: the frame lacks column(s) {missing}. Expected columns: {expected}. "
            f"Received columns: {[str(c) for c in frame.columns]}."
        )
    if frame.empty:
        raise ValueError(f"{what}: the frame has no rows; expected at least one.")
    problems = FrameProblems(what)
    present = [rule for rule in rules if rule.name in frame.columns]
    try:
        _schema(present).validate(frame, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
        order = {rule.name: i for i, rule in enumerate(present)}
        cases = cases.assign(_order=cases["column"].map(order)).sort_values(["_order"], kind="stable")
        for case in cases.itertuples(index=False):
            rule = "a value is required here" if case.check == "not_nullable" else case.check
            problems.add(case.index, case.column, frame.at[case.index, case.column], rule)
    if not lazy:
        problems.raise_if_any(hint)
    return problems
