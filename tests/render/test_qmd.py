"""The .qmd reader: what it accepts, and the file and line of what it refuses."""
from pathlib import Path

import pytest

from bookrender.errors import SourceError
from bookrender.qmd import parse_qmd


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "doc.qmd").write_text(text, encoding="utf-8")
    return Path("doc.qmd")


def test_cells_options_inline_and_headings(tmp_path):
    rel = write(tmp_path, "# Title {#sec-top}\n\nText `{python} x` here.\n\n```{python}\n#| label: fig-a\n"
                          "#| fig-cap: A caption\n#| fig-alt: Alt text\nx = 1\n```\n\n## Part {.unnumbered}\n")
    doc = parse_qmd(tmp_path, rel)
    assert [c.options for c in doc.cells] == [{"label": "fig-a", "fig-cap": "A caption", "fig-alt": "Alt text"}]
    assert doc.cells[0].source == "x = 1"
    assert doc.cells[0].line == 5
    assert doc.inline_expressions == ("x",)
    assert [(h.level, h.ident, h.unnumbered) for h in doc.headings] == [(1, "sec-top", False), (2, None, True)]


def test_plain_code_blocks_and_raw_blocks_are_not_executed(tmp_path):
    rel = write(tmp_path, "# T\n\n```python\nprint(1)\n```\n\n```{=html}\n<b>x</b>\n```\n")
    assert parse_qmd(tmp_path, rel).cells == ()


def test_heading_inside_a_callout_is_its_title_not_a_section(tmp_path):
    rel = write(tmp_path, "# T\n\n::: {.callout-note}\n## Careful\nBody\n:::\n")
    assert [h.text for h in parse_qmd(tmp_path, rel).headings] == ["T"]


@pytest.mark.parametrize(("text", "line", "words"), [
    ("# T\n\n{{< include other.qmd >}}\n", 3, "shortcodes"),
    ("# T\n\n```{r}\n1\n```\n", 3, "'{r}' cells"),
    ("# T\n\n```{python}\n#| fig-width: 4\n1\n```\n", 4, "cell option 'fig-width'"),
    ("# T\n\n```{python}\n#| label: a\n#| code-fold: true\n1\n```\n", 5, "cell option 'code-fold'"),
    ("# T\n\n::: {.panel-tabset}\nx\n:::\n", 3, "div"),
    ("# T\n\n::: {#fig-x}\nx\n:::\n", 3, "div"),
    ("# T\n\nSee @eq-one.\n", 3, "'@eq-'"),
    ("# T\n\nValue `{r} 1 + 1`.\n", 3, "inline `{r}`"),
    ("# T {.smaller}\n", 1, "heading attribute"),
    ("---\nformat: pdf\n---\n# T\n", 1, "front-matter key 'format'"),
    ("# T\n\n```{python}\nx = 1\n", 3, "never closed"),
])
def test_unsupported_constructs_name_file_and_line(tmp_path, text, line, words):
    rel = write(tmp_path, text)
    with pytest.raises(SourceError) as info:
        parse_qmd(tmp_path, rel)
    assert str(info.value).startswith(f"doc.qmd:{line}:")
    assert words in str(info.value)


def test_quarto_yml_settings_bookrender_does_not_implement_are_refused(tmp_path):
    from bookrender.project import load_project
    from tests.conftest import copy_minibook

    root = copy_minibook(tmp_path / "mini")
    config = root / "_quarto.yml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original.replace("  output-dir: _site", "  output-dir: _site\n  execute-dir: file"), encoding="utf-8")
    with pytest.raises(SourceError, match="execute-dir"):
        load_project(root)
    config.write_text(original.replace("  output-dir: _site", "  output-dir: _site\n  lib-dir: libs"), encoding="utf-8")
    with pytest.raises(SourceError, match="setting 'project.lib-dir' is not supported"):
        load_project(root)
    config.write_text(original.replace("  output-dir: _site", "  output-dir: _site\n  execute-dir: project"), encoding="utf-8")
    assert load_project(root).output_dir == "_site"
