"""Who a record names, as the dashboard says it to a colleague."""

from __future__ import annotations

import pytest

from dashboard.people import person


def test_a_user_is_named_by_their_login_even_through_a_key() -> None:
    assert person("user:marie via key:1a2b3c4d", "en") == "marie"
    assert person("user:marie", "fr") == "marie"


def test_the_bootstrap_token_is_the_administrator() -> None:
    assert "admin" in person("token:bootstrap", "en").lower()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "an automated system (48a22139)"), ("fr", "un système automatisé (48a22139)")],
)
def test_an_api_key_alone_is_an_automated_system_named_by_its_key(
    language: str, expected: str
) -> None:
    assert person("key:48a22139", language) == expected  # type: ignore[arg-type]
