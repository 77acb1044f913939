"""Verbal statements of the paper that the checks compare with its numbers.

The numbers of the paper live in ``data/``; a few claims are made only in words ("the results
all showed decreased CK", "only one article used UI", "more than 10 patients"). They are
transcribed here, each with its location in the paper, so that a check can test them against
the data. Nothing here is a result: every comparison is computed by the checks.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PaperStatement", "PAPER_STATEMENTS", "statement", "studies_stated_in_subgroup"]


@dataclass(frozen=True)
class PaperStatement:
    """A claim made in words: ``subject`` names what it is about (a published result key, a
    criterion); ``value`` holds the number the words contain, if any."""

    statement_id: str
    location: str
    subject: str
    claim: str
    value: float | None = None


PAPER_STATEMENTS = (
    PaperStatement("ck_all_decreased", "Section 3.5, paragraph 1, sentence 2", "ck",
                   "Whatever the unit, every CK result showed a decrease."),
    PaperStatement("ck_ui_one_study", "Section 3.5, paragraph 2, sentence 2", "ck.unit.ui",
                   "Only one included article reported CK in UI.", 1),
    PaperStatement("rux_least_noticeable", "Section 4 (Discussion), paragraph 3", "cdasi.drug",
                   "The effect of ruxolitinib was the least noticeable of the three drugs."),
    PaperStatement("rux_lowest", "Abstract, Results, sentence 6", "cdasi.drug",
                   "Ruxolitinib gave the largest CDASI reduction, then tofacitinib, then baricitinib."),
    PaperStatement("combination_better", "Section 3.3, paragraph 3, sentence 2", "cdasi.regimen",
                   "Combination with other immunosuppressants reduced CDASI more than a JAK inhibitor alone."),
    PaperStatement("letters_min_size", "Methods 2.1, criterion 3", "eligibility",
                   "Letters and case series were eligible only with more than 10 patients.", 10),
    PaperStatement("small_sample_excluded", "Section 3.1, sentence 3", "eligibility",
                   "Full texts were excluded for a small sample size of less than 10 patients.", 10),
    PaperStatement("conference_abstracts_excluded", "Methods 2.1, paragraph 2", "eligibility",
                   "Conference abstracts without full text were excluded."),
    PaperStatement("case_series_tool", "Section 2.3 and Section 3.2", "eligibility",
                   "The JBI checklist was used for case series; the Newcastle-Ottawa Scale for non-randomised studies."),
)


def statement(statement_id: str) -> PaperStatement:
    """The statement called ``statement_id``; ValueError listing the valid ids otherwise."""
    for s in PAPER_STATEMENTS:
        if s.statement_id == statement_id:
            return s
    raise ValueError(f"unknown statement {statement_id!r}; valid: {', '.join(s.statement_id for s in PAPER_STATEMENTS)}")


def studies_stated_in_subgroup(result_key: str) -> int | None:
    """For a subgroup whose studies the paper does not name: how many candidate studies the
    paper says belong to the other level(s) of the same factor (CK in U: one study used UI)."""
    if result_key == "ck.unit.u":
        return int(statement("ck_ui_one_study").value)
    return None
