"""Settings of the scoring service: read from the environment in this one place.

Every variable a deployment may set is a field here, typed and documented; nothing else in
the service reads the environment. A variable already set in the environment wins over the
git-ignored ``.env`` of the working directory (the usual dotenv rule), so an explicit
``CREDIT_API_TOKEN=... bentoml serve`` is never replaced by the file.

| variable | default | meaning |
|---|---|---|
| ``CREDIT_MODEL_TAG`` | ``credit_scoring:champion`` | model-store entry the service loads |
| ``CREDIT_SHADOW_MODEL_TAG`` | none | a challenger scored beside it, recorded, never returned |
| ``CREDIT_API_TOKEN`` | none (required) | bearer token every data or scoring route needs |
| ``CREDIT_API_AUTH`` | ``enabled`` | ``disabled`` runs without a token (never in production) |
| ``CREDIT_AUDIT_DB_URL`` | ``sqlite:///data/audit.sqlite`` | audit trail, any SQLAlchemy URL |
| ``CREDIT_PORTFOLIO_DB_URL`` | ``sqlite:///data/portfolio.sqlite`` | known clients (read-only) |
| ``CREDIT_MAX_BODY_BYTES`` | ``67108864`` (64 MiB) | largest request body read |
| ``CREDIT_MAX_FILE_BYTES`` | ``134217728`` (128 MiB) | largest upload to ``/score_file`` |
| ``CREDIT_WORKERS`` | ``1`` | BentoML worker processes |
| ``CREDIT_CURRENCY`` | ``€`` | shown after every amount the reasons quote |
| ``CREDIT_REVIEW_BAND`` | ``0.02`` | half-width of the band around the threshold left to a person |
| ``CREDIT_LENDER_EMAIL`` | the product's service address | where refused applicants write |
| ``CREDIT_LENDER_ADDRESS`` | none | the letters' postal address, lines separated by `` | `` |
| ``CREDIT_LENDER_PHONE`` | none | the letters' telephone line |
| ``CREDIT_MONITOR_WINDOW_SECONDS`` | ``86400`` (a day) | length of a drift-monitoring window |
| ``CREDIT_MONITOR_FLUSH_SECONDS`` | ``60`` | how often a worker writes its drift counts |
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

# The project's data folder when run from a checkout; the container sets every URL itself.
DATA_DIR = Path(__file__).resolve().parents[1] / "data"
# Measured on the test fixtures' synthetic portfolio: an application alone is ~2.7 KB
# (3.8 KB at p99), so a 10,000-application batch without history is ~27 MB; with its history
# an item averages ~36 KB (p99 162 KB). 64 MiB takes any batch without history with twice the
# room and ~1,800 applications with average histories, and keeps a body of gigabytes from
# exhausting a worker's memory; a larger batch with history is split by the caller.
DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024
# A file of 100,000 applications (the most /score_file takes) with every column is ~70 MB of
# CSV (~20 MB of Parquet); 128 MiB leaves room for longer values and the form's envelope.
DEFAULT_MAX_FILE_BYTES = 128 * 1024 * 1024
ENV_PREFIX = "CREDIT_"
# name or name:version, as BentoML spells tags (the version may be latest or champion).
TAG_PATTERN = r"^[a-z0-9][a-z0-9_.-]*(:[A-Za-z0-9_.-]+)?$"


class ServiceSettings(BaseSettings):
    """What a deployment of the scoring service may change."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", frozen=True
    )

    model_tag: str = Field(
        "credit_scoring:champion",
        pattern=TAG_PATTERN,
        description="Model-store entry to serve; name:champion is the promoted one.",
    )
    shadow_model_tag: str | None = Field(
        None,
        pattern=TAG_PATTERN,
        description="A challenger scored on real applications beside the served model: its "
        "score is recorded for comparison and never returned.",
    )
    api_token: SecretStr = Field(SecretStr(""), description="Bearer token clients must send.")
    api_auth: Literal["enabled", "disabled"] = Field(
        "enabled", description="'disabled' serves without authentication (local trials only)."
    )
    audit_db_url: str = Field(
        f"sqlite:///{DATA_DIR / 'audit.sqlite'}", description="Audit trail database URL."
    )
    portfolio_db_url: str = Field(
        f"sqlite:///{DATA_DIR / 'portfolio.sqlite'}", description="Known clients database URL."
    )
    max_body_bytes: int = Field(
        DEFAULT_MAX_BODY_BYTES, gt=0, description="Largest request body read, in bytes."
    )
    max_file_bytes: int = Field(
        DEFAULT_MAX_FILE_BYTES, gt=0, description="Largest file uploaded to /score_file, in bytes."
    )
    workers: int = Field(1, ge=1, description="BentoML worker processes.")
    currency: str = Field("€", max_length=8, description="Shown after amounts in reasons.")
    lender_email: str = Field(
        "service-clients@pret-a-depenser.fr",
        max_length=200,
        description="Where a refused applicant asks for a review (the letter says it).",
    )
    lender_address: str = Field(
        "", max_length=400, description="Postal address of the letters, lines split by ' | '."
    )
    lender_phone: str = Field("", max_length=40, description="Telephone line of the letters.")
    review_band: float = Field(
        0.02,
        ge=0.0,
        le=0.2,
        description="Scores within this distance of the threshold (probability points, "
        "0.02 = ±2 points) are recommended for review: a person decides.",
    )

    monitor_window_seconds: int = Field(
        86_400,
        ge=60,
        le=31 * 86_400,
        description="Length of a monitoring window (drift counts are kept per window).",
    )
    monitor_flush_seconds: float = Field(
        60.0,
        gt=0.0,
        le=3_600.0,
        description="How often each worker writes its drift counts: what a worker killed "
        "outright can lose.",
    )

    @classmethod
    def variable(cls, field: str) -> str:
        """The environment variable of ``field``, for messages that tell what to set."""
        return f"{ENV_PREFIX}{field.upper()}"


class SettingsError(ValueError):
    """An environment variable holds a value the service cannot use; the message names it."""


def load_settings(**overrides: Any) -> ServiceSettings:
    """The settings of this process (``overrides`` win), or :class:`SettingsError`."""
    try:
        return ServiceSettings(**overrides)
    except ValidationError as error:
        problems = "; ".join(
            f"{ServiceSettings.variable(str(e['loc'][0]))}: {e['msg']} (got {e['input']!r})"
            for e in error.errors()
        )
        raise SettingsError(f"invalid service settings: {problems}") from None
