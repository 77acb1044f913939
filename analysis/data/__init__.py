"""The evidence as a validated Frictionless data package: ``load()`` reads ``data/``, checks it
against ``datapackage.json`` and the domain rules in one pass, fills in derived and recovered
values, and returns an :class:`Evidence` of pandas DataFrames, or raises a
:class:`DataValidationError` listing every problem (file, line, column, value, rule, fix).
"""
from analysis.data.derive import count_and_total_from_percent, count_from_percent
from analysis.data.evidence import TABLE_NAMES, Evidence
from analysis.data.loader import load
from analysis.data.problems import RULES, DataValidationError, Problem

__all__ = [
    "load",
    "Evidence",
    "TABLE_NAMES",
    "DataValidationError",
    "Problem",
    "RULES",
    "count_from_percent",
    "count_and_total_from_percent",
]
