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
    chart = '<script type="application/vnd.vegalite+json">{}</script>'
    # the page's own script may name the stylesheet in a comment (the book's chart script does): still linked
    head = "<head><script>// waits for the font of site_libs/fonts/fonts.css</script></head>"
    (site / "chapters" / "one.html").write_text(f'{head}<a href="../mini-book.pdf">PDF</a>{chart}', encoding="utf-8")
    (site / "index.html").write_text("<head></head><p>No chart.</p>", encoding="utf-8")
    post_render(root, site)
    assert (site / "mini-book-v2.3.4.pdf").read_bytes() == b"%PDF-1.7 fake"
    assert not (site / "mini-book.pdf").exists()
    assert 'href="../mini-book-v2.3.4.pdf"' in (site / "chapters" / "one.html").read_text(encoding="utf-8")
    assert "window.vegaEmbed" in (site / "site_libs" / "vega" / "vega-bundle.js").read_text(encoding="utf-8")
    # what bookrender's own pages load: the font on every page, the Vega bundle where a chart is, each once
    one, index = ((site / page).read_text(encoding="utf-8") for page in ("chapters/one.html", "index.html"))
    assert one.count('<link rel="stylesheet" href="../site_libs/fonts/fonts.css">') == 1
    assert one.count('<script src="../site_libs/vega/vega-bundle.js" defer></script>') == 1
    assert index.count('href="site_libs/fonts/fonts.css"') == 1 and "vega-bundle" not in index
    assert (site / "site_libs" / "fonts" / "fonts.css").is_file()
    post_render(root, site)  # a second run (Quarto renders again) links nothing twice
    assert (site / "chapters/one.html").read_text(encoding="utf-8") == one


def test_the_front_page_names_chapters_as_quarto_does(tmp_path):
    """Quarto's HTML names a chapter by number and title from the unnumbered front page
    ("1 One", "Appendix A — Extra"), and "Chapter 1", "Appendix A" from numbered chapters and in the PDF."""
    from bookrender.project import load_project
    from bookrender.qmd import parse_qmd
    from bookrender.xref import LabelIndex
    from tests.render.test_xref import resolved

    root = copy_minibook(tmp_path / "mini")
    project = load_project(root)
    docs = {str(c.source): parse_qmd(root, c.source) for c in project.chapters}
    index = LabelIndex(project, docs)
    one, extra = index.targets["sec-one"].title, index.targets["sec-extra"].title
    assert resolved("@sec-one, @sec-extra", index, "index.html") == (
        f'<a href="chapters/one.html#sec-one">1\u00a0{one}</a>, '
        f'<a href="chapters/extra.html#sec-extra">Appendix A — {extra}</a>')
    assert resolved("@sec-extra", index, "chapters/one.html") == '<a href="extra.html#sec-extra">Appendix A</a>'
    assert resolved("@sec-one", index, None) == '<a href="#sec-one">Chapter 1</a>'


def test_quarto_freeze_is_removed_exactly_for_documents_whose_inputs_changed(tmp_path, monkeypatch, fixed_epoch):
    from bookrender.quarto import FREEZE_DIRS, freeze_folder, record_frozen, sync_freeze

    root = copy_minibook(tmp_path / "mini")
    sources = ["index.qmd", "chapters/one.qmd", "chapters/extra.qmd"]

    def freeze_everything():  # what Quarto leaves after rendering every document
        for rel in sources:
            for base in FREEZE_DIRS:
                results = freeze_folder(root, rel, base) / "execute-results"
                results.mkdir(parents=True, exist_ok=True)
                (results / "html.json").write_text("{}", encoding="utf-8")

    def frozen() -> list[str]:
        return [rel for rel in sources if (freeze_folder(root, rel, "_freeze") / "execute-results").exists()]

    quiet = lambda msg: None  # noqa: E731
    freeze_everything()
    assert sorted(sync_freeze(root, quiet)) == sorted(sources)  # no record of what Quarto froze yet
    assert frozen() == []
    record_frozen(root)  # the post-render step, after Quarto rendered every document
    freeze_everything()
    assert sync_freeze(root, quiet) == []
    record_frozen(root)
    assert frozen() == sources

    (root / "numbers.txt").write_text((root / "numbers.txt").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert sync_freeze(root, quiet) == ["chapters/one.qmd"]  # the only document reading numbers.txt
    assert frozen() == ["index.qmd", "chapters/extra.qmd"]
    record_frozen(root)
    freeze_everything()

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(fixed_epoch + 86400))  # a new commit: a new build date
    assert sync_freeze(root, quiet) == ["chapters/extra.qmd"]  # the only document showing the date


def test_post_render_removes_quartos_cdn_scripts_and_refuses_any_other_off_site_load(tmp_path):
    import pytest

    from bookrender.errors import RenderError
    from bookrender.quarto import strip_widget_includes

    head = ('<script src="https://cdn.jsdelivr.net/npm/requirejs@2.3.6/require.min.js" integrity="sha384-x" '
            'crossorigin="anonymous"></script>\n'
            '<script src="https://cdn.jsdelivr.net/npm/jquery@3.5.1/dist/jquery.min.js" integrity="sha384-y" '
            'crossorigin="anonymous" data-relocate-top="true"></script>\n'
            "<script type=\"application/javascript\">define('jquery', [],function() {return window.jQuery;})</script>\n")
    assert strip_widget_includes(f"<head>\n{head}<title>x</title></head>") == "<head>\n<title>x</title></head>"

    root = copy_minibook(tmp_path / "mini")
    site = root / "_site"
    site.mkdir()
    (site / "index.html").write_text('<script src="https://example.org/x.js"></script>', encoding="utf-8")
    with pytest.raises(RenderError, match="example.org"):
        post_render(root, site)


def test_the_build_date_is_the_last_commits_unless_source_date_epoch_is_set(tmp_path, monkeypatch):
    import subprocess

    from bookrender.edition import edition

    root = copy_minibook(tmp_path / "mini")
    when = "2026-03-14T12:00:00+00:00"
    env = dict(os.environ, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q",
                                                  "-m", "x"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    book = edition(root)
    assert book.build_date == "2026-03-14" and book.pdf_name == "mini-book-v2.3.4.pdf"
    assert book.citation.endswith(f"({book.date.year}). {book.title}. Version 2.3.4.")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert edition(root).build_date == "2026-01-01"
