"""Delegation to real Quarto and the post-render hook that gives Quarto's output our layout."""
from __future__ import annotations

import os
import stat
import textwrap

from bookrender import cli
from bookrender.quarto import find_quarto, post_render
from tests.conftest import copy_minibook


def fake_quarto(folder, version: str, marker) -> None:
    script = folder / "quarto"
    script.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        if [ "$1" = "--version" ]; then echo "{version}"; exit 0; fi
        echo "$@" > "{marker}"
        """), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_only_quarto_19_or_newer_is_used(tmp_path, monkeypatch):
    marker = tmp_path / "called"
    fake_quarto(tmp_path, "1.8.26", marker)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    assert find_quarto() is None
    fake_quarto(tmp_path, "1.9.3", marker)
    assert find_quarto() == str(tmp_path / "quarto")


def test_cli_delegates_to_quarto_unless_told_to_use_its_own_engine(tmp_path, monkeypatch, fixed_epoch):
    marker = tmp_path / "called"
    fake_quarto(tmp_path, "1.9.3", marker)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    book = copy_minibook(tmp_path / "mini")
    assert cli.main(["render", "--root", str(book)]) == 0
    assert marker.read_text().strip() == "render"
    assert not (book / "_site").exists()
    marker.unlink()
    assert cli.main(["render", "--root", str(book), "--engine", "own"]) == 0
    assert not marker.exists() and (book / "_site" / "index.html").exists()


def test_post_render_versions_the_pdf_and_serves_charts_locally(tmp_path):
    root = copy_minibook(tmp_path / "mini")
    site = root / "_site"
    (site / "chapters").mkdir(parents=True)
    (site / "mini-book.pdf").write_bytes(b"%PDF-1.7 fake")
    (site / "chapters" / "one.html").write_text('<a href="../mini-book.pdf">PDF</a>', encoding="utf-8")
    post_render(root, site)
    assert (site / "mini-book-v2.3.4.pdf").read_bytes() == b"%PDF-1.7 fake"
    assert not (site / "mini-book.pdf").exists()
    assert 'href="../mini-book-v2.3.4.pdf"' in (site / "chapters" / "one.html").read_text(encoding="utf-8")
    assert "window.vegaEmbed" in (site / "site_libs" / "vega" / "vega-bundle.js").read_text(encoding="utf-8")
    assert (site / "site_libs" / "bookrender" / "charts.js").exists()


def test_the_front_page_names_chapters_as_quarto_does(tmp_path):
    """Quarto's HTML names a chapter by number and title from the unnumbered front page
    ("1 One", "Appendix A — Extra"), and "Chapter 1", "Appendix A" from numbered chapters and in the PDF."""
    from bookrender.project import load_project
    from bookrender.qmd import parse_qmd
    from bookrender.xref import LabelIndex, resolve_references

    root = copy_minibook(tmp_path / "mini")
    project = load_project(root)
    docs = {str(c.source): parse_qmd(root, c.source) for c in project.chapters}
    index = LabelIndex(project, docs)
    one, extra = index.targets["sec-one"].title, index.targets["sec-extra"].title
    assert resolve_references("@sec-one, @sec-extra", index, "index.qmd", 1, "index.html") == \
        f"[1\u00a0{one}](chapters/one.html#sec-one), [Appendix A — {extra}](chapters/extra.html#sec-extra)"
    assert resolve_references("@sec-extra", index, "x.qmd", 1, "chapters/one.html") == "[Appendix A](extra.html#sec-extra)"
    assert resolve_references("@sec-one", index, "index.qmd", 1, None) == "[Chapter 1](#sec-one)"
