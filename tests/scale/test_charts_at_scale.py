"""Every chart whose size grows with the studies, built at a thousand times the book's studies (chart
building only: the chart functions on frames of that size, exported to Vega-Lite JSON in every layout).

The frames come from the book's own code on its data, with each study repeated: the risk-of-bias
frame from the data package with every study repeated 1,000 times (`tests/scale/synthetic.py`); the
forest, leave-one-out and r-sweep frames from the real study effects repeated 1,000 times (the
chapters' analyses on such a package take longer than a test should; `benchmarks/scale.py`
measures them). Each chart must switch to its layout for many rows: a drawing that stays a page's
size (its JSON no larger than at the book's size allows for), every number it summarises counted.
"""
from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from analysis.audit.bias import item_texts, risk_of_bias_long
from analysis.data import load
from analysis.domain.settings import PAPER_SETTINGS
from analysis.domain.sensitivity_grid import POOL_SERIES, public_leave_one_out, r_sweep, sweep_series
from analysis.domain.study_effects import study_effects
from analysis.format import fmt_int
from analysis.paths import DATA_DIR
from analysis.report.figures import forest_plot, leave_one_out_plot, line_chart_sweep, show_chart, traffic_light
from analysis.report.figures.risk_of_bias import MAX_GRID_STUDIES
from analysis.report.figures.row_limit import MAX_STUDY_ROWS
from analysis.report.forest_frames import forest_frame, leave_one_out_frame
from analysis.stats import pool
from tests.scale.synthetic import scaled_data

FACTOR = 1000
OUTCOME = "cdasi_activity"
#: the most bytes one layout's spec may take: a page's budget (benchmarks/README.md: 200 KB per page)
MAX_SPEC_BYTES = 200_000


def _repeated(effects: pd.DataFrame, factor: int) -> pd.DataFrame:
    """The effects with every row repeated ``factor`` times, copy i labelled "<label> (copy i)"."""
    copies = [effects.assign(label=effects["label"] + ("" if i == 0 else f" (copy {i})"),
                             study_id=effects["study_id"] + ("" if i == 0 else f"-copy{i}")) for i in range(factor)]
    return pd.concat(copies, ignore_index=True)


def _layouts(chart, frame: pd.DataFrame) -> list[str]:
    """The JSON of every layout a page embeds (each web width and the printed page)."""
    display = show_chart(chart, alt_text="A chart at scale.", csv_name="scale.csv", data=frame)
    specs = [display.spec_json, *(json.dumps(spec) for _, spec in display.narrower), json.dumps(display.print_spec)]
    for spec in specs:
        assert len(spec.encode("utf-8")) < MAX_SPEC_BYTES
    assert display.csv.decode("utf-8").count("\n") == len(frame) + 1  # the CSV keeps every row
    return specs


@pytest.fixture(scope="module")
def evidence():
    return load()


def test_the_risk_of_bias_chart_at_a_thousand_times_the_studies(tmp_path_factory):
    data = scaled_data(DATA_DIR, tmp_path_factory.mktemp("rob") / "data", FACTOR, verdicts="copied")
    scaled = load("risk_of_bias", "studies", data_dir=data)
    frame = risk_of_bias_long(scaled.risk_of_bias, item_texts(), scaled.study_labels())
    with (data / "risk_of_bias.csv").open(encoding="utf-8", newline="") as handle:
        tools = [row["tool"] for row in csv.DictReader(handle)]
    assert len(frame) > 5000  # above Altair's default limit
    specs = _layouts(traffic_light(frame), frame)
    for tool in set(tools):
        assert tools.count(tool) > MAX_GRID_STUDIES
        # each tool's part says how many studies it summarises
        assert all(f"{fmt_int(tools.count(tool))} studies, summarised per item" in spec for spec in specs)


def test_the_forest_plot_at_a_thousand_times_the_arms(evidence):
    effects = study_effects(evidence, OUTCOME)
    many = _repeated(effects, FACTOR)
    public = many[many["tier"] != "missing"]
    result = pool(public["yi"], public["vi"], labels=list(public["label"]), tau2_ci=None, **PAPER_SETTINGS.pool_options())
    frame = forest_frame(many, result, pooled_text="Pool of public inputs")
    n_study_rows = int((frame["row_type"] == "study").sum())
    assert n_study_rows == FACTOR * len(effects)
    for spec in _layouts(forest_plot(frame, measure_label="Change"), frame):
        # one run of study lines: the first MAX_STUDY_ROWS are drawn, a note counts the others
        assert f"... and {fmt_int(n_study_rows - MAX_STUDY_ROWS)} more study lines, not drawn" in spec
        assert "Pool of public inputs" in spec


def test_the_leave_one_out_plot_at_a_thousand_times_the_arms(evidence):
    public = study_effects(evidence, OUTCOME).query("tier != 'missing'")
    many = _repeated(public, FACTOR // 10)  # k pools of k - 1 arms: 300 arms keep the test short
    loo = public_leave_one_out(many)
    frame = leave_one_out_frame(loo)
    lowest, highest = min(r.estimate for r in loo.results), max(r.estimate for r in loo.results)
    for spec in _layouts(leave_one_out_plot(frame, measure_label="Change"), frame):
        assert f"... and {fmt_int(len(many) - MAX_STUDY_ROWS)} more omissions, not drawn" in spec
        values = json.loads(spec)
        drawn = [row.get("estimate") for rows in values["datasets"].values() for row in rows if "estimate" in row]
        # the omissions that move the pool most are among those drawn
        assert min(drawn) == pytest.approx(lowest) and max(drawn) == pytest.approx(highest)


def test_the_r_sweep_at_a_thousand_times_the_arms_that_need_r(evidence):
    sweep = r_sweep(evidence, OUTCOME)
    arms = sweep[sweep["series"] != POOL_SERIES]
    copies = [arms.assign(series=sweep_series(f"Arm {i}")) for i in range(FACTOR)]
    frame = pd.concat([sweep[sweep["series"] == POOL_SERIES], *copies], ignore_index=True)
    n_series = frame["series"].nunique() - 1
    label = f"{fmt_int(n_series)} arm changes that need r: median and range"
    chart = line_chart_sweep(frame, "r", "estimate", "ci_low", "ci_high", series="series", main_series=POOL_SERIES,
                             others_label=label, x_title="r", y_title="Change")
    for spec in _layouts(chart, frame):
        values = json.loads(spec)
        summary = [row for rows in values["datasets"].values() for row in rows if "median" in row]
        assert len(summary) == frame["r"].nunique() and all(row["n"] == n_series for row in summary)
        assert label in spec
    with pytest.raises(ValueError, match=f"data/outcomes.csv gives {n_series + 1}"):
        line_chart_sweep(frame, "r", "estimate", "ci_low", "ci_high", series="series", source="data/outcomes.csv",
                         x_title="r", y_title="Change")
