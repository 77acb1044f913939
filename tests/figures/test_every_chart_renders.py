"""Every chart function gives a valid spec that vl-convert turns into the same SVG twice."""
import pandas as pd
import pytest

from analysis.report.figures import (forest_plot, leave_one_out_plot, line_chart_sweep, prisma_flow, show_chart,
                              summary_plot, tier_legend, traffic_light)
from tests.figures import test_pooled_and_sweep as pooled
from tests.figures import test_prisma as prisma
from tests.figures import test_risk_of_bias as rob


def builders(forest_frame):
    return {
        "forest": (lambda: forest_plot(forest_frame, measure_label="Change"), forest_frame),
        "summary": (lambda: summary_plot(pooled.published()), pooled.published()),
        "leave_one_out": (lambda: leave_one_out_plot(pooled.leave_one_out(), measure_label="x"), pooled.leave_one_out()),
        "sweep": (lambda: line_chart_sweep(pooled.sweep_frame(), "r", "estimate", "low", "high", x_title="r",
                                           y_title="y", null_value=0), pooled.sweep_frame()),
        "prisma": (lambda: prisma_flow(prisma.stages()), prisma.stages()),
        "prisma_side_arrows": (lambda: prisma_flow(prisma.stages_with_side_arrows()), prisma.stages_with_side_arrows()),
        "traffic_light": (lambda: traffic_light(rob.scores()), rob.scores()),
        "tier_legend": (lambda: tier_legend(), pd.DataFrame({"tier": ["primary"]})),
    }


@pytest.mark.parametrize("name", ["forest", "summary", "leave_one_out", "sweep", "prisma", "prisma_side_arrows", "traffic_light", "tier_legend"])
def test_chart_renders_deterministically(name, forest_frame):
    build, frame = builders(forest_frame)[name]
    first = show_chart(build(), alt_text=f"{name} chart", csv_name=f"{name}.csv", data=frame)
    second = show_chart(build(), alt_text=f"{name} chart", csv_name=f"{name}.csv", data=frame)
    assert first.spec["description"] == f"{name} chart"
    assert first.svg.startswith("<svg") and first.svg == second.svg
    assert first.html == second.html and first.csv == second.csv
    assert "param_" not in first.html and "view_" not in first.html  # no auto-numbered names
