"""The built book (tests/conftest.py `built_book`) served on 127.0.0.1, and Chromium."""
from __future__ import annotations

import pytest

from tests.browser.chromium import browser_context, chromium_browser, serve  # noqa: F401 - fixtures used by the tests


@pytest.fixture(scope="session")
def site_dir(built_book):
    return built_book.output_dir


@pytest.fixture(scope="session")
def site_url(site_dir):
    """The built site on http://127.0.0.1:<port>/, for the whole session."""
    with serve(site_dir) as url:
        yield url
