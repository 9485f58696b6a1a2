"""Dashboard users: advisors and supervisors, their argon2id password hashes and their
sign-in throttle (docs/security.md).

A user who fails to sign in :data:`FREE_FAILURES` times in a row is locked for 30 s, and each
further failure doubles the lock, up to 15 minutes; a success, or a new password, starts the
count again. The count and the lock are columns of ``users``, so they hold across the
service's workers and restarts. Each attempt is counted *before* the password is checked, in
the transaction that reads the lock, so parallel guesses cannot slip past it.

An unknown or disabled username costs the same argon2 check as a known one (against a dummy
hash), so the time taken does not tell which usernames exist. A locked account does say so:
an unknown name never locks, and the user must be told when to try again.
"""

from __future__ import annotations

import math
import re
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, RowMapping, insert, select, update

from scoring.records.clock import timestamp
from scoring.records.database import RecordsDatabase
from scoring.records.snapshot import Snapshot
from scoring.records.tables import USERS
from scoring.serving.callers import ROLES, Role

FREE_FAILURES = 4  # the 5th failure in a row locks the account
FIRST_LOCK_SECONDS = 30
LONGEST_LOCK_SECONDS = 15 * 60
MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # argon2 takes any length; a megabyte "password" would only cost time
REFRESH_SECONDS = 2.0
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
WRONG = "wrong username or password"
_VERIFIER = PasswordHasher()  # verifying reads the parameters from the hash itself


class UserError(ValueError):
    """A user operation that cannot be done; the message names the user or the field."""


class LoginRefused(Exception):
    """A sign-in refused; the message can be shown to the person as it is.

    ``retry_after`` is how many seconds to wait before trying again (0: now).
    """

    def __init__(self, message: str, retry_after: int = 0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class User:
    """A user as listed: everything but the password hash."""

    username: str
    role: str
    created_at: str
    disabled_at: str | None
    failed_logins: int
    locked_until: str | None


def lock_seconds(failures: int) -> int:
    """How long ``failures`` failed sign-ins in a row lock an account: 0, then 30 s doubling
    with each failure, at most 15 minutes."""
    if failures <= FREE_FAILURES:
        return 0
    return min(
        FIRST_LOCK_SECONDS * 2 ** min(failures - FREE_FAILURES - 1, 16), LONGEST_LOCK_SECONDS
    )


def new_password() -> str:
    """A random password of 16 URL-safe characters (96 bits)."""
    return secrets.token_urlsafe(12)


class Users:
    """The ``users`` table: add, disable and sign in dashboard users.

    ``hasher`` sets the argon2 cost of new hashes; ``now`` (wall clock) and ``monotonic``
    (the cache's clock) are there for tests.
    """

    def __init__(
        self,
        database: RecordsDatabase,
        hasher: PasswordHasher | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        refresh_seconds: float = REFRESH_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.database = database
        self.hasher = hasher or PasswordHasher()
        self.now = now
        self._roles = Snapshot(self._read_roles, refresh_seconds, monotonic)
        self._dummy: str | None = None

    def add(self, username: str, role: str, password: str) -> None:
        """A new user; :class:`UserError` when the name is taken or a field is invalid."""
        _check_username(username)
        if role not in ROLES:
            raise UserError(f"unknown role {role!r}: the roles are {', '.join(ROLES)}")
        password_hash = self.hasher.hash(_checked_password(password))
        with self.database.writing() as connection:
            if _row(connection, username) is not None:
                raise UserError(f"the user {username!r} already exists")
            connection.execute(
                insert(USERS).values(
                    username=username,
                    role=role,
                    password_hash=password_hash,
                    created_at=timestamp(self.now()),
                    failed_logins=0,
                )
            )

    def set_password(self, username: str, password: str) -> None:
        """Replace the password; also lifts a lock and clears the failure count."""
        password_hash = self.hasher.hash(_checked_password(password))
        self._change(username, password_hash=password_hash, failed_logins=0, locked_until=None)

    def disable(self, username: str) -> None:
        """Refuse the user's sign-ins, and the service's requests made for them (within
        :data:`REFRESH_SECONDS`). The row stays: records name the user."""
        self._change(username, disabled_at=timestamp(self.now()))

    def list(self) -> Sequence[User]:
        """Every user, disabled ones included, by name."""
        with self.database.reading() as connection:
            rows = connection.execute(select(USERS).order_by(USERS.c.username)).mappings()
            return [_listed(row) for row in rows]

    def login(self, username: str, password: str) -> Role:
        """The user's role when the password is right, else :class:`LoginRefused`."""
        now = self.now()
        lock = 0
        with self.database.writing() as connection:
            row = _row(connection, username) if USERNAME.fullmatch(username) else None
            if row is not None and row["disabled_at"] is None:
                locked = _seconds_until(row["locked_until"], now)
                if locked > 0:
                    raise LoginRefused(throttled(locked), locked)
                failures = int(row["failed_logins"]) + 1
                lock = lock_seconds(failures)
                until = timestamp(now + timedelta(seconds=lock)) if lock else row["locked_until"]
                connection.execute(
                    update(USERS)
                    .where(USERS.c.username == username)
                    .values(failed_logins=failures, locked_until=until)
                )
        if row is None:
            _verifies(self._dummy_hash(), password)  # the same cost as a known user
            raise LoginRefused(WRONG)
        if not _verifies(row["password_hash"], password):
            if lock:
                raise LoginRefused(
                    f"{WRONG}; too many failed sign-ins: try again in {_wait(lock)}", lock
                )
            raise LoginRefused(WRONG)
        if row["disabled_at"] is not None:
            raise LoginRefused(f"the account {username!r} is disabled: ask a supervisor")
        changes: dict[str, Any] = {"failed_logins": 0, "locked_until": None}
        if self.hasher.check_needs_rehash(row["password_hash"]):
            changes["password_hash"] = self.hasher.hash(password)
        self._change(username, **changes)
        return cast(Role, row["role"])

    def role_of(self, username: str) -> Role | None:
        """The role of an active user, None when unknown or disabled. Reads the table when
        the process's copy is older than :data:`REFRESH_SECONDS`, and looks up a name the copy
        does not hold (a user added a moment ago is known at once). Blocks."""
        role = self._roles.get().get(username)
        if role is None and USERNAME.fullmatch(username):
            with self.database.reading() as connection:
                row = _row(connection, username)
            if row is not None and row["disabled_at"] is None:
                role = self._roles.refresh().get(username)
        return role

    def cached_role(self, username: str) -> Role | None:
        """The role from memory, or None when not known for sure: then call :meth:`role_of`
        (off the event loop)."""
        roles = self._roles.fresh()
        return None if roles is None else roles.get(username)

    def _change(self, username: str, **values: Any) -> None:
        with self.database.writing() as connection:
            result = connection.execute(
                update(USERS).where(USERS.c.username == username).values(**values)
            )
            if result.rowcount == 0:
                raise UserError(
                    f"no user {username!r} in {self.database.safe_url}; "
                    "`python -m training users list` shows them"
                )

    def _read_roles(self) -> dict[str, Role]:
        query = select(USERS.c.username, USERS.c.role).where(USERS.c.disabled_at.is_(None))
        with self.database.reading() as connection:
            return {name: cast(Role, role) for name, role in connection.execute(query)}

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
        return self._dummy


def _check_username(username: str) -> None:
    if not USERNAME.fullmatch(username):
        raise UserError(
            f"invalid username {username[:80]!r}: 1 to 64 lower-case letters, digits, '.', '_' "
            "or '-', starting with a letter or a digit"
        )


def _checked_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise UserError(
            f"a password must hold {MIN_PASSWORD} to {MAX_PASSWORD} characters, "
            f"this one holds {len(password)}"
        )
    return password


def _verifies(stored: str, password: str) -> bool:
    try:
        return _VERIFIER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _seconds_until(moment: str | None, now: datetime) -> int:
    if moment is None:
        return 0
    return max(0, math.ceil((datetime.fromisoformat(moment) - now).total_seconds()))


def throttled(seconds: int) -> str:
    """What a locked account is told."""
    return f"too many failed sign-ins: try again in {_wait(seconds)}"


def _wait(seconds: int) -> str:
    return f"{seconds} s" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"


def _row(connection: Connection, username: str) -> RowMapping | None:
    query = select(USERS).where(USERS.c.username == username)
    return connection.execute(query).mappings().first()


def _listed(row: RowMapping) -> User:
    return User(
        username=row["username"],
        role=row["role"],
        created_at=row["created_at"],
        disabled_at=row["disabled_at"],
        failed_logins=int(row["failed_logins"]),
        locked_until=row["locked_until"],
    )
