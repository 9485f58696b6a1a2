"""Paths and constants only; no side effects on import.

Settings that a deployment changes come from environment variables, with the defaults
documented here.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
# Where `make demo` writes the embedded default data (synthetic, Kaggle layout).
DEFAULT_DATA_DIR = Path(os.environ.get("CREDIT_DATA_DIR", DATA_DIR / "synthetic"))
MODELS_DIR = ROOT / "models"
# The real-row sample, beside the project; used only to calibrate and to check realism.
REAL_SAMPLE_DIR = Path(
    os.environ.get("CREDIT_REAL_SAMPLE_DIR", ROOT.parent / "shared" / "data" / "home-credit-sample")
)
DEFAULT_CLIENTS = 20_000
DEFAULT_SEED = 42
FULL_SCALE_CLIENTS = 307_511
