"""Shared data for the statistics-engine tests: the two reference datasets, as stored in
tests/stats/reference/ beside the metafor values they produce."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.stats import risk_ratio

REFERENCE_DIR = Path(__file__).parent / "reference"


def bcg_effects() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Log risk ratios and variances of the 13 BCG trials, computed by the engine's risk_ratio."""
    bcg = pd.read_csv(REFERENCE_DIR / "dat_bcg.csv")
    effects = [
        risk_ratio(row.tpos, row.tpos + row.tneg, row.cpos, row.cpos + row.cneg)
        for row in bcg.itertuples()
    ]
    return (
        np.array([e.yi for e in effects]),
        np.array([e.vi for e in effects]),
        [str(t) for t in bcg["trial"]],
    )


def kacker_effects() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Kacker's 9 effects and variances."""
    kacker = pd.read_csv(REFERENCE_DIR / "kacker.csv")
    return kacker["y"].to_numpy(), kacker["v"].to_numpy(), [str(s) for s in kacker["study"]]


@pytest.fixture(scope="session")
def dat_bcg() -> tuple[np.ndarray, np.ndarray, list[str]]:
    return bcg_effects()


@pytest.fixture(scope="session")
def bcg() -> tuple[np.ndarray, np.ndarray, list[str]]:
    return bcg_effects()


@pytest.fixture(scope="session")
def kacker() -> tuple[np.ndarray, np.ndarray, list[str]]:
    return kacker_effects()
