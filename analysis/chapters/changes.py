"""The 'Changes' page: for this version against the previous release, the data rows added, changed
and removed per table and every headline number before and after (both by the current code)."""
from __future__ import annotations

from analysis.audit import changes
from analysis.chapters.page import Page
from analysis.format import est_ci, fmt_int, fmt_num
from analysis.paths import DATA_DIR
from analysis.report.tables import TableView

__all__ = ["page"]


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
        "counts": TableView(counts, column_labels={"table": "Table", "added": "Rows added", "changed": "Rows changed",
                                                   "removed": "Rows removed"}),
        "headline": TableView(headline[["result", "before", "after", "change"]], column_labels={
            "result": "Result", "before": f"Version {previous}", "after": f"Version {current}",
            "change": "Difference"}),
        "listing": TableView(listing, column_labels={"table": "Table", "key": "Row (primary key)", "change": "Change",
                                                     "columns": "Columns changed"}),
    })
