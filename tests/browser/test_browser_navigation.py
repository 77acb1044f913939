"""Moving around the built book as a reader does: links, previous/next, and the search box."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest

from tests.browser.chromium import open_page
from tests.browser.site_pages import CHAPTER_PAGES, distinctive_query, links_and_ids, page_path, page_title, reading_text

pytestmark = [pytest.mark.browser, pytest.mark.render]


def test_every_internal_link_reaches_an_existing_file_and_anchor(browser_context, site_url):
    visit = open_page(browser_context)
    ids: dict[str, set[str]] = {}
    links: list[tuple[str, dict]] = []
    to_visit = list(CHAPTER_PAGES)
    while to_visit:
        path = to_visit.pop(0)
        if path in ids:
            continue
        visit.page.goto(site_url + path, wait_until="load")
        found = links_and_ids(visit.page)
        ids[path] = set(found["ids"])
        for link in found["links"]:
            links.append((path, link))
            if link["href"].startswith(site_url):
                target = page_path(link["href"], site_url)
                if target.endswith(".html") and target not in ids:
                    to_visit.append(target)

    broken = []
    checked_files: dict[str, int] = {}
    for source, link in links:
        href, raw = link["href"], link["raw"]
        if not href.startswith(site_url):
            continue  # data: downloads (tested on their own) and links out of the book (never fetched)
        where = f"{source}: link {link['text'][:60]!r} -> {raw!r}"
        if raw.startswith(("/", "file:", "http:", "https:")):
            broken.append(f"{where}: not a relative link, so it breaks when the site is served from a sub-folder")
        target = page_path(href, site_url)
        if target not in ids:
            if target not in checked_files:
                checked_files[target] = visit.page.request.get(site_url + target).status
            if checked_files[target] != 200:
                broken.append(f"{where}: {target} answers HTTP {checked_files[target]}")
                continue
        fragment = unquote(urlsplit(href).fragment)
        if fragment and target.endswith(".html") and fragment not in ids.get(target, set()):
            broken.append(f"{where}: {target} has no element with id {fragment!r}")
    assert len(links) > len(CHAPTER_PAGES), "hardly any links were found: the crawl did not work"
    assert broken == [], "broken links:\n" + "\n".join(broken)
    assert visit.recorder.problems() == {}, visit.recorder.problems()


def test_next_and_previous_links_walk_the_book_in_order(browser_context, site_url):
    visit = open_page(browser_context, site_url + CHAPTER_PAGES[0])
    forward = [page_path(visit.page.url, site_url)]
    while visit.page.locator("a.nav-page-next").count():
        visit.page.click("a.nav-page-next")
        visit.page.wait_for_load_state("load")
        forward.append(page_path(visit.page.url, site_url))
        assert len(forward) <= len(CHAPTER_PAGES), f"the next links loop: {forward}"
    backward = [forward[-1]]
    while visit.page.locator("a.nav-page-previous").count():
        visit.page.click("a.nav-page-previous")
        visit.page.wait_for_load_state("load")
        backward.append(page_path(visit.page.url, site_url))
        assert len(backward) <= len(CHAPTER_PAGES), f"the previous links loop: {backward}"
    assert forward == list(CHAPTER_PAGES)
    assert backward == list(reversed(CHAPTER_PAGES))


def test_the_search_box_finds_the_chapter_that_contains_a_word(browser_context, site_url):
    visit = open_page(browser_context)
    texts, titles = {}, {}
    for path in CHAPTER_PAGES:
        visit.page.goto(site_url + path, wait_until="load")
        texts[path], titles[path] = reading_text(visit.page), page_title(visit.page)

    queries = {path: distinctive_query(texts, titles, path) for path in CHAPTER_PAGES}
    assert all(queries.values()), f"pages with no word or title-and-word pair of their own: " \
                                  f"{[p for p, q in queries.items() if not q]}"
    for i, (target, terms) in enumerate(queries.items()):
        query = " ".join(terms)
        start = CHAPTER_PAGES[(i + 1) % len(CHAPTER_PAGES)]  # search from another page (another folder depth too)
        visit.page.goto(site_url + start, wait_until="load")
        visit.page.fill("#search-input", query)
        visit.page.wait_for_selector("#search-results li", timeout=10_000)
        hits = visit.page.eval_on_selector_all("#search-results li.result-page > a", "links => links.map(a => a.href)")
        hit_pages = [page_path(h, site_url) for h in hits]
        assert hit_pages, f"searching {query!r} from {start} found nothing; only {target} holds it"
        # Pagefind stems words ("discontinuations" also finds "discontinued"), so a page with many
        # words of the same stem may rank above the one page that holds the very word: it must be found.
        assert target in hit_pages, f"searching {query!r} (held only by {target}) found {hit_pages}"
        visit.page.locator("#search-results li.result-page > a").nth(hit_pages.index(target)).click()
        visit.page.wait_for_load_state("networkidle")  # the page marks the searched words (a script it loads)
        assert page_path(visit.page.url, site_url) == target
    assert visit.recorder.problems() == {}, visit.recorder.problems()
