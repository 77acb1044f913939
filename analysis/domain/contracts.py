"""Contracts of the tidy frames the science layer hands to charts, tables and chapters, as pandera
schemas: which columns a frame has, in which order, of which type, and the rules its rows keep.

Each producer validates what it returns (``validate(frame, SCHEMA)``), lazily: a broken frame
raises one ``ValueError`` listing every failing column, check and row, not only the first. A test
pins the column lists to the producers' ``*_COLUMNS`` constants.

* :data:`STUDY_EFFECTS`: :func:`analysis.domain.study_effects.study_effects`;
* :data:`REPRODUCTION`: :func:`analysis.domain.reproduction.reproduction_table`;
* :data:`SENSITIVITY_GRID`: :func:`analysis.domain.sensitivity_grid.full_grid`.
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from analysis.domain.provenance import TIERS
from analysis.stats import CI_METHODS, POOL_METHODS
from analysis.domain.verdicts import VERDICTS

__all__ = ["REPRODUCTION", "SENSITIVITY_GRID", "STUDY_EFFECTS", "require_columns", "validate"]

SCALES = ("identity", "log")


def _text(**checks: object) -> pa.Column:
    """A text column: any string dtype, never missing ('' for nothing)."""
    return pa.Column(None, nullable=False, **checks)


def _number(*checks: pa.Check, nullable: bool = True) -> pa.Column:
    return pa.Column("float64", checks=list(checks), nullable=nullable)


def _interval_holds(frame: pd.DataFrame, estimate: str, low: str, high: str) -> pd.Series:
    """low <= estimate <= high wherever all three are present."""
    present = frame[[estimate, low, high]].notna().all(axis=1)
    return ~present | ((frame[low] <= frame[estimate]) & (frame[estimate] <= frame[high]))


STUDY_EFFECTS = pa.DataFrameSchema(
    {
        "outcome": _text(), "study_id": _text(), "arm_id": _text(), "label": _text(checks=pa.Check.str_length(min_value=1)),
        "drug": _text(), "follow_up_months": _number(pa.Check.gt(0)),
        "n": pa.Column("Int64", pa.Check.ge(1), nullable=True),
        "yi": _number(), "vi": _number(pa.Check.gt(0)), "se": _number(pa.Check.gt(0)),
        "ci_low": _number(), "ci_high": _number(),
        "scale": _text(checks=pa.Check.isin(SCALES)),
        "tier": _text(checks=pa.Check.isin(TIERS)),
        "input_tier": _text(), "r": _number(pa.Check.in_range(-1, 1, include_max=False)),
        "method": _text(), "source": _text(), "missing": _text(), "result_keys": _text(checks=pa.Check.str_length(min_value=1)),
        "recovered_from": _text(), "unit": _text(), "note": _text(),
    },
    checks=[
        pa.Check(lambda f: (f["tier"] == "missing") == f["yi"].isna(),
                 error="an effect is empty exactly when its tier is missing"),
        pa.Check(lambda f: (f["tier"] != "missing") | (f["missing"] != ""),
                 error="a missing effect names what is missing"),
        pa.Check(lambda f: _interval_holds(f, "yi", "ci_low", "ci_high"), error="ci_low <= yi <= ci_high"),
    ],
    strict=True, ordered=True, name="study_effects",
)

REPRODUCTION = pa.DataFrameSchema(
    {
        "result_id": _text(checks=pa.Check.str_length(min_value=1)), "result_key": _text(checks=pa.Check.str_length(min_value=1)),
        "outcome": _text(), "analysis": _text(),
        "subgroup_factor": pa.Column(None, nullable=True), "subgroup_level": pa.Column(None, nullable=True),
        "location": _text(),
        **{f"{kind}_{part}": _number() for kind in ("published", "regenerated")
           for part in ("estimate", "ci_low", "ci_high")},
        "difference": _number(), "difference_ci_low": _number(), "difference_ci_high": _number(),
        "verdict": _text(checks=pa.Check.isin(VERDICTS)),
        "by_construction": pa.Column(bool, nullable=False),
        "missing_inputs": _text(), "inputs": _text(), "note": _text(), "published_as_printed": _text(),
    },
    checks=[
        pa.Check(lambda f: ~f["by_construction"] | f["regenerated_estimate"].notna(),
                 error="agreement by construction needs a regenerated result"),
        pa.Check(lambda f: (f["verdict"] != VERDICTS[2]) | (f["missing_inputs"] != ""),
                 error="a result not reproducible from public inputs names the missing inputs"),
    ],
    unique=["result_id"], strict=True, ordered=True, name="reproduction_table",
)

SENSITIVITY_GRID = pa.DataFrameSchema(
    {
        "outcome": _text(), "scale": _text(checks=pa.Check.isin(SCALES)),
        "r": _number(pa.Check.in_range(-1, 1, include_max=False), nullable=False),
        "method": _text(checks=pa.Check.isin(POOL_METHODS)), "ci_method": _text(checks=pa.Check.isin(CI_METHODS)),
        "omitted": _text(), "k": pa.Column("int64", pa.Check.ge(1)),
        "estimate": _number(), "se": _number(pa.Check.gt(0)), "ci_low": _number(), "ci_high": _number(),
        "tau2": _number(pa.Check.ge(0)), "i2_pct": _number(pa.Check.in_range(0, 100)),
        "q_p": _number(pa.Check.in_range(0, 1)), "pi_low": _number(), "pi_high": _number(), "note": _text(),
    },
    checks=[pa.Check(lambda f: _interval_holds(f, "estimate", "ci_low", "ci_high"),
                     error="ci_low <= estimate <= ci_high")],
    strict=True, ordered=True, name="sensitivity_grid",
)


def require_columns(frame: pd.DataFrame, columns, table: str, *, fix: str | None = None) -> None:
    """Raise one ``ValueError`` naming every column of ``columns`` that the ``table`` frame lacks,
    and how to get the frame right (default: pass the table as ``load()`` returns it)."""
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise ValueError(f"{table} frame: expected columns {absent}, which are missing; "
                         f"{fix or f'pass load({table!r}).{table}'}.")


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """``frame`` when it keeps ``schema``; otherwise one ``ValueError`` listing every failure: per
    column check the failing rows and values, per frame check the failing rows."""
    try:
        return schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
        lines = []
        for (context, column, check), group in cases.groupby(["schema_context", "column", "check"], sort=False,
                                                             dropna=False):
            rows = ", ".join(dict.fromkeys(str(i) for i in group["index"]))
            if context == "Column":
                values = ", ".join(dict.fromkeys(repr(v) for v in group["failure_case"]))
                lines.append(f"- column {column!r} fails {check}: row(s) {rows} (value(s) {values})")
            else:
                lines.append(f"- rows must keep '{check}': row(s) {rows} do not")
        lines = list(dict.fromkeys(lines))  # a frame check fails once per column of its rows
        raise ValueError(f"the {schema.name} frame breaks its contract (analysis/domain/contracts.py) in "
                         f"{len(lines)} way(s):\n" + "\n".join(lines)) from None
