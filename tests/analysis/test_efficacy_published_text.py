"""printed_decimals_frame reads the printed text that load() keeps, not the CSV a second time."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.data import load
from analysis.paths import DATA_DIR
from analysis.domain.printed import PRINTED_COLUMNS, printed_decimals_frame


@pytest.fixture
def evidence_without_csv(tmp_path):
    """published_results loaded from a private copy of data/, whose CSV is then deleted."""
    data_dir = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))
    evidence = load("published_results", data_dir=data_dir)
    (data_dir / "published_results.csv").unlink()
    return evidence


def test_decimals_as_printed_without_reopening_the_csv(evidence_without_csv):
    frame = printed_decimals_frame(evidence_without_csv)
    published = evidence_without_csv.published_results
    assert frame.index.equals(published.index)
    by_id = frame.set_axis(published["result_id"])
    # Abstract, Results: ruxolitinib -20.00 (95% CI -34.9 to -5.1): 2, 1, 1 decimals
    rux = by_id.loc["cdasi.drug.rux.abstract"]
    assert (rux["estimate_text"], rux["estimate_decimals"], rux["ci_low_decimals"], rux["ci_high_decimals"]) == (
        "-20.00", 2, 1, 1)
    # the Discussion prints the same estimate as -20, without decimals or interval
    discussion = by_id.loc["cdasi.drug.rux.discussion"]
    assert (discussion["estimate_text"], discussion["estimate_decimals"]) == ("-20", 0)
    assert discussion["ci_low_text"] == "" and pd.isna(discussion["ci_low_decimals"])
    for column in PRINTED_COLUMNS:
        assert str(frame[f"{column}_decimals"].dtype) == "Int64"


def test_a_frame_without_the_printed_text_is_a_clear_error():
    evidence = load("published_results")
    stripped = evidence.published_results.drop(columns=["estimate_text"])
    with pytest.raises(ValueError, match="estimate_text"):
        printed_decimals_frame(dataclasses.replace(evidence, published_results=stripped))
