"""The dashboard's only way to the model: a small client of the scoring REST API.

The dashboard never loads the model, so every figure it shows is the one the API would
give (and audits). Every failure becomes an :class:`ApiError` whose message an advisor can
read and act on; no HTTP or Python jargon reaches the screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from dashboard.config import DEFAULT_API_TIMEOUT

Json = dict[str, Any]


class ApiError(Exception):
    """A failed API call, with a message for the advisor and the HTTP status if any."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


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

    def predict(self, client_id: int) -> Json:
        """Probability and decision of a known client."""
        return self._call("POST", "/predict", {"client_id": client_id})

    def explain(
        self,
        client_id: int | None = None,
        *,
        application: Mapping[str, Any] | None = None,
        history: Mapping[str, Any] | None = None,
        language: str = "en",
    ) -> Json:
        """Decision, SHAP contributions and reasons of a known client or of an application."""
        body: Json = {"language": language}
        if application is None:
            body["client_id"] = client_id
        else:
            body["application"] = dict(application)
            if history is not None:
                body["history"] = dict(history)
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
            raise ApiError(
                f"The scoring service at {self.base_url} did not answer within "
                f"{self.timeout:g} s; try again in a moment."
            ) from error
        except httpx.HTTPError as error:
            raise ApiError(
                f"The scoring service at {self.base_url} is not reachable (is it running?)."
            ) from error
        return read_answer(response, self.base_url, client_id)


def read_answer(response: httpx.Response, base_url: str, client_id: int | None = None) -> Json:
    """The JSON body of a successful answer; otherwise an :class:`ApiError` saying why."""
    if response.is_success:
        try:
            return response.json()
        except ValueError as error:
            raise ApiError(
                f"The scoring service at {base_url} sent an unreadable answer."
            ) from error
    raise ApiError(_message(response, client_id), response.status_code)


def _message(response: httpx.Response, client_id: int | None) -> str:
    """What went wrong, from the status and the API's ``{"error", "detail"}`` body."""
    status = response.status_code
    payload = _json_or_empty(response)
    error = str(payload.get("error") or "")
    if status == 401:
        return (
            "The API token was refused by the scoring service: check CREDIT_API_TOKEN "
            "(make serve writes it to .env)."
        )
    if status == 404 and client_id is not None:
        return f"Client {client_id} is unknown."
    if status == 400:
        problems = [_problem(item) for item in payload.get("detail") or ()]
        return "The application was refused as input: " + ("; ".join(problems) or error)
    if status == 503:
        return f"The scoring service is not ready: {error or 'try again in a moment'}."
    return f"The scoring service failed (HTTP {status}){': ' + error if error else ''}."


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
