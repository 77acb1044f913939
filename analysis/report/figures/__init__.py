"""Figures for the book: pure functions from tidy frames to Altair charts, and the display
object a chapter cell returns (HTML + CSV download for the site, SVG for the PDF)."""
from analysis.report.setup import allow_charts_of_any_size
from analysis.report.figures.display import ChartDisplay, ChartView, show_chart
from analysis.report.figures.forest import forest_plot
from analysis.report.figures.pooled import leave_one_out_plot, summary_plot
from analysis.report.figures.prisma import prisma_flow
from analysis.report.figures.risk_of_bias import traffic_light
from analysis.report.figures.sweep import line_chart_sweep
from analysis.report.figures.theme import TIER_STYLES, TIERS, tier_legend, use_book_theme

__all__ = [
    "ChartDisplay",
    "ChartView",
    "TIERS",
    "TIER_STYLES",
    "forest_plot",
    "leave_one_out_plot",
    "line_chart_sweep",
    "prisma_flow",
    "show_chart",
    "summary_plot",
    "tier_legend",
    "traffic_light",
    "use_book_theme",
]

allow_charts_of_any_size()  # the one place the row limit is lifted; why: analysis/report/setup.py
