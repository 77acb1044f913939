"""Two clean renders of the same sources on the same machine give the same bytes, file for file
(HTML, JSON, CSV, SVG, JavaScript, PDF), even from two different folders."""
from __future__ import annotations

import pytest

from bookrender.build import build
from bookrender.project import copy_sources
from tests.faults.breakage import first_difference, site_manifest

pytestmark = pytest.mark.render


def test_two_clean_renders_give_identical_bytes(built_book, tmp_path, fixed_epoch):
    # The same sources as the session's build (not the working tree, which may have moved on since).
    again = tmp_path / "again"
    copy_sources(built_book.output_dir.parent, again)
    second = build(again, use_cache=False, log=lambda msg: None)
    first_site, second_site = site_manifest(built_book.output_dir), site_manifest(second.output_dir)
    assert {p.rsplit(".", 1)[-1] for p in first_site} >= {"html", "json", "js", "pdf"}
    difference = first_difference(first_site, second_site)
    assert difference is None, f"two clean renders of the same sources differ; first difference: {difference}"
