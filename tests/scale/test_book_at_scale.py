"""Every page of the book at ten times the studies: each chapter module builds its page from the data
package with every study repeated ten times (`tests/scale/synthetic.py`), every chart exports to
Vega-Lite JSON in each of its layouts, and every table to its markdown and CSV. What the pages say
about the studies is checked against counts read straight from the scaled CSV files."""
from __future__ import annotations

import csv
import importlib
import json
import re

import pytest

from analysis.chapters import CHAPTER_MODULES
from analysis.data import load
from analysis.domain.sensitivity_grid import POOL_SERIES
from analysis.format import MAX_NAMES_LISTED
from analysis.paths import DATA_DIR, ROOT
from analysis.report.figures import ChartView, show_chart
from analysis.report.figures.risk_of_bias import MAX_GRID_STUDIES
from analysis.report.tables import TableView, show_table
from tests.scale.synthetic import scaled_data

FACTOR = 10
#: every page module: the chapters of CHAPTER_MODULES, the new-evidence chapter and the changes page
PAGES = (*CHAPTER_MODULES, "new_evidence", "changes")
QMD_VALUE = re.compile(r"`\{python\} page\.(\w+)`")


def _rows(data_dir, table: str) -> list[dict[str, str]]:
    with (data_dir / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def scaled_dir(tmp_path_factory):
    return scaled_data(DATA_DIR, tmp_path_factory.mktemp("book") / "data", FACTOR)


@pytest.fixture(scope="module")
def pages(scaled_dir):
    """name -> the page built from the scaled package (one load for all)."""
    evidence = load(data_dir=scaled_dir)
    built = {}
    for name in PAGES:
        module = importlib.import_module(f"analysis.chapters.{name}")
        built[name] = module.page(data_dir=scaled_dir) if name == "changes" else module.page(evidence)
    return built


def _specs(display) -> list[dict]:
    """Every layout's spec of a shown chart, read back from the JSON the page embeds."""
    return [json.loads(display.spec_json), *(spec for _, spec in display.narrower),
            *([display.print_spec] if display.print_spec is not None else [])]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_builds_its_charts_and_tables_at_ten_times_the_studies(pages, name):
    page = pages[name]
    charts = tables = 0
    for key, value in page.items():
        if isinstance(value, ChartView):
            display = show_chart(value, csv_name=f"{name}-{key}.csv")
            for spec in _specs(display):
                assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
                assert spec["description"] == display.alt_text
            if value.data is not None:  # the CSV holds every row of the frame, however many the chart draws
                assert display.csv.decode("utf-8").count("\n") >= len(value.data)
            charts += 1
        elif isinstance(value, TableView):
            shown = show_table(value, csv_name=f"{name}-{key}.csv")
            assert shown.n_rows == len(value.frame)
            tables += 1
        elif isinstance(value, str):
            assert "nan" not in value.split(), f"{name}.{key} prints a missing number: {value!r}"
    assert charts + tables > 0, f"the {name} page shows nothing"


def _prose(name: str, page) -> str:
    """The chapter's Markdown with the page's values put in."""
    qmd = {"index": "index.qmd", "changes": "chapters/changes.qmd"}.get(name)
    if qmd is None:
        qmd = next(p for p in (ROOT / "chapters").glob("*.qmd") if f"from analysis.chapters import {name}\n"
                   in p.read_text(encoding="utf-8"))
    text = (ROOT / qmd).read_text(encoding="utf-8")
    return QMD_VALUE.sub(lambda m: str(page[m.group(1)]), text)


@pytest.mark.parametrize("name", PAGES)
def test_no_sentence_lists_more_names_than_the_limit(pages, name):
    """A value that names studies stops after MAX_NAMES_LISTED and says how many more: no prose holds a run
    of copies longer than that (the copies are labelled "(copy <i>)")."""
    prose = _prose(name, pages[name])
    for paragraph in prose.split("\n"):
        if paragraph.startswith(("|", "#|")):  # table rows and cell options are not prose
            continue
        assert len(re.findall(r"\(copy \d+\)", paragraph)) <= MAX_NAMES_LISTED, paragraph[:300]


def test_the_skin_sweep_draws_the_pool_and_a_band_for_the_many_arms_that_need_r(pages, scaled_dir):
    needs_r = [r for r in _rows(scaled_dir, "outcomes")
               if r["outcome"] == "cdasi_activity" and r["statistic"] == "mean_sd_before_after"]
    assert len(needs_r) > 6  # more than one line each can draw
    page = pages["skin"]
    spec = json.loads(show_chart(page.r_sweep, csv_name="s.csv").spec_json)
    domains = {tuple(layer["encoding"]["color"]["scale"]["domain"]) for layer in spec["layer"]
               if "color" in layer.get("encoding", {}) and "scale" in layer["encoding"]["color"]}
    (domain,) = domains
    assert domain[0] == POOL_SERIES and domain[1].startswith(f"{len(needs_r)} arm changes that need r")
    summarised = [row for rows in spec["datasets"].values() for row in rows if "n" in row and "median" in row]
    assert summarised and all(row["n"] == len(needs_r) for row in summarised)
    # the prose speaks of the arms in the plural, with their number
    assert page.r_dependent_arms.startswith(f"the {len(needs_r)} public arms built from before and after means")


def test_the_risk_of_bias_chart_summarises_a_tool_with_many_studies_per_item(pages, scaled_dir):
    rob = _rows(scaled_dir, "risk_of_bias")
    per_tool = {tool: sum(r["tool"] == tool for r in rob) for tool in {r["tool"] for r in rob}}
    spec = json.loads(show_chart(pages["methods"].traffic_light, csv_name="r.csv").spec_json)
    parts = spec.get("hconcat") or spec.get("vconcat") or [spec]
    assert len(parts) == len(per_tool)
    for part in parts:
        tool = next(t for t in per_tool if part["title"]["text"].startswith(("JBI", "Newcastle")[t == "NOS"]))
        marks = {layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in part["layer"]}
        if per_tool[tool] > MAX_GRID_STUDIES:
            assert "bar" in marks and "circle" not in marks
            bars = next(layer for layer in part["layer"] if "bar" in str(layer["mark"]))
            rows = spec["datasets"][bars["data"]["name"]] if "data" in bars else spec["datasets"][part["data"]["name"]]
            per_item = {}
            for row in rows:
                per_item[row["item"]] = per_item.get(row["item"], 0) + row["n"]
            assert set(per_item.values()) == {per_tool[tool]}  # every study counted once per item
        else:
            assert "circle" in marks


def test_the_safety_findings_of_a_study_are_read_by_study_not_by_count(pages):
    """Fan 2022's comparisons are repeated for each copy; the page still reads the first study's."""
    from analysis.chapters import safety

    real = safety.page()
    for key in ("fan_table4", "fan_6m_text", "fan_1y_text", "fan_any_text", "levoyer_zoster", "levoyer_abscess"):
        assert pages["safety"][key] == real[key]
    assert pages["safety"].serious_studies_count.endswith("studies")


def test_the_adm_ild_sentence_on_complete_tables_agrees_with_its_counts(pages):
    page = pages["adm_ild"]
    assert page.poolable_sentence.startswith(f"{page.n_poolable} have complete tables; ")
    assert page.poolable_sentence.endswith(" do not")
