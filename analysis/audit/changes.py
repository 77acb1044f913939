"""What changed between two versions of the book: data rows added, changed and removed, and how
every headline result moved.

Rows are compared as written (the CSV text), table by table, by each table's primary key in the
newer package's ``datapackage.json`` (the older one's for a table that was removed). The headline
results of both versions are computed by the same, current code (:func:`headline_results`), so a
difference is a change of data, never of code. A table the current code needs that an older
package lacks because it moved from code into data (``outcome_definitions``, added after 0.1.0) is
taken from the newer package; update tables an older package lacks count as empty.

Releases live in ``releases/<version>/data/`` (``make release`` records one); the previous
release of a version is the highest release folder below it.
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd

from analysis.paths import PYPROJECT, ROOT

__all__ = [
    "RELEASES_DIR", "book_version", "release_versions", "previous_release", "read_package_rows", "data_changes",
    "change_counts", "headline_results", "headline_changes", "changelog_markdown",
]

RELEASES_DIR = ROOT / "releases"
#: tables that moved from code into data after a release: taken from the newer package when absent.
CODE_FACT_TABLES = ("outcome_definitions",)
#: tables of the living update: an older package without them has none of their rows.
UPDATE_TABLES = ("update_searches", "update_records", "new_studies", "new_study_results")


def book_version() -> str:
    """This version of the book, from pyproject.toml (the one place it is written)."""
    import tomllib

    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]


def _version_key(version: str) -> tuple[int, ...]:
    if not re.fullmatch(r"\d+(\.\d+)*", version):
        raise ValueError(f"not a version number: {version!r}")
    return tuple(int(p) for p in version.split("."))


def release_versions(releases_dir: Path = RELEASES_DIR) -> list[str]:
    """The recorded releases (folders ``releases/<version>/data``), oldest first."""
    if not releases_dir.is_dir():
        return []
    found = [p.name for p in releases_dir.iterdir() if (p / "data" / "datapackage.json").is_file()]
    return sorted(found, key=_version_key)


def previous_release(version: str, releases_dir: Path = RELEASES_DIR) -> str | None:
    """The highest recorded release below ``version`` (None for the first)."""
    older = [v for v in release_versions(releases_dir) if _version_key(v) < _version_key(version)]
    return older[-1] if older else None


def read_package_rows(data_dir: Path) -> dict[str, tuple[list[str], pd.DataFrame]]:
    """Each table of the package at ``data_dir``: (primary key, rows as text), read without validation."""
    package = json.loads((Path(data_dir) / "datapackage.json").read_text(encoding="utf-8"))
    out = {}
    for resource in package["resources"]:
        key = resource["schema"].get("primaryKey", [])
        key = [key] if isinstance(key, str) else list(key)
        with open(Path(data_dir) / resource["path"], encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        frame = pd.DataFrame(rows, dtype=str)
        if frame.empty:
            frame = pd.DataFrame(columns=[f["name"] for f in resource["schema"]["fields"]], dtype=str)
        out[resource["name"]] = (key, frame.fillna(""))
    return out


def _keyed(key: list[str], frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    if not key:
        key = list(frame.columns)
    return {" | ".join(row[k] for k in key): row for row in frame.to_dict("records")}


def data_changes(old_dir: Path, new_dir: Path) -> pd.DataFrame:
    """Every row added, removed or changed between two packages.

    Columns: table, key (primary-key values joined by ' | '), change (added, removed, changed),
    columns (the changed columns, for 'changed'; a column added or dropped counts as changed only
    where the row's value is not empty).
    """
    old, new = read_package_rows(Path(old_dir)), read_package_rows(Path(new_dir))
    rows = []
    for table in list(new) + [t for t in old if t not in new]:
        key = (new.get(table) or old[table])[0]
        before = _keyed(key, old[table][1]) if table in old else {}
        after = _keyed(key, new[table][1]) if table in new else {}
        for k in after:
            if k not in before:
                rows.append((table, k, "added", ""))
        for k in before:
            if k not in after:
                rows.append((table, k, "removed", ""))
        for k in after:
            if k in before:
                columns = sorted(set(before[k]) | set(after[k]))
                changed = [c for c in columns if before[k].get(c, "") != after[k].get(c, "")]
                if changed:
                    rows.append((table, k, "changed", ", ".join(changed)))
    return pd.DataFrame(rows, columns=["table", "key", "change", "columns"])


def change_counts(changes: pd.DataFrame) -> pd.DataFrame:
    """Rows added, changed and removed per table (tables without a change are left out)."""
    counts = (changes.groupby(["table", "change"]).size().unstack(fill_value=0)
              .reindex(columns=["added", "changed", "removed"], fill_value=0))
    return counts.reset_index().rename_axis(None, axis=1)


def _evidence(data_dir: Path, newer_dir: Path):
    from analysis.data import load

    package = json.loads((Path(data_dir) / "datapackage.json").read_text(encoding="utf-8"))
    present = {r["name"] for r in package["resources"]}
    evidence = load(data_dir=data_dir)
    borrowed = [t for t in CODE_FACT_TABLES if t not in present]
    if borrowed:
        newer = load(*borrowed, data_dir=newer_dir)
        evidence = replace(evidence, **{t: newer.table(t) for t in borrowed},
                           tables=evidence.tables + tuple(borrowed))
    return evidence, present


def headline_results(data_dir: Path, newer_dir: Path | None = None) -> pd.DataFrame:
    """The book's headline numbers for the package at ``data_dir``, by the current code.

    Rows: the studies the paper pooled; the new studies the update includes; every headline
    result of the paper regenerated from public inputs (:func:`analysis.domain.outcomes.headline_keys`);
    the updated death risk ratio (:func:`analysis.domain.living.updated_death`). Columns: key, result,
    estimate, ci_low, ci_high (NaN where not computable), digits (0 for counts, 2 for effects).
    """
    from analysis.domain import living
    from analysis.domain.regeneration import regenerations
    from analysis.domain.outcomes import headline_keys

    evidence, present = _evidence(Path(data_dir), Path(newer_dir) if newer_dir else Path(data_dir))
    rows = [("studies.paper", "Studies the paper pooled (rows of Table 1)", float(len(evidence.table("studies"))),
             None, None)]
    has_update = all(t in present for t in UPDATE_TABLES)
    new = evidence.table("new_studies") if has_update else None
    rows.append(("studies.new", "New studies included by the living update",
                 float((new["status"] == "included").sum()) if has_update else 0.0, None, None))
    regenerated = regenerations(evidence)
    for key in headline_keys(evidence):
        r = regenerated.get(key)
        values = r.on_published_scale() if r is not None else None
        rows.append((f"regenerated.{key}", f"Regenerated from public inputs: {key}",
                     *(values if values is not None else (None, None, None))))
    death = living.updated_death(evidence) if has_update else None
    ratio = death.pooled_ratio() if death is not None else None
    rows.append(("update.death_rr", "Updated risk ratio of death or lung transplantation within a year (anti-MDA5 ILD)",
                 *(ratio if ratio is not None else (None, None, None))))
    out = pd.DataFrame(rows, columns=["key", "result", "estimate", "ci_low", "ci_high"]).astype(
        {"estimate": float, "ci_low": float, "ci_high": float})
    out["digits"] = [0 if k.startswith("studies.") else 2 for k in out["key"]]
    return out


def headline_changes(old_dir: Path, new_dir: Path) -> pd.DataFrame:
    """Before, after and difference of every headline number (the difference only where both exist)."""
    before = headline_results(old_dir, newer_dir=new_dir).set_index("key")
    after = headline_results(new_dir).set_index("key")
    out = after[["result", "digits"]].copy()
    for col in ("estimate", "ci_low", "ci_high"):
        out[f"before_{col}"] = before[col].reindex(out.index)
        out[f"after_{col}"] = after[col]
    out["difference"] = out["after_estimate"] - out["before_estimate"]
    out["moved"] = ~((out["before_estimate"] == out["after_estimate"])
                     | (out["before_estimate"].isna() & out["after_estimate"].isna()))
    return out.reset_index()


def changelog_markdown(versions: list[tuple[str, str, Path, Path | None]]) -> str:
    """CHANGELOG.md text: for each (version, date, data dir, previous data dir), newest first, the
    rows added, changed and removed per table and the headline numbers that moved."""
    from analysis.format import fmt_num

    lines = ["# Changelog", "",
             "Computed by `python -m analysis.audit.changes` from the data package of each release and of the one before it",
             "(`releases/<version>/data/`); do not edit by hand.", ""]
    for version, date, data_dir, previous_dir in versions:
        lines += [f"## {version} ({date})", ""]
        if previous_dir is None:
            lines += ["The first release: the paper's data and the public record of its seven studies.", ""]
            continue
        counts = change_counts(data_changes(previous_dir, data_dir))
        lines += ["Data rows per table:", "", "| table | added | changed | removed |", "|---|---|---|---|"]
        lines += [f"| `{r.table}` | {r.added} | {r.changed} | {r.removed} |" for r in counts.itertuples()]
        moved = headline_changes(previous_dir, data_dir)
        moved = moved[moved["moved"]]
        lines += ["", "Headline numbers that moved (before -> after):", ""]
        if moved.empty:
            lines.append("- none")
        for r in moved.itertuples():
            lines.append(f"- {r.result}: {fmt_num(r.before_estimate, r.digits)} -> {fmt_num(r.after_estimate, r.digits)}")
        lines.append("")
    return "\n".join(lines)


def _main() -> None:  # pragma: no cover - exercised by make release
    import sys

    args = sys.argv[1:]
    if args[:1] == ["--snapshot"]:
        import shutil
        target = RELEASES_DIR / book_version() / "data"
        if target.exists():
            shutil.rmtree(target)
        package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
        target.mkdir(parents=True)
        # the package as its descriptor defines it: the descriptor, its README and the resources' files
        for name in ["datapackage.json", "README.md", *(r["path"] for r in package["resources"])]:
            shutil.copy2(ROOT / "data" / name, target / name)
        print(f"recorded {target}")
        return
    if args[:1] == ["--date"]:
        path = RELEASES_DIR / "DATES"
        dates = dict(line.split(" ", 1) for line in path.read_text().splitlines() if line.strip()) if path.exists() else {}
        dates[book_version()] = args[1]
        path.write_text("".join(f"{v} {dates[v]}\n" for v in sorted(dates, key=_version_key)))
        return
    dates = dict(line.split(" ", 1) for line in (RELEASES_DIR / "DATES").read_text().splitlines() if line.strip())
    versions = release_versions()
    entries = []
    for v in reversed(versions):
        prev = previous_release(v)
        entries.append((v, dates.get(v, "undated"), RELEASES_DIR / v / "data",
                        RELEASES_DIR / prev / "data" if prev else None))
    sys.stdout.write(changelog_markdown(entries))


if __name__ == "__main__":  # pragma: no cover
    _main()
