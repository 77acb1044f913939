"""The 'Changes' page: for this version against the previous release, the data rows added, changed
and removed per table and every headline number before and after (both by the current code)."""
from __future__ import annotations

import re

from analysis.audit import changes
from analysis.chapters.page import Page
from analysis.format import est_ci, fmt_int, fmt_num
from analysis.data import load
from analysis.paths import DATA_DIR
from analysis.report.reader_names import ReaderNames, reader_names
from analysis.report.tables import TableView

__all__ = ["ROW_NAME_FIELDS", "page", "row_names"]

_SNAKE_CASE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")

#: the field that names a row of a table with no reader name of its own, in order of preference.
ROW_NAME_FIELDS = ("label", "claim", "title", "query", "description", "event", "quantity", "outcome", "domain")


def _row_name(row: dict[str, str], names: ReaderNames, sof: dict[str, str]) -> str:
    """"Study: what the row says" from the first of :data:`ROW_NAME_FIELDS` the row fills, the study
    (or summary-of-findings row) it belongs to before it."""
    field = next((f for f in ROW_NAME_FIELDS if row.get(f)), None)
    what = names.text(row[field]) if field else ""
    if _SNAKE_CASE.fullmatch(what):  # a bare code such as a domain name: read as words; free text stays as written
        what = what.replace("_", " ")
    owner = names.studies.get(row.get("study_id", "")) or sof.get(row.get("sof_row", ""))
    if field == "outcome" or not owner:
        owner = owner or (names.outcomes.get(row.get("outcome", "")) if field != "outcome" else None)
    return ": ".join(x for x in dict.fromkeys((owner, what)) if x)


def row_names(listing, old_dir, new_dir, names: ReaderNames) -> list[str]:
    """The reader's name of each row of ``listing`` (:func:`analysis.audit.changes.data_changes`): the
    name of what its key identifies, else :func:`_row_name` from the row (the old one when removed)."""
    new, old = changes.read_package_rows(new_dir), changes.read_package_rows(old_dir)
    known = names.all
    sof = dict(zip(new["sof_outcomes"][1]["sof_row"], new["sof_outcomes"][1]["label"])) if "sof_outcomes" in new else {}
    out = []
    for table, key, change in zip(listing["table"], listing["key"], listing["change"]):
        if key in known:
            out.append(known[key])
            continue
        primary, rows = (old if change == "removed" else new)[table]
        found = [r for r in rows.to_dict("records") if " | ".join(r[k] for k in primary) == key]
        out.append(_row_name(found[0], names, sof) if found else key.replace("_", " "))
    return out


def page(data_dir=DATA_DIR, releases_dir=changes.RELEASES_DIR) -> Page:
    """The changes of the data at ``data_dir`` (this version) since the previous recorded release."""
    current = changes.book_version()
    previous = changes.previous_release(current, releases_dir)
    if previous is None:
        raise ValueError(f"no release before {current} in {releases_dir}; record one with make release")
    old_dir = releases_dir / previous / "data"
    listing = changes.data_changes(old_dir, data_dir)
    counts = changes.change_counts(listing)
    moved = changes.headline_changes(old_dir, data_dir)
    names = reader_names(load(data_dir=data_dir))
    counts = counts.assign(table_name=[names.tables.get(t, t) for t in counts["table"]])
    listing = listing.assign(table_name=[names.tables.get(t, t) for t in listing["table"]],
                             row=row_names(listing, old_dir, data_dir, names),
                             columns_named=[c.replace("_", " ") for c in listing["columns"]])

    def ci(prefix: str, r) -> str:
        if r[f"{prefix}_estimate"] != r[f"{prefix}_estimate"]:  # NaN
            return "not computable"
        if r[f"{prefix}_ci_low"] != r[f"{prefix}_ci_low"]:
            return fmt_num(r[f"{prefix}_estimate"], int(r["digits"]))
        return est_ci(r[f"{prefix}_estimate"], r[f"{prefix}_ci_low"], r[f"{prefix}_ci_high"])

    headline = moved.assign(
        before=[ci("before", r) for _, r in moved.iterrows()],
        after=[ci("after", r) for _, r in moved.iterrows()],
        change=["" if d != d else fmt_num(d, int(n)) for d, n in zip(moved["difference"], moved["digits"])],
    )
    return Page("changes", {
        "version": current,
        "previous": previous,
        "previous_dir": f"releases/{previous}/data/",
        "n_added": fmt_int(int((listing["change"] == "added").sum())),
        "n_changed": fmt_int(int((listing["change"] == "changed").sum())),
        "n_removed": fmt_int(int((listing["change"] == "removed").sum())),
        "n_tables_changed": fmt_int(len(counts)),
        "n_moved": fmt_int(int(moved["moved"].sum())),
        "n_headline": fmt_int(len(moved)),
        "counts": TableView(counts[["table_name", "added", "changed", "removed", "table"]], hidden=("table",),
                            column_labels={"table_name": "Table", "added": "Rows added", "changed": "Rows changed",
                                           "removed": "Rows removed"}),
        "headline": TableView(headline[["result", "before", "after", "change"]], column_labels={
            "result": "Result", "before": f"Version {previous}", "after": f"Version {current}",
            "change": "Difference"}),
        "listing": TableView(listing[["table_name", "row", "change", "columns_named", "table", "key", "columns"]],
                             hidden=("table", "key", "columns"),
                             column_labels={"table_name": "Table", "row": "Row", "change": "Change",
                                            "columns_named": "Columns changed"}),
    }, names)
