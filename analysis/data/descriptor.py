"""Read ``datapackage.json`` into plain table specifications and work out which tables a load needs.

A table needs the tables its foreign keys point at, and any listed in its resource's
``x-requires`` (tables its domain rules read without a foreign key); :func:`closure` follows both,
so loading one table opens exactly the files its validation depends on and no others.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from analysis.data.problems import DataValidationError, problem

__all__ = ["ForeignKey", "TableSpec", "PackageSpec", "read_package", "display_path"]


@dataclass(frozen=True)
class ForeignKey:
    """``fields`` of this table must match ``ref_fields`` of a row of ``ref_table``."""

    fields: tuple[str, ...]
    ref_table: str
    ref_fields: tuple[str, ...]


@dataclass(frozen=True)
class TableSpec:
    """One resource of the package: its file, fields, keys and the raw descriptor."""

    name: str
    path: str
    fields: tuple[dict, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    requires: tuple[str, ...]
    descriptor: dict

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f["name"] for f in self.fields)

    def field(self, name: str) -> dict:
        for f in self.fields:
            if f["name"] == name:
                return f
        raise KeyError(f"table {self.name!r} has no field {name!r}; fields: {', '.join(self.field_names)}")

    def depends_on(self) -> tuple[str, ...]:
        refs = [fk.ref_table for fk in self.foreign_keys if fk.ref_table != self.name]
        return tuple(dict.fromkeys([*refs, *self.requires]))


@dataclass(frozen=True)
class PackageSpec:
    """The package descriptor as read from ``path``, with its tables in descriptor order."""

    path: Path
    data_dir: Path
    tables: dict[str, TableSpec]
    descriptor: dict

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.tables)

    def closure(self, names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        """``names`` plus every table they depend on, transitively, in descriptor order.

        No names means all tables. An unknown name raises ValueError listing the valid ones.
        """
        if not names:
            return self.names
        unknown = [n for n in names if n not in self.tables]
        if unknown:
            raise ValueError(
                f"unknown table name(s) {', '.join(map(repr, unknown))}; valid names: {', '.join(self.names)}"
            )
        needed: set[str] = set()
        stack = list(names)
        while stack:
            name = stack.pop()
            if name not in needed:
                needed.add(name)
                stack.extend(self.tables[name].depends_on())
        return tuple(n for n in self.names if n in needed)


def display_path(path: Path) -> str:
    """``path`` relative to the repository root when inside it (e.g. ``data/outcomes.csv``), else absolute."""
    from analysis.paths import ROOT

    path = Path(path)
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def _table(resource: dict) -> TableSpec:
    name = resource["name"]
    schema = resource.get("schema", {})
    fks = []
    for fk in schema.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        fks.append(ForeignKey(tuple(fields), ref.get("resource") or name, tuple(ref_fields)))
    pk = schema.get("primaryKey", [])
    return TableSpec(
        name=name,
        path=resource["path"],
        fields=tuple(schema.get("fields", [])),
        primary_key=tuple(pk if isinstance(pk, list) else [pk]),
        foreign_keys=tuple(fks),
        requires=tuple(resource.get("x-requires", [])),
        descriptor=resource,
    )


def read_package(data_dir: Path) -> PackageSpec:
    """Read ``data_dir/datapackage.json``; a missing or unreadable descriptor is a DataValidationError."""
    data_dir = Path(data_dir)
    path = data_dir / "datapackage.json"
    shown = display_path(path)
    if not path.is_file():
        raise DataValidationError([problem(shown, None, None, None, "datapackage-missing",
                                           detail=f"no file at {path}")])
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        tables = {r["name"]: _table(r) for r in descriptor["resources"]}
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
        raise DataValidationError([problem(shown, getattr(exc, "lineno", None), None, None,
                                           "datapackage-invalid", detail=f"{type(exc).__name__}: {exc}")]) from exc
    return PackageSpec(path=path, data_dir=data_dir, tables=tables, descriptor=descriptor)
