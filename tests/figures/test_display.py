"""The chart display object: safe HTML, SVG for the PDF, CSV download, determinism."""
import base64
import io
import json
import re
from html.parser import HTMLParser

import altair as alt
import pandas as pd
import pytest

from analysis.report.figures.display import script_safe_json, show_chart, vega_lite_version
from analysis.report.figures.forest import forest_plot
from analysis.report.figures.theme import FONT

INJECTION = "</script><script>alert(1)</script>"


class _Page(HTMLParser):
    """Records every start tag with its attributes and the text inside <script> elements."""

    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def hostile_chart():
    frame = pd.DataFrame({"x": [1.0, 2.5], "label": [INJECTION, "a & b <!-- c"]})
    return alt.Chart(frame).mark_point().encode(x="x:Q", y="label:N", tooltip=["label:N"]), frame


def test_bundle_has_exactly_html_svg_and_plain_text():
    chart, _ = hostile_chart()
    bundle = show_chart(chart, alt_text="Two points", csv_name="two.csv")._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/svg+xml", "text/plain"}
    assert bundle["text/plain"] == "Two points"
    assert set(show_chart(chart, alt_text="x", csv_name="t.csv")._repr_mimebundle_(include={"image/svg+xml"})) == {
        "image/svg+xml"}


def test_html_has_one_inline_spec_that_survives_a_script_injection():
    chart, _ = hostile_chart()
    alt_text = 'Chart of "x" <script>alert(2)</script>'
    display = show_chart(chart, alt_text=alt_text, csv_name="two.csv")
    page = _Page()
    page.feed(display.html)
    assert [t for t, _ in page.tags].count("script") == 1
    (div_attrs,) = [a for t, a in page.tags if t == "div"]
    assert div_attrs == {"class": "vega-chart", "role": "img", "aria-label": alt_text}
    (script_attrs,) = [a for t, a in page.tags if t == "script"]
    assert script_attrs == {"type": "application/vnd.vegalite+json"}
    spec = json.loads(page.scripts[0])  # the \u003c escapes are plain JSON escapes
    assert spec == display.spec
    assert spec["description"] == alt_text
    (values,) = spec["datasets"].values()
    assert values[0]["label"] == INJECTION
    assert "</script><script>" not in page.scripts[0]


def test_html_loads_nothing_from_the_network():
    chart, _ = hostile_chart()
    html = show_chart(chart, alt_text="x", csv_name="t.csv").html
    assert "<script src" not in html.lower()
    assert not re.search(r"cdn|jsdelivr|unpkg", html, flags=re.I)
    # the only URL is the $schema identifier, which vega-embed reads but never fetches
    assert set(re.findall(r"https?://[^\"\\ ]+", html)) == {f"https://vega.github.io/schema/vega-lite/{alt.SCHEMA_VERSION}.json"}


def test_script_safe_json_escapes_markup_characters_and_sorts_keys():
    text = script_safe_json({"b": "</script>", "a": "x & y"})
    assert text == '{"a":"x \\u0026 y","b":"\\u003c/script\\u003e"}'
    with pytest.raises(ValueError):
        script_safe_json({"a": float("nan")})


def test_csv_link_decodes_to_the_frame_behind_the_chart():
    chart, frame = hostile_chart()
    display = show_chart(chart, alt_text="x", csv_name="points.csv")
    page = _Page()
    page.feed(display.html)
    (link,) = [a for t, a in page.tags if t == "a"]
    assert link["download"] == "points.csv"
    prefix = "data:text/csv;charset=utf-8;base64,"
    assert link["href"].startswith(prefix)
    decoded = pd.read_csv(io.BytesIO(base64.b64decode(link["href"][len(prefix):])), keep_default_na=False)
    pd.testing.assert_frame_equal(decoded, frame, check_dtype=False)
    assert "Download the data behind this figure (CSV)" in display.html


def test_multi_dataset_charts_need_their_frame(forest_frame):
    chart = forest_plot(forest_frame, measure_label="Change")
    with pytest.raises(ValueError, match="data=frame"):
        show_chart(chart, alt_text="x", csv_name="f.csv")
    display = show_chart(chart, alt_text="x", csv_name="f.csv", data=forest_frame)
    pd.testing.assert_frame_equal(pd.read_csv(io.BytesIO(display.csv)), forest_frame, check_dtype=False)


def test_svg_uses_the_vega_lite_version_of_altair_and_is_deterministic(forest_frame):
    assert vega_lite_version() == ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    first = show_chart(forest_plot(forest_frame, measure_label="Change"), alt_text="x", csv_name="f.csv", data=forest_frame)
    second = show_chart(forest_plot(forest_frame, measure_label="Change"), alt_text="x", csv_name="f.csv", data=forest_frame)
    assert first.svg.startswith("<svg")
    assert first.svg == second.svg
    assert first.html == second.html
    assert "Study A" in first.svg and "Subtotal" in first.svg


def test_svg_escapes_data_text():
    chart, _ = hostile_chart()
    svg = show_chart(chart, alt_text="x", csv_name="t.csv").svg
    assert "<script" not in svg


def test_export_uses_the_book_theme_whatever_theme_is_active():
    chart, _ = hostile_chart()
    with alt.theme.enable("dark"):
        spec = show_chart(chart, alt_text="x", csv_name="t.csv").spec
    assert spec["config"]["font"] == FONT
    assert spec["background"] == "white"


def test_bad_arguments():
    chart, _ = hostile_chart()
    with pytest.raises(ValueError, match="alt_text"):
        show_chart(chart, alt_text="  ", csv_name="t.csv")
    with pytest.raises(ValueError, match="csv_name"):
        show_chart(chart, alt_text="x", csv_name="t.txt")
    with pytest.raises(ValueError, match="URL"):
        show_chart(alt.Chart("https://example.org/data.csv").mark_point().encode(x="a:Q"), alt_text="x",
                   csv_name="t.csv", data=pd.DataFrame({"a": [1]}))


def test_a_url_inside_a_layer_is_rejected_too():
    inline = alt.Chart(pd.DataFrame({"a": [1.0]})).mark_point().encode(x="a:Q")
    remote = alt.Chart("https://example.org/data.csv").mark_point().encode(x="a:Q")
    with pytest.raises(ValueError, match="URL"):
        show_chart(alt.layer(inline, remote), alt_text="x", csv_name="t.csv", data=pd.DataFrame({"a": [1]}))
