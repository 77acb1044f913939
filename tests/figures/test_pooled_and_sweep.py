"""summary_plot (published values), leave_one_out_plot and line_chart_sweep specs."""
import pandas as pd
import pytest

from analysis.report.figures.pooled import PUBLISHED_SUBTITLE, leave_one_out_plot, summary_plot
from analysis.report.figures.sweep import line_chart_sweep
from tests.figures.spec_tools import all_transforms, rows, unit_views, views_of


def published() -> pd.DataFrame:
    # values as printed in Ma et al. 2024 (Results 3.3 and 3.6), including the ruxolitinib
    # line whose interval, as printed once in the text, does not contain the sign of its estimate
    frame = pd.DataFrame([
        dict(row_order=1, label="CDASI, all studies", panel="Change in CDASI (points)", estimate=-17.67,
             ci_low=-20.94, ci_high=-14.41, null_value=0.0, tier="paper", log_scale=False),
        dict(row_order=2, label="CDASI, ruxolitinib (as printed)", panel="Change in CDASI (points)", estimate=20.0,
             ci_low=-34.9, ci_high=5.1, null_value=0.0, tier="paper", log_scale=False),
        dict(row_order=3, label="Survival", panel="Risk ratio", estimate=0.48, ci_low=0.27, ci_high=0.86,
             null_value=1.0, tier="paper", log_scale=True),
    ])
    return frame


def test_summary_plot_is_titled_as_published_not_regenerated():
    spec = summary_plot(published()).to_dict()
    assert spec["title"]["subtitle"] == [PUBLISHED_SUBTITLE]
    assert "not regenerated" in PUBLISHED_SUBTITLE
    assert [p["title"]["text"] for p in spec["vconcat"]] == [["Change in CDASI (points)"], ["Risk ratio"]]


def test_summary_plot_has_one_axis_per_panel_with_its_null_value():
    spec = summary_plot(published()).to_dict()
    cdasi, ratio = spec["vconcat"]
    null_rules = [[v for v in views_of(p, "rule") if "value" in v["encoding"]["y"]] for p in (cdasi, ratio)]
    assert [rows(spec, r[0]) for r in null_rules] == [[{"x": 0.0}], [{"x": 1.0}]]
    assert null_rules[1][0]["encoding"]["x"]["scale"]["type"] == "log"
    (points,) = views_of(cdasi, "point")
    assert [(r["estimate"], r["ci_low"], r["ci_high"]) for r in rows(spec, points)] == [
        (-17.67, -20.94, -14.41), (20.0, -34.9, 5.1)]
    assert all(v["encoding"]["color"]["scale"] is None for v in views_of(spec, "point"))


def test_summary_plot_accepts_only_paper_values_and_one_null_per_panel():
    frame = published()
    frame.loc[0, "tier"] = "derived"
    with pytest.raises(ValueError, match="expected one of \\['paper'\\]"):
        summary_plot(frame)
    frame = published()
    frame.loc[1, "null_value"] = 1.0
    with pytest.raises(ValueError, match="same on every row of panel"):
        summary_plot(frame)


def leave_one_out() -> pd.DataFrame:
    return pd.DataFrame([
        dict(row_order=1, label="Without A", row_type="omitted", estimate=-17.0, ci_low=-20.0, ci_high=-14.0,
             tier="derived"),
        dict(row_order=2, label="Without B", row_type="omitted", estimate=-18.2, ci_low=-21.2, ci_high=-15.2,
             tier="derived"),
        dict(row_order=4, label="All studies", row_type="overall", estimate=-17.67, ci_low=-20.94, ci_high=-14.41,
             tier="derived"),
    ])


def test_leave_one_out_has_a_dashed_line_at_the_overall_estimate_and_a_diamond():
    spec = leave_one_out_plot(leave_one_out(), measure_label="Change in CDASI").to_dict()
    dashed = [v for v in views_of(spec, "rule") if v["mark"].get("strokeDash")]
    assert len(dashed) == 1 and rows(spec, dashed[0]) == [{"x": -17.67}]
    (area,) = views_of(spec, "area")
    xs = [r["x"] for r in rows(spec, area)]
    assert (min(xs), max(xs)) == (-20.94, -14.41)
    header_y = min(r["y"] for v in views_of(spec, "text") for r in rows(spec, v))
    headers = [r["text"] for v in views_of(spec, "text") for r in rows(spec, v) if r["y"] == header_y]
    assert sorted(headers) == ["Pooled estimate (95% CI)", "Study omitted"]


def test_leave_one_out_needs_exactly_one_overall_row():
    frame = leave_one_out()
    frame.loc[2, "row_type"] = "omitted"
    with pytest.raises(ValueError, match="exactly one 'overall' row"):
        leave_one_out_plot(frame, measure_label="x")


def sweep_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "r": [0.9, 0.1, 0.5],
        "estimate": [-17.7, -17.6, -17.65],
        "low": [-18.5, -25.0, -21.0],
        "high": [-17.0, -10.0, -14.0],
    })


def test_sweep_draws_band_line_points_and_reference_lines():
    spec = line_chart_sweep(sweep_frame(), "r", "estimate", "low", "high", x_title="Assumed r",
                            y_title="Pooled change", null_value=0, reference_x=0.5).to_dict()
    (band,) = views_of(spec, "area")
    assert (band["encoding"]["y"]["field"], band["encoding"]["y2"]["field"]) == ("low", "high")
    assert [r["r"] for r in rows(spec, band)] == [0.1, 0.5, 0.9]  # sorted by x in Python
    assert views_of(spec, "line") and views_of(spec, "point")[0]["encoding"]["tooltip"]
    rules = {tuple(v["encoding"]): rows(spec, v) for v in views_of(spec, "rule")}
    assert rules == {("y",): [{"null_value": 0.0}], ("x",): [{"reference_x": 0.5}]}
    assert all_transforms(spec) == []


def test_sweep_series_use_okabe_ito_and_bad_rows_are_reported():
    frame = pd.concat([sweep_frame().assign(outcome="CDASI"), sweep_frame().assign(outcome="MMT")])
    spec = line_chart_sweep(frame, "r", "estimate", "low", "high", x_title="r", y_title="y", series="outcome").to_dict()
    assert unit_views(spec)[0]["encoding"]["color"]["scale"]["domain"] == ["CDASI", "MMT"]
    bad = sweep_frame()
    bad.loc[0, "estimate"] = -30.0
    with pytest.raises(ValueError, match="expected low <= estimate <= high"):
        line_chart_sweep(bad, "r", "estimate", "low", "high", x_title="r", y_title="y")
