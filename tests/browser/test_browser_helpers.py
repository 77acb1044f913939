"""The browser test helpers themselves (fast: no build, no browser)."""
from __future__ import annotations

import urllib.request

import pytest

from tests.browser import chromium
from tests.browser.site_pages import distinctive_query, page_path


def test_a_missing_chromium_fails_the_browser_tests_with_the_install_command(monkeypatch, tmp_path):
    monkeypatch.setattr(chromium, "CHROMIUM", tmp_path / "no-such-chromium")
    with pytest.raises(pytest.fail.Exception) as info:
        chromium.require_chromium()
    assert "apt-get install -y chromium" in str(info.value)


def test_the_server_serves_the_folder_on_127_0_0_1_only(tmp_path):
    (tmp_path / "page.html").write_text("<p>hello</p>", encoding="utf-8")
    with chromium.serve(tmp_path) as url:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/")
        with urllib.request.urlopen(url + "page.html", timeout=10) as response:
            assert response.read() == b"<p>hello</p>"


def test_requests_that_leave_the_machine_are_flagged():
    recorder = chromium.PageRecorder(requested_urls=[
        "http://127.0.0.1:8000/index.html", "data:text/csv;base64,YQ==", "blob:http://127.0.0.1:8000/x",
        "https://cdn.jsdelivr.net/npm/vega@5", "http://localhost:8000/a.js", "ws://127.0.0.1:9/"])
    assert recorder.offsite_requests() == ["https://cdn.jsdelivr.net/npm/vega@5", "http://localhost:8000/a.js",
                                           "ws://127.0.0.1:9/"]
    assert recorder.problems() == {"requests leaving 127.0.0.1": recorder.offsite_requests()}


def test_page_paths_are_relative_to_the_site():
    base = "http://127.0.0.1:8000/"
    assert page_path(base, base) == "index.html"
    assert page_path(base + "chapters/02-skin.html#fig-x", base) == "chapters/02-skin.html"


def test_a_search_query_is_a_word_only_its_page_holds_or_a_title_word_with_a_word():
    texts = {"a.html": "Methods of selection", "b.html": "Safety events recorded",
             "c.html": "Appendix reproduction: events recorded"}
    titles = {"a.html": "Methods", "b.html": "Safety", "c.html": "Appendix reproduction"}
    assert distinctive_query(texts, titles, "a.html") == ["selection"]
    assert distinctive_query(texts, titles, "b.html") == ["safety"]  # 'safety' is in no other text
    twin = {"a.html": "shared words only", "b.html": "shared words only"}
    assert distinctive_query(twin, {"a.html": "Shared", "b.html": "Shared"}, "a.html") is None
