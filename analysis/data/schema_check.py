"""Check each table against its Table Schema with frictionless, and check foreign keys.

Frictionless validates types, constraints, headers, row shape and primary keys of one resource
at a time. Foreign keys are checked here from the descriptor's ``foreignKeys`` on the loaded
text, with frictionless's semantics (a reference whose cells are all empty is not checked),
because frictionless's own lookup re-reads every referenced file for every reference.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.data.csv_source import RawTable
from analysis.data.descriptor import TableSpec
from analysis.data.problems import Problem, problem

__all__ = ["header_problems", "validate_schema", "check_foreign_keys"]

_CONSTRAINT = re.compile(r'constraint "(\w+)"')
_STRUCTURE = {
    "missing-label": "missing-column",
    "extra-label": "extra-column",
    "incorrect-label": "column-name-mismatch",
    "duplicate-label": "duplicate-column",
    "blank-label": "blank-column-name",
    "missing-cell": "missing-cell",
    "extra-cell": "extra-cell",
    "blank-row": "blank-row",
    "type-error": "wrong-type",
    "unique-error": "duplicate-value",
    "primary-key": "duplicate-key",
}
_CONSTRAINT_RULE = {"required": "required-value", "enum": "allowed-values", "pattern": "pattern", "unique": "duplicate-value"}


_LABEL_ERRORS = {"missing-label", "extra-label", "incorrect-label", "duplicate-label", "blank-label"}


def header_problems(spec: TableSpec, raw: RawTable) -> list[Problem]:
    """Columns missing from, extra in, repeated in or out of order in the header, each reported once.

    Checked here by name rather than by frictionless by position, so that one missing column is
    one problem instead of a mismatch for every column after it.
    """
    expected, header = list(spec.field_names), list(raw.header)
    out = []
    for name in expected:
        if name not in header:
            out.append(problem(raw.file, 1, name, None, "missing-column"))
    seen = set()
    for position, name in enumerate(header, 1):
        if name == "":
            out.append(problem(raw.file, 1, None, "", "blank-column-name", detail=f"header cell {position}"))
        elif name in seen:
            out.append(problem(raw.file, 1, name, name, "duplicate-column"))
        elif name not in expected:
            out.append(problem(raw.file, 1, name, name, "extra-column"))
        seen.add(name)
    present = [n for n in header if n in expected]
    if not out and present != expected:
        out.append(problem(raw.file, 1, None, ", ".join(header), "column-name-mismatch",
                           detail=f"expected {', '.join(expected)}"))
    return out


def _resource(spec: TableSpec, data_dir: Path, header: tuple[str, ...]):
    """A frictionless resource for one table without foreign keys, its schema fields in the
    order of the file's header (unknown columns as strings), so that columns match by name."""
    import frictionless

    descriptor = {k: v for k, v in spec.descriptor.items() if not k.startswith("x-")}
    schema = dict(descriptor.get("schema", {}))
    schema.pop("foreignKeys", None)
    by_name = {f["name"]: f for f in spec.fields}
    if list(header) != list(spec.field_names) and header:
        schema["fields"] = [by_name.get(name, {"name": name or f"column{i}", "type": "string"})
                            for i, name in enumerate(header, 1)]
        schema["primaryKey"] = [k for k in spec.primary_key if k in header]
        if not schema["primaryKey"]:
            schema.pop("primaryKey")
    descriptor["schema"] = schema
    descriptor["dialect"] = {"delimiter": ",", "quoteChar": '"', "header": True}
    return frictionless.Resource(descriptor, basepath=str(data_dir))


def _rule_for(error, spec: TableSpec) -> str:
    kind = error.type
    if kind == "constraint-error":
        match = _CONSTRAINT.search(getattr(error, "note", "") or "")
        name = match.group(1) if match else ""
        if name in _CONSTRAINT_RULE:
            return _CONSTRAINT_RULE[name]
        field_name = getattr(error, "field_name", None)
        if field_name in spec.field_names:
            return spec.field(field_name).get("x-rule", "out-of-range")
        return "out-of-range"
    return _STRUCTURE.get(kind, "malformed-csv")


def validate_schema(spec: TableSpec, data_dir: Path, raw: RawTable) -> list[Problem]:
    """Every frictionless error of one table, as problems with file lines and column names."""
    problems = header_problems(spec, raw)
    report = _resource(spec, data_dir, raw.header).validate(limit_errors=10_000)
    for task in report.tasks:
        for error in task.errors:
            if error.type in _LABEL_ERRORS:
                continue
            rule = _rule_for(error, spec)
            row = getattr(error, "row_number", None)
            line = raw.line_of(row) if row is not None else None
            column = getattr(error, "field_name", None) or getattr(error, "label", None) or None
            value = raw.cell(row, column) if row is not None else None
            if value is None and error.type == "extra-cell":
                value = getattr(error, "cell", None)
            detail = getattr(error, "note", "") or ""
            if error.type == "primary-key":
                column = ", ".join(spec.primary_key)
                names = list(raw.header)
                cells = getattr(error, "cells", []) or []
                value = ", ".join(cells[names.index(k)] if k in names and names.index(k) < len(cells) else ""
                                  for k in spec.primary_key)
            elif rule == "malformed-csv":
                detail = error.message
            problems.append(problem(raw.file, line, column, value, rule, detail=detail))
    for error in report.errors:  # package-level errors (e.g. an unreadable file)
        problems.append(problem(raw.file, None, None, None, "malformed-csv", detail=error.message))
    return problems


def check_foreign_keys(spec: TableSpec, text: pd.DataFrame, tables: dict[str, pd.DataFrame], shown: str) -> list[Problem]:
    """Rows of ``text`` (cells as strings, index = file line) whose foreign key matches no referenced row."""
    problems: list[Problem] = []
    for fk in spec.foreign_keys:
        if any(f not in text.columns for f in fk.fields):
            continue  # the missing column is already reported
        target = tables[fk.ref_table]
        if any(f not in target.columns for f in fk.ref_fields):
            continue
        known = set(target[list(fk.ref_fields)].itertuples(index=False, name=None))
        for line, values in zip(text.index, text[list(fk.fields)].itertuples(index=False, name=None)):
            if all(v == "" for v in values):
                continue
            if values not in known:
                problems.append(problem(
                    shown, int(line), ", ".join(fk.fields), ", ".join(values), "unknown-reference",
                    detail=f"no row of {fk.ref_table} has {', '.join(fk.ref_fields)} = {', '.join(values)}",
                    hint=f"use an existing {fk.ref_table}.{', '.join(fk.ref_fields)} (see data/{fk.ref_table}.csv), or add that row first",
                ))
    return problems
