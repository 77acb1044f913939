"""Risk of bias as the paper scores it (Tables 2 and 3): item texts, the long frame the
traffic-light chart takes, a check that every printed total equals the sum of its items, and
the tool each study got against the rule the paper states for choosing a tool.

* Item texts and maximum scores come from the field descriptions and constraints of
  ``risk_of_bias`` in ``data/datapackage.json`` (the data package is the one place they are
  written), e.g. "JBI Q1: Were there clear criteria ...? Score as printed in Table 2 (0-2)."
* Totals: total_printed == sum(item scores) for the study's tool (JBI Q1-Q10, NOS I-VIII).
* Tool rule, Ma et al. 2024 Methods 2.3: the JBI checklist for case series and retrospective
  studies, the Newcastle-Ottawa Scale for non-controlled trials.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.domain.contracts import require_columns
from analysis.format import is_missing
from analysis.paths import DATAPACKAGE

__all__ = [
    "TOOL_TOTAL_COLUMNS",
    "TotalsCheck",
    "design_class",
    "item_texts",
    "risk_of_bias_long",
    "risk_of_bias_table",
    "tool_rule_check",
    "totals_check",
]

#: the column holding each tool's printed total.
TOOL_TOTAL_COLUMNS = {"JBI": "jbi_total", "NOS": "nos_total"}
_ITEM_PATTERN = re.compile(r"^(?P<tool>JBI|NOS) (?:item )?(?P<item>Q\d+|[IVX]+): (?P<text>.+?)(?: Score| Stars) as printed")
#: Methods 2.3: the tool the paper says each kind of design gets.
_RULE = {"retrospective or case series": "JBI", "non-controlled trial": "NOS", "comparative cohort": "NOS"}
#: A study with a comparator arm compares two groups: the case-series checklist does not apply to it,
#: and the NOS is the tool for comparative non-randomised studies (Section 3.2 applies it to
#: "non-randomized studies"), so the rule's "retrospective studies -> JBI" is not read as covering it.
COMPARATIVE = "comparative cohort"


def item_texts(datapackage: Path | str = DATAPACKAGE) -> pd.DataFrame:
    """One row per risk-of-bias item: tool, item ("Q1", "I"), column, item_text, max_score.

    Read from the ``risk_of_bias`` field descriptions (pattern "<tool> [item ]<id>: <text> Score|Stars
    as printed ...") and their ``maximum`` constraints; a field that does not match raises.
    """
    descriptor = json.loads(Path(datapackage).read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"]}
    if "risk_of_bias" not in resources:
        raise ValueError(f"{datapackage}: expected a resource 'risk_of_bias', found {sorted(resources)}.")
    rows = []
    for field in resources["risk_of_bias"]["schema"]["fields"]:
        name = field["name"]
        if not re.fullmatch(r"(jbi_q\d+|nos_[ivx]+)", name):
            continue
        match = _ITEM_PATTERN.match(field.get("description", ""))
        maximum = field.get("constraints", {}).get("maximum")
        if match is None or maximum is None:
            raise ValueError(f"{datapackage}: risk_of_bias field {name!r} needs a description like "
                             f"'JBI Q1: <question> Score as printed ...' and a 'maximum' constraint; "
                             f"got {field.get('description')!r}, maximum {maximum!r}.")
        text = re.sub(r"\?\.$", "?", match["text"].rstrip())
        rows.append({"tool": match["tool"], "item": match["item"], "column": name,
                     "item_text": text, "max_score": int(maximum)})
    return pd.DataFrame(rows)


def _check_columns(risk_of_bias: pd.DataFrame, items: pd.DataFrame) -> None:
    needed = ["study_id", "tool", *items["column"], *TOOL_TOTAL_COLUMNS.values()]
    require_columns(risk_of_bias, needed, "risk_of_bias")
    unknown = sorted(set(risk_of_bias["tool"]) - set(TOOL_TOTAL_COLUMNS))
    if unknown:
        raise ValueError(f"risk_of_bias: unknown tool(s) {unknown}; valid tools are {sorted(TOOL_TOTAL_COLUMNS)}.")


def risk_of_bias_long(risk_of_bias: pd.DataFrame, items: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Long frame for :func:`analysis.report.figures.traffic_light`: one row per study and item of its tool.

    Columns: study_id, study (label), tool, item, item_text, score (Int64, missing when not
    printed), max_score. Studies keep the row order of ``risk_of_bias``; items their order.
    """
    _check_columns(risk_of_bias, items)
    rows = []
    for _, study in risk_of_bias.iterrows():
        if study["study_id"] not in labels:
            raise ValueError(f"risk_of_bias: study_id {study['study_id']!r} has no label; known: {sorted(labels)}.")
        for _, item in items[items["tool"] == study["tool"]].iterrows():
            score = study[item["column"]]
            rows.append({"study_id": study["study_id"], "study": labels[study["study_id"]], "tool": study["tool"],
                         "item": item["item"], "item_text": item["item_text"],
                         "score": pd.NA if is_missing(score) else int(score), "max_score": int(item["max_score"])})
    out = pd.DataFrame(rows)
    out["score"] = out["score"].astype("Int64")
    return out


@dataclass(frozen=True)
class TotalsCheck:
    """Per-study comparison of each printed total with the sum of its item scores.

    ``table``: study_id, tool, items_scored, items_missing, sum_of_items, total_printed, matches.
    """

    table: pd.DataFrame
    n_studies: int
    n_matching: int
    mismatched_studies: tuple[str, ...]

    @property
    def all_match(self) -> bool:
        return self.n_matching == self.n_studies


def totals_check(risk_of_bias: pd.DataFrame, items: pd.DataFrame) -> TotalsCheck:
    """total_printed == sum of the tool's item scores, study by study.

    A study with an unprinted item or total does not match (the sum cannot be confirmed).
    """
    _check_columns(risk_of_bias, items)
    rows = []
    for _, study in risk_of_bias.iterrows():
        columns = items.loc[items["tool"] == study["tool"], "column"].tolist()
        scores = [study[c] for c in columns]
        missing = sum(is_missing(s) for s in scores)
        total = study[TOOL_TOTAL_COLUMNS[study["tool"]]]
        items_sum = sum(int(s) for s in scores if not is_missing(s))
        printed = pd.NA if is_missing(total) else int(total)
        rows.append({"study_id": study["study_id"], "tool": study["tool"], "items_scored": len(columns) - missing,
                     "items_missing": missing, "sum_of_items": items_sum, "total_printed": printed,
                     "matches": missing == 0 and not is_missing(total) and items_sum == int(total)})
    table = pd.DataFrame(rows)
    table["total_printed"] = table["total_printed"].astype("Int64")
    bad = tuple(table.loc[~table["matches"], "study_id"])
    return TotalsCheck(table=table, n_studies=len(table), n_matching=int(table["matches"].sum()), mismatched_studies=bad)


def risk_of_bias_table(risk_of_bias: pd.DataFrame, items: pd.DataFrame, labels: dict[str, str], tool: str) -> pd.DataFrame:
    """The paper's Table 2 (``tool="JBI"``) or Table 3 (``"NOS"``) with the computed sum beside the printed total.

    Columns: study, one column per item, total_printed, sum_of_items, matches.
    """
    if tool not in TOOL_TOTAL_COLUMNS:
        raise ValueError(f"Unknown tool {tool!r}; valid tools are {sorted(TOOL_TOTAL_COLUMNS)}.")
    long = risk_of_bias_long(risk_of_bias, items, labels)
    long = long[long["tool"] == tool]
    order = items.loc[items["tool"] == tool, "item"].tolist()
    wide = long.pivot(index="study_id", columns="item", values="score")[order]
    checks = totals_check(risk_of_bias, items).table.set_index("study_id")
    studies = [s for s in risk_of_bias["study_id"] if s in wide.index]
    out = wide.loc[studies].reset_index()
    out.insert(0, "study", [labels[s] for s in out["study_id"]])
    out = out.drop(columns="study_id")
    out["total_printed"] = checks.loc[studies, "total_printed"].to_numpy()
    out["sum_of_items"] = checks.loc[studies, "sum_of_items"].to_numpy()
    out["matches"] = ["yes" if m else "no" for m in checks.loc[studies, "matches"]]
    out.columns.name = None
    return out


def design_class(design: str) -> str:
    """Classify a Table 1 design text under the paper's tool rule (Methods 2.3).

    "retrospective or case series" when the text says retrospective or case series;
    "non-controlled trial" when it says prospective, open label or pilot (a trial without a
    concurrent control). Anything else raises ValueError.
    """
    text = design.lower().replace("-", " ")
    if "retrospective" in text or "case series" in text:
        return "retrospective or case series"
    if any(word in text for word in ("prospective", "open label", "pilot")):
        return "non-controlled trial"
    raise ValueError(f"Cannot classify design {design!r}: expected it to name retrospective/case series "
                     "or prospective/open label/pilot.")


def tool_rule_check(studies: pd.DataFrame, risk_of_bias: pd.DataFrame,
                    arms: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tool used (Tables 2-3) against the tool the paper's own rule gives for the Table 1 design.

    With ``arms``, a study that has a comparator arm is a "comparative cohort" (see
    :data:`COMPARATIVE`), for which the NOS is the right tool whatever its Table 1 design says.
    Columns: study_id, study, design, design_class, tool_by_rule, tool_used, follows_rule.
    """
    used = dict(zip(risk_of_bias["study_id"], risk_of_bias["tool"]))
    comparative = set() if arms is None else set(arms.loc[arms["role"] == "comparator", "study_id"])
    rows = []
    for _, study in studies.sort_values("table1_row").iterrows():
        if study["study_id"] not in used:
            raise ValueError(f"study {study['study_id']!r} has no risk-of-bias row (data/risk_of_bias.csv).")
        kind = COMPARATIVE if study["study_id"] in comparative else design_class(study["design"])
        rows.append({"study_id": study["study_id"], "study": study["label"], "design": study["design"],
                     "design_class": kind, "tool_by_rule": _RULE[kind], "tool_used": used[study["study_id"]],
                     "follows_rule": _RULE[kind] == used[study["study_id"]]})
    return pd.DataFrame(rows)
