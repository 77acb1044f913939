"""The one setup call every chapter makes in its hidden first cell."""
from __future__ import annotations

import pandas as pd


def setup() -> None:
    """Set pandas display options and switch on the book's Altair theme.

    Holds no analysis: it only fixes how results look, the same in every chapter.
    """
    from analysis.figures.theme import use_book_theme

    pd.set_option("display.precision", 2)
    pd.set_option("display.max_columns", 50)
    use_book_theme()
