"""Tables speak to readers (issue #12): no shown cell or header of any table of any page holds an
identifier. Identifiers are what the data package uses as keys -- every value of a table's one-column
primary key and every result key in data/*.csv -- and anything written like one (snake_case words
joined by underscores, dotted ids such as ``cdasi.drug.rux``). They may stay in a table's frame, the
CSV download, as hidden columns."""
from __future__ import annotations

import csv
import importlib
import inspect
import json
import pkgutil
import re

import pytest

import analysis.chapters
from analysis.paths import DATA_DIR
from analysis.report.tables import TableView
from analysis.report.tables.markdown import cell_text

SNAKE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")
DOTTED = re.compile(r"[a-z][a-z0-9_]+(?:\.[a-z0-9_]+)+")
#: what surrounds a word in a sentence (a DOI or a path, joined by '/', stays one word: not an identifier)
PUNCTUATION = "()[]{},;:.!?'\""
#: tables whose rows are entities a reader knows by a label: their ids are identifiers even when plain words.
LABELLED = ("studies", "new_studies")


def _rows(resource: dict) -> list[dict[str, str]]:
    with (DATA_DIR / resource["path"]).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def data_identifiers() -> set[str]:
    """Every key of the data package a reader should never see: single-column primary keys and result
    keys that hold a digit, a dot or an underscore, and the ids of labelled entities (``valor``)."""
    package = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    found: set[str] = set()
    for resource in package["resources"]:
        key = resource["schema"].get("primaryKey")
        fields = [key] if isinstance(key, str) else (key or [])
        fields = fields + (["result_key"] if resource["name"] == "published_results" else [])
        if len(fields) == 0 or (isinstance(key, list) and len(key) > 1):
            continue
        for row in _rows(resource):
            for field in fields:
                value = row[field]
                if re.search(r"[._0-9]", value) or resource["name"] in LABELLED:
                    found.add(value)
    return found


def identifiers_in(text: str, known: set[str]) -> list[str]:
    """The words of ``text`` that are identifiers (see the module docstring)."""
    words = [w.strip(PUNCTUATION) for w in text.split()]
    return [w for w in words if SNAKE.fullmatch(w) or DOTTED.fullmatch(w) or w in known]


def page_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(analysis.chapters.__path__)
                  if hasattr(importlib.import_module(f"analysis.chapters.{m.name}"), "page"))


@pytest.fixture(scope="module")
def known() -> set[str]:
    return data_identifiers()


def test_the_identifier_rule_finds_the_package_keys_and_spares_prose(known):
    assert {"ma2024", "cdasi.drug.rux.results_s2", "fan2022_summary", "levoyer2021_abstract", "valor"} <= known
    assert identifiers_in("Ma 2024, Abstract (results); r = 0.5; e.g. 1.959964; I² = 63%; doi 10.1111/joim.70047)",
                          known) == []
    assert identifiers_in("ma2024, cdasi.drug.rux: see fan2022.tofacitinib; result_id", known) == [
        "ma2024", "cdasi.drug.rux", "fan2022.tofacitinib", "result_id"]


@pytest.mark.parametrize("name", page_modules())
def test_no_table_shows_an_identifier(name, evidence, known):
    module = importlib.import_module(f"analysis.chapters.{name}")
    # a page of the data package's history (changes) reads its own folders, not one Evidence
    page = module.page(evidence) if "evidence" in inspect.signature(module.page).parameters else module.page()
    views = {key: value for key, value in page.items() if isinstance(value, TableView)}
    found = []
    for key, view in views.items():
        for column, header in view.shown_labels.items():
            found += [(key, "header", column, w) for w in identifiers_in(header, known)]
            for value in view.shown[column]:
                found += [(key, column, cell_text(value), w) for w in identifiers_in(cell_text(value), known)]
    assert not found, f"{len(found)} identifiers shown in the {name} page's tables, e.g. {found[:12]}"
