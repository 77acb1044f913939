"""Forest plot specs checked against the hand-made frame in conftest.py."""
import pandas as pd
import pytest

from analysis.report.figures.forest import DIAMOND_HALF_HEIGHT, LINE_PX, forest_plot
from analysis.report.figures.responsive import PRINT_TEXT_WIDTH_PT, PRINT_WIDTH
from analysis.report.figures.theme import TIER_STYLES, use_book_theme
from tests.figures.spec_tools import all_transforms, mark_type, rows, unit_views, views_of


@pytest.fixture
def spec(forest_frame):
    use_book_theme()
    return forest_plot(forest_frame, measure_label="Change in CDASI (points)", title="CDASI").to_dict()


def plot_panel(spec):
    """The forest plot is one layered view: marks on the x scale, text placed in px."""
    return spec


def texts(spec) -> list[dict]:
    return [r for v in views_of(spec, "text") for r in rows(spec, v)]


def text_at(spec, y) -> list[str]:
    return [r["text"] for r in sorted(texts(spec), key=lambda r: r["x"]) if r["y"] == y]


def test_one_view_as_wide_as_asked_with_column_headers(forest_frame):
    use_book_theme()
    wide = forest_plot(forest_frame, measure_label="x", title="CDASI").layout(900).to_dict()
    assert wide["width"] == 900 and "hconcat" not in wide
    header_y = min(r["y"] for r in texts(wide))
    assert text_at(wide, header_y) == ["Study", "n", "Estimate (95% CI)", "Weight"]
    assert wide["title"]["text"] == ["CDASI"]
    assert all(r["x"] <= 900 for r in texts(wide))


def test_text_columns_show_the_frame_values(spec):
    shown = [r["text"] for r in texts(spec)]
    for label in ["Tofacitinib", "Study A", "Study B", "Study C", "Subtotal", "Overall", "Prediction interval"]:
        assert label in shown
    for value in ["10", "11", "16", "40.0%", "20.0%", "60.0%", "100.0%", "-18.50 (95% CI -26.00 to -11.00)",
                  "not available", "-11.20 (95% CI -21.50 to -0.90)", "[-25.00 to -9.00]"]:
        assert value in shown, value
    bold = [r["text"] for v in views_of(spec, "text") if v["mark"].get("fontWeight") == "bold" for r in rows(spec, v)]
    assert {"Tofacitinib", "Subtotal", "Overall"} <= set(bold) and "Study A" not in bold


def test_narrow_layout_puts_the_numbers_under_each_label(forest_frame):
    narrow = forest_plot(forest_frame, measure_label="x").layout(340).to_dict()
    shown = [r["text"] for r in texts(narrow)]
    assert "n = 10; -18.50 (95% CI -26.00 to -11.00); weight 40.0%" in " ".join(shown) or \
        any(t.startswith("n = 10;") for t in shown)
    assert all(r["x"] <= 340 for r in texts(narrow))


def test_ci_lines_and_squares_come_from_the_frame(spec):
    (ci_rule,) = [v for v in views_of(spec, "rule") if v["encoding"]["x"]["field"] == "ci_low"]
    assert ci_rule["encoding"]["x2"]["field"] == "ci_high"
    assert [(r["label"], r["ci_low"], r["ci_high"]) for r in rows(spec, ci_rule)] == [
        ("Study A", -26.0, -11.0), ("Study C", -21.5, -0.9)]
    (points,) = [v for v in views_of(spec, "point") if v["encoding"]["x"].get("field") == "estimate"]
    assert points["mark"]["shape"] == "square"  # squares for studies; diamonds only for pools
    assert {r["color"] for r in rows(spec, points)} == {TIER_STYLES["primary"].color, TIER_STYLES["recovered"].color}
    assert points["encoding"]["size"] == {"field": "marker_area", "scale": None, "type": "quantitative"}
    areas = {r["label"]: r["marker_area"] for r in rows(spec, points)}
    assert areas["Study A"] == pytest.approx(2 * areas["Study C"] - 20.0)  # area grows with the weight
    assert "Study B" not in areas  # no estimate: nothing drawn
    # the key below the axis: one square per tier drawn, in its colour, and the pooled diamond
    keys = [r for v in views_of(spec, "point") if "x" in v["encoding"] and v["encoding"]["x"].get("scale") is None
            for r in rows(spec, v)]
    assert [k["legend_text"].split(":")[0] for k in keys] == ["pooled estimate", "primary", "recovered"]


def test_diamonds_span_exactly_the_confidence_interval(spec, forest_frame):
    (area,) = views_of(spec, "area")
    vertices = pd.DataFrame(rows(spec, area))
    assert area["encoding"]["y2"]["field"] == "y_bottom" and area["encoding"]["detail"]["field"] == "diamond"
    for label, frame_row in forest_frame.set_index("label").loc[["Subtotal", "Overall"]].iterrows():
        v = vertices[vertices["label"] == label]
        assert v["x"].min() == frame_row["ci_low"]
        assert v["x"].max() == frame_row["ci_high"]
        tip = v.loc[(v["y_bottom"] - v["y_top"]).idxmax()]
        assert tip["x"] == frame_row["estimate"]
        assert tip["y_bottom"] - tip["y_top"] == pytest.approx(2 * DIAMOND_HALF_HEIGHT * LINE_PX)


def test_null_rule_sits_at_the_null_value_and_sides_are_labelled(forest_frame):
    spec = forest_plot(forest_frame, measure_label="Change", null_value=-5, better="lower").to_dict()
    null_rules = [v for v in views_of(spec, "rule") if "y" in v["encoding"] and "value" in v["encoding"]["y"]]
    assert len(null_rules) == 1
    assert rows(spec, null_rules[0]) == [{"x": -5.0}]
    shown = [r["text"] for r in texts(spec)]
    assert "Change" in shown and "\u2190 improvement" in shown and "worsening \u2192" in shown
    higher = forest_plot(forest_frame, measure_label="Change", better="higher").to_dict()
    left = [r for r in texts(higher) if r["text"].startswith("\u2190")]
    assert left[0]["text"] == "\u2190 worsening"


def test_prediction_interval_is_a_bar_from_pi_low_to_pi_high(spec):
    (bar,) = [v for v in views_of(spec, "rule") if v["encoding"]["x"]["field"] == "pi_low"]
    assert bar["encoding"]["x2"]["field"] == "pi_high"
    assert [(r["pi_low"], r["pi_high"]) for r in rows(spec, bar)] == [(-25.0, -9.0)]


def test_every_drawn_row_mark_has_a_tooltip(spec):
    for view in unit_views(spec):
        if mark_type(view) in ("text",) or "value" in view["encoding"].get("y", {}):
            continue
        titles = [t["title"] for t in view["encoding"]["tooltip"]]
        if titles == ["Key"]:
            continue
        assert titles[:5] == ["Row", "n", "Estimate (95% CI)", "Weight", "Provenance tier"], view
        assert "Source" in titles


def test_vega_computes_nothing(spec):
    assert all_transforms(spec) == []


def test_log_scale_for_ratios_has_symmetric_readable_ticks():
    frame = pd.DataFrame([
        dict(row_order=1, label="Fan 2022", row_type="study", estimate=0.5, ci_low=0.3, ci_high=0.9, tier="derived"),
        dict(row_order=2, label="Overall", row_type="overall", estimate=0.48, ci_low=0.27, ci_high=0.86, tier="paper"),
    ])
    spec = forest_plot(frame, measure_label="Risk ratio", null_value=1, log_scale=True).to_dict()
    x = spec["layer"][0]["encoding"]["x"]
    assert x["scale"]["type"] == "log" and x["scale"]["domain"] == [0.25, 4.0]
    assert x["axis"]["values"] == [0.25, 0.5, 1.0, 2.0, 4.0]
    assert rows(spec, spec["layer"][0]) == [{"x": 1.0}]
    header_y = min(r["y"] for r in texts(spec))
    assert text_at(spec, header_y) == ["Study", "Estimate (95% CI)"]  # no n or weight columns in the frame
    with pytest.raises(ValueError, match="null_value > 0"):
        forest_plot(frame, measure_label="Risk ratio", null_value=0, log_scale=True)


def test_same_frame_gives_the_same_spec(forest_frame):
    first = forest_plot(forest_frame, measure_label="x").to_json(sort_keys=True)
    assert forest_plot(forest_frame.copy(), measure_label="x").to_json(sort_keys=True) == first


def test_all_problems_are_reported_together(forest_frame):
    bad = forest_frame.copy()
    bad.loc[1, "ci_low"] = -10.0  # now ci_low > ci_high
    bad.loc[3, "tier"] = "guessed"
    bad.loc[4, "estimate"] = None
    with pytest.raises(ValueError) as error:
        forest_plot(bad, measure_label="x")
    message = str(error.value)
    assert "4 problem(s)" in message
    assert "row 1, column 'ci_low/ci_high', value (-10.0, -11.0): expected ci_low <= ci_high" in message
    assert "row 3, column 'tier', value 'guessed'" in message
    assert "row 4, column 'estimate', value nan: a subgroup row needs an estimate" in message
    assert "row 4, column 'estimate', value nan: CI bounds are given but the estimate is missing" in message


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['row_type', 'estimate'"):
        forest_plot(pd.DataFrame({"row_order": [1], "label": ["A"], "ci_low": [1.0], "ci_high": [2.0]}),
                    measure_label="x")


def test_a_drawn_row_needs_a_tier_and_pooled_rows_need_values():
    frame = pd.DataFrame([dict(row_order=1, label="A", row_type="study", estimate=1.0, ci_low=0.0, ci_high=2.0)])
    with pytest.raises(ValueError, match="provenance tier"):
        forest_plot(frame, measure_label="x")
    frame = pd.DataFrame([dict(row_order=1, label="Overall", row_type="overall", estimate=None, ci_low=None,
                               ci_high=None, tier="paper")])
    with pytest.raises(ValueError, match="needs an estimate"):
        forest_plot(frame, measure_label="x")


def test_printed_forest_text_is_at_least_8_pt(forest_frame):
    """The PDF draws a chart across the text width: PRINT_WIDTH px become PRINT_TEXT_WIDTH_PT."""
    import re

    import vl_convert

    from analysis.report.figures.display import show_chart

    shown = show_chart(forest_plot(forest_frame, measure_label="x", better="lower"), alt_text="Forest plot.",
                       csv_name="f.csv", data=forest_frame)
    width = float(re.search(r'<svg[^>]* width="([0-9.]+)"', shown.svg).group(1))
    sizes = [float(s) for s in re.findall(r'font-size="([0-9.]+)(?:px)?"', shown.svg)]
    sizes += [float(s) for s in re.findall(r"font-size:\s*([0-9.]+)px", shown.svg)]
    assert sizes, "no text in the printed chart"
    scale = PRINT_TEXT_WIDTH_PT / width
    assert min(sizes) * scale >= 8, (min(sizes), width)
    assert width <= PRINT_WIDTH + 40
    assert vl_convert  # the SVG is vl-convert's drawing of the print layout
