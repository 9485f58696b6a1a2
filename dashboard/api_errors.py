"""What a failed API call means for the person at the screen, in their language.

The API answers ``{"error": "..."}`` in English for developers; the dashboard says the same
thing in the advisor's words (keys of :mod:`dashboard.wording`), choosing the sentence from the
status, the route and, where one status has several causes, the API's message. A sign-in
refusal is apart (:class:`SignInRefused`): the login page shows the API's own message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import httpx

from dashboard.wording import word
from scoring.wording import Language

_SCOPE = re.compile(r"lacks the '(\w+)' scope")
_WAIT = re.compile(r"try again in (\d+) (s|minutes?)\b")


class ApiError(Exception):
    """A failed API call: what went wrong (a phrase of :mod:`dashboard.wording` and its
    fields), said in the advisor's language by :meth:`text`, and the HTTP status if any.
    ``said`` keeps the API's own message, for logs."""

    def __init__(self, key: str, status: int | None = None, said: str = "", **fields: Any) -> None:
        self.key, self.status, self.said, self.fields = key, status, said, fields
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


class SignInRefused(Exception):
    """``/users/login`` refused the name or password (401), or throttles them (429).

    ``message`` is the API's sentence; ``retry_after`` the seconds to wait (0: none said).
    """

    def __init__(self, status: int, message: str, retry_after: int = 0) -> None:
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after

    @property
    def throttled(self) -> bool:
        return self.status == 429 or self.retry_after > 0


def failure(
    response: httpx.Response, base_url: str, client_id: int | None = None, *, path: str = ""
) -> ApiError:
    """What went wrong, from the status, the route and the API's ``{"error", "detail"}``."""
    status = response.status_code
    payload = _json_or_empty(response)
    error = str(payload.get("error") or "")
    known = _known(status, error, path, client_id)
    if known is not None:
        key, fields = known
        return ApiError(key, status, error, **fields)
    if status == 400:
        problems = [_problem(item) for item in payload.get("detail") or ()]
        return ApiError("api_bad_input", status, error, problems="; ".join(problems) or error)
    if status == 503:
        return ApiError("api_not_ready", status, error, reason=error)
    if error:
        return ApiError("api_failed_because", status, error, status_code=status, error=error)
    return ApiError("api_failed", status, status_code=status)


def _known(
    status: int, error: str, path: str, client_id: int | None
) -> tuple[str, dict[str, Any]] | None:
    """The sentence for a failure the dashboard can explain in its own words, if it is one."""
    if status == 401:
        return "api_token", {}
    if status == 403:
        scope = _SCOPE.search(error)
        if scope:
            return "api_scope", {"scope": scope.group(1)}
        if "X-Acting-User" in error:
            return "api_user_inactive", {}
        keys = {
            "/decisions": "decision_forbidden",
            "/decisions/review": "review_forbidden",
            "/monitoring": "mon_forbidden",
        }
        return keys.get(path, "api_forbidden"), {}
    if status == 404 and path == "/decisions/letter":
        return "decision_unknown", {}
    if status == 404 and client_id is not None:
        return "api_unknown_client", {"client_id": client_id}
    if status == 400 and path == "/decisions" and error.startswith("reason:"):
        return "needs_reason", {}
    if status == 409:
        return ("letter_not_refusal" if path == "/decisions/letter" else "decision_conflict"), {}
    return None


def login_refusal(response: httpx.Response) -> SignInRefused:
    """The API's refusal of a sign-in, with how long to wait when it says so."""
    payload = _json_or_empty(response)
    message = str(payload.get("error") or "")
    return SignInRefused(response.status_code, message, _retry_after(response, payload, message))


def _retry_after(response: httpx.Response, payload: Mapping[str, Any], message: str) -> int:
    """Seconds to wait: the ``Retry-After`` header, a ``retry_after`` field, or the message."""
    for value in (response.headers.get("retry-after"), payload.get("retry_after")):
        try:
            return max(0, math.ceil(float(value)))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
    said = _WAIT.search(message)
    if said is None:
        return 0
    amount = int(said.group(1))
    return amount if said.group(2) == "s" else 60 * amount


def _json_or_empty(response: httpx.Response) -> dict[str, Any]:
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
