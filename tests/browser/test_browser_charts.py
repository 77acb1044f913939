"""The forest plots are interactive: hovering a row's marker shows that row's tooltip.

A forest plot is recognised by its Vega-Lite spec's ``description`` (the chart's alt text), which
starts with "Forest plot". The book must have at least one: this test fails when it has none.
"""
from __future__ import annotations

import pytest

from tests.browser.chromium import open_page
from tests.browser.site_pages import CHAPTER_PAGES, FOREST_PREFIX, forest_chart_indexes, wait_for_charts

pytestmark = [pytest.mark.browser, pytest.mark.render]

TOOLTIP = "#vg-tooltip-element.visible"
# The row markers of a forest plot: the symbols of the plot's mark layers (not of its legend).
ROW_MARKERS = "svg g.mark-symbol.role-mark > path"


def test_hovering_a_forest_plot_row_shows_its_tooltip(browser_context, site_url):
    visit = open_page(browser_context)
    page = visit.page
    checked = []
    for path in CHAPTER_PAGES:
        page.goto(site_url + path, wait_until="load")
        wait_for_charts(page)
        for index in forest_chart_indexes(page):
            chart = page.locator("div.vega-chart").nth(index)
            markers = chart.locator(ROW_MARKERS)
            where = f"{path}, forest plot {index + 1}"
            assert markers.count() > 0, f"{where}: no row markers ({ROW_MARKERS}) were drawn"
            texts = []
            for m in range(markers.count()):
                page.mouse.move(0, 0)
                page.wait_for_selector(TOOLTIP, state="detached", timeout=5_000)  # the previous row's tooltip is gone
                markers.nth(m).hover(force=True)
                page.wait_for_selector(TOOLTIP, timeout=5_000)
                texts.append(" ".join(page.inner_text(TOOLTIP).split()))
            assert all(texts), f"{where}: an empty tooltip: {texts}"
            assert len(set(texts)) == len(texts), f"{where}: rows share a tooltip, so it does not follow the row: {texts}"
            checked.append(where)
    assert checked, (f"no forest plot on any page: no chart's Vega-Lite description starts with {FOREST_PREFIX!r} "
                     f"(pages: {', '.join(CHAPTER_PAGES)})")
    assert visit.recorder.problems() == {}, visit.recorder.problems()
