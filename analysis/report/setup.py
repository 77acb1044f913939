"""The one setup call every chapter makes in its hidden first cell."""
from __future__ import annotations

import pandas as pd


def setup() -> None:
    """Set pandas display options, switch on the book's Altair theme, and make every string a
    cell shows inline print as literal text (``inline_text``), never as markup.

    Holds no analysis: it only fixes how results look, the same in every chapter.
    """
    from analysis.report.figures.theme import use_book_theme

    pd.set_option("display.precision", 2)
    pd.set_option("display.max_columns", 50)
    use_book_theme()
    escape_inline_strings()


def escape_inline_strings() -> None:
    """In a running IPython kernel, give ``str`` a ``text/markdown`` form that escapes it.

    Quarto and bookrender both insert an inline value's ``text/markdown`` as it is; Quarto's own
    fallback for plain text escapes only some characters (``<`` and ``@`` pass), so a string
    carrying data would otherwise reach the page as HTML or a citation.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return
    shell = get_ipython()
    if shell is None:
        return
    from analysis.report.tables.markdown import inline_text

    shell.display_formatter.formatters["text/markdown"].for_type(str, inline_text)
