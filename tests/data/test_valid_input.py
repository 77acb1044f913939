"""The stricter checks leave valid data alone: the shipped package loads with every number equal
to the exact value of its text, harmless rewrites of the files (line endings, quoting) load to
the same frames, and any finite number written plainly loads as exactly that number."""
from __future__ import annotations

import csv
import json
import math
import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.data import TABLE_NAMES, load
from analysis.paths import DATA_DIR, DATAPACKAGE
from tests.data.conftest import read_rows, set_cell

PAIK_CDASI = "paik2021,paik2021.tofacitinib,cdasi_activity,"


@pytest.fixture(scope="module")
def shipped():
    return load()


def _fields():
    descriptor = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    return {r["name"]: {f["name"]: f.get("type", "string") for f in r["schema"]["fields"]} for r in descriptor["resources"]}


def test_every_shipped_number_is_the_exact_value_of_its_text(shipped):
    for table, fields in _fields().items():
        with open(DATA_DIR / f"{table}.csv", newline="", encoding="utf-8") as handle:
            cells = list(csv.DictReader(handle))
        frame = shipped.table(table)
        if table == "outcomes":  # derived and recovered cells are filled by the loader, not read
            keep = [row["tier"] not in ("derived", "recovered") for row in cells]
            cells, frame = [c for c, k in zip(cells, keep) if k], frame[keep]
        assert len(cells) == len(frame) > 0, table
        for column, kind in fields.items():
            for text, value in zip((row[column] for row in cells), frame[column]):
                if text == "":
                    assert pd.isna(value), (table, column)
                elif kind == "number":
                    assert value == float(text) and math.isfinite(value), (table, column, text)
                elif kind == "integer":
                    assert value == int(text), (table, column, text)
                elif kind == "string":
                    assert value == text, (table, column, text)


def _crlf(path):
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


def _quote_all(path):
    rows = read_rows(path)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)


def _no_final_newline(path):
    path.write_bytes(path.read_bytes().rstrip(b"\n"))


@pytest.mark.parametrize("rewrite", [_crlf, _quote_all, _no_final_newline], ids=["crlf", "quote-all", "no-final-newline"])
def test_harmless_rewrites_load_to_the_same_frames(data_copy, shipped, rewrite):
    for name in TABLE_NAMES:
        rewrite(data_copy / f"{name}.csv")
    evidence = load(data_dir=data_copy)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(evidence.table(name), shipped.table(name), check_exact=True, obj=name)
    pd.testing.assert_frame_equal(evidence.derivations, shipped.derivations, check_exact=True)


@pytest.fixture(scope="module")
def outcomes_copy(tmp_path_factory):
    return shutil.copytree(DATA_DIR, tmp_path_factory.mktemp("valid") / "data")


def _plain(value: float, style: str) -> str:
    return {"repr": repr(value), "e": f"{value:.6e}", "f": f"{value:.3f}", "g": f"{value:g}"}[style]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300),
       style=st.sampled_from(["repr", "e", "f", "g"]))
def test_a_plain_finite_number_loads_as_exactly_its_value(outcomes_copy, value, style):
    text = _plain(value, style)
    line = set_cell(outcomes_copy, "outcomes", PAIK_CDASI, "mean_before", text)
    outcomes = load("outcomes", data_dir=outcomes_copy).outcomes
    assert outcomes.at[line, "mean_before"] == float(text)

