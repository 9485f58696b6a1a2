"""API keys: one per calling system or person, each with its scopes (docs/security.md).

A token reads ``pad_<key_id>_<secret>``: the key id (8 hex digits) names the key in lists, logs
and records; the secret (``secrets.token_urlsafe(32)``, 256 random bits) is shown once, when
the key is created or rotated. The table keeps the argon2id hash of the whole token, never the
token. A rotation keeps the previous token valid for a grace period (``previous_until``), so
callers switch to the new one without a failed request.

:class:`ApiKeys` changes the table (the command line); :class:`KeyRing` checks the tokens the
service receives.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, RowMapping, insert, select, update

from scoring.records.clock import timestamp
from scoring.records.database import RecordsDatabase
from scoring.records.snapshot import Snapshot
from scoring.records.tables import API_KEYS
from scoring.serving.callers import SCOPES, Caller

PREFIX = "pad_"
REFRESH_SECONDS = 2.0
_TOKEN = re.compile(r"pad_([0-9a-f]{8})_[A-Za-z0-9_-]{43}")
_CACHE_LIMIT = 10_000  # distinct tokens remembered per process before the memory starts over
_VERIFIER = PasswordHasher()  # verifying reads the parameters from the hash itself


class ApiKeyError(ValueError):
    """A key operation that cannot be done; the message names the key id or the scope."""


@dataclass(frozen=True)
class ApiKey:
    """A key as listed: everything but its hashes."""

    key_id: str
    name: str
    scopes: tuple[str, ...]
    created_at: str
    rotated_at: str | None
    previous_until: str | None
    revoked_at: str | None


def scopes_of(requested: Iterable[str]) -> tuple[str, ...]:
    """``requested`` checked against :data:`SCOPES`, without repeats, in their usual order."""
    wanted = [scope.strip() for scope in requested]
    unknown = [scope for scope in wanted if scope not in SCOPES]
    if unknown:
        raise ApiKeyError(f"unknown scope {unknown[0]!r}: the scopes are {', '.join(SCOPES)}")
    if not wanted:
        raise ApiKeyError(f"give the key at least one scope among {', '.join(SCOPES)}")
    return tuple(scope for scope in SCOPES if scope in wanted)


class ApiKeys:
    """The ``api_keys`` table: create, list, revoke and rotate keys.

    ``hasher`` sets the argon2 cost of new hashes (argon2-cffi's defaults, RFC 9106's
    low-memory profile, unless given); ``now`` is the clock, for tests.
    """

    def __init__(
        self,
        database: RecordsDatabase,
        hasher: PasswordHasher | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.hasher = hasher or PasswordHasher()
        self.now = now

    def create(self, name: str, scopes: Iterable[str]) -> tuple[str, str]:
        """A new key: ``(key_id, token)``; the token is not kept and cannot be shown again."""
        name = name.strip()
        if not name or len(name) > 120:
            raise ApiKeyError("a key's name must hold 1 to 120 characters, such as 'dashboard'")
        chosen = " ".join(scopes_of(scopes))
        while True:
            key_id, token = _new_token()
            secret_hash = self.hasher.hash(token)  # before the transaction: it takes ~0.1 s
            with self.database.writing() as connection:
                if _row(connection, key_id) is not None:
                    continue  # one chance in four billion: draw another id
                connection.execute(
                    insert(API_KEYS).values(
                        key_id=key_id,
                        name=name,
                        scopes=chosen,
                        secret_hash=secret_hash,
                        created_at=timestamp(self.now()),
                    )
                )
            return key_id, token

    def list(self) -> Sequence[ApiKey]:
        """Every key, revoked ones included, oldest first."""
        with self.database.reading() as connection:
            rows = connection.execute(select(API_KEYS).order_by(API_KEYS.c.created_at))
            return [_listed(row) for row in rows.mappings()]

    def get(self, key_id: str) -> ApiKey:
        """The key ``key_id``, or :class:`ApiKeyError` naming it."""
        with self.database.reading() as connection:
            return _listed(self._existing(connection, key_id))

    def revoke(self, key_id: str) -> ApiKey:
        """Refuse every token of ``key_id`` from now on (services notice within
        :data:`REFRESH_SECONDS`); revoking a revoked key changes nothing."""
        with self.database.writing() as connection:
            row = self._existing(connection, key_id)
            if row["revoked_at"] is None:
                connection.execute(
                    update(API_KEYS)
                    .where(API_KEYS.c.key_id == key_id)
                    .values(revoked_at=timestamp(self.now()), previous_hash=None)
                )
            return _listed(self._existing(connection, key_id))

    def rotate(self, key_id: str, grace: timedelta) -> str:
        """A new token for ``key_id``; the current one stays valid for ``grace``.

        Only one previous token is kept: rotating again within the grace period ends the
        grace of the token before.
        """
        if grace < timedelta(0):
            raise ApiKeyError(f"the grace period must not be negative, got {grace}")
        token = f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        secret_hash = self.hasher.hash(token)
        now = self.now()
        with self.database.writing() as connection:
            row = self._existing(connection, key_id)
            if row["revoked_at"] is not None:
                raise ApiKeyError(
                    f"key {key_id} was revoked on {row['revoked_at']}: create a new one"
                )
            keep = grace > timedelta(0)
            connection.execute(
                update(API_KEYS)
                .where(API_KEYS.c.key_id == key_id)
                .values(
                    secret_hash=secret_hash,
                    previous_hash=row["secret_hash"] if keep else None,
                    previous_until=timestamp(now + grace) if keep else None,
                    rotated_at=timestamp(now),
                )
            )
        return token

    def _existing(self, connection: Connection, key_id: str) -> RowMapping:
        row = _row(connection, key_id)
        if row is None:
            raise ApiKeyError(
                f"no API key {key_id!r} in {self.database.safe_url}; "
                "`python -m training keys list` shows them"
            )
        return row


@dataclass(frozen=True)
class _Live:
    """A key that is not revoked, as the service checks it."""

    key_id: str
    caller: Caller
    secret_hash: str
    previous_hash: str | None
    previous_until: float  # POSIX time the previous token stops working (0: none)


class KeyRing:
    """Checks the tokens a service process receives, per process.

    Bound: a key revoked from the command line is refused by every process within
    ``refresh_seconds`` (2 s by default) of the revocation's commit, without a restart; after a
    rotation, the previous token is refused once its grace is over (within 2 s of a rotation
    without grace). Each process
    keeps the table of live keys and re-reads it when its copy is older than that
    (:class:`scoring.records.snapshot.Snapshot`); an argon2 check (~0.1 s) is made once per
    distinct token and process, then remembered under the token's SHA-256, and a remembered
    check counts only while the hash it matched is still the key's (or its previous one, in
    its grace period). A token the copy cannot confirm is looked up by its key id (one
    primary-key read), so a key created or rotated a moment ago works at once. Tokens of
    unknown or revoked key ids are refused without an argon2 check, so only a caller who knows
    a live key id can make the service spend one, once per distinct token and copy.
    Thread-safe; fork-safe (a child process re-reads on its own engine).
    """

    def __init__(
        self,
        database: RecordsDatabase,
        refresh_seconds: float = REFRESH_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.database = database
        self.wall = wall
        self._keys = Snapshot(self._read, refresh_seconds, monotonic)
        self._verified: dict[bytes, tuple[str, str]] = {}  # digest -> (key id, hash matched)
        self._refused: tuple[object, set[bytes]] = (None, set())  # for one copy of the table

    def cached(self, token: str) -> Caller | None:
        """The caller of a token already verified, from memory (microseconds), or None when
        it is not known for sure: then call :meth:`verify`, off the event loop."""
        keys = self._keys.fresh()
        if keys is None:
            return None
        hit = self._verified.get(_digest(token))
        return None if hit is None else self._match(keys, *hit)

    def verify(self, token: str) -> Caller | None:
        """The caller ``token`` authenticates, or None. Blocks: may read the table and run an
        argon2 check. Raises :class:`scoring.records.database.RecordsUnavailable`.

        A well-formed token the process's copy does not confirm is looked up once more by its
        key id (one primary-key read), and the copy re-read if that row changed: a key created
        or rotated a moment ago works at once, in every process.
        """
        keys = self._keys.get()
        digest = _digest(token)
        hit = self._verified.get(digest)
        if hit is not None and (caller := self._match(keys, *hit)) is not None:
            return caller
        parsed = _TOKEN.fullmatch(token)
        refused_for, refused = self._refused
        if parsed is None or (refused_for is keys and digest in refused):
            return None
        key_id = parsed.group(1)
        caller = self._check(keys.get(key_id), token, digest)
        if caller is None and self._changed(keys.get(key_id), key_id):
            keys = self._keys.refresh()
            caller = self._check(keys.get(key_id), token, digest)
        if caller is None:
            refused_for, refused = self._refused
            if refused_for is not keys or len(refused) >= _CACHE_LIMIT:
                self._refused = (keys, refused := set())
            refused.add(digest)
        return caller

    def _check(self, key: _Live | None, token: str, digest: bytes) -> Caller | None:
        """The argon2 check of ``token`` against the key's hash, and its previous one in its
        grace period; a success is remembered."""
        if key is None:
            return None
        candidates = [key.secret_hash]
        if key.previous_hash and self.wall() < key.previous_until:
            candidates.append(key.previous_hash)
        for stored in candidates:
            if _verifies(stored, token):
                if len(self._verified) >= _CACHE_LIMIT:
                    self._verified = {}
                self._verified[digest] = (key.key_id, stored)
                return key.caller
        return None

    def _changed(self, key: _Live | None, key_id: str) -> bool:
        """Whether the table's row for ``key_id`` differs from the copy ``key``."""
        with self.database.reading() as connection:
            row = _row(connection, key_id)
        if row is None or row["revoked_at"] is not None:
            return key is not None
        return key is None or (row["secret_hash"], row["previous_hash"]) != (
            key.secret_hash,
            key.previous_hash,
        )

    def _match(self, keys: Mapping[str, _Live], key_id: str, matched: str) -> Caller | None:
        key = keys.get(key_id)
        if key is None:
            return None
        if matched == key.secret_hash:
            return key.caller
        if matched == key.previous_hash and self.wall() < key.previous_until:
            return key.caller
        return None

    def _read(self) -> dict[str, _Live]:
        query = select(API_KEYS).where(API_KEYS.c.revoked_at.is_(None))
        with self.database.reading() as connection:
            rows = connection.execute(query).mappings().all()
        return {
            row["key_id"]: _Live(
                key_id=row["key_id"],
                caller=Caller(f"key:{row['key_id']}", frozenset(row["scopes"].split())),
                secret_hash=row["secret_hash"],
                previous_hash=row["previous_hash"],
                previous_until=(
                    datetime.fromisoformat(row["previous_until"]).timestamp()
                    if row["previous_until"]
                    else 0.0
                ),
            )
            for row in rows
        }


def _new_token() -> tuple[str, str]:
    key_id = secrets.token_hex(4)
    return key_id, f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _verifies(stored: str, token: str) -> bool:
    try:
        return _VERIFIER.verify(stored, token)
    except (VerificationError, InvalidHashError):
        return False


def _row(connection: Connection, key_id: str) -> RowMapping | None:
    query = select(API_KEYS).where(API_KEYS.c.key_id == key_id)
    return connection.execute(query).mappings().first()


def _listed(row: RowMapping) -> ApiKey:
    return ApiKey(
        key_id=row["key_id"],
        name=row["name"],
        scopes=tuple(row["scopes"].split()),
        created_at=row["created_at"],
        rotated_at=row["rotated_at"],
        previous_until=row["previous_until"],
        revoked_at=row["revoked_at"],
    )
