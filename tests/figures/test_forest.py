"""Forest plot specs checked against the hand-made frame in conftest.py."""
import pandas as pd
import pytest

from analysis.report.figures.forest import DIAMOND_HALF_HEIGHT, forest_plot
from analysis.report.figures.theme import TIER_STYLES, use_book_theme
from tests.figures.spec_tools import all_transforms, mark_type, rows, unit_views, views_of


@pytest.fixture
def spec(forest_frame):
    use_book_theme()
    return forest_plot(forest_frame, measure_label="Change in CDASI (points)", title="CDASI").to_dict()


def plot_panel(spec):
    (panel,) = [p for p in spec["hconcat"] if any(mark_type(v) == "area" for v in unit_views(p))]
    return panel


def test_panels_are_label_plot_n_estimate_weight(spec):
    titles = [p["title"]["text"] for p in spec["hconcat"]]
    assert titles == ["Study", " ", "n", "Estimate (95% CI)", "Weight"]
    assert spec["title"] == "CDASI"


def test_text_columns_show_the_frame_values(spec):
    label_panel, _, n_panel, est_panel, weight_panel = spec["hconcat"]
    label_rows = rows(spec, unit_views(label_panel)[0])
    assert [r["label"] for r in label_rows] == ["Tofacitinib", "Study A", "Study B", "Study C", "Subtotal", "Overall",
                                                "Prediction interval"]
    assert [r["n_text"] for r in label_rows] == ["", "10", "11", "16", "", "", ""]
    assert [r["weight_text"] for r in label_rows] == ["", "40.0%", "", "20.0%", "60.0%", "100.0%", ""]
    assert [r["est_ci_text"] for r in label_rows][1:4] == [
        "-18.50 (95% CI -26.00 to -11.00)", "not available", "-11.20 (95% CI -21.50 to -0.90)"]
    assert label_rows[-1]["est_ci_text"] == "[-25.00 to -9.00]"
    # headings and pooled rows are bold, others plain
    bold = [v for v in unit_views(label_panel) if v["mark"].get("fontWeight") == "bold"]
    assert bold[0]["transform"] == [{"filter": {"field": "row_type", "oneOf": ["heading", "subgroup", "overall"]}}]


def test_ci_lines_and_markers_come_from_the_frame(spec):
    panel = plot_panel(spec)
    (ci_rule,) = [v for v in views_of(panel, "rule") if v["encoding"]["x"]["field"] == "ci_low"]
    assert ci_rule["encoding"]["x2"]["field"] == "ci_high"
    assert [(r["label"], r["ci_low"], r["ci_high"]) for r in rows(spec, ci_rule)] == [
        ("Study A", -26.0, -11.0), ("Study C", -21.5, -0.9)]
    (points,) = views_of(panel, "point")
    enc = points["encoding"]
    assert enc["x"]["field"] == "estimate"
    # one scale for every drawn row (markers, diamonds, prediction bar), in the legend's order
    drawn_tiers = ["primary", "derived", "recovered"]
    assert enc["shape"]["scale"] == {"domain": drawn_tiers, "range": [TIER_STYLES[t].shape for t in drawn_tiers]}
    assert enc["color"]["scale"] == {"domain": drawn_tiers, "range": [TIER_STYLES[t].color for t in drawn_tiers]}
    assert enc["size"] == {"field": "marker_area", "scale": None, "type": "quantitative"}
    areas = {r["label"]: r["marker_area"] for r in rows(spec, points)}
    assert areas["Study A"] > areas["Study C"]  # 40% weight draws a bigger square than 20%
    assert "Study B" not in areas  # no estimate: nothing drawn


def test_diamonds_span_exactly_the_confidence_interval(spec, forest_frame):
    (area,) = views_of(plot_panel(spec), "area")
    vertices = pd.DataFrame(rows(spec, area))
    assert area["encoding"]["y2"]["field"] == "y_bottom" and area["encoding"]["detail"]["field"] == "diamond"
    for label, frame_row in forest_frame.set_index("label").loc[["Subtotal", "Overall"]].iterrows():
        v = vertices[vertices["label"] == label]
        assert v["x"].min() == frame_row["ci_low"]
        assert v["x"].max() == frame_row["ci_high"]
        tip = v.loc[(v["y_bottom"] - v["y_top"]).idxmax()]
        assert tip["x"] == frame_row["estimate"]
        assert tip["y_bottom"] - tip["y_top"] == pytest.approx(2 * DIAMOND_HALF_HEIGHT)
        assert (v["y_top"] + v["y_bottom"]).eq(2 * frame_row["row_order"]).all()  # centred on its row


def test_null_rule_sits_at_the_null_value(forest_frame):
    spec = forest_plot(forest_frame, measure_label="x", null_value=-5).to_dict()
    panel = plot_panel(spec)
    null_rules = [v for v in views_of(panel, "rule") if "y" not in v["encoding"]]
    assert len(null_rules) == 1
    assert rows(spec, null_rules[0]) == [{"x": -5.0}]
    assert panel["layer"][0]["encoding"]["x"]["title"] == "x"


def test_prediction_interval_is_a_bar_from_pi_low_to_pi_high(spec):
    (bar,) = [v for v in views_of(plot_panel(spec), "rule") if v["encoding"]["x"]["field"] == "pi_low"]
    assert bar["encoding"]["x2"]["field"] == "pi_high"
    assert [(r["pi_low"], r["pi_high"]) for r in rows(spec, bar)] == [(-25.0, -9.0)]


def test_every_drawn_mark_and_text_has_a_tooltip(spec):
    for view in unit_views(spec):
        is_null_rule = mark_type(view) == "rule" and "y" not in view["encoding"]
        if not is_null_rule:
            titles = [t["title"] for t in view["encoding"]["tooltip"]]
            assert titles[:5] == ["Row", "n", "Estimate (95% CI)", "Weight", "Provenance tier"], view
            assert "Source" in titles


def test_vega_computes_nothing(spec):
    assert all(set(t) == {"filter"} for t in all_transforms(spec))


def test_log_scale_for_ratios():
    frame = pd.DataFrame([
        dict(row_order=1, label="Fan 2022", row_type="study", estimate=0.5, ci_low=0.3, ci_high=0.9, tier="derived"),
        dict(row_order=2, label="Overall", row_type="overall", estimate=0.48, ci_low=0.27, ci_high=0.86, tier="paper"),
    ])
    spec = forest_plot(frame, measure_label="Risk ratio", null_value=1, log_scale=True).to_dict()
    panel = plot_panel(spec)
    assert panel["layer"][0]["encoding"]["x"]["scale"]["type"] == "log"
    assert rows(spec, panel["layer"][0]) == [{"x": 1.0}]
    # no n or weight columns in the frame -> no such panels
    assert [p["title"]["text"] for p in spec["hconcat"]] == ["Study", " ", "Estimate (95% CI)"]
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
