"""The dashboard's only way to the model: a small client of the scoring REST API.

The dashboard never loads the model, so every figure it shows is the one the API would
give (and audits). Every failure becomes an :class:`ApiError` whose sentence an advisor can
read and act on, in English or French; no HTTP or Python jargon reaches the screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from dashboard.config import DEFAULT_API_TIMEOUT
from dashboard.wording import word
from scoring.wording import Language

Json = dict[str, Any]


class ApiError(Exception):
    """A failed API call: what went wrong (a phrase of :mod:`dashboard.wording` and its
    fields), said in the advisor's language by :meth:`text`, and the HTTP status if any."""

    def __init__(self, key: str, status: int | None = None, **fields: Any) -> None:
        self.key, self.status, self.fields = key, status, fields
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The sentence in English, as logs and tracebacks show it."""
        return self.text("en")

    def text(self, language: Language) -> str:
        """The sentence in ``language``."""
        fields = dict(self.fields)
        if self.key == "api_not_ready" and not fields["reason"]:
            fields["reason"] = word("api_retry", language)
        return word(self.key, language, **fields)


class CreditApi:
    """Calls the scoring API with the bearer token.

    ``client`` may be injected (tests pass Starlette's ``TestClient`` over the service in
    process), with its own timeouts; otherwise one is created for ``base_url`` with
    ``timeout`` seconds per call.
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
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = client or httpx.Client(base_url=self.base_url, timeout=timeout)

    def predict(
        self,
        client_id: int | None = None,
        *,
        application: Mapping[str, Any] | None = None,
        history: Mapping[str, Any] | None = None,
    ) -> Json:
        """Probability and decision of a known client or of an application (a what-if)."""
        body = _subject(client_id, application, history)
        return self._call("POST", "/predict", body, client_id=client_id)

    def explain(
        self,
        client_id: int | None = None,
        *,
        application: Mapping[str, Any] | None = None,
        history: Mapping[str, Any] | None = None,
        language: str = "en",
    ) -> Json:
        """Decision, groups in risk points and principal reasons, in ``language``."""
        body: Json = {"language": language, **_subject(client_id, application, history)}
        return self._call("POST", "/explain", body, client_id=client_id)

    def predict_batch(self, applications: Sequence[Mapping[str, Any]]) -> Json:
        """Decisions of many ``{"application": ..., "history": ...}`` items in one call."""
        return self._call("POST", "/predict_batch", {"applications": list(applications)})

    def client(self, client_id: int) -> Json:
        """A known client's application, known outcome and history."""
        # In the body, not the URL: paths end up in the access log and the open /metrics.
        return self._call("POST", "/clients", {"client_id": int(client_id)}, client_id=client_id)

    def model(self) -> Json:
        """Tag, threshold, features with labels and units, and the model card."""
        return self._call("GET", "/model")

    def close(self) -> None:
        self._client.close()

    def _call(
        self, method: str, path: str, body: Json | None = None, *, client_id: int | None = None
    ) -> Json:
        try:
            response = self._client.request(method, path, json=body, headers=self._headers)
        except httpx.TimeoutException as error:
            raise ApiError("api_timeout", url=self.base_url, seconds=f"{self.timeout:g}") from error
        except httpx.HTTPError as error:
            raise ApiError("api_unreachable", url=self.base_url) from error
        return read_answer(response, self.base_url, client_id)


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


def read_answer(response: httpx.Response, base_url: str, client_id: int | None = None) -> Json:
    """The JSON body of a successful answer; otherwise an :class:`ApiError` saying why."""
    if response.is_success:
        try:
            return response.json()
        except ValueError as error:
            raise ApiError("api_unreadable", url=base_url) from error
    raise _failure(response, client_id)


def _failure(response: httpx.Response, client_id: int | None) -> ApiError:
    """What went wrong, from the status and the API's ``{"error", "detail"}`` body."""
    status = response.status_code
    payload = _json_or_empty(response)
    error = str(payload.get("error") or "")
    if status == 401:
        return ApiError("api_token", status)
    if status == 404 and client_id is not None:
        return ApiError("api_unknown_client", status, client_id=client_id)
    if status == 400:
        problems = [_problem(item) for item in payload.get("detail") or ()]
        return ApiError("api_bad_input", status, problems="; ".join(problems) or error)
    if status == 503:
        return ApiError("api_not_ready", status, reason=error)
    if error:
        return ApiError("api_failed_because", status, status_code=status, error=error)
    return ApiError("api_failed", status, status_code=status)


def _json_or_empty(response: httpx.Response) -> Json:
    try:
        payload = response.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _problem(item: Mapping[str, Any]) -> str:
    """``{"loc": ["application", "AMT_CREDIT"], "msg": "..."}`` → ``AMT_CREDIT: ...``."""
    loc = [str(part) for part in item.get("loc") or () if part != "application"]
    message = str(item.get("msg", "invalid value"))
    return f"{'.'.join(loc)}: {message}" if loc else message
