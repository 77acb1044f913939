"""Drive Debian's Chromium with Playwright against a built site served on 127.0.0.1.

Playwright's own browser download does not work on the machines this book is built on, so the
tests launch `/usr/bin/chromium` (Debian's package). When it is missing the tests FAIL with the
command that installs it: a browser test never skips silently.

Public helpers:
- ``serve(folder)``: a context manager serving ``folder`` on ``http://127.0.0.1:<free port>/``;
- ``launch(playwright)``: Chromium with the headless flags that work in containers;
- ``PageRecorder``: records a page's console errors, uncaught exceptions, failed requests,
  error responses, every requested URL and every JavaScript dialog;
- ``screenshot_path(name)``: where a full-page screenshot goes (``test-artifacts/screenshots/``);
- ``open_page(context, url)``: a new page with a recorder attached before it loads;
- the fixtures ``chromium_browser`` (one per session) and ``browser_context`` (one per test).
"""
from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from analysis.paths import ROOT

__all__ = ["CHROMIUM", "INSTALL_COMMAND", "LAUNCH_ARGS", "LOCAL_HOST", "BrowserPage", "PageRecorder",
           "browser_context", "chromium_browser", "open_page", "launch", "require_chromium", "screenshot_path", "serve"]

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_COMMAND = "apt-get install -y chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOST = "127.0.0.1"
LOCAL_SCHEMES = ("data", "blob", "about")  # never leave the machine
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
NAVIGATION_TIMEOUT_MS = 30_000


def require_chromium() -> Path:
    """The Chromium executable, or a test failure that says exactly what to install."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        sudo = "" if os.geteuid() == 0 else "sudo "
        pytest.fail(f"The browser tests need Debian's Chromium at {CHROMIUM}, which is missing. "
                    f"Install it with `{sudo}{INSTALL_COMMAND}` (`make test` does this when run as root), "
                    f"then run the tests again.", pytrace=False)
    return CHROMIUM


def launch(playwright):
    """Chromium from Debian, headless, with a fresh temporary profile (Playwright's default)."""
    return playwright.chromium.launch(executable_path=str(require_chromium()), args=LAUNCH_ARGS, headless=True)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        return None


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) in a thread; yields the base URL ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"serve {folder}", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class PageRecorder:
    """Everything a page did that a reader would notice going wrong, recorded as it happens."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    error_responses: list[str] = field(default_factory=list)
    requested_urls: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", lambda msg: self.console_errors.append(f"{msg.text} ({msg.location.get('url', '')})")
                if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("requestfailed", lambda req: self.failed_requests.append(f"{req.url}: {req.failure}"))
        page.on("response", lambda resp: self.error_responses.append(f"{resp.status} {resp.url}")
                if resp.status >= 400 else None)
        page.on("request", lambda req: self.requested_urls.append(req.url))
        page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def offsite_requests(self) -> list[str]:
        """Requested URLs that would leave 127.0.0.1 (anything but local schemes and the test server)."""
        offsite = []
        for url in self.requested_urls:
            parts = urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if parts.scheme in ("http", "https") and parts.hostname == LOCAL_HOST:
                continue
            offsite.append(url)
        return offsite

    def problems(self) -> dict[str, list[str]]:
        """Every kind of trouble that was seen, by kind (empty when the page behaved)."""
        found = {"console errors": self.console_errors, "uncaught exceptions": self.page_errors,
                 "failed requests": self.failed_requests, "error responses": self.error_responses,
                 "requests leaving 127.0.0.1": self.offsite_requests(), "dialogs": self.dialogs}
        return {kind: items for kind, items in found.items() if items}


def screenshot_path(name: str) -> Path:
    """``test-artifacts/screenshots/<name>.png`` (folders created; the name made file-safe)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / (re.sub(r"[^A-Za-z0-9_.-]+", "__", name).strip("_") + ".png")


# One Playwright and one Chromium per test session, whichever folders' fixtures ask for it: a second
# sync Playwright cannot start while one runs. Closed when the last user lets go.
_SHARED: dict = {}


def _acquire_browser():
    if not _SHARED:
        require_chromium()
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        try:
            _SHARED.update(playwright=playwright, browser=launch(playwright), users=0)
        except BaseException:
            playwright.stop()
            raise
    _SHARED["users"] += 1
    return _SHARED["browser"]


def _release_browser() -> None:
    _SHARED["users"] -= 1
    if _SHARED["users"] == 0:
        try:
            _SHARED["browser"].close()
        finally:
            _SHARED["playwright"].stop()
            _SHARED.clear()


@pytest.fixture(scope="session")
def chromium_browser():
    """Chromium, shared by the whole test session."""
    browser = _acquire_browser()
    try:
        yield browser
    finally:
        _release_browser()


@dataclass
class BrowserPage:
    page: object  # playwright.sync_api.Page
    recorder: PageRecorder


def open_page(context, url: str | None = None) -> BrowserPage:
    """A new page in ``context`` with a recorder attached before anything loads; goes to ``url`` if given."""
    page = context.new_page()
    recorder = PageRecorder()
    recorder.attach(page)
    if url is not None:
        page.goto(url, wait_until="load")
    return BrowserPage(page, recorder)


@pytest.fixture
def browser_context(chromium_browser):
    """A fresh browser context (its own cookies and cache; downloads allowed) for one test."""
    context = chromium_browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(NAVIGATION_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()
