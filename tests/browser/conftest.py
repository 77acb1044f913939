"""The built book (tests/conftest.py `built_book`) served on 127.0.0.1, and Chromium.

`BOOKRENDER_TEST_SITE=/path/to/_site` runs the browser tests against a site built beforehand
(for working on the site's look and behaviour without rebuilding the book each time)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.chromium import (  # noqa: F401 - fixtures used by the tests
    NAVIGATION_TIMEOUT_MS, browser_context, chromium_browser, serve)
from tests.browser.site_pages import SIZES


@pytest.fixture(scope="session")
def site_dir(request):
    prebuilt = os.environ.get("BOOKRENDER_TEST_SITE")
    if prebuilt:
        return Path(prebuilt)
    return request.getfixturevalue("built_book").output_dir


@pytest.fixture(scope="session")
def site_url(site_dir):
    """The built site on http://127.0.0.1:<port>/, for the whole session."""
    with serve(site_dir) as url:
        yield url


@pytest.fixture(params=list(SIZES), ids=list(SIZES))
def sized(request, chromium_browser):
    """A browser context at one of the two widths (the parameter's name)."""
    context = chromium_browser.new_context(viewport=SIZES[request.param], accept_downloads=True)
    context.set_default_timeout(NAVIGATION_TIMEOUT_MS)
    try:
        yield request.param, context
    finally:
        context.close()
