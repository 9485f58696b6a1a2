"""Settings of the advisor dashboard, read from the environment (no side effects on import).

A variable set in the environment wins over the git-ignored ``.env`` of the working
directory, which ``make demo`` writes with the API token.

| variable | default | meaning |
|---|---|---|
| ``CREDIT_API_URL`` | ``http://localhost:3000`` | the scoring API the dashboard calls |
| ``CREDIT_API_TOKEN`` | none | its bearer token (``make serve`` keeps it in ``.env``) |
| ``CREDIT_API_TIMEOUT`` | ``30`` | seconds to wait for one API answer |
| ``DASHBOARD_PORT`` | ``5006`` | port of the dashboard |
| ``DASHBOARD_COOKIE_SECRET`` | generated | signs the sign-in cookie (set: survives restarts) |
| ``DASHBOARD_TIMEZONE`` | ``Europe/Paris`` | time zone of the times shown (decisions, queue) |
| ``CREDIT_SNAPSHOT_PATH`` | ``data/portfolio_snapshot.parquet`` | the peer views' snapshot |
| ``CREDIT_CURRENCY`` | ``€`` | shown after every amount (the API reads the same variable) |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

API_URL_ENV = "CREDIT_API_URL"
API_TOKEN_ENV = "CREDIT_API_TOKEN"
API_TIMEOUT_ENV = "CREDIT_API_TIMEOUT"
PORT_ENV = "DASHBOARD_PORT"
COOKIE_SECRET_ENV = "DASHBOARD_COOKIE_SECRET"
SNAPSHOT_PATH_ENV = "CREDIT_SNAPSHOT_PATH"
CURRENCY_ENV = "CREDIT_CURRENCY"
TIMEZONE_ENV = "DASHBOARD_TIMEZONE"

DEFAULT_API_URL = "http://localhost:3000"
DEFAULT_API_TIMEOUT = 30.0  # a 40-amount batch with a long history takes well under a second
DEFAULT_PORT = 5006
DEFAULT_CURRENCY = "€"
DEFAULT_TIMEZONE = "Europe/Paris"  # the advisors' branches
# Where `python -m training snapshot` writes it by default, in a checkout.
DEFAULT_SNAPSHOT_PATH = Path(__file__).resolve().parents[1] / "data" / "portfolio_snapshot.parquet"


@dataclass(frozen=True)
class Settings:
    """Everything a deployment may change; empty strings mean "not set"."""

    api_url: str = DEFAULT_API_URL
    api_token: str = ""
    api_timeout: float = DEFAULT_API_TIMEOUT
    port: int = DEFAULT_PORT
    cookie_secret: str = ""
    snapshot_path: Path = DEFAULT_SNAPSHOT_PATH
    currency: str = DEFAULT_CURRENCY
    timezone: str = DEFAULT_TIMEZONE


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = None
) -> Settings:
    """The settings of ``environ`` (default: the process environment over ``./.env``)."""
    if environ is None:
        dotenv = dotenv_values(env_file or Path(".env"))
        environ = {**{k: v for k, v in dotenv.items() if v is not None}, **os.environ}
    env = environ
    return Settings(
        api_url=env.get(API_URL_ENV, DEFAULT_API_URL).rstrip("/"),
        api_token=env.get(API_TOKEN_ENV, ""),
        api_timeout=float(env.get(API_TIMEOUT_ENV, DEFAULT_API_TIMEOUT)),
        port=int(env.get(PORT_ENV, DEFAULT_PORT)),
        cookie_secret=env.get(COOKIE_SECRET_ENV, ""),
        snapshot_path=Path(env.get(SNAPSHOT_PATH_ENV, DEFAULT_SNAPSHOT_PATH)),
        currency=env.get(CURRENCY_ENV, DEFAULT_CURRENCY),
        timezone=env.get(TIMEZONE_ENV, DEFAULT_TIMEZONE),
    )
