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
from analysis.data.descriptor import TableSpec, display_path
from analysis.data.numbers import NUMERIC_TYPES, number_problem
from analysis.data.problems import RULES, Problem, problem

__all__ = ["header_problems", "number_problems", "validate_schema", "check_foreign_keys"]

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
            positions = [i for i, n in enumerate(header, 1) if n == name]
            if position == positions[1]:
                listed = ", ".join(map(str, positions[:-1])) + f" and {positions[-1]}"
                out.append(problem(raw.file, 1, name, name, "duplicate-column",
                                   detail=f"header cells {listed} are all named {name!r}" if len(positions) > 2
                                   else f"header cells {listed} are both named {name!r}"))
        elif name not in expected:
            out.append(problem(raw.file, 1, name, name, "extra-column"))
        seen.add(name)
    present = [n for n in header if n in expected]
    if not out and present != expected:
        out.append(problem(raw.file, 1, None, ", ".join(header), "column-name-mismatch",
                           detail=f"expected {', '.join(expected)}"))
    return out


def _resource(spec: TableSpec, data_dir: Path, header: tuple[str, ...], encoding: str = "utf-8"):
    """A frictionless resource for one table without foreign keys, its schema fields in the
    order of the file's header (unknown, blank and repeated columns as strings under names of
    their own), so that columns match by name."""
    import frictionless

    descriptor = {k: v for k, v in spec.descriptor.items() if not k.startswith("x-")}
    schema = dict(descriptor.get("schema", {}))
    schema.pop("foreignKeys", None)
    by_name = {f["name"]: f for f in spec.fields}
    if list(header) != list(spec.field_names) and header:
        fields, used = [], set()
        for i, name in enumerate(header, 1):
            if name in used or not name:
                fields.append({"name": f"{name or 'column'} (header cell {i})", "type": "string"})
            else:
                fields.append(by_name.get(name, {"name": name, "type": "string"}))
            used.add(name)
        schema["fields"] = fields
        schema["primaryKey"] = [k for k in spec.primary_key if k in header]
        if not schema["primaryKey"]:
            schema.pop("primaryKey")
    descriptor["schema"] = schema
    descriptor["dialect"] = {"delimiter": ",", "quoteChar": '"', "header": True}
    descriptor["encoding"] = encoding
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
            rule = spec.field(field_name).get("x-rule", "out-of-range")
            return rule if rule in RULES else "out-of-range"
        return "out-of-range"
    return _STRUCTURE.get(kind, "malformed-csv")


def number_problems(spec: TableSpec, raw: RawTable) -> dict[tuple[int, str], Problem]:
    """(line, column) -> the problem of every number or integer cell that is not a plain finite
    value (:mod:`analysis.data.numbers`), for the columns of the header the schema types as numbers."""
    found = {}
    for position, name in enumerate(raw.header):
        if name not in spec.field_names or raw.header.index(name) != position:
            continue
        kind = spec.field(name).get("type", "string")
        if kind not in NUMERIC_TYPES:
            continue
        for line, record in zip(raw.lines, raw.records):
            if position < len(record):
                bad = number_problem(raw.file, line, name, record[position], kind)
                if bad is not None:
                    found[(line, name)] = bad
    return found


def _descriptor_problem(spec: TableSpec, data_dir: Path, exc: Exception) -> Problem:
    """A resource frictionless refuses to open: its descriptor in datapackage.json is at fault."""
    shown = display_path(Path(data_dir) / "datapackage.json")
    return problem(shown, None, None, None, "datapackage-invalid",
                   detail=f"resource {spec.name!r}: {type(exc).__name__}: {exc}")


def validate_schema(spec: TableSpec, data_dir: Path, raw: RawTable) -> list[Problem]:
    """Every frictionless error of one table, as problems with file lines and column names, and
    every number cell that is not a plain finite value (which replaces frictionless's report of
    the same cell: a NaN breaking a minimum is reported as non-finite, not as below the minimum)."""
    from frictionless import FrictionlessException

    problems = header_problems(spec, raw)
    numbers = number_problems(spec, raw)
    problems.extend(numbers.values())
    try:
        report = _resource(spec, data_dir, raw.header, raw.encoding).validate(limit_errors=10_000)
    except (FrictionlessException, TypeError, ValueError) as exc:  # a schema frictionless cannot apply
        return [*problems, _descriptor_problem(spec, data_dir, exc)]
    for task in report.tasks:
        for error in task.errors:
            if error.type in _LABEL_ERRORS:
                continue
            rule = _rule_for(error, spec)
            row = getattr(error, "row_number", None)
            line = raw.line_of(row) if row is not None else None
            column = getattr(error, "field_name", None) or getattr(error, "label", None) or None
            if (line, column) in numbers:
                continue
            if error.type == "primary-key" and row is not None and not any(raw.records[row - 2]):
                continue  # a blank row is reported as blank-row, not as a key repeating other blank rows
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
