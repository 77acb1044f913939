"""What a reader of a Quarto or Jupyter Book site expects of the book, at phone (390 px) and desktop
(1440 px) widths: folding menus, a sticky sidebar and table of contents that marks the current section,
heading anchors, back to top, Pagefind search (typo-tolerant, keyboard, highlighting), previews of
cross-references and citations, the PDF's citation numbers, dark mode, printing, charts without
JavaScript, the footer, sharing metadata, and the code and data behind each figure."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.chromium import open_page, screenshot_path
from tests.browser.site_pages import CHAPTER_PAGES, DESKTOP, SIZES, page_path, wait_for_charts

pytestmark = [pytest.mark.browser, pytest.mark.render]

SKIN = "chapters/02-skin.html"


def _visible(page, selector: str) -> bool:
    return page.locator(selector).first.is_visible()


def test_the_menus_fold_on_a_phone_and_stay_open_on_a_desktop(sized, site_url):
    size, context = sized
    visit = open_page(context, site_url + SKIN)
    page = visit.page
    first_chapter = "#quarto-sidebar ol.chapter-list a"
    first_toc_link = "#TOC ul a"
    if size == "phone":
        assert not _visible(page, first_chapter), "the chapter list is open on a phone before it is asked for"
        assert not _visible(page, first_toc_link), "'On this page' is open on a phone before it is asked for"
        heading_top = page.eval_on_selector("#quarto-document-content h1", "h => h.getBoundingClientRect().top")
        assert heading_top < 420, f"the page's title starts {heading_top} px down on an 844 px phone screen"
        padding = page.eval_on_selector("#quarto-document-content h1", "h => h.getBoundingClientRect().left")
        assert padding >= 12, f"the text touches the screen's edge ({padding} px)"
        page.click("#chapter-menu > summary")
        assert _visible(page, first_chapter)
        page.keyboard.press("Tab")  # the summaries are reachable and work by keyboard too
        page.focus("#toc-details > summary")
        page.keyboard.press("Enter")
        assert _visible(page, first_toc_link)
    else:
        assert _visible(page, first_chapter) and _visible(page, first_toc_link)
        assert not _visible(page, "#chapter-menu > summary")
    page.screenshot(path=str(screenshot_path(f"site-menus-{size}")), full_page=False)
    assert visit.recorder.problems() == {}, visit.recorder.problems()


def test_the_sidebar_and_toc_stay_in_view_and_mark_the_current_section(site_url, chromium_browser):
    context = chromium_browser.new_context(viewport=DESKTOP)
    try:
        visit = open_page(context, site_url + SKIN)
        page = visit.page
        links = page.eval_on_selector_all("#TOC ul a", "as => as.map(a => a.getAttribute('href'))")
        assert len(links) >= 3, links
        target = links[2]
        page.eval_on_selector(target, "s => s.scrollIntoView({block: 'start'})")
        page.wait_for_function(f"() => document.querySelector('#TOC a.active')?.getAttribute('href') === '{target}'",
                               timeout=5_000)
        assert page.eval_on_selector("#TOC a.active", "a => a.getAttribute('aria-current')") == "location"
        sidebar = page.eval_on_selector("#quarto-sidebar", "s => s.getBoundingClientRect().toJSON()")
        toc = page.eval_on_selector("#TOC", "s => s.getBoundingClientRect().toJSON()")
        assert sidebar["top"] <= 1 and sidebar["bottom"] > 200, f"the sidebar scrolled away: {sidebar}"
        assert toc["top"] <= 1 and toc["bottom"] > 100, f"the table of contents scrolled away: {toc}"
        page.wait_for_selector("#back-to-top.visible")
        page.click("#back-to-top")
        page.wait_for_function("() => window.scrollY === 0")
        page.screenshot(path=str(screenshot_path("site-sticky-desktop")))
        assert visit.recorder.problems() == {}, visit.recorder.problems()
    finally:
        context.close()


def test_every_section_heading_has_an_anchor_link_to_itself(sized, site_url):
    _, context = sized
    visit = open_page(context)
    for path in CHAPTER_PAGES:
        visit.page.goto(site_url + path, wait_until="load")
        pairs = visit.page.eval_on_selector_all(
            "section > :is(h2, h3, h4, h5, h6)",
            "hs => hs.map(h => [h.id, h.querySelector('a.anchor-link')?.getAttribute('href') || ''])")
        assert pairs and all(ident for ident, _ in pairs), f"{path}: a section heading without an id: {pairs}"
        assert all(href == f"#{ident}" for ident, href in pairs), f"{path}: {pairs}"
    heading = visit.page.locator("section > h2[id]").first
    heading.hover()
    assert visit.page.locator("section > h2[id] a.anchor-link").first.evaluate("a => getComputedStyle(a).opacity") == "1"


def _search(page, query: str) -> str:
    page.fill("#search-input", query)
    page.wait_for_function("() => document.getElementById('search-status').textContent.includes('for')",
                           timeout=15_000)
    return page.text_content("#search-status")


def test_search_forgives_a_misspelt_drug_name_and_marks_it_on_the_page_it_opens(sized, site_url):
    size, context = sized
    visit = open_page(context, site_url + "chapters/01-methods.html")
    page = visit.page
    if size == "phone":
        assert _visible(page, "#search-input"), "the search box is hidden on a phone"
    status = _search(page, "ruxolitnib")
    assert "showing results for “ruxolitinib”" in status, status
    assert page.locator("#search-results li.result-page").count() >= 1
    excerpt = page.text_content("#search-results li mark")
    assert excerpt and excerpt.lower().startswith("ruxolitinib"), excerpt
    # Keyboard: arrow down to the first result, Enter opens it, the word is marked there.
    page.focus("#search-input")
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#search-results li:first-child", "aria-selected") == "true"
    assert page.get_attribute("#search-input", "aria-activedescendant") == page.get_attribute(
        "#search-results li:first-child", "id")
    expected = page.eval_on_selector("#search-results li:first-child a", "a => a.href")
    page.keyboard.press("Enter")
    page.wait_for_url(expected)
    assert "highlight=ruxolitinib" in page.url
    page.wait_for_selector("#quarto-document-content mark.pagefind-highlight", timeout=10_000)
    marked = page.eval_on_selector_all("mark.pagefind-highlight", "ms => ms.map(m => m.textContent.toLowerCase())")
    assert marked and all(m.startswith("ruxolitinib") for m in marked), marked
    page.screenshot(path=str(screenshot_path(f"site-search-highlight-{size}")))
    assert visit.recorder.problems() == {}, visit.recorder.problems()


def test_search_counts_every_match_in_relevance_order_with_snippets(site_url, browser_context):
    visit = open_page(browser_context, site_url + "index.html")
    status = _search(visit.page, "CDASI")
    match = re.search(r"(\d+) pages?(?:, (\d+) sections?)? for “CDASI”, best first", status)
    assert match, status
    pages, sections = int(match.group(1)), int(match.group(2) or 0)
    shown_pages = visit.page.locator("#search-results li.result-page").count()
    shown_sections = visit.page.locator("#search-results li.result-sub").count()
    assert (shown_pages, shown_sections) == (pages, sections), "the count and the list disagree"
    assert pages + sections > 20, f"CDASI appears in more than 20 sections of the book; {status}"
    first = page_path(visit.page.eval_on_selector("#search-results li.result-page a", "a => a.href"), site_url)
    assert first == SKIN, f"the CDASI chapter should come first, not {first}"
    snippets = visit.page.eval_on_selector_all("#search-results .result-excerpt", "es => es.map(e => e.textContent)")
    assert snippets and all(s.strip() for s in snippets[:5])
    visit.page.keyboard.press("Escape")
    assert visit.page.locator("#search-results li").count() == 0


def test_search_results_show_page_text_as_text_never_as_markup(site_url, browser_context):
    visit = open_page(browser_context, site_url + "index.html")
    _search(visit.page, "CDASI")
    markup = visit.page.eval_on_selector_all("#search-results .result-excerpt *",
                                             "es => es.map(e => e.tagName).filter(t => t !== 'MARK')")
    assert markup == [], f"search snippets hold elements other than <mark>: {markup}"


def test_cross_references_and_citations_show_a_preview_on_hover_and_on_focus(sized, site_url):
    size, context = sized
    visit = open_page(context, site_url + SKIN)
    page = visit.page
    xref = page.locator('#quarto-document-content p a[href^="#tbl-"]').first
    label = xref.text_content()
    xref.hover()
    page.wait_for_selector(".preview-popup", state="visible", timeout=5_000)
    assert label in page.text_content(".preview-popup"), "the preview does not show the table's caption"
    assert xref.get_attribute("aria-describedby") == "bookrender-preview"
    page.screenshot(path=str(screenshot_path(f"site-preview-xref-{size}")))
    page.keyboard.press("Escape")
    page.wait_for_selector(".preview-popup", state="detached")
    # The pointer leaves the text: focusing a link below scrolls the page, and a link that then comes under
    # a resting pointer is hovered, and rightly previewed instead.
    page.mouse.move(0, 0)
    # A cross-reference to another page is fetched and previewed; by keyboard (focus) this time.
    other = page.locator('#quarto-document-content a[href*=".html#sec-"], #quarto-document-content a[href*=".html#fig-"]')
    if other.count():
        other.first.focus()
        page.wait_for_selector(".preview-popup", state="visible", timeout=5_000)
        assert page.text_content(".preview-popup").strip()
        page.keyboard.press("Escape")
        page.wait_for_selector(".preview-popup", state="detached")
    citation = page.locator('a[role="doc-biblioref"]').first
    key = citation.get_attribute("href")[1:]
    citation.focus()
    page.wait_for_selector(".preview-popup", state="visible", timeout=5_000)
    entry = page.text_content(f'[id="{key}"] .csl-right-inline')
    assert page.text_content(".preview-popup").strip() == entry.strip()
    assert visit.recorder.problems() == {}, visit.recorder.problems()


def test_escape_cancels_a_preview_still_being_fetched(browser_context, site_url):
    """A reader who dismisses a preview before its page has arrived does not get it afterwards."""
    visit = open_page(browser_context, site_url + SKIN)
    page = visit.page
    other = page.locator('#quarto-document-content a[href*=".html#sec-"], #quarto-document-content a[href*=".html#fig-"]')
    assert other.count(), "the skin chapter has no cross-reference to another page"
    # Hold every fetch until released, so the Escape surely comes first.
    page.evaluate("""() => {
        const real = window.fetch.bind(window);
        window.__held = [];
        window.fetch = (url) => new Promise((resolve) => window.__held.push(() => resolve(real(url))));
    }""")
    other.first.focus()
    page.wait_for_function("window.__held.length === 1")
    page.keyboard.press("Escape")
    page.evaluate("window.__held.forEach((release) => release())")
    page.wait_for_timeout(500)
    assert page.locator(".preview-popup").count() == 0, "a dismissed preview appeared when its page arrived"
    assert other.first.get_attribute("aria-describedby") is None


def _pdf_text(site_dir: Path) -> str:
    import pypdf

    pdf = next(site_dir.glob("*.pdf"))
    return "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)


def test_reference_numbers_are_the_pdfs_on_every_page(site_url, site_dir, browser_context):
    squeeze = lambda text: re.sub(r"\s+", "", text)  # noqa: E731 - the PDF's lines break anywhere
    pdf = squeeze(_pdf_text(site_dir))
    refs = pdf[pdf.rfind("References"):]
    visit = open_page(browser_context)
    seen: dict[str, str] = {}
    for path in CHAPTER_PAGES:
        visit.page.goto(site_url + path, wait_until="load")
        entries = visit.page.eval_on_selector_all(
            "#refs .csl-entry", "es => es.map(e => [e.id, e.querySelector('.csl-left-margin').textContent, "
                                "e.querySelector('.csl-right-inline').textContent])")
        cites = visit.page.eval_on_selector_all(
            'a[role="doc-biblioref"]', "as => as.map(a => [a.getAttribute('href').slice(1), a.textContent])")
        if not cites:
            assert not entries, f"{path} lists references it does not cite"
            continue
        assert visit.page.locator("h2#references").text_content().startswith("References")
        assert visit.page.locator("#refs").count() == 1, f"{path}: one reference list per page"
        numbers = {ident: number.strip().rstrip(".") for ident, number, _ in entries}
        assert {ident for ident, _ in cites} == set(numbers), f"{path}: cited and listed references differ"
        for ident, text in cites:
            assert text == numbers[ident] or "–" in text or "-" in text, (path, ident, text, numbers[ident])
        for ident, number, text in entries:
            assert squeeze(f"{number.strip()}{text[:40]}") in refs, \
                f"{path}: reference {number.strip()} ({text[:60]}…) is not number {number.strip()} in the PDF"
            assert seen.setdefault(ident, number) == number, f"{ident} has two numbers across pages"
    assert seen, "no page cites anything"
    # Issue #13's example: Paik 2021 is [6] in the PDF, and so on the skin page.
    assert seen.get("ref-paik2021", "").strip() == "6."


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_the_theme_follows_the_system_and_the_toggle_is_remembered(site_url, chromium_browser, scheme, size):
    context = chromium_browser.new_context(viewport=SIZES[size], color_scheme=scheme)
    try:
        visit = open_page(context, site_url + SKIN)
        page = visit.page
        background = lambda: page.evaluate("() => getComputedStyle(document.body).backgroundColor")  # noqa: E731
        dark = "rgb(20, 23, 29)"
        assert (background() == dark) == (scheme == "dark"), background()
        assert page.get_attribute("#theme-toggle", "aria-pressed") == ("true" if scheme == "dark" else "false")
        page.click("#theme-toggle")
        assert (background() == dark) == (scheme != "dark")
        page.reload(wait_until="load")
        assert (background() == dark) == (scheme != "dark"), "the reader's choice was forgotten"
        wait_for_charts(page)
        page.screenshot(path=str(screenshot_path(f"site-theme-{'light' if scheme == 'dark' else 'dark'}-{size}")))
        assert visit.recorder.problems() == {}, visit.recorder.problems()
    finally:
        context.close()


def test_printing_shows_the_page_without_navigation_and_points_to_the_pdf(sized, site_url):
    size, context = sized
    visit = open_page(context, site_url + SKIN)
    page = visit.page
    wait_for_charts(page)
    page.emulate_media(media="print")
    for hidden in ("#quarto-sidebar", "#TOC", "#quarto-header", ".page-navigation", ".chart-download", ".back-to-top"):
        assert not _visible(page, hidden), f"{hidden} is printed"
    assert _visible(page, ".print-note") and ".pdf" in page.text_content(".print-note")
    if size == "phone":
        return  # a phone prints at the paper's width, not at 390 px: the widths are checked on the desktop
    overflow = page.evaluate("""() => Array.from(document.querySelectorAll('#quarto-document-content table, .vega-chart svg'))
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length""")
    assert overflow == 0, f"{overflow} tables or charts are wider than the printed page"


@pytest.mark.parametrize("size", list(SIZES))
def test_charts_show_their_static_svg_without_javascript(site_url, chromium_browser, size):
    context = chromium_browser.new_context(viewport=SIZES[size], java_script_enabled=False)
    try:
        visit = open_page(context, site_url + SKIN)
        page = visit.page
        charts = page.locator("div.vega-chart").count()
        fallbacks = page.eval_on_selector_all(
            "img.chart-fallback", "is => is.map(i => [i.complete && i.naturalWidth > 0, i.alt])")
        assert charts and len(fallbacks) == charts, f"{charts} charts, {len(fallbacks)} static images"
        assert all(ok and alt for ok, alt in fallbacks), fallbacks
        assert _visible(page, "#quarto-sidebar ol.chapter-list a"), "without JavaScript the chapter list must show"
        page.screenshot(path=str(screenshot_path(f"site-no-javascript-{size}")), full_page=False)
        assert visit.recorder.problems() == {}, visit.recorder.problems()
    finally:
        context.close()


def test_pages_have_a_footer_a_description_and_the_code_and_data_behind_the_page(sized, site_url):
    _, context = sized
    visit = open_page(context)
    page = visit.page
    for path in CHAPTER_PAGES:
        page.goto(site_url + path, wait_until="load")
        description = page.get_attribute('meta[name="description"]', "content")
        assert description and len(description) > 30, f"{path}: description {description!r}"
        assert page.get_attribute('meta[property="og:title"]', "content")
        assert "version" in page.text_content("#quarto-footer")
    page.goto(site_url + SKIN, wait_until="load")
    # Each figure's and table's own code and data: tests/browser/test_browser_made_by.py
    links = page.eval_on_selector_all("details.page-provenance a", "as => as.map(a => [a.textContent, a.href])")
    texts = [t for t, _ in links]
    assert "chapters/02-skin.qmd" in texts and any(t.endswith(".csv") for t in texts) and any(
        t.endswith(".py") for t in texts), texts
    for _, href in links[:8]:
        assert page.request.get(href).status == 200, href


