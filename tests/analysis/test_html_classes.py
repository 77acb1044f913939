"""The HTML classes the book's cells write belong to the book: they are named once
(`analysis/report/html_classes.py`), styled by the book's own include, which both engines put in every
page's head, and unknown to the renderer (`bookrender/` names none of them)."""
from __future__ import annotations

import ast
import re

import pytest

from analysis.paths import ROOT
from analysis.report.html_classes import CHART, CLASSES
from bookrender.project import load_project

INCLUDE = ROOT / "_includes" / "figures-and-tables.html"
RENDERER_FILES = sorted(p for p in (ROOT / "bookrender").rglob("*")
                        if p.suffix in (".py", ".js", ".css", ".j2", ".lua", ".html", ".typ"))


def _named(text: str, name: str) -> list[str]:
    """Where ``text`` uses ``name`` as a class: a CSS/JS selector ``.name``, ``class="… name …"``, a pandoc
    attribute ``{.name}`` or a class string ``"name"`` handed to an element."""
    word = rf"(?<![\w-]){re.escape(name)}(?![\w-])"
    patterns = (rf"\.{re.escape(name)}(?![\w-])", rf'class(?:Name)?\s*=\s*"[^"]*{word}', rf'classList\.\w+\("{name}"')
    return [m.group(0) for p in patterns for m in re.finditer(p, text)]


def test_the_book_gives_both_engines_its_include():
    project = load_project(ROOT)  # bookrender reads format.html.include-in-header like Quarto
    assert INCLUDE.read_text(encoding="utf-8").rstrip("\n") in project.html_header


@pytest.mark.parametrize("name", CLASSES)
def test_the_include_styles_every_class_the_cells_write(name):
    style = INCLUDE.read_text(encoding="utf-8").split("<style>", 1)[1].split("</style>", 1)[0]
    assert re.search(rf"\.{re.escape(name)}(?![\w-])[^{{}}]*\{{", style), f"_includes/ does not style .{name}"


def test_the_include_draws_the_charts_the_cells_write():
    script = INCLUDE.read_text(encoding="utf-8").split("<script>", 1)[1]
    assert f'"div.{CHART}"' in script and "application/vnd.vegalite+json" in script and "vegaEmbed" in script


@pytest.mark.parametrize("name", CLASSES)
def test_the_renderer_names_no_class_of_the_book(name):
    found = {str(p.relative_to(ROOT)): hits for p in RENDERER_FILES if (hits := _named(p.read_text(encoding="utf-8"), name))}
    assert not found, f"bookrender names the book's class {name!r}: {found}"


def _code_strings(path) -> str:
    """The string literals of a module's code (f-string parts included), without its docstrings; and each
    literal handed to a ``css_class=`` argument, quoted."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    texts = [node.value for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]
    texts += [f'"{node.value.value}"' for node in ast.walk(tree)
              if isinstance(node, ast.keyword) and node.arg == "css_class" and isinstance(node.value, ast.Constant)]
    return "\n".join(texts)


@pytest.mark.parametrize("name", CLASSES)
def test_each_class_is_written_only_through_its_name(name):
    """No module of analysis/ spells a class out in its code: each writes it through `html_classes`."""
    for path in sorted((ROOT / "analysis").rglob("*.py")):
        if path.name == "html_classes.py":
            continue
        code = _code_strings(path)
        assert not _named(code, name) and f'"{name}"' not in code.splitlines(), \
            f"{path.relative_to(ROOT)} writes the class {name!r} itself"


def test_the_class_finder_finds_what_it_looks_for():
    """The checks above can fail: the finder sees each form a renderer file would use."""
    assert _named('div.vega-chart > svg {}', "vega-chart") == [".vega-chart"]
    assert _named('<p class="x chart-download">', "chart-download")
    assert _named('el.classList.add("nowrap")', "nowrap")
    assert not _named("white-space: nowrap;", "nowrap") and not _named(".verdict-differs {", "verdict")


def test_the_code_reader_sees_a_class_spelled_out(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('"""Writes ``.nowrap``."""\nx = f"[{1}]{{.nowrap}}"\ny = show(css_class="table-download")\n')
    code = _code_strings(module)
    assert _named(code, "nowrap") == [".nowrap"] and '"table-download"' in code.splitlines()
    module.write_text('"""Writes ``.nowrap``."""\n')
    assert not _named(_code_strings(module), "nowrap")
