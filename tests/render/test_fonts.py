"""The book's one font family (issue #12): shipped by a registry package, served as WOFF2 by the site,
embedded in the PDF and named by the charts."""
from __future__ import annotations

import re
from pathlib import Path

import altair as alt
import pandas as pd
from fontTools.ttLib import TTFont

from analysis.report.figures.display import show_chart
from analysis.report.figures.theme import FONT, FONT_FAMILY, chart_font_dir
from bookrender import fonts
from bookrender.pdf import pdf_font_paths

TEMPLATES = Path(fonts.__file__).parent / "templates"


def _family(font: TTFont) -> str:
    return font["name"].getDebugName(1)


def test_the_site_the_pdf_and_the_charts_use_one_family_from_one_package():
    assert FONT_FAMILY == fonts.FAMILY
    assert FONT.split(",")[0].strip() == fonts.FAMILY
    assert chart_font_dir() == fonts.font_dir()
    assert pdf_font_paths() == [str(fonts.font_dir())]
    for face in fonts.WEB_FACES:
        assert _family(TTFont(fonts.font_dir() / face.ttf)).startswith(fonts.FAMILY)


def test_web_fonts_are_woff2_of_the_package_files_with_their_licence(tmp_path):
    folder = fonts.write_web_fonts(tmp_path)
    css = (folder / fonts.FONT_CSS).read_text(encoding="utf-8")
    urls = re.findall(r'url\("([^"]+)"\)', css)
    assert sorted(urls) == sorted(face.woff2 for face in fonts.WEB_FACES)
    assert "http" not in css  # served by the site, no CDN
    for face in fonts.WEB_FACES:
        web = TTFont(folder / face.woff2)
        original = TTFont(fonts.font_dir() / face.ttf)
        assert web.flavor == "woff2"
        assert web.getBestCmap() == original.getBestCmap()
        assert f"font-weight: {face.weight}" in css.split(face.woff2)[0].rsplit("@font-face", 1)[1]
    assert "Open Font License" in (folder / "OFL.txt").read_text(encoding="utf-8")


def test_web_fonts_are_the_same_bytes_every_time(tmp_path):
    first = fonts.write_web_fonts(tmp_path / "a")
    second = fonts.write_web_fonts(tmp_path / "b")
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert all((first / n).read_bytes() == (second / n).read_bytes() for n in names)


def test_the_pdf_template_sets_the_text_in_the_book_font():
    typ = (TEMPLATES / "book.typ").read_text(encoding="utf-8")
    assert re.search(r'#set text\(font: \("\$mainfont\$"', typ)


def test_the_page_template_loads_the_font_stylesheet_before_the_book_stylesheet():
    page = (TEMPLATES / "page.html.j2").read_text(encoding="utf-8")
    assert page.index("site_libs/fonts/fonts.css") < page.index("site_libs/bookrender/book.css")


def test_chart_svg_names_the_book_font():
    chart = alt.Chart(pd.DataFrame({"study": ["Paik 2021"], "value": [1.0]})).mark_bar().encode(y="study", x="value")
    svg = show_chart(chart, alt_text="A bar.", csv_name="bar.csv").svg
    families = set(re.findall(r'font-family="([^"]+)"', svg))
    assert families and all(f.split(",")[0].strip() == fonts.FAMILY for f in families), families


def test_quarto_gets_the_same_font_from_the_same_settings(tmp_path):
    import yaml

    from analysis.paths import ROOT

    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["format"]["html"]["mainfont"] == fonts.FAMILY == config["format"]["typst"]["mainfont"]
    assert config["format"]["typst"]["font-paths"] == [fonts.QUARTO_FONT_DIR]
    folder = fonts.write_pdf_fonts(tmp_path / "fonts")
    for face in fonts.WEB_FACES:
        assert (folder / face.ttf).read_bytes() == (fonts.font_dir() / face.ttf).read_bytes()
    assert (folder / "OFL.txt").is_file()
