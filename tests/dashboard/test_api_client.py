"""The API client: right routes and token, every failure a sentence an advisor can act on.

These play the API's documented answers through ``httpx.MockTransport``; the same client
against the real service in process is in ``tests/service/test_dashboard_contract.py``
(beside the service's ``asgi_client``: one BentoML app per process).
"""

from __future__ import annotations

import httpx
import pytest

from dashboard.__main__ import credentials
from dashboard.api import ApiError, CreditApi
from dashboard.config import DEFAULT_API_URL, DEFAULT_PORT, Settings, load_settings
from tests.dashboard.fake_api import BASE_URL, FakeScoringApi


def _answering(status: int, **response) -> CreditApi:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, request=request, **response)

    client = httpx.Client(base_url=BASE_URL, transport=httpx.MockTransport(handle))
    return CreditApi(BASE_URL, "t0ken", client=client)


def _raising(error: type[httpx.HTTPError]) -> CreditApi:
    def handle(request: httpx.Request) -> httpx.Response:
        raise error("boom", request=request)

    client = httpx.Client(base_url=BASE_URL, transport=httpx.MockTransport(handle))
    return CreditApi(BASE_URL, "t0ken", client=client, timeout=2)


def test_every_call_goes_to_its_route_with_the_bearer_token() -> None:
    fake = FakeScoringApi()
    api = fake.api()
    assert api.model()["threshold"] == pytest.approx(0.073)
    assert api.client(100002)["application"]["SK_ID_CURR"] == 100002
    assert api.explain(100002, language="fr")["language"] == "fr"
    application = {**api.client(100002)["application"], "SK_ID_CURR": None}
    assert api.explain(application=application, history={})["client_id"] is None
    assert api.predict_batch([{"application": application}])["count"] == 1
    assert fake.paths() == [
        "/model", "/clients/100002", "/explain", "/clients/100002", "/explain", "/predict_batch"
    ]  # fmt: skip
    assert fake.calls[2][2] == {"client_id": 100002, "language": "fr"}
    assert fake.calls[4][2] == {"language": "en", "application": application, "history": {}}


@pytest.mark.parametrize(
    ("api", "expected"),
    [
        (_raising(httpx.ConnectError), f"The scoring service at {BASE_URL} is not reachable"),
        (_raising(httpx.ReadTimeout), "did not answer within 2 s"),
        (_answering(401, json={"error": "authentication required"}), "API token was refused"),
        (_answering(503, json={"error": "audit store unavailable"}), "not ready: audit store"),
        (_answering(500, text="Internal Server Error"), "failed (HTTP 500)"),
        (_answering(200, text="<html>"), "unreadable answer"),
    ],
    ids=["down", "timeout", "401", "503", "500", "not-json"],
)
def test_failures_become_readable_messages(api: CreditApi, expected: str) -> None:
    with pytest.raises(ApiError) as caught:
        api.model()
    assert expected in caught.value.message
    assert "Traceback" not in caught.value.message


def test_unknown_client_and_bad_input_are_named() -> None:
    api = FakeScoringApi().api()
    with pytest.raises(ApiError, match=r"^Client 1 is unknown\.$") as unknown:
        api.client(1)
    assert unknown.value.status == 404
    with pytest.raises(ApiError, match="AMT_CREDIT: Input should be >= 0"):
        api.explain(application={"AMT_CREDIT": -5.0}, history={})


def test_wrong_token_is_reported_as_such() -> None:
    with pytest.raises(ApiError, match="token was refused") as caught:
        FakeScoringApi().api(token="wrong").model()
    assert caught.value.status == 401


def test_settings_come_from_the_environment_with_defaults() -> None:
    assert load_settings({}) == Settings()
    assert (load_settings({}).api_url, load_settings({}).port) == (DEFAULT_API_URL, DEFAULT_PORT)
    settings = load_settings(
        {"CREDIT_API_URL": "http://api:3000/", "DASHBOARD_PORT": "5100", "CREDIT_API_TOKEN": "x"}
    )
    assert (settings.api_url, settings.port, settings.api_token) == ("http://api:3000", 5100, "x")


def test_a_password_is_generated_only_when_none_is_set() -> None:
    user, password, generated = credentials(Settings())
    assert (user, generated) == ("advisor", True) and len(password) >= 16
    assert credentials(Settings(user="ana", password="s3cret")) == ("ana", "s3cret", False)
    assert credentials(Settings())[1] != password
