"""Dashboard sign-in through the API: the dashboard's key (scope ``delegate``) checks a
person's name and password against the records' ``users`` table, throttled after failures
(:mod:`scoring.records.users`), and learns their role."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from scoring.records.database import RecordsUnavailable
from scoring.records.users import LoginRefused, Users
from scoring.serving.callers import Role
from scoring.serving.engine import ServiceError, Unavailable


class LoginRequest(BaseModel):
    """A person's name and password, as typed on the dashboard's sign-in page."""

    model_config = ConfigDict(
        extra="forbid",
        hide_input_in_errors=True,
        json_schema_extra={"example": {"username": "marie", "password": "••••••••"}},
    )

    username: str = Field(min_length=1, max_length=64)
    password: SecretStr = Field(min_length=1, max_length=1024)


class SignedIn(BaseModel):
    """Who signed in, and what their role lets them do."""

    username: str
    role: Role


class LoginFailed(ServiceError):
    status = 401


class Throttled(ServiceError):
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def sign_in(users: Users, request: LoginRequest) -> SignedIn:
    """The person's role, or 401 (wrong name or password) / 429 (too many failures)."""
    try:
        role = users.login(request.username, request.password.get_secret_value())
    except LoginRefused as error:
        if error.retry_after:
            raise Throttled(str(error), error.retry_after) from error
        raise LoginFailed(str(error)) from error
    except RecordsUnavailable as error:
        raise Unavailable.records("sign-in not checked", error) from error
    return SignedIn(username=request.username, role=role)
