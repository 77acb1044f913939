"""One module per page of the book: ``page(evidence=None)`` computes everything the page shows.

The ``.qmd`` files hold prose and calls only: they read values, tables and charts from the
:class:`~analysis.chapters.page.Page` their module returns. Chapter modules look studies up by
id or by their role in the data, never by display label, so renaming a study changes its name
on the page and nothing else.

Modules: :mod:`~analysis.chapters.index`, :mod:`~analysis.chapters.methods`,
:mod:`~analysis.chapters.skin`, :mod:`~analysis.chapters.muscle`, :mod:`~analysis.chapters.ck`,
:mod:`~analysis.chapters.adm_ild`, :mod:`~analysis.chapters.safety`,
:mod:`~analysis.chapters.limitations`, :mod:`~analysis.chapters.reproduction`,
:mod:`~analysis.chapters.statements`.
"""
from analysis.chapters.page import Page

__all__ = ["CHAPTER_MODULES", "Page"]

#: the chapter modules in book order (``analysis.chapters.<name>``); imported on demand so that a
#: page loads only what it reads.
CHAPTER_MODULES = ("index", "methods", "skin", "muscle", "ck", "adm_ild", "safety", "limitations", "reproduction",
                   "statements")
