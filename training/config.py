"""Paths, constants and the settings of the offline commands; no side effects on import.

The two folders a run reads come from the environment (or the git-ignored ``.env``), with
the defaults below; every other input is a command-line option.

| variable | default | meaning |
|---|---|---|
| ``CREDIT_DATA_DIR`` | ``data/synthetic`` | tables in the Kaggle layout that commands read |
| ``CREDIT_REAL_SAMPLE_DIR`` | ``../shared/data/home-credit-sample`` | real rows, for checks |
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
MODELS_DIR = ROOT / "models"
DEFAULT_SNAPSHOT_PATH = DATA_DIR / "portfolio_snapshot.parquet"
DEFAULT_CLIENTS = 20_000
DEFAULT_SEED = 42
FULL_SCALE_CLIENTS = 307_511


class TrainingSettings(BaseSettings):
    """Where the offline commands find their data by default."""

    model_config = SettingsConfigDict(
        env_prefix="CREDIT_", env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = DATA_DIR / "synthetic"
    real_sample_dir: Path = ROOT.parent / "shared" / "data" / "home-credit-sample"


SETTINGS = TrainingSettings()
# Where `make demo` writes the embedded default data (synthetic, Kaggle layout).
DEFAULT_DATA_DIR = SETTINGS.data_dir
# The real-row sample, beside the project; used only to calibrate and to check realism.
REAL_SAMPLE_DIR = SETTINGS.real_sample_dir
