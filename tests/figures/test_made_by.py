"""Each chart and table names the code that made it and the data it read (issue #13), derived where a
chapter module creates its view, never typed per figure."""
from __future__ import annotations

import inspect
import json

import pandas as pd
import pytest

from analysis.chapters import skin
from analysis.data import load
from analysis.paths import DATAPACKAGE, ROOT
from analysis.report.figures import forest_plot, show_chart
from analysis.report.provenance import MadeBy, made_by_html
from analysis.report.tables import TableView, show_table


@pytest.fixture(scope="module")
def evidence():
    return load(*skin.TABLES)


@pytest.fixture(scope="module")
def page(evidence):
    return skin.page(evidence)


def _files_of(evidence) -> tuple[str, ...]:
    """The data files of the loaded tables, read from datapackage.json itself."""
    resources = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))["resources"]
    return tuple(f"data/{r['path']}" for r in resources if r["name"] in evidence.tables)


def test_a_chart_names_its_chapter_module_its_drawing_function_and_the_pages_data(page, evidence):
    drawing = inspect.getsourcefile(forest_plot)
    assert page.forest.made_by.code == ("analysis/chapters/skin.py",
                                        str(__import__("pathlib").Path(drawing).relative_to(ROOT).as_posix()))
    assert page.forest.made_by.data == _files_of(evidence)
    assert "data/outcomes.csv" in page.forest.made_by.data


def test_a_table_of_a_frame_the_chapter_made_names_the_chapter_module(page, evidence):
    assert page.subgroup_tests.made_by.code == ("analysis/chapters/skin.py",)
    assert page.subgroup_tests.made_by.data == _files_of(evidence)


def test_the_line_is_in_the_cell_output_beside_the_download(page):
    html = show_chart(page.forest, csv_name="forest.csv").html
    line = html.split('<p class="chart-download">')[1]
    assert line.index('<code data-repo-path="analysis/chapters/skin.py">') < line.index('<a download="forest.csv"')
    assert '<code data-repo-path="data/outcomes.csv">data/outcomes.csv</code>' in line
    markdown = show_table(page.subgroup_tests, csv_name="tests.csv")._repr_markdown_()
    assert 'Code: <code data-repo-path="analysis/chapters/skin.py">' in markdown.split("```{=html}")[1]


def test_a_view_made_outside_the_project_without_evidence_names_nothing():
    view = TableView(pd.DataFrame({"a": [1]}))
    assert view.made_by == MadeBy()
    assert "made-by" not in show_table(view, csv_name="a.csv").download_html


def test_paths_are_text_never_markup():
    html = made_by_html(MadeBy(code=('analysis/"x"<b>.py',), data=("data/a&b.csv",)))
    assert "<b>" not in html and "&quot;x&quot;&lt;b&gt;" in html and "data/a&amp;b.csv" in html
    assert made_by_html(MadeBy()) == "" and made_by_html(None) == ""


def test_a_view_of_every_table_names_the_package_not_a_list():
    from analysis.chapters import statements

    evidence = load()
    view = next(v for v in statements.page(evidence).values() if isinstance(v, TableView))
    assert view.made_by.data == _files_of(evidence) and view.made_by.package == "data/datapackage.json"
    line = made_by_html(view.made_by)
    assert 'Data: every table of the data package <code data-repo-path="data/datapackage.json">' in line
    assert "data/outcomes.csv" not in line
