"""The science of the book: data loading and validation, effect sizes, pooling,
sensitivity analyses, the reproduction audit, and the figures and tables the
chapters show.

Chapters import this package; it knows nothing about how the book is rendered.
"""
from analysis.common import setup

__all__ = ["setup"]
