"""Every page of the built book in Chromium: it loads cleanly, stays on 127.0.0.1, draws every
chart, and leaves a full-page screenshot in test-artifacts/screenshots/ for a person to look at."""
from __future__ import annotations

import pytest

from tests.browser.chromium import open_page, screenshot_path
from tests.browser.site_pages import CHAPTER_PAGES, chart_states, page_path, wait_for_charts

pytestmark = [pytest.mark.browser, pytest.mark.render]


def test_the_sidebar_lists_every_chapter_in_book_order(browser_context, site_url):
    visit = open_page(browser_context, site_url + "index.html")
    hrefs = visit.page.eval_on_selector_all("#quarto-sidebar ol.chapter-list a", "links => links.map(a => a.href)")
    assert [page_path(h, site_url) for h in hrefs] == list(CHAPTER_PAGES), (
        "the sidebar must list the chapters of _quarto.yml, in order")


@pytest.mark.parametrize("path", CHAPTER_PAGES)
def test_the_page_loads_cleanly_and_draws_every_chart(browser_context, site_url, path):
    visit = open_page(browser_context)
    response = visit.page.goto(site_url + path, wait_until="load")
    assert response is not None and response.status == 200, f"{path}: {response and response.status}"
    visit.page.wait_for_load_state("networkidle")
    wait_for_charts(visit.page)
    visit.page.screenshot(path=str(screenshot_path(path)), full_page=True)

    assert visit.recorder.problems() == {}, f"{path} did not load cleanly: {visit.recorder.problems()}"
    assert visit.recorder.requested_urls, "the recorder saw no request at all: it is not attached"
    for chart in chart_states(visit.page):
        name = f"{path}, chart {chart['index'] + 1} ({chart['label'][:80]!r})"
        assert not chart["specError"], f"{name}: its Vega-Lite spec is not valid JSON: {chart['specError']}"
        assert not chart["failure"], f"{name}: {chart['failure']}"
        assert (chart["svg"] and chart["marks"] > 0) or chart["canvas"], (
            f"{name} was not drawn: no SVG with marks and no canvas in its container")
