"""What a data problem is, the error that carries all of them, and the catalogue of rules.

Every rule the loader can report is listed in :data:`RULES` with what it means and how to fix
it, so a :class:`Problem` only names its rule and the message is the same wherever it is raised.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RULES", "Problem", "DataValidationError", "problem"]

#: rule name -> (what the rule says, how to fix a breach). Names from frictionless error types
#: are kept where they exist ("type-error" becomes "wrong-type" for readability).
RULES: dict[str, tuple[str, str]] = {
    # files and package
    "datapackage-missing": ("the data package descriptor must exist",
                            "restore data/datapackage.json (git checkout data/datapackage.json) or pass data_dir= pointing at a folder that has one"),
    "datapackage-invalid": ("the descriptor must be valid JSON describing a Frictionless data package",
                            "fix the JSON syntax or the descriptor property named in the value"),
    "file-missing": ("every table the descriptor lists must exist as a CSV file",
                     "restore the file (git checkout it) or remove its resource from datapackage.json"),
    "malformed-csv": ("the file must be readable as UTF-8 comma-separated values",
                      "re-save the file as UTF-8 CSV with comma delimiters and double-quote quoting"),
    "line-break-in-cell": ("no cell may contain a line break; one usually means a quote was opened and never closed",
                           "close the quote on this line, or remove the line break from the cell"),
    "file-unreadable": ("every table the descriptor lists must be a readable file", "check the file's permissions, or restore it (git checkout it)"),
    "not-utf8": ("the file must be encoded as UTF-8", "re-save the file as UTF-8 (Excel: 'CSV UTF-8'; LibreOffice: character set 'Unicode (UTF-8)'), or retype the character named"),
    "byte-order-mark": ("the file starts with a byte-order mark; save as UTF-8 without BOM",
                        "save as UTF-8 without BOM (LibreOffice: untick 'Save with BOM'; or delete the first three bytes EF BB BF)"),
    "wrong-delimiter": ("cells must be separated by commas", "re-save the file as comma-separated values (CSV with ',' as the field delimiter)"),
    "control-character": ("a cell may not contain control characters such as NUL; they usually come from a binary or mis-encoded file",
                          "delete the character (the detail says which and where), or re-export the file as plain UTF-8 CSV"),
    "table-empty": ("a table of the package must have a header and at least one row", "restore the table's rows (git checkout the file), or remove its resource from datapackage.json"),
    "resource-path-outside": ("a resource's path must name a file inside the data folder, relative to datapackage.json",
                              "write the path relative to data/ (e.g. 'outcomes.csv') and keep the file in data/"),
    # structure (frictionless)
    "missing-column": ("every column the schema lists must be in the header", "add the column to the header (empty cells are allowed where the schema allows them)"),
    "extra-column": ("the header may only hold the columns the schema lists", "remove the column, or add it to the table's schema in datapackage.json"),
    "column-name-mismatch": ("header names must match the schema's field names in order", "rename or reorder the header to match datapackage.json"),
    "duplicate-column": ("each column name may appear only once", "remove or rename the repeated column"),
    "blank-column-name": ("every header cell must have a name", "name the column or delete it"),
    "missing-cell": ("each row must have as many cells as the header", "add the missing commas so the row has one cell per column"),
    "extra-cell": ("a row may not have more cells than the header", "remove the surplus cells, or quote a value that contains a comma"),
    "blank-row": ("rows may not be completely empty", "delete the empty row"),
    "wrong-type": ("each value must have the type the schema gives its column", "write the value in the column's type (see datapackage.json), or leave it empty if it is not known"),
    "required-value": ("this column may not be empty", "fill in the value from the source"),
    "allowed-values": ("the value must be one of the values the schema allows", "use one of the allowed values listed in the column's schema in datapackage.json"),
    "pattern": ("identifiers may only use lower-case letters, digits, '_', '.', '-'", "rewrite the identifier with those characters"),
    "out-of-range": ("the value must lie within the range the schema allows", "check the value against the source"),
    "duplicate-key": ("each primary key may appear only once", "remove the duplicate row or correct its key"),
    "duplicate-value": ("values in this column must be unique", "remove the duplicate"),
    "unknown-reference": ("a reference must point at a row that exists in the referenced table", "correct the identifier, or add the referenced row first"),
    # numbers as written (checked on the text, before any conversion)
    "non-finite-number": ("a number must be finite: NaN, inf, Infinity and values beyond the float range (about 1.8e308, e.g. 1e400) are not numbers",
                          "write the number as printed in the source, or leave the cell empty if no source gives it"),
    "number-not-representable": ("a number must keep its value as a 64-bit number: a non-zero value may not underflow to 0 (below about 1e-308) and an integer must lie within +/-9223372036854775807",
                                 "check the value against the source; write it with its printed digits"),
    "number-format": ("a number is written with ASCII digits, an optional sign, one decimal point and an optional exponent (-12.5, 0.028, 1e-3); no digit separators or other scripts",
                      "rewrite the number with plain digits, e.g. 1000 rather than 1_000 or 1,000"),
    # value ranges named by the schema (x-rule)
    "sd-non-negative": ("an SD or standard error cannot be negative", "copy the SD from the source; a minus sign usually belongs to a mean or a change, not to its SD"),
    "n-positive": ("a number of patients must be at least 1", "copy n from the source, or leave it empty (tier missing) if no source gives it"),
    "count-non-negative": ("a count cannot be negative", "copy the count from the source"),
    "percent-range": ("a percentage lies between 0 and 100", "write the percentage as printed, without the % sign"),
    "p-value-range": ("a p-value lies between 0 and 1", "write the p-value as printed (e.g. 0.028, not 2.8%)"),
    # values the statistics engine divides by or takes the logarithm of (analysis/stats)
    "spread-positive": ("an SD or standard error the statistics engine uses must be greater than 0 (a variance of 0 gives an infinite weight)",
                        "copy the SD or SE from the source; if the source prints 0, leave the cell empty and record why in note"),
    "interval-zero-width": ("an interval or range the engine derives a standard error or SD from must be wider than 0 (low < high)",
                            "check both bounds against the source; if it really prints equal bounds, leave them empty and record the printed text in note"),
    "range-order": ("a median's range or interquartile range must satisfy low <= median <= high", "check the three numbers against the source; low and high may be swapped"),
    "ratio-positive": ("a ratio (hazard ratio) and its interval must be greater than 0: the engine pools them on the log scale",
                       "check the numbers against the source; a ratio is never 0 or negative (a log ratio is not a ratio)"),
    # domain rules
    "events-within-total": ("events cannot exceed the total they are counted among", "check both numbers against the source; events and total may be swapped"),
    "count-within-arm": ("a count or denominator cannot exceed the size of its arm", "check the number and the arm_id; use the arm the count belongs to"),
    "subgroup-level-number": ("the level of a follow-up subgroup must be a whole number of months (e.g. 6)",
                              "write the number of months only, without units or words"),
    "ci-order": ("an interval must satisfy ci_low <= estimate <= ci_high", "check the bounds and their signs against the source; a decrease is a negative estimate"),
    "value-needs-source": ("a value needs a source unless its tier is 'assumed' or 'missing'", "fill in source_id (sources.source_id) and location"),
    "missing-has-values": ("a row with tier 'missing' holds no values", "empty the value cells, or give the row the tier and source of its values"),
    "tier-source-mismatch": ("the tier must match the kind of its source (primary: primary or registry; secondary: secondary; paper and recovered: the paper)", "correct the tier or the source_id"),
    "statistic-incomplete": ("a row must hold every value its statistic names", "fill in the missing values from the source, or choose the statistic the source actually reports"),
    "derived-needs-formula": ("a derived row names its formula and exactly the inputs that formula reads, all filled in", "set formula and formula_inputs (see the outcomes schema) and fill in the inputs"),
    "computed-value-typed-in": ("derived and recovered values are computed by code, not typed in", "empty these cells; analysis/data/derive.py fills them on load"),
    "recovered-needs-result": ("a recovered row names the published result it comes from", "set recovered_from to a published_results.result_id"),
    "recovered-not-single-study": ("a value can only be recovered from a published result that contains exactly this one arm", "point recovered_from at a single-study result, or check published_result_studies"),
    "recovered-interval-asymmetric": ("a recovered standard error needs an interval symmetric about its estimate (within rounding)", "point recovered_from at a statement whose interval is symmetric, or record the result without recovering it"),
    "recovered-result-incomplete": ("the published result a value is recovered from must state an estimate and both bounds", "point recovered_from at a statement that prints its interval"),
    "percent-matches-no-count": ("a percentage must be reproduced by some whole count out of its n at the printed decimals", "check the percentage and n against the source; if a patient was censored use count_and_total_from_percent"),
    "percent-ambiguous": ("a percentage must be reproduced by exactly one whole count", "print the percentage with more decimals, or give the count itself"),
    "arm-of-other-study": ("an arm must belong to the row's study", "use an arm_id that starts with the row's study_id"),
    "subset-exceeds-parent": ("the arms that are part of a group cannot hold more patients than the group", "check the n of the arm and of its subset_of group"),
    "scope-mismatch": ("a study-scope event names its study and arm; an all-studies statement names neither", "fill in or empty study_id and arm_id to match scope"),
    "tool-items-mismatch": ("a risk-of-bias row fills exactly the items of its tool", "fill the tool's item columns and empty the other tool's"),
    "statement-value-incomplete": ("a paper statement's value, unit and value_meaning are filled together or not at all",
                                   "fill in the number, its unit and what it stands for, or empty all three"),
    "statement-subject-unknown": ("a statement counting studies (unit 'studies') names a published_results.result_key as its subject",
                                  "set subject to the result_key the count is about (see data/published_results.csv)"),
    "status-mismatch": ("a 'stated' result has an estimate; a 'figure_only' result has no numbers", "correct the status or the numbers"),
}


@dataclass(frozen=True)
class Problem:
    """One breach of one rule at one place in one file.

    ``file`` is the path as the loader opened it (relative to the repository when inside it);
    ``line`` the 1-based line of the CSV file (1 = the header); ``column`` the column name;
    ``hint`` the one-line fix; ``detail`` what exactly is wrong, when the rule alone does not say.
    """

    file: str
    line: int | None
    column: str | None
    value: str | None
    rule: str
    hint: str
    detail: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        what = RULES[self.rule][0] if self.rule in RULES else self.rule
        detail = f" ({self.detail})" if self.detail else ""
        if self.value is None:
            return f"{where}: breaks rule '{self.rule}': {what}{detail}; fix: {self.hint}"
        shown = "empty value" if self.value == "" else f"value {self.value!r}"
        return f"{where}: {shown} breaks rule '{self.rule}': {what}{detail}; fix: {self.hint}"


def problem(
    file: str, line: int | None, column: str | None, value: object, rule: str, detail: str = "", hint: str | None = None
) -> Problem:
    """Build a :class:`Problem` for a catalogued ``rule``; the fix hint defaults to the catalogue's."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; valid rules: {', '.join(sorted(RULES))}")
    text = None if value is None else str(value)
    return Problem(file=file, line=line, column=column, value=text, rule=rule,
                   hint=hint if hint is not None else RULES[rule][1], detail=detail)


class DataValidationError(Exception):
    """The data failed validation; ``problems`` lists every breach found, in file and line order."""

    def __init__(self, problems: tuple[Problem, ...] | list[Problem]):
        ordered = tuple(sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or "", p.rule)))
        self.problems = ordered
        super().__init__(self._report())

    def _report(self) -> str:
        n = len(self.problems)
        rules = sorted({p.rule for p in self.problems})
        head = f"{n} data problem{'s' if n != 1 else ''} ({', '.join(rules)}):"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])

    def __str__(self) -> str:
        return self._report()
