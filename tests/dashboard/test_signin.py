"""Signing in through the API: the dashboard keeps no password. The real service checks the
name and password of people in its records and throttles repeated failures; the login page
says why it refused, in French and in the API's own English; a sign-in sets Panel's signed
cookies with the role. Answers the service gives only rarely (a lock's Retry-After, a refused
dashboard token) come from a fake transport."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator

import httpx
import panel as pn
import pytest
from tornado.web import decode_signed_value

from dashboard.__main__ import LOGIN_PAGE, LOGOUT_PAGE
from dashboard.api import ApiError, CreditApi
from dashboard.api_errors import SignInRefused
from dashboard.signin import ApiAuthProvider, refusal_lines, wait_text
from devtools.servers import free_port
from scoring.records.database import RecordsDatabase
from scoring.records.users import FREE_FAILURES, Users
from tests.support.serving import TOKEN, LiveService

PASSWORD = "dashboard-test-password"  # the people fixture's
SECRET = "cookie-secret-for-the-sign-in-test"


def _refused(status: int, error: str, **headers: str) -> SignInRefused:
    api = _answering(httpx.Response(status, json={"error": error}, headers=headers))
    with pytest.raises(SignInRefused) as caught:
        api.login("marie", "whatever-password")
    return caught.value


def _answering(response: httpx.Response) -> CreditApi:
    transport = httpx.MockTransport(lambda request: response)
    client = httpx.Client(transport=transport, base_url="http://scoring.test")
    return CreditApi("http://scoring.test", "t0ken", client=client)


@pytest.mark.parametrize(
    ("status", "error", "headers", "french", "english"),
    [
        (401, "wrong username or password", {}, "Identifiant ou mot de passe incorrect.",
         "Wrong username or password."),
        (429, "too many failed sign-ins: try again in 30 s", {"Retry-After": "30"},
         "Trop d'échecs de connexion : réessayez dans 30 s.",
         "Too many failed sign-ins: try again in 30 s."),
        (429, "wrong username or password; too many failed sign-ins: try again in 4 minutes", {},
         "Identifiant ou mot de passe incorrect ; trop d'échecs de connexion : réessayez dans "
         "4 minutes.", "Wrong username or password; too many failed sign-ins: try again in 4 "
         "minutes."),
        (401, "the account 'marie' is disabled: ask a supervisor", {},
         "Ce compte est désactivé : adressez-vous à un superviseur.",
         "The account 'marie' is disabled: ask a supervisor."),
    ],
    ids=["wrong", "locked", "wrong-and-locked", "disabled"],
)  # fmt: skip
def test_a_refusal_is_said_in_french_and_in_the_apis_english(
    status: int, error: str, headers: dict[str, str], french: str, english: str
) -> None:
    assert refusal_lines(_refused(status, error, **headers)) == (french, english)


def test_what_is_not_a_refused_password_is_not_said_to_be_one() -> None:
    """A malformed name is a wrong one; a refused dashboard token or scope is the operator's."""
    with pytest.raises(SignInRefused) as malformed:
        _answering(httpx.Response(400, json={"error": "username: too long"})).login("a", "b")
    assert refusal_lines(malformed.value)[0] == "Identifiant ou mot de passe incorrect."
    token = httpx.Response(401, json={"error": "authentication required: invalid token"},
                           headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
    with pytest.raises(ApiError) as refused:
        _answering(token).login("marie", "x")
    assert refused.value.key == "api_token"
    scope = httpx.Response(403, json={"error": "this key lacks the 'delegate' scope needed"})
    with pytest.raises(ApiError) as lacking:
        _answering(scope).login("marie", "x")
    assert lacking.value.text("fr").startswith("Le jeton d'API du tableau de bord n'a pas ce droit")
    assert wait_text(45) == "45 s" and wait_text(300) == "5 minutes"


def test_the_service_checks_the_password_and_throttles_failures(
    api: CreditApi, people: dict[str, str], service_env: dict[str, str]
) -> None:
    assert api.login("marie", PASSWORD) == {"username": "marie", "role": "supervisor"}
    assert api.login("camille", PASSWORD)["role"] == "advisor"
    users = Users(RecordsDatabase(service_env["CREDIT_AUDIT_DB_URL"]))
    users.add("locked-out", "advisor", PASSWORD)
    for _ in range(FREE_FAILURES):
        with pytest.raises(SignInRefused) as wrong:
            api.login("locked-out", "not-the-password")
        assert not wrong.value.throttled
    with pytest.raises(SignInRefused) as locked:
        api.login("locked-out", "not-the-password")
    assert locked.value.throttled and locked.value.retry_after > 0
    french, english = refusal_lines(locked.value)
    assert "réessayez dans" in french and "try again in" in english


@pytest.fixture
def login_server(live: LiveService, people: dict[str, str]) -> Iterator[str]:
    """Panel serving a page behind the API's sign-in, as ``python -m dashboard`` does."""
    port = free_port()
    api = CreditApi(live.url, TOKEN)
    server = pn.serve(
        lambda: pn.pane.Markdown("signed in"), port=port, address="127.0.0.1", threaded=True,
        show=False, verbose=False, cookie_secret=SECRET,
        auth_provider=ApiAuthProvider(api, LOGIN_PAGE, LOGOUT_PAGE),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(f"{url}/login", timeout=2)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    yield url
    server.stop()


def test_the_login_page_signs_in_through_the_api_and_keeps_the_role(login_server: str) -> None:
    with httpx.Client(base_url=login_server, timeout=30) as browser:
        assert browser.get("/").status_code == 302  # behind the sign-in
        page = browser.get("/login?error=<b>forged</b>")
        assert page.status_code == 200 and "forged" not in page.text  # never read from a link
        wrong = browser.post("/login", data={"username": "marie", "password": "nope-nope"})
        assert wrong.status_code == 401 and "user" not in browser.cookies
        assert "⚠ Identifiant ou mot de passe incorrect." in wrong.text
        assert "Wrong username or password." in wrong.text
        signed = browser.post("/login", data={"username": "marie", "password": PASSWORD})
        assert signed.status_code == 302
        # Tornado quotes a value holding "=", as browsers expect; the jar keeps the quotes.
        user = decode_signed_value(SECRET, "user", browser.cookies["user"].strip('"'))
        token = decode_signed_value(SECRET, "id_token", browser.cookies["id_token"].strip('"'))
        claims = json.loads(base64.urlsafe_b64decode(token + b"=" * (-len(token) % 4)))
        assert user == b"marie" and claims == {"user": "marie", "role": "supervisor"}
        assert browser.get("/").status_code == 200


def test_an_unreachable_api_is_said_on_the_login_page(login_server: str, live) -> None:
    live.stop()
    try:
        answer = httpx.post(
            f"{login_server}/login", data={"username": "marie", "password": PASSWORD}, timeout=30
        )
    finally:
        live.start()
    assert answer.status_code == 503
    assert "est injoignable (est-il démarré ?)" in answer.text
    assert "is not reachable (is it running?)" in answer.text
