"""``load()``: read the tables asked for (and those they depend on), validate all of them in one
pass, derive the computed values, and either return the evidence or raise one error listing
every problem found."""
from __future__ import annotations

from pathlib import Path

from analysis.data.csv_source import RawTable, read_raw
from analysis.data.derive import derive
from analysis.data.descriptor import TableSpec, display_path, read_package
from analysis.data.evidence import TABLE_NAMES, Evidence
from analysis.data.frames import text_frame, typed_frame
from analysis.data.printed_text import with_printed_text
from analysis.data.problems import DataValidationError, Problem, problem
from analysis.data.rules import check_rules
from analysis.data.schema_check import check_foreign_keys, validate_schema
from analysis.data.tables import LoadedTable

__all__ = ["load", "STRUCTURAL_RULES"]

#: problems after which a table's rows cannot be trusted to be what its header says; such a
#: table is left out of the cross-table checks (which would only repeat the same fault).
STRUCTURAL_RULES = frozenset({"missing-column", "duplicate-column", "blank-column-name", "column-name-mismatch",
                              "malformed-csv", "line-break-in-cell", "not-utf8", "wrong-delimiter", "file-unreadable",
                              "table-empty", "resource-path-outside", "datapackage-invalid"})


def _read_table(spec: TableSpec, data_dir: Path, path: Path, shown: str) -> tuple[RawTable, list[Problem]]:
    """One table file as text, and its problems on its own: its bytes, its header, its schema,
    its numbers, and a table without rows."""
    raw = read_raw(path, shown)
    found = list(raw.problems)
    if not raw.readable:
        return raw, found
    if not raw.header:
        return raw, [*found, problem(shown, 1, None, None, "table-empty",
                                     detail=f"the file of table {spec.name!r} is empty: no header and no rows")]
    found.extend(validate_schema(spec, data_dir, raw))
    if not raw.has_rows:
        found.append(problem(shown, 2, None, None, "table-empty",
                             detail=f"table {spec.name!r} has a header but no rows"))
    return raw, found


def load(*tables: str, data_dir: Path | str | None = None) -> Evidence:
    """Load and validate ``tables`` (all when none are named) from ``data_dir`` (default
    :data:`analysis.paths.DATA_DIR`).

    Only the named tables and the tables they reference (foreign keys, ``x-requires``) are
    opened. Checks, in one pass: each resource's path (inside ``data_dir``), each file's bytes
    (UTF-8 without byte-order mark, comma-delimited, no control characters:
    :mod:`analysis.data.csv_source`), at least one row per table, the Table Schema of each file
    (frictionless), numbers as written (finite, plain: :mod:`analysis.data.numbers`), foreign
    keys, the domain rules of :mod:`analysis.data.rules` (including the values the statistics
    engine needs positive), and the derivations of :mod:`analysis.data.derive`. Tables listed in
    :data:`analysis.data.printed_text.PRINTED_TEXT_COLUMNS` also get ``<column>_text`` columns
    holding numbers as printed. Raises :class:`DataValidationError` listing every problem;
    raises ValueError for an unknown table name.
    """
    from analysis.paths import DATA_DIR

    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    package = read_package(data_dir)
    names = package.closure(tables)
    missing_fields = [n for n in names if n not in TABLE_NAMES]
    if missing_fields:
        raise ValueError(f"datapackage.json has table(s) {missing_fields} that Evidence does not know; "
                         f"add them to analysis/data/evidence.py")
    problems: list[Problem] = []
    loaded: dict[str, LoadedTable] = {}
    for name in names:
        spec = package.tables[name]
        if name in package.path_problems:
            problems.append(package.path_problems[name])
            continue
        path = data_dir / spec.path
        shown = display_path(path)
        if not path.is_file():
            problems.append(problem(shown, None, None, None, "file-missing",
                                    detail=f"datapackage.json lists table {name!r} at {path}"))
            continue
        raw, found = _read_table(spec, data_dir, path, shown)
        problems.extend(found)
        if any(p.rule in STRUCTURAL_RULES for p in found):
            continue
        text = text_frame(spec, raw)
        loaded[name] = LoadedTable(spec, shown, text, typed_frame(spec, text))
    texts = {n: t.text for n, t in loaded.items()}
    for t in loaded.values():
        references = {fk.ref_table for fk in t.spec.foreign_keys}
        if references <= set(texts):
            problems.extend(check_foreign_keys(t.spec, t.text, texts, t.file))
    problems.extend(check_rules(loaded))
    outcomes, derivations, derive_problems = derive(loaded)
    problems.extend(derive_problems)
    if problems:
        raise DataValidationError(problems)
    frames = {n: with_printed_text(n, t.typed, t.text) for n, t in loaded.items()}
    if outcomes is not None:
        frames["outcomes"] = outcomes
    return Evidence(data_dir=data_dir, tables=names, derivations=derivations, **frames)
