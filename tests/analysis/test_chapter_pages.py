"""The chapter modules: every page computes from the data, refers to studies by id or role (a
renamed study label changes the names on the page and nothing else), and every value a chapter's
prose reads exists on its page; no page of the book types a study's name (it reads it from its page)."""
import csv
import importlib
import re
import shutil

import pytest
import yaml

from analysis.chapters import CHAPTER_MODULES, Page
from analysis.data import load
from analysis.paths import DATA_DIR, ROOT

#: the .qmd file of each chapter module.
QMD = {"index": "index.qmd", "methods": "chapters/01-methods.qmd", "skin": "chapters/02-skin.qmd",
       "muscle": "chapters/03-muscle.qmd", "ck": "chapters/04-ck.qmd", "adm_ild": "chapters/05-adm-ild.qmd",
       "safety": "chapters/06-safety.qmd", "limitations": "chapters/07-limitations.qmd",
       "reproduction": "chapters/appendix-reproduction.qmd", "statements": "chapters/appendix-statements.qmd"}
RENAMED = " (renamed)"


@pytest.fixture(scope="module")
def renamed(tmp_path_factory):
    """All of data/ with every study label changed ("Paik 2021" -> "Paik 2021 (renamed)")."""
    data = tmp_path_factory.mktemp("renamed") / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "studies.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("label")
    for row in rows[1:]:
        row[column] += RENAMED
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return load(data_dir=data)


def test_every_chapter_has_a_module_and_the_module_list_matches():
    assert set(QMD) == set(CHAPTER_MODULES)
    for name, qmd in QMD.items():
        assert f"from analysis.chapters import {name}" in (ROOT / qmd).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", CHAPTER_MODULES)
def test_every_value_the_prose_reads_is_on_the_page(name, evidence):
    page = importlib.import_module(f"analysis.chapters.{name}").page(evidence)
    assert isinstance(page, Page)
    text = (ROOT / QMD[name]).read_text(encoding="utf-8")
    wanted = set(re.findall(r"page\.(\w+)", text))
    assert wanted, f"{QMD[name]} reads nothing from its page"
    assert wanted <= set(page), f"{QMD[name]} reads values its page lacks: {sorted(wanted - set(page))}"


@pytest.mark.parametrize("name", CHAPTER_MODULES)
def test_pages_compute_when_every_study_label_is_renamed(name, evidence, renamed):
    module = importlib.import_module(f"analysis.chapters.{name}")
    before, after = module.page(evidence), module.page(renamed)
    assert list(before) == list(after)
    any_label = re.compile("|".join(re.escape(label) for label in sorted(evidence.study_labels().values(),
                                                                           key=len, reverse=True)))
    for key in before:
        if not isinstance(before[key], str):
            continue
        expected = any_label.sub(lambda found: found.group(0) + RENAMED, before[key])
        assert after[key] == expected, f"{name}.{key}: a study label changed more than the name on the page"


def test_a_page_is_read_only_and_names_its_values_when_asked_for_a_missing_one(evidence):
    page = importlib.import_module("analysis.chapters.ck").page(evidence)
    with pytest.raises(AttributeError, match="read-only"):
        page.u_text = "x"
    with pytest.raises(AttributeError, match="has no value 'nope'; it has: .*u_text"):
        page.nope


def _book_files(entries) -> list[str]:
    """The .qmd files of a _quarto.yml chapter list, in order (a part's own file, then its chapters)."""
    files = []
    for entry in entries:
        if isinstance(entry, str):
            files.append(entry)
        else:
            files += [entry["part"]] if str(entry.get("part", "")).endswith(".qmd") else []
            files += _book_files(entry.get("chapters", []))
    return files


def test_no_page_of_the_book_types_a_study_name(evidence):
    """Prose, captions and alt texts name studies only through page values: no .qmd of the book holds
    the label of a study of data/studies.csv or data/new_studies.csv (whole words, case-sensitive)."""
    book = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    files = _book_files([*book["chapters"], *book.get("appendices", [])])
    labels = [*evidence.study_labels().values(), *evidence.new_studies["label"]]
    assert "index.qmd" in files and len(labels) > len(evidence.study_labels())
    words = {label: re.compile(rf"(?<!\w){re.escape(label)}(?!\w)") for label in labels}
    typed = [f"{name}:{number}: {label!r}" for name in files
             for number, line in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines(), start=1)
             for label, word in words.items() if word.search(line)]
    assert not typed, "study names typed into the book (read them from the page instead):\n" + "\n".join(typed)
