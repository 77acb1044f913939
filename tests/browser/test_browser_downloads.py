"""Every download link of the built book, clicked in Chromium: the PDF on every page, and each
table's or chart's CSV (a `data:` link) parses as CSV with a header and rows."""
from __future__ import annotations

import csv
import io

import pytest

from tests.browser.chromium import open_page
from tests.browser.site_pages import CHAPTER_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.render]

# Chromium asks before a page starts many downloads ("download multiple files"); a reader who
# clicks this often answers it, the test reloads the page instead.
DOWNLOADS_PER_LOAD = 5


def test_every_download_link_delivers_its_file(browser_context, site_url, site_dir, tmp_path):
    pdf = next(site_dir.glob("*.pdf"))  # the book's PDF in the site under test
    pdf_bytes = pdf.read_bytes()
    visit = open_page(browser_context)
    problems = []
    pdf_links = csv_links = 0
    for path in CHAPTER_PAGES:
        visit.page.goto(site_url + path, wait_until="load")
        if visit.page.locator("#download-pdf").count() != 1:
            problems.append(f"{path}: no 'Download PDF' link (#download-pdf) in the header")
        links = visit.page.locator("a[download]")
        for i in range(links.count()):
            if i and i % DOWNLOADS_PER_LOAD == 0:
                visit.page.goto(site_url + path, wait_until="load")
            link = links.nth(i)
            href, name = link.get_attribute("href"), link.get_attribute("download")
            where = f"{path}: download link {i + 1} ({href[:60]!r})"
            with visit.page.expect_download(timeout=15_000) as info:
                link.click()
            download = info.value
            saved = tmp_path / f"download-{pdf_links + csv_links}"
            download.save_as(saved)
            payload = saved.read_bytes()
            if href.startswith("data:"):
                csv_links += 1
                if not (name and name.endswith(".csv")) or download.suggested_filename != name:
                    problems.append(f"{where}: file name {download.suggested_filename!r}, attribute {name!r}")
                rows = list(csv.reader(io.StringIO(payload.decode("utf-8"))))
                widths = {len(r) for r in rows}
                if len(rows) < 2 or len(widths) != 1:
                    problems.append(f"{where}: not a CSV with a header and rows ({len(rows)} rows, widths {widths})")
            else:
                pdf_links += 1
                if download.suggested_filename != pdf.name or payload != pdf_bytes:
                    problems.append(f"{where}: got {download.suggested_filename!r} ({len(payload)} bytes), "
                                    f"expected the book's {pdf.name} ({len(pdf_bytes)} bytes)")
    assert pdf_links >= len(CHAPTER_PAGES), f"only {pdf_links} PDF links were clicked"
    assert problems == [], "\n".join(problems)
    assert visit.recorder.problems() == {}, visit.recorder.problems()
