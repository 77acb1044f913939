"""Notes stated once under a table, and columns only the CSV holds (issue #12)."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.report.tables import TableView, show_table
from analysis.report.tables.markdown import NOTE_REF_TEXT, md_escape, pipe_table
from analysis.report.tables.notes import NOTE_MIN_CHARS, table_notes

SENTENCE = "assumes nobody in the arm was censored before this time point"


def test_a_sentence_repeated_down_a_column_is_one_note():
    frame = pd.DataFrame({"study": ["A", "B", "C"], "basis": [SENTENCE, SENTENCE, "counted"]})
    text = pipe_table(frame, notes=["basis"])
    assert text.count(md_escape(SENTENCE)) == 1  # the note, once
    assert text.count(f"{NOTE_REF_TEXT}^a^") == 2  # one mark per row it stood in
    assert "| C | counted |" in text


def test_a_repeated_part_of_a_cell_is_a_note_and_the_rest_stays():
    part = "CDASI activity change (or before/after means and SDs), not public"
    frame = pd.DataFrame({"arm": ["A", "B"], "missing": [f"Min 2022: {part}", f"Paik 2022: {part}"]})
    notes = table_notes([list(frame["arm"]), list(frame["missing"])], [False, True])
    assert notes.notes == {"a": part}
    assert notes.cells[0][1][0] == "Min 2022: "


def test_short_or_unique_texts_and_columns_not_named_keep_their_text():
    short = "x" * (NOTE_MIN_CHARS - 1)
    frame = pd.DataFrame({"a": [SENTENCE, SENTENCE], "b": [short, short], "c": [SENTENCE, SENTENCE + "."]})
    text = pipe_table(frame, notes=["b", "c"])
    assert "table-notes" not in text and NOTE_REF_TEXT not in text


def test_letters_follow_first_appearance_row_by_row():
    other = "a second sentence long enough to be stated as a note"
    frame = pd.DataFrame({"x": [other, SENTENCE, other, SENTENCE]})
    notes = table_notes([list(frame["x"])], [True])
    assert notes.notes == {"a": other, "b": SENTENCE}


def test_a_note_is_data_text_and_prints_as_text():
    hostile = "<script>alert(1)</script> *bold* [link](http://x) @cite $x$ | pipe"
    frame = pd.DataFrame({"k": ["1", "2"], "v": [hostile, hostile]})
    text = pipe_table(frame, notes=["v"])
    assert md_escape(hostile) in text and "<script>" not in text


def test_hidden_columns_are_in_the_csv_only():
    view = TableView(pd.DataFrame({"result_id": ["cdasi.overall.results"], "result": ["CDASI, all studies"]}),
                     hidden=("result_id",), column_labels={"result_id": "Id", "result": "Result"})
    shown = show_table(view, csv_name="t.csv")
    assert "cdasi" not in shown.markdown_table and "| Result |" in shown.markdown_table
    assert b"result_id" in shown.csv and b"cdasi.overall.results" in shown.csv


@pytest.mark.parametrize("options", [{"hidden": ("nope",)}, {"notes": ("nope",)}, {"hidden": ("a",)}])
def test_a_view_names_only_its_columns_and_shows_one(options):
    with pytest.raises(ValueError, match="TableView"):
        TableView(pd.DataFrame({"a": [1]}), **options)
