"""Every page at a phone's, a small laptop's and a desktop's width (390, 1024, 1440 px; issue #12):
no chart wider than its box, no page that scrolls sideways, every chart drawn, no console warning or
error, and no accessibility violation found by axe-core (through axe-playwright-python)."""
from __future__ import annotations

import pytest

from tests.browser.chromium import open_page, screenshot_path
from tests.browser.site_pages import CHAPTER_PAGES, chart_states, wait_for_charts

pytestmark = [pytest.mark.browser, pytest.mark.render]

WIDTHS = (390, 1024, 1440)
NARROW_LAYOUT_PX = 360  # analysis/report/figures/responsive.py WEB_WIDTHS: 340 fits a phone's 358 px column
WIDE_LAYOUT_PX = 760  # and 760 or 900 a desktop's

# Each chart's box and drawing, and the page's scroll width against its viewport.
_GEOMETRY = """() => ({
  viewport: document.documentElement.clientWidth,
  scrollWidth: document.documentElement.scrollWidth,
  charts: Array.from(document.querySelectorAll("div.vega-chart")).map((div, index) => {
    const box = div.getBoundingClientRect();
    const svg = div.querySelector("svg");
    const drawn = svg ? svg.getBoundingClientRect() : null;
    return {index, label: (div.getAttribute("aria-label") || "").slice(0, 60), box: box.width, right: box.right,
            drawing: drawn ? drawn.width : 0, drawingRight: drawn ? drawn.right : 0, layout: div.dataset.layout || ""};
  }),
})"""


def _warnings(page) -> list[str]:
    found = []
    def record(msg):
        where = msg.location.get("url", "")
        if msg.type in ("warning", "error") and not where.endswith("/favicon.ico"):  # the browser's own request
            found.append(f"{msg.type}: {msg.text} ({where})")

    page.on("console", record)
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_charts_fit_their_box_and_pages_do_not_scroll_sideways(chromium_browser, site_url, width):
    context = chromium_browser.new_context(viewport={"width": width, "height": 900})
    try:
        visit = open_page(context)
        page = visit.page
        warnings = _warnings(page)
        problems = []
        for path in CHAPTER_PAGES:
            page.goto(site_url + path, wait_until="load")
            wait_for_charts(page)
            page.wait_for_timeout(300)  # a redraw for the box's width settles
            geometry = page.evaluate(_GEOMETRY)
            if geometry["scrollWidth"] > geometry["viewport"]:
                problems.append(f"{path}: the page scrolls sideways ({geometry['scrollWidth']} px > "
                                f"{geometry['viewport']} px)")
            for chart in geometry["charts"]:
                where = f"{path}, chart {chart['index'] + 1} ({chart['label']})"
                if chart["drawing"] > chart["box"] + 0.5 or chart["drawingRight"] > geometry["viewport"]:
                    problems.append(f"{where}: drawing {chart['drawing']:.0f} px in a {chart['box']:.0f} px box")
                # a chart laid out per width draws the layout made for its box: a narrow one on a phone
                if chart["layout"] and width == WIDTHS[0] and int(chart["layout"]) > NARROW_LAYOUT_PX:
                    problems.append(f"{where}: the {chart['layout']} px layout on a {width} px screen")
                if chart["layout"] and width == WIDTHS[-1] and int(chart["layout"]) < WIDE_LAYOUT_PX:
                    problems.append(f"{where}: the {chart['layout']} px layout on a {width} px screen")
            for state in chart_states(page):
                if not (state["svg"] and state["marks"]) or state["failure"]:
                    problems.append(f"{path}, chart {state['index'] + 1}: not drawn {state['failure']}")
            if width == WIDTHS[0] and path.endswith("02-skin.html"):
                page.screenshot(path=str(screenshot_path(f"layout-{width}-{path}")), full_page=True)
        problems += [f"console {w}" for w in warnings]
        assert problems == [], "\n".join(problems)
        assert visit.recorder.problems() == {}, visit.recorder.problems()
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_accessibility_violation(chromium_browser, site_url, width):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = chromium_browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        found = []
        for path in CHAPTER_PAGES:
            page.goto(site_url + path, wait_until="load")
            wait_for_charts(page)
            results = axe.run(page)
            for violation in results.response["violations"]:
                targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]][:3]
                found.append(f"{path}: {violation['id']} ({violation['impact']}): {violation['help']}; {targets}")
        assert found == [], "\n".join(found)
    finally:
        context.close()
