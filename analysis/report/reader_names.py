"""What a reader calls each thing the data package names by an identifier: studies and arms by their
labels, sources by author and year ("Ma 2024") or by their study ("Le Voyer 2021, own report"), or by
their own ``sources.label`` where that would not tell two sources apart,
published results by outcome and analysis ("CDASI, ruxolitinib"), outcomes and data tables by their
titles. Tables show these names; the identifiers stay in the CSV downloads.

Every name is read from the data (``studies.label``, ``arms.label``, ``sources.citation``,
``kind`` and ``label``, ``published_results``' outcome and subgroup, ``outcome_definitions.label``, the
resources' titles in ``datapackage.json``); only the words joining them are written here.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.data import Evidence
from analysis.format import is_missing
from analysis.report.tables import TableView

__all__ = ["IDENTIFIER_TOKEN", "ReaderNames", "reader_names"]

#: how a reader is told which kind of source a non-paper source is, after its study's label.
SOURCE_KIND_WORDS = {"primary": "own report", "secondary": "secondary report", "registry": "registry record"}
#: how a published subgroup is named after its outcome: ``{level}`` is the subgroup's level.
SUBGROUP_WORDS = {"drug": "{level}", "regimen": "{level}", "follow_up_months": "median follow-up {level} months",
                  "ck_unit": "unit {level}"}
#: a subgroup factor's name in a sentence ("drug, median follow-up and regimen").
FACTOR_NAMES = {"follow_up_months": "median follow-up", "ck_unit": "CK unit"}
#: how an analysis that is neither overall nor a subgroup is named (the paper's outcome is then "all").
ANALYSIS_WORDS = {"overall": "all studies", "sensitivity": "leave-one-out analysis",
                  "publication_bias": "tests for publication bias (Begg and Egger)"}
#: a word that may be an identifier: letters and digits joined by dots or underscores (no trailing dot).
IDENTIFIER_TOKEN = re.compile(r"(?<![\w.])[A-Za-z0-9][\w.]*\w|(?<![\w.])\w")
_ID_MARK = re.compile(r"[._0-9]")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_INITIALS = re.compile(r"[A-Z](?:-?[A-Z]){0,3}")  # "T", "FJ", "F-J"


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value)


def author_year(citation: str) -> str:
    """"Ma 2024" from "Ma C, Liu M, ... 2024;15:1382728": the first author's surname and the first year.

    The surname is the first author's name without its initials (Vancouver style: "Le Voyer T" gives
    "Le Voyer", "Landon-Cardinal O" gives "Landon-Cardinal")."""
    words = re.split(r"[,.]", citation)[0].strip().split(" ")
    if len(words) > 1 and _INITIALS.fullmatch(words[-1]):
        words = words[:-1]
    author = " ".join(words)
    year = _YEAR.search(citation)
    return f"{author} {year.group(0)}" if year else author


@dataclass(frozen=True)
class ReaderNames:
    """Identifier -> reader's name, per kind; :meth:`text` rewrites the identifiers in a sentence."""

    studies: Mapping[str, str]
    arms: Mapping[str, str]
    sources: Mapping[str, str]
    results: Mapping[str, str]
    outcomes: Mapping[str, str]
    tables: Mapping[str, str]
    events: Mapping[str, str]

    @functools.cached_property
    def all(self) -> dict[str, str]:
        """Every identifier with its name (a study's name wins over another kind's with the same id)."""
        out: dict[str, str] = {}
        for names in (FACTOR_NAMES, self.tables, self.outcomes, self.events, self.results, self.sources, self.arms,
                      self.studies):
            out.update(names)
        return out

    def text(self, value: object) -> object:
        """``value`` with every identifier-like word that names something replaced by its name;
        anything that is not a string is returned as it is."""
        if not isinstance(value, str):
            return value
        names = self.all

        def name(match: re.Match) -> str:
            word = match.group(0)
            # a plain word ("death", "skin") is an identifier only when it is a study's id ("valor")
            return names.get(word, word) if _ID_MARK.search(word) or word in self.studies else word

        return IDENTIFIER_TOKEN.sub(name, value)

    def is_id_column(self, values: pd.Series) -> bool:
        """Whether every value of a text column is an identifier with a name (and there is one)."""
        names = self.all
        present = [v for v in values if isinstance(v, str) and v]
        return bool(present) and all(v in names and (_ID_MARK.search(v) or v in self.studies) for v in present)

    def view(self, view: TableView) -> TableView:
        """``view`` as a reader sees it: a shown column of identifiers is hidden (the CSV keeps it) and
        a column of their names, under the same header, takes its place; in every other shown text
        column, the identifiers within sentences are replaced by their names."""
        frame = view.frame.copy()
        labels = dict(view.column_labels or {})
        hidden = list(view.hidden)
        for column in [c for c in view.frame.columns if c not in view.hidden]:
            values = frame[column]
            if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
                continue
            if self.is_id_column(values):
                named = f"{column} (name)"
                frame.insert(list(frame.columns).index(column), named, [self.text(v) for v in values])
                labels[named] = labels.get(column, column)
                hidden.append(column)
            else:
                frame[column] = [self.text(v) for v in values]
        return dataclasses.replace(view, frame=frame, column_labels=labels, hidden=tuple(hidden))

    def views(self, values: Mapping[str, object]) -> dict[str, object]:
        """``values`` with :meth:`view` applied to each :class:`TableView` among them."""
        return {k: self.view(v) if isinstance(v, TableView) else v for k, v in values.items()}


def _loaded(evidence: Evidence, name: str) -> pd.DataFrame | None:
    return getattr(evidence, name, None)


def _study_names(evidence: Evidence) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in ("studies", "new_studies"):
        table = _loaded(evidence, name)
        if table is not None:
            out.update(zip(table["study_id"], table["label"]))
    reports = _loaded(evidence, "excluded_reports")
    if reports is not None:
        out.update((r, author_year(str(c))) for r, c in zip(reports["report_id"], reports["citation"]))
    return out


def _arm_names(evidence: Evidence, studies: Mapping[str, str]) -> dict[str, str]:
    arms = _loaded(evidence, "arms")
    if arms is None:
        return {}
    return {a: f"{studies.get(s, s)}, {str(label)[0].lower()}{str(label)[1:]}"
            for a, s, label in zip(arms["arm_id"], arms["study_id"], arms["label"])}


def _source_studies(evidence: Evidence, studies: Mapping[str, str]) -> dict[str, set[str]]:
    """source_id -> the labels of the studies whose rows cite it (any table with both columns)."""
    found: dict[str, set[str]] = {}
    for name in evidence.tables:
        table = _loaded(evidence, name)
        key = "report_id" if name == "excluded_reports" else "study_id"
        if table is None or "source_id" not in table or key not in table or name == "sources":
            continue
        for source, study in zip(table["source_id"], table[key]):
            if _text(source) and _text(study) in studies:
                found.setdefault(str(source), set()).add(studies[str(study)])
    return found


def _source_names(evidence: Evidence, studies: Mapping[str, str]) -> dict[str, str]:
    sources = _loaded(evidence, "sources")
    if sources is None:
        return {}
    by_study = _source_studies(evidence, studies)
    out = {}
    given = sources["label"] if "label" in sources else [None] * len(sources)
    for source, kind, citation, label in zip(sources["source_id"], sources["kind"], sources["citation"], given):
        # a source no study row cites is matched by the study id its own id starts with ("wu2025_acr")
        labels = by_study.get(source) or {studies[p] for p in (str(source).split("_")[0],) if p in studies}
        if _text(label):  # the data's own name, where the built one would not tell two sources apart
            out[source] = _text(label)
        elif kind in SOURCE_KIND_WORDS and len(labels) == 1:
            out[source] = f"{next(iter(labels))}, {SOURCE_KIND_WORDS[kind]}"
        else:
            out[source] = author_year(str(citation))
    return out


def _result_names(evidence: Evidence, outcomes: Mapping[str, str]) -> dict[str, str]:
    """result_key and result_id -> "CDASI, ruxolitinib"; a result_id adds where it is printed."""
    results = _loaded(evidence, "published_results")
    if results is None:
        return {}
    out = {}
    for _, row in results.iterrows():
        factor = _text(row["subgroup_factor"])
        if row["analysis"] == "subgroup":
            what = SUBGROUP_WORDS.get(factor, factor.replace("_", " ") + " {level}").format(level=row["subgroup_level"])
        else:
            what = ANALYSIS_WORDS.get(row["analysis"], str(row["analysis"]).replace("_", " "))
        name = f"{outcomes[row['outcome']]}, {what}" if row["outcome"] in outcomes else what[0].upper() + what[1:]
        out[row["result_key"]] = name
        out[row["result_id"]] = f"{name} ({row['location']})"
    return out


def _outcome_names(evidence: Evidence) -> dict[str, str]:
    definitions = _loaded(evidence, "outcome_definitions")
    if definitions is None:
        return {}
    return {o: _text(short) or str(label) for o, short, label in
            zip(definitions["outcome"], definitions["short_label"], definitions["label"])}


def _event_names(evidence: Evidence, studies: Mapping[str, str]) -> dict[str, str]:
    """event_id -> "Le Voyer 2021: Herpes zoster", or the event alone when it concerns no one study."""
    events = _loaded(evidence, "adverse_events")
    if events is None:
        return {}
    return {e: f"{studies[s]}: {what}" if _text(s) in studies else str(what)
            for e, s, what in zip(events["event_id"], events["study_id"], events["event"])}


def _table_names(evidence: Evidence) -> dict[str, str]:
    package = json.loads((evidence.data_dir / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"]: r.get("title", r["name"]) for r in package["resources"]}


def reader_names(evidence: Evidence) -> ReaderNames:
    """The names of everything ``evidence`` has loaded (a table not loaded gives no names)."""
    studies = _study_names(evidence)
    outcomes = _outcome_names(evidence)
    return ReaderNames(studies=studies, arms=_arm_names(evidence, studies), sources=_source_names(evidence, studies),
                       results=_result_names(evidence, outcomes), outcomes=outcomes, tables=_table_names(evidence),
                       events=_event_names(evidence, studies))
