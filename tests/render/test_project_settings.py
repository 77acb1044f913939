"""Every `_quarto.yml` setting bookrender accepts is either implemented or documented as read only by
real Quarto; a setting it applies in one fixed way is refused with any other value; the README lists
both kinds; and every bookrender module declares its public names."""
from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
import yaml

import bookrender
from analysis.paths import ROOT
from bookrender.errors import RenderError, SourceError
from bookrender.project import FIXED, IMPLEMENTED, QUARTO_ONLY, SUPPORTED, load_project
from tests.conftest import copy_minibook


def _settings(table: dict) -> set[str]:
    return {f"{section}.{key}" if section else key for section, keys in table.items() for key in keys}


def test_implemented_and_quarto_only_settings_are_two_separate_lists():
    assert not _settings(IMPLEMENTED) & _settings(QUARTO_ONLY)
    assert _settings(SUPPORTED) == _settings(IMPLEMENTED) | _settings(QUARTO_ONLY)
    assert all(key in IMPLEMENTED[section] for section, key in FIXED)


def test_the_readme_lists_the_settings_only_real_quarto_reads():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The project's own renderer", 1)[1].split("\n## ", 1)[0]
    line = next(line for line in section.splitlines() if "QUARTO_ONLY" in line)
    listed = set(re.findall(r"`([a-z.-]+)`", line))
    for group, names in re.findall(r"`(format\.[a-z]+)` \(([^)]*)\)", line):
        listed |= {f"{group}.{name.strip()}" for name in names.split(",")}
    assert _settings(QUARTO_ONLY) <= listed, _settings(QUARTO_ONLY) - listed


def test_the_books_quarto_only_settings_are_named(tmp_path):
    project = load_project(ROOT)
    assert set(project.quarto_only) <= _settings(QUARTO_ONLY)
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    if "papersize" in config["format"]["typst"]:
        assert "format.typst.papersize" in project.quarto_only


@pytest.mark.parametrize("section, key, value", [
    ("format.html", "toc", False), ("book", "search", False), ("", "jupyter", "julia-1.10"),
    ("book", "downloads", ["epub"]),
])
def test_a_fixed_setting_with_another_value_is_refused(tmp_path, section, key, value):
    root = copy_minibook(tmp_path / "mini")
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    target = config
    for part in [p for p in section.split(".") if p] if section != "format.html" else ["format", "html"]:
        target = target.setdefault(part, {})
    target[key] = value
    (root / "_quarto.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    where = f"{section}.{key}" if section else key
    with pytest.raises(SourceError, match=re.escape(f"setting '{where}': bookrender's own build always uses")):
        load_project(root)


def test_every_bookrender_module_declares_its_public_names():
    missing = []
    for info in pkgutil.iter_modules(bookrender.__path__):
        module = importlib.import_module(f"bookrender.{info.name}")
        names = getattr(module, "__all__", None)
        if names is None or any(not hasattr(module, name) for name in names):
            missing.append(info.name)
    assert not missing, f"modules without a valid __all__: {missing}"


def _with_header_include(root, value):
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    config["format"]["html"]["include-in-header"] = value
    (root / "_quarto.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root


def test_header_includes_are_read_in_order_and_joined(tmp_path):
    root = copy_minibook(tmp_path / "mini")
    (root / "_includes/second.html").write_text("<meta name='second'>\n", encoding="utf-8")
    first = (root / "_includes/head.html").read_text(encoding="utf-8").rstrip("\n")
    assert load_project(_with_header_include(root, "_includes/head.html")).html_header == first
    both = load_project(_with_header_include(root, ["_includes/second.html", "_includes/head.html"])).html_header
    assert both == "<meta name='second'>\n" + first
    assert "format.html.include-in-header" not in load_project(root).quarto_only  # read, not only accepted


@pytest.mark.parametrize("value, message", [
    ("_includes/none.html", "lists '_includes/none.html', which does not exist"),
    ([{"text": "<meta>"}], "does not take `text:` entries"),
    ("../outside.html", "outside the project"),
])
def test_a_header_include_that_cannot_be_read_is_refused(tmp_path, value, message):
    root = _with_header_include(copy_minibook(tmp_path / "mini"), value)
    (tmp_path / "outside.html").write_text("<meta>", encoding="utf-8")
    with pytest.raises(RenderError, match=re.escape(message)):
        load_project(root)
