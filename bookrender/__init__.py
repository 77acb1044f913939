"""bookrender: builds a Quarto book project into an HTML site and one PDF without Quarto.

It reads `_quarto.yml` and the `.qmd` sources, runs each document's `{python}` cells
in a fresh Jupyter kernel, and hands the result to pandoc (HTML pages, Typst) and the
Typst compiler (PDF). It knows nothing about what the book is about.
"""
__all__ = ["__version__"]

__version__ = "0.1.0"
