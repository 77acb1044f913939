"""The pandera contracts of the science layer's tidy frames."""
import numpy as np
import pytest

from analysis.domain.contracts import REPRODUCTION, SENSITIVITY_GRID, STUDY_EFFECTS, validate
from analysis.domain.reproduction import REPRODUCTION_COLUMNS, reproduction_table
from analysis.domain.sensitivity_grid import GRID_COLUMNS, cached_evidence
from analysis.domain.study_effects import EFFECT_COLUMNS, study_effects


@pytest.mark.parametrize("schema,columns", [(STUDY_EFFECTS, EFFECT_COLUMNS), (REPRODUCTION, REPRODUCTION_COLUMNS),
                                            (SENSITIVITY_GRID, GRID_COLUMNS)])
def test_each_contract_lists_exactly_its_producers_columns(schema, columns):
    assert list(schema.columns) == list(columns)


def test_a_broken_frame_reports_every_failure_with_its_rows():
    effects = study_effects(cached_evidence(), "cdasi_activity").copy()
    public = effects.index[effects["tier"] != "missing"]
    effects.loc[public[0], "tier"] = "guessed"        # not a provenance tier
    effects.loc[public[1], "vi"] = -1.0               # a variance below zero
    effects.loc[public[2], "ci_low"] = effects.loc[public[2], "yi"] + 1  # interval above its estimate
    with pytest.raises(ValueError, match="study_effects frame breaks its contract") as caught:
        validate(effects, STUDY_EFFECTS)
    message = str(caught.value)
    assert "in 3 way(s)" in message
    assert f"column 'tier' fails isin" in message and "'guessed'" in message
    assert "column 'vi' fails greater_than(0)" in message
    assert f"'ci_low <= yi <= ci_high': row(s) {public[2]} do not" in message


def test_an_effect_without_value_must_be_missing_and_say_what_is_missing():
    effects = study_effects(cached_evidence(), "cdasi_activity").copy()
    row = effects.index[effects["tier"] != "missing"][0]
    effects.loc[row, ["yi", "ci_low", "ci_high"]] = np.nan
    with pytest.raises(ValueError, match="empty exactly when its tier is missing"):
        validate(effects, STUDY_EFFECTS)


def test_a_verdict_outside_the_four_is_refused():
    table = reproduction_table(cached_evidence()).copy()
    table.loc[table.index[0], "verdict"] = "close enough"
    with pytest.raises(ValueError, match="close enough"):
        validate(table, REPRODUCTION)
