"""Under real Quarto, the same settings give the same repository links and the same code-and-data line
under every chart and table as bookrender's own engine (issue #13), and the same font (issue #12)."""
from __future__ import annotations

import re


from bookrender.fonts import FAMILY
from bookrender.project import load_project
from bookrender.site import SiteLinks, link_repo_paths
from tests.quarto.conftest import quarto_marks

pytestmark = quarto_marks()

REPO_PATH = re.compile(r'<code data-repo-path="([^"]+)">')


def _pages(site):
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if p.parent.name != "pagefind" and not p.relative_to(site).parts[0].startswith(("site_libs", "source")))


def test_every_chart_and_table_names_the_same_files_under_both_engines(quarto_book):
    compared = 0
    for page in _pages(quarto_book.own_site):
        own = REPO_PATH.findall((quarto_book.own_site / page).read_text(encoding="utf-8"))
        theirs_file = quarto_book.site / page
        if not own or not theirs_file.exists():
            continue
        assert REPO_PATH.findall(theirs_file.read_text(encoding="utf-8")) == own, page
        compared += 1
    assert compared >= 5


def test_the_repository_settings_drive_both_engines_links(quarto_book):
    project = load_project(quarto_book.root)
    for site in (quarto_book.site, quarto_book.own_site):
        html = (site / "chapters/02-skin.html").read_text(encoding="utf-8")
        if not project.repo_url:
            # no repository: no link to one, and every named file is plain text
            assert "View source" not in html and "Report an issue" not in html
            assert not re.search(r'<a [^>]*><code data-repo-path=', html)
        else:
            assert f'{project.repo_url.rstrip("/")}/blob/' in html
    # With a repository, Quarto's pages get the same file links as bookrender's (its post-render step).
    quarto_html = (quarto_book.site / "chapters/02-skin.html").read_text(encoding="utf-8")
    linked = link_repo_paths(quarto_html, SiteLinks(repo_url="https://example.org/o/r"))
    assert len(re.findall(r'<a href="https://example.org/o/r/blob/main/[^"]+"><code data-repo-path=', linked)) == len(
        REPO_PATH.findall(quarto_html)) > 0


def test_quartos_pages_and_pdf_use_the_books_font(quarto_book):
    assert (quarto_book.site / "site_libs/fonts/fonts.css").is_file()
    assert "site_libs/fonts/fonts.css" in (quarto_book.site / "chapters/02-skin.html").read_text(encoding="utf-8")
    assert f'font-family: "{FAMILY}"' in (quarto_book.site / "site_libs/fonts/fonts.css").read_text(encoding="utf-8")
    pdf = next(quarto_book.site.glob("*.pdf"))
    import pypdf

    names = {str(f.get_object()["/BaseFont"]) for page in pypdf.PdfReader(pdf).pages
             for f in ((page.get("/Resources") or {}).get("/Font") or {}).values()}
    assert any(FAMILY.replace(" ", "") in n for n in names), sorted(names)
