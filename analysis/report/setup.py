"""The one setup call every chapter makes in its hidden first cell."""
from __future__ import annotations

import altair as alt
import pandas as pd

__all__ = ["allow_charts_of_any_size", "escape_inline_strings", "setup"]


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


def allow_charts_of_any_size() -> None:
    """Lift Altair's limit of 5,000 rows per chart dataset (``MaxRowsError``), deliberately.

    The limit guards a notebook against embedding a huge frame by mistake. The book's charts embed
    their data on purpose (no URLs, so the site works offline), and a living review grows: with
    every study repeated 1,000 times the risk-of-bias frame alone has 70,000 rows. Each chart
    instead keeps its drawing readable by its own layout for many rows (a summary per item, the
    pool with a band for many series), and one that cannot says so, naming the table and the
    count. The default transformer stays (inline values, same spec bytes); only its row cap goes.
    ``analysis.report.figures`` calls this once on import, so every chart is exported the same way
    with or without :func:`setup`.
    """
    alt.data_transformers.disable_max_rows()
