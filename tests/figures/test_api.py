import analysis.report.figures


def test_public_api_is_pinned():
    assert analysis.report.figures.__all__ == [
        "ChartDisplay", "ChartView", "TIERS", "TIER_STYLES", "forest_plot", "leave_one_out_plot", "line_chart_sweep",
        "prisma_flow", "show_chart", "summary_plot", "tier_legend", "traffic_light", "use_book_theme",
    ]
    for name in analysis.report.figures.__all__:
        assert hasattr(analysis.report.figures, name)
