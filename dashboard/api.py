"""The dashboard's only way to the model: a small client of the scoring REST API.

The dashboard never loads the model, so every figure it shows is the one the API gave (and
recorded). Every scoring call says why it is made (``purpose``: a file looked at, a what-if),
since a score is never a decision; decisions are recorded by their own call. Calls made for a
signed-in person name them (``X-Acting-User``), so the records say who asked and who decided,
and the API checks what their role allows. Every failure becomes an :class:`ApiError` whose
sentence an advisor can read and act on, in English or French (:mod:`dashboard.api_errors`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import httpx

from dashboard.api_errors import ApiError, SignInRefused, failure, login_refusal
from dashboard.config import DEFAULT_API_TIMEOUT
from scoring.policy import Purpose
from scoring.wording import Language

Json = dict[str, Any]
ACTING_USER = "X-Acting-User"

__all__ = ["ACTING_USER", "ApiError", "CreditApi", "read_answer"]


class CreditApi:
    """Calls the scoring API with the bearer token, for the person :meth:`acting_for` names.

    ``client`` may be injected (tests pass Starlette's ``TestClient`` over the service in
    process, or an ``httpx.Client`` over a ``MockTransport``), with its own timeouts; otherwise
    one is created for ``base_url`` with ``timeout`` seconds per call.
    """

    def __init__(
        self,
        base_url: str,
        token: str = "",
        *,
        timeout: float = DEFAULT_API_TIMEOUT,
        client: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.acting_user: str | None = None
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = client or httpx.Client(base_url=self.base_url, timeout=timeout)

    def acting_for(self, user: str | None) -> CreditApi:
        """The same connection, each call made for ``user`` (sessions share the connection)."""
        twin = copy.copy(self)
        twin.acting_user = user or None
        twin._headers = {k: v for k, v in self._headers.items() if k != ACTING_USER}
        if user:
            twin._headers[ACTING_USER] = user
        return twin

    @property
    def connection(self) -> int:
        """What identifies the shared connection, whoever a copy acts for (a cache key)."""
        return id(self._client)

    # --- scores: inquiries, never decisions ------------------------------------------------

    def predict(
        self,
        client_id: int | None = None,
        *,
        purpose: Purpose,
        application: Mapping[str, Any] | None = None,
        history: Mapping[str, Any] | None = None,
    ) -> Json:
        """Probability and recommendation of a known client or of an application."""
        body = {**_subject(client_id, application, history), "purpose": purpose}
        return self._call("POST", "/predict", body, client_id=client_id)

    def explain(
        self,
        client_id: int | None = None,
        *,
        purpose: Purpose,
        application: Mapping[str, Any] | None = None,
        history: Mapping[str, Any] | None = None,
        language: Language = "en",
    ) -> Json:
        """Recommendation, groups in risk points and principal reasons, in ``language``."""
        body: Json = {
            "language": language,
            **_subject(client_id, application, history),
            "purpose": purpose,
        }
        return self._call("POST", "/explain", body, client_id=client_id)

    def predict_batch(self, applications: Sequence[Mapping[str, Any]], *, purpose: Purpose) -> Json:
        """Recommendations of many ``{"application": ..., "history": ...}`` items in one call."""
        body = {"applications": list(applications), "purpose": purpose}
        return self._call("POST", "/predict_batch", body)

    # --- decisions: acts of a person -------------------------------------------------------

    def decide(
        self,
        client_id: int,
        final_decision: str,
        idempotency_key: str,
        *,
        reason: str | None = None,
        note: str | None = None,
        revises: str | None = None,
        language: Language = "en",
    ) -> Json:
        """Record the decision on a known client's application; the receipt (201, or 200 with
        ``replayed`` when ``idempotency_key`` had already recorded it)."""
        body: Json = {
            "client_id": int(client_id),
            "final_decision": final_decision,
            "idempotency_key": idempotency_key,
            "reason": reason,
            "note": note,
            "revises": revises,
            "language": language,
        }
        return self._call("POST", "/decisions", body, client_id=client_id)

    def decision_history(self, client_id: int) -> Json:
        """The client's decisions, oldest first, and the current one's id."""
        body = {"client_id": int(client_id)}
        return self._call("POST", "/decisions/history", body, client_id=client_id)

    def review_queue(self, limit: int = 100) -> Json:
        """Applications scored in the review band with no decision yet, and recent overrides."""
        return self._call("POST", "/decisions/review", {"limit": limit})

    def monitoring(self, since: date | None = None, until: date | None = None) -> Json:
        """The served model's drift and performance over days [since, until) (``until``
        excluded; the API's default: the last 30 days), for supervisors (scope audit)."""
        body = {
            name: day.isoformat()
            for name, day in (("since", since), ("until", until))
            if day is not None
        }
        return self._call("POST", "/monitoring", body)

    def letter(self, decision_id: str, language: Language) -> bytes:
        """The PDF letter of a recorded refusal, in ``language``."""
        body = {"decision_id": decision_id, "language": language}
        response = self._send("POST", "/decisions/letter", body)
        if not response.is_success:
            raise failure(response, self.base_url, path="/decisions/letter")
        return response.content

    # --- the rest --------------------------------------------------------------------------

    def client(self, client_id: int) -> Json:
        """A known client's application, known outcome and history."""
        # In the body, not the URL: paths end up in the access log and the open /metrics.
        return self._call("POST", "/clients", {"client_id": int(client_id)}, client_id=client_id)

    def model(self) -> Json:
        """Tag, threshold, review band, features with labels and units, and the model card."""
        return self._call("GET", "/model")

    def login(self, username: str, password: str) -> Json:
        """``{"username", "role"}`` when the API accepts the password; else an
        :class:`ApiError` keyed ``login_*`` that carries the API's own message."""
        body = {"username": username, "password": password}
        response = self._send("POST", "/users/login", body)
        if response.status_code == 400:  # a name or password no user could have
            raise SignInRefused(401, "")
        if response.status_code in (401, 429) and not _token_refused(response):
            raise login_refusal(response)
        return read_answer(response, self.base_url, path="/users/login")

    def close(self) -> None:
        self._client.close()

    def _call(
        self, method: str, path: str, body: Json | None = None, *, client_id: int | None = None
    ) -> Json:
        response = self._send(method, path, body)
        return read_answer(response, self.base_url, client_id, path=path)

    def _send(self, method: str, path: str, body: Json | None) -> httpx.Response:
        try:
            return self._client.request(method, path, json=body, headers=self._headers)
        except httpx.TimeoutException as error:
            raise ApiError("api_timeout", url=self.base_url, seconds=f"{self.timeout:g}") from error
        except httpx.HTTPError as error:
            raise ApiError("api_unreachable", url=self.base_url) from error


def _subject(
    client_id: int | None,
    application: Mapping[str, Any] | None,
    history: Mapping[str, Any] | None,
) -> Json:
    """Who is scored: a known client by ID, or an application with its history."""
    if application is None:
        return {"client_id": client_id}
    body: Json = {"application": dict(application)}
    if history is not None:
        body["history"] = dict(history)
    return body


def _token_refused(response: httpx.Response) -> bool:
    """Whether a 401 refuses the dashboard's own token (the auth layer's answer), not a
    person's password."""
    return response.status_code == 401 and "www-authenticate" in response.headers


def read_answer(
    response: httpx.Response, base_url: str, client_id: int | None = None, *, path: str = ""
) -> Json:
    """The JSON body of a successful answer; otherwise an :class:`ApiError` saying why."""
    if response.is_success:
        try:
            return response.json()
        except ValueError as error:
            raise ApiError("api_unreadable", url=base_url) from error
    raise failure(response, base_url, client_id, path=path)
