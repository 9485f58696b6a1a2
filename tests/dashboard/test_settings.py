"""What needs no API: settings from the environment, and reading an answer.

``read_answer`` turns one HTTP answer into data or a sentence. The real service is tested in
``test_api_client.py``; the two answers it cannot be made to give (a bare HTTP 500, a page
that is not JSON, e.g. from a wrong CREDIT_API_URL) are read here as plain responses.
"""

from __future__ import annotations

import httpx
import pytest

from dashboard.api import ApiError, read_answer
from dashboard.config import DEFAULT_API_URL, DEFAULT_PORT, Settings, load_settings

URL = "http://scoring.example:3000"


def test_settings_come_from_the_environment_with_defaults() -> None:
    assert load_settings({}) == Settings()
    assert (load_settings({}).api_url, load_settings({}).port) == (DEFAULT_API_URL, DEFAULT_PORT)
    settings = load_settings(
        {"CREDIT_API_URL": "http://api:3000/", "DASHBOARD_PORT": "5100", "CREDIT_API_TOKEN": "x"}
    )
    assert (settings.api_url, settings.port, settings.api_token) == ("http://api:3000", 5100, "x")
    assert load_settings({}).currency == "€"
    assert load_settings({"CREDIT_CURRENCY": "CHF"}).currency == "CHF"
    assert load_settings({}).timezone == "Europe/Paris"
    assert load_settings({"DASHBOARD_TIMEZONE": "America/Cayenne"}).timezone == "America/Cayenne"
    assert "password" not in Settings.__dataclass_fields__  # the API checks every sign-in


@pytest.mark.parametrize(
    ("response", "expected", "status"),
    [
        (httpx.Response(500, text="Internal Server Error"), "failed (HTTP 500).", 500),
        (httpx.Response(502, json={"error": "bad gateway"}), "(HTTP 502): bad gateway.", 502),
        (httpx.Response(200, text="<html>"), f"at {URL} sent an unreadable answer.", None),
    ],
    ids=["500", "502-json", "not-json"],
)
def test_answers_without_a_known_shape_still_read_as_sentences(
    response: httpx.Response, expected: str, status: int | None
) -> None:
    with pytest.raises(ApiError) as caught:
        read_answer(response, URL)
    assert caught.value.message.endswith(expected) and caught.value.status == status
    assert "Traceback" not in caught.value.message


def test_a_successful_answer_is_its_json() -> None:
    assert read_answer(httpx.Response(200, json={"count": 1}), URL) == {"count": 1}
