"""Fixtures shared across test folders: the default-size synthetic dataset, the real sample."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from training import config
from training.data import load_table
from training.schema import APPLICATION_TRAIN
from training.synth import generate_dataset

REALISTIC_CLIENTS = 20_000


@pytest.fixture(scope="session")
def realistic_dataset() -> dict[str, pd.DataFrame]:
    """The demo's default size: large enough for stable AUC and KS figures."""
    return generate_dataset(REALISTIC_CLIENTS, seed=7)


@pytest.fixture(scope="session")
def real_applications() -> pd.DataFrame:
    """The real application_train sample beside the project; skips when it is absent."""
    path = Path(config.REAL_SAMPLE_DIR) / "application_train.csv"
    if not path.is_file():
        pytest.skip(f"real sample not found at {path}")
    return load_table(path, APPLICATION_TRAIN)
