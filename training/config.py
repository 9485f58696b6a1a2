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

# --- Service settings (environment variables, read when the service starts) ---
# Model-store tag the service loads; default: the latest credit_scoring entry.
MODEL_TAG_ENV = "CREDIT_MODEL_TAG"
DEFAULT_MODEL_TAG = "credit_scoring:latest"
# Bearer token every data or scoring endpoint requires; CREDIT_API_AUTH=disabled opts out.
API_TOKEN_ENV = "CREDIT_API_TOKEN"
API_AUTH_ENV = "CREDIT_API_AUTH"
# Audit trail (decisions table) and portfolio of known clients, as SQLAlchemy URLs.
AUDIT_DB_URL_ENV = "CREDIT_AUDIT_DB_URL"
DEFAULT_AUDIT_DB_URL = f"sqlite:///{DATA_DIR / 'audit.sqlite'}"
PORTFOLIO_DB_URL_ENV = "CREDIT_PORTFOLIO_DB_URL"
DEFAULT_PORTFOLIO_DB_URL = f"sqlite:///{DATA_DIR / 'portfolio.sqlite'}"
# Portfolio snapshot the dashboard's peer comparisons read (`python -m training snapshot`).
SNAPSHOT_PATH_ENV = "CREDIT_SNAPSHOT_PATH"
# Largest POST body the API reads (bytes); see training/serving/middleware.py.
MAX_BODY_BYTES_ENV = "CREDIT_MAX_BODY_BYTES"
DEFAULT_SNAPSHOT_PATH = DATA_DIR / "portfolio_snapshot.parquet"
