"""The science of the book, in layers that import only downwards (ARCHITECTURE.md):

* foundation: ``paths`` (the repository's folders), ``format`` (the one number formatter),
  ``about`` (the edition);
* ``stats``: the meta-analysis engine; ``data``: loading and validating the data package;
* ``domain``: outcomes, settings, study effects, regeneration, verdicts, sensitivity analyses;
* ``audit``: the paper checked against itself and its sources (consistency, safety, limitations);
* ``report``: charts, tables and the chapters' ``setup()``; nothing here knows how a page is built;
* ``chapters``: one module per page of the book, computing everything the page shows.
"""
from analysis.report.setup import setup

__all__ = ["setup"]
