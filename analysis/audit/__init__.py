"""The paper checked against itself and against its sources: internal consistency
(``consistency``), risk of bias and the tool rule (``bias``), the selection counts (``screening``),
the death ratios and FVC intervals (``death_ratios``), tests for subgroup differences from the
published subgroups (``subgroup_tests``), safety disagreements (``safety``), limitations
(``limitations``), the statement register (``statement_register``) and the checks behind its verdicts
(``register_checks`` on the text, ``table_checks`` on the cells of Tables 1-3), the front page's findings
(``findings``) and the changes between releases (``changes``). Imports the domain layer and below, never the report layer.
"""
