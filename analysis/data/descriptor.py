"""Read ``datapackage.json`` into plain table specifications and work out which tables a load needs.

A table needs the tables its foreign keys point at, and any listed in its resource's
``x-requires`` (tables its domain rules read without a foreign key); :func:`closure` follows both,
so loading one table opens exactly the files its validation depends on and no others.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path, PurePosixPath, PureWindowsPath

from analysis.data.problems import DataValidationError, Problem, problem

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
    """The package descriptor as read from ``path``, with its tables in descriptor order.

    ``path_problems`` maps a table to the fault of its resource's path (outside the data folder,
    not a string); such a table is not read, and the load reports the fault with the problems of
    the other tables.
    """

    path: Path
    data_dir: Path
    tables: dict[str, TableSpec]
    descriptor: dict
    path_problems: dict[str, Problem] = dataclass_field(default_factory=dict)

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


def _line_of(text: str, name: str, value: str) -> int | None:
    """The line of ``datapackage.json`` where resource ``name``'s ``value`` is written, if found."""
    named = re.search(r'"name"\s*:\s*' + re.escape(json.dumps(name)), text)
    start = named.start() if named else 0
    at = text.find(json.dumps(value), start)
    return text.count("\n", 0, at) + 1 if at != -1 else None


def _path_problem(shown: str, text: str, data_dir: Path, name: str, path: object):
    """A problem if a resource's ``path`` is not one relative file path inside ``data_dir``."""
    if not isinstance(path, str) or not path.strip():
        return problem(shown, None, "path", None if path is None else json.dumps(path), "resource-path-outside",
                       detail=f"resource {name!r}: the path must be one file name as a string, not {type(path).__name__}")
    parts = PurePosixPath(path.replace("\\", "/"))
    line = _line_of(text, name, path)
    if parts.is_absolute() or PureWindowsPath(path).is_absolute() or PureWindowsPath(path).drive:
        why = "an absolute path"
    elif ".." in parts.parts:
        why = "a path that climbs out of the folder with '..'"
    elif "://" in path:
        why = "a remote address"
    else:
        resolved = (data_dir / path).resolve()
        if resolved.is_relative_to(data_dir.resolve()):
            return None
        why = f"a path that resolves to {resolved} (a link out of the folder)"
    return problem(shown, line, "path", path, "resource-path-outside",
                   detail=f"resource {name!r} points outside {data_dir.name}/: {why}")


def _table(resource: dict) -> TableSpec:
    name = resource["name"]
    if not isinstance(name, str):
        raise TypeError(f"a resource name must be a string, not {name!r}")
    schema = resource.get("schema", {})
    for f in schema.get("fields", []):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str):
            raise TypeError(f"resource {name!r}: every field needs a name, but got {f!r}")
    fks = []
    for fk in schema.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        fks.append(ForeignKey(tuple(fields), ref.get("resource") or name, tuple(ref_fields)))
    pk = schema.get("primaryKey", [])
    return TableSpec(
        name=name,
        path=resource.get("path"),
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
        text = path.read_text(encoding="utf-8")
        descriptor = json.loads(text)
        resources = [_table(r) for r in descriptor["resources"]]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise DataValidationError([problem(shown, getattr(exc, "lineno", None), None, None,
                                           "datapackage-invalid", detail=f"{type(exc).__name__}: {exc}")]) from exc
    names = [t.name for t in resources]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise DataValidationError([problem(shown, _line_of(text, n, n), None, n, "datapackage-invalid",
                                           detail=f"{names.count(n)} resources are named {n!r}") for n in repeated])
    tables = {t.name: t for t in resources}
    unknown = [problem(shown, _line_of(text, t.name, ref), None, ref, "datapackage-invalid",
                       detail=f"resource {t.name!r} refers to resource {ref!r}, which the package does not have")
               for t in resources for ref in dict.fromkeys(t.depends_on()) if ref not in tables]
    if unknown:
        raise DataValidationError(unknown)
    bad = {t.name: p for t in resources if (p := _path_problem(shown, text, data_dir, t.name, t.path)) is not None}
    return PackageSpec(path=path, data_dir=data_dir, tables=tables, descriptor=descriptor, path_problems=bad)
