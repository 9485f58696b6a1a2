"""The service's settings: one object read from the environment, which wins over ``.env``,
and a bad value named by its variable."""

from __future__ import annotations

from pathlib import Path

import pytest

import scoring.settings
from scoring.settings import DEFAULT_MAX_BODY_BYTES, ServiceSettings, SettingsError, load_settings

VARIABLES = (
    "CREDIT_MODEL_TAG",
    "CREDIT_SHADOW_MODEL_TAG",
    "CREDIT_API_TOKEN",
    "CREDIT_API_AUTH",
    "CREDIT_AUDIT_DB_URL",
    "CREDIT_PORTFOLIO_DB_URL",
    "CREDIT_MAX_BODY_BYTES",
    "CREDIT_MAX_FILE_BYTES",
    "CREDIT_WORKERS",
    "CREDIT_CURRENCY",
    "CREDIT_LENDER_EMAIL",
    "CREDIT_LENDER_ADDRESS",
    "CREDIT_LENDER_PHONE",
    "CREDIT_REVIEW_BAND",
    "CREDIT_MONITOR_WINDOW_SECONDS",
    "CREDIT_MONITOR_FLUSH_SECONDS",
)


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No service variable set, and a working directory without a ``.env``."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults_serve_the_checkout(clean_environment: Path) -> None:
    settings = load_settings()
    assert settings.model_tag == "credit_scoring:champion"
    assert settings.shadow_model_tag is None
    assert settings.api_token.get_secret_value() == "" and settings.api_auth == "enabled"
    assert settings.audit_db_url.endswith("/data/audit.sqlite")
    assert settings.portfolio_db_url.endswith("/data/portfolio.sqlite")
    assert (settings.max_body_bytes, settings.workers) == (DEFAULT_MAX_BODY_BYTES, 1)


def test_every_field_is_its_documented_variable(clean_environment: Path) -> None:
    fields = set(ServiceSettings.model_fields)
    assert {ServiceSettings.variable(name) for name in fields} == set(VARIABLES)
    documented = scoring.settings.__doc__ or ""
    assert all(f"| ``{name}`` |" in documented for name in VARIABLES)


@pytest.mark.parametrize("variable", ["CREDIT_MODEL_TAG", "CREDIT_SHADOW_MODEL_TAG"])
@pytest.mark.parametrize("tag", ["credit scoring", "credit_scoring:", ":abc", "Credit:abc"])
def test_a_malformed_model_tag_is_named(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch, variable: str, tag: str
) -> None:
    monkeypatch.setenv(variable, tag)
    with pytest.raises(SettingsError, match=variable):
        load_settings()


def test_the_environment_wins_over_the_env_file(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clean_environment / ".env").write_text("CREDIT_API_TOKEN=from-file\nCREDIT_WORKERS=3\n")
    assert load_settings().api_token.get_secret_value() == "from-file"
    monkeypatch.setenv("CREDIT_API_TOKEN", "from-environment")
    settings = load_settings()
    assert settings.api_token.get_secret_value() == "from-environment"
    assert settings.workers == 3


def test_the_token_never_shows_in_the_settings_text(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDIT_API_TOKEN", "s3cret-token")
    assert "s3cret-token" not in repr(load_settings()) and "s3cret-token" not in str(
        load_settings()
    )


@pytest.mark.parametrize(
    ("variable", "raw"),
    [
        ("CREDIT_MAX_BODY_BYTES", "0"),
        ("CREDIT_MAX_BODY_BYTES", "64MB"),
        ("CREDIT_MAX_BODY_BYTES", "1.5"),
        ("CREDIT_WORKERS", "two"),
        ("CREDIT_API_AUTH", "off"),
    ],
)
def test_a_bad_value_names_its_variable(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch, variable: str, raw: str
) -> None:
    monkeypatch.setenv(variable, raw)
    with pytest.raises(SettingsError, match=f"invalid service settings: {variable}: .*{raw!r}"):
        load_settings()
