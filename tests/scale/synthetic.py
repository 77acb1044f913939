"""A valid data package with every included study repeated ``factor`` times, for scale tests and
the benchmark's scale curve (what a living review that keeps growing will look like).

Copy ``i`` (1 .. factor - 1) of a study gets the id ``<study_id>-copy<i>``, a label ending in
``(copy i)`` and arm ids with the same prefix; every row that refers to the study or its arms
(arms, outcomes, study facts, adverse events, risk of bias, the arms each published result
pooled) is repeated with the new ids, so the copies are pooled like the originals. Two kinds of
rows are not repeated, because a copy would break a rule of the data package rather than scale
it: ``recovered`` outcome rows and the links of the single-arm published results they were
recovered from (such a result holds exactly one arm), and ``same_patients_as`` links (a copy
re-reports nobody).

The statement register (``paper_statements.csv``) records, for each statement of the paper, the
verdict its check gives on the data; the repeated studies change some of those verdicts (the paper's
"91 patients" is no longer the sum), and a register that disagrees with the code stops the book. So
the scaled package's register is re-recorded as a reviewer would: each verdict the code decides is
the code's verdict on the scaled data (``record_code_verdicts``).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

__all__ = ["record_code_verdicts", "scaled_data"]

STUDY_TABLES = ("studies", "arms", "study_facts", "outcomes", "adverse_events", "risk_of_bias",
                "published_result_studies")
ID_COLUMNS = {"study_facts": "fact_id", "adverse_events": "event_id"}


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def _shifted_percent(percent: str, n: str, step: int) -> str:
    if not percent or not n:
        return percent
    total = int(n)
    count = min(total, max(0, round(float(percent) * total / 100) + step))
    decimals = len(percent.partition(".")[2])
    return f"{100 * count / total:.{decimals}f}"


def _copy_rows(frame: pd.DataFrame, table: str, studies: set[str], i: int, single_arm_keys: set[str]) -> pd.DataFrame:
    rows = frame[frame["study_id"].isin(studies)].copy()
    if table == "outcomes":
        rows = rows[rows["tier"] != "recovered"]
    if table == "published_result_studies":
        rows = rows[~rows["result_key"].isin(single_arm_keys)]
    suffix = f"-copy{i}"

    def new_arm(value: str) -> str:
        if not value:
            return value
        study, _, rest = value.partition(".")
        return f"{study}{suffix}.{rest}" if study in studies else value

    rows["study_id"] = rows["study_id"] + suffix
    for column in ("arm_id", "subset_of"):
        if column in rows:
            rows[column] = rows[column].map(new_arm)
    if table in ID_COLUMNS:
        rows[ID_COLUMNS[table]] = rows[ID_COLUMNS[table]] + suffix
    if table == "outcomes":  # copies that differ a little, as real studies do (identical ones have tau² = 0)
        shift = 0.1 * i
        for column in ("mean_after", "median_after"):
            rows[column] = [f"{float(x) + shift:g}" if x else x for x in rows[column]]
        # death counts are derived from percentages: move a percentage to that of a count one lower or
        # higher, printed with the same decimals, so a whole count still reproduces it
        rows["percent"] = [_shifted_percent(p, n, i % 3 - 1) for p, n in zip(rows["percent"], rows["n"])]
    if table == "studies":
        rows["label"] = rows["label"] + f" (copy {i})"
        rows["same_patients_as"] = ""
        rows["same_patients_basis"] = ""
    return rows


def scaled_data(source: Path, dest: Path, factor: int, *, verdicts: str = "code") -> Path:
    """Write to ``dest`` the data package at ``source`` with every study repeated ``factor`` times.

    ``verdicts="code"`` re-records the statement register's verdicts (:func:`record_code_verdicts`, which
    loads the package and runs every check of the register); ``"copied"`` keeps the recorded ones, for
    work that does not build the statement register (loading, effects, the grid).
    """
    if factor < 1:
        raise ValueError(f"factor must be >= 1, got {factor}")
    if verdicts not in ("code", "copied"):
        raise ValueError(f"verdicts must be 'code' or 'copied', got {verdicts!r}")
    shutil.copytree(source, dest)
    studies = set(_read(source, "studies")["study_id"])
    outcomes, results = _read(source, "outcomes"), _read(source, "published_results")
    recovered_from = set(outcomes.loc[outcomes["tier"] == "recovered", "recovered_from"])
    single_arm_keys = set(results.loc[results["result_id"].isin(recovered_from), "result_key"])
    for table in STUDY_TABLES:
        frame = _read(source, table)
        copies = [_copy_rows(frame, table, studies, i, single_arm_keys) for i in range(1, factor)]
        out = pd.concat([frame, *copies], ignore_index=True)
        out.to_csv(dest / f"{table}.csv", index=False, lineterminator="\n")
    if factor > 1 and verdicts == "code":
        record_code_verdicts(dest)
    return dest


def record_code_verdicts(data_dir: Path) -> int:
    """Set the recorded verdict of every statement the code checks to the code's verdict on the data in
    ``data_dir``; returns how many verdicts changed."""
    from analysis.audit.statement_register import disagreements, statement_register
    from analysis.data import load

    differing = disagreements(statement_register(load(data_dir=data_dir)))
    if differing.empty:
        return 0
    frame = _read(data_dir, "paper_statements")
    verdicts = dict(zip(differing["statement_id"], differing["code_verdict"]))
    frame["verdict"] = [verdicts.get(sid, verdict) for sid, verdict in zip(frame["statement_id"], frame["verdict"])]
    frame.to_csv(data_dir / "paper_statements.csv", index=False, lineterminator="\n")
    return len(verdicts)
