"""API keys (scoring/records/keys.py): tokens shown once and stored as argon2id hashes only,
scopes checked, and a per-process key ring that remembers verified tokens yet refuses a revoked
key, or a rotated key's old token after its grace, within its refresh bound."""

from __future__ import annotations

import multiprocessing
import re
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from scoring.records import keys as keys_module
from scoring.records.clock import timestamp
from scoring.records.database import RecordsDatabase, RecordsUnavailable
from scoring.records.keys import REFRESH_SECONDS, ApiKeyError, ApiKeys, KeyRing, scopes_of

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # still argon2id
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
fork = multiprocessing.get_context("fork")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def database(tmp_path: Path) -> RecordsDatabase:
    return RecordsDatabase(f"sqlite:///{tmp_path / 'records.sqlite'}")


@pytest.fixture
def api_keys(database: RecordsDatabase) -> ApiKeys:
    return ApiKeys(database, hasher=FAST, now=lambda: T0)


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The hashes each argon2 check of the key ring was made against."""
    made: list[str] = []
    verifies = keys_module._verifies

    def counted(stored: str, token: str) -> bool:
        made.append(stored)
        return verifies(stored, token)

    monkeypatch.setattr(keys_module, "_verifies", counted)
    return made


def _cells(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master")]
        return [
            str(cell)
            for table in tables
            if not table.startswith(("sqlite_", "ix_"))
            for row in connection.execute(f'SELECT * FROM "{table}"')
            for cell in row
        ]


def test_a_token_is_shown_once_and_only_its_argon2id_hash_is_kept(
    api_keys: ApiKeys, tmp_path: Path
) -> None:
    key_id, token = api_keys.create("dashboard", ["score", "delegate"])
    assert re.fullmatch(r"[0-9a-f]{8}", key_id)
    assert re.fullmatch(rf"pad_{key_id}_[A-Za-z0-9_-]{{43}}", token)
    secret = token.removeprefix(f"pad_{key_id}_")
    cells = _cells(tmp_path / "records.sqlite")
    assert sum(cell.startswith("$argon2id$") for cell in cells) == 1
    assert not [cell for cell in cells if secret in cell or token in cell]
    files = b"".join(path.read_bytes() for path in tmp_path.glob("records.sqlite*"))
    assert secret.encode() not in files
    listed = api_keys.list()
    assert [(k.key_id, k.name, k.scopes) for k in listed] == [
        (key_id, "dashboard", ("score", "delegate"))
    ]
    assert "argon2" not in repr(listed)


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [
        (["score", "decide", "score"], ("score", "decide")),
        (["delegate", "admin", "clients"], ("clients", "delegate", "admin")),
    ],
)
def test_scopes_are_kept_once_in_their_usual_order(scopes: list[str], expected: tuple) -> None:
    assert scopes_of(scopes) == expected


@pytest.mark.parametrize(
    ("scopes", "message"),
    [
        (["score", "decides"], "unknown scope 'decides': the scopes are score, decide, clients"),
        (["Score"], "unknown scope 'Score'"),
        ([], "give the key at least one scope among score, decide"),
    ],
)
def test_an_unknown_or_missing_scope_is_named(
    api_keys: ApiKeys, scopes: list[str], message: str
) -> None:
    with pytest.raises(ApiKeyError, match=re.escape(message)):
        api_keys.create("batch", scopes)
    assert api_keys.list() == []


def test_operations_on_an_unknown_key_name_it(api_keys: ApiKeys) -> None:
    for operation in (
        lambda: api_keys.revoke("deadbeef"),
        lambda: api_keys.rotate("deadbeef", timedelta(minutes=5)),
        lambda: api_keys.get("deadbeef"),
    ):
        with pytest.raises(ApiKeyError, match="no API key 'deadbeef' in sqlite:///"):
            operation()


def test_a_key_is_checked_with_argon2_once_then_remembered(
    database: RecordsDatabase, api_keys: ApiKeys, checks: list[str]
) -> None:
    key_id, token = api_keys.create("scoring batch", ["score", "decide"])
    ring = KeyRing(database)
    assert ring.cached(token) is None  # nothing read yet: the caller must verify
    caller = ring.verify(token)
    assert caller is not None and caller.key == f"key:{key_id}"
    assert caller.scopes == frozenset({"score", "decide"})
    assert ring.cached(token) == caller and ring.verify(token) == caller
    assert len(checks) == 1


def test_wrong_tokens_are_refused_and_unknown_ids_cost_no_argon2_check(
    database: RecordsDatabase, api_keys: ApiKeys, checks: list[str]
) -> None:
    key_id, token = api_keys.create("dashboard", ["score"])
    ring = KeyRing(database)
    other = f"pad_{key_id}_{'A' * 43}"
    assert ring.verify(other) is None and ring.verify(other) is None
    assert len(checks) == 1  # a token refused is remembered too, for this copy of the table
    for unknown in (f"pad_00000000_{'A' * 43}", token[:-1], token + "x", "test-token", ""):
        assert ring.verify(unknown) is None
    assert len(checks) == 1
    assert ring.verify(token) is not None and ring.cached(other) is None


def test_a_revoked_key_is_refused_within_the_refresh_bound(
    database: RecordsDatabase, api_keys: ApiKeys
) -> None:
    clock = Clock()
    key_id, token = api_keys.create("dashboard", ["score"])
    ring = KeyRing(database, monotonic=clock)
    assert ring.verify(token) is not None
    assert api_keys.revoke(key_id).revoked_at == timestamp(T0)
    clock.now += REFRESH_SECONDS * 0.9  # the process's copy is still young enough
    assert ring.cached(token) is not None
    clock.now += REFRESH_SECONDS * 0.1
    assert ring.cached(token) is None and ring.verify(token) is None
    assert ring.cached(token) is None


def test_a_rotated_keys_old_token_works_during_its_grace_only(
    database: RecordsDatabase, api_keys: ApiKeys
) -> None:
    clock, wall = Clock(), Clock(T0.timestamp())
    key_id, old = api_keys.create("dashboard", ["clients"])
    ring = KeyRing(database, monotonic=clock, wall=wall)
    assert ring.verify(old) is not None
    new = api_keys.rotate(key_id, timedelta(minutes=60))
    assert new != old and new.startswith(f"pad_{key_id}_")
    assert api_keys.get(key_id).previous_until == timestamp(T0 + timedelta(minutes=60))
    clock.now += REFRESH_SECONDS
    wall.now += 59 * 60
    assert ring.verify(old) is not None and ring.verify(new) is not None
    assert ring.cached(old) is not None
    wall.now += 2 * 60  # the grace is over: refused from memory as from the table
    assert ring.cached(old) is None and ring.verify(old) is None
    assert ring.verify(new) is not None


def test_a_key_created_or_rotated_after_the_table_was_read_works_at_once(
    database: RecordsDatabase, api_keys: ApiKeys
) -> None:
    clock = Clock()  # never moves: the ring's copy stays young
    _, first = api_keys.create("dashboard", ["score"])
    ring = KeyRing(database, monotonic=clock, wall=Clock(T0.timestamp()))
    assert ring.verify(first) is not None
    key_id, second = api_keys.create("batch", ["decide"])
    caller = ring.verify(second)
    assert caller is not None and caller.scopes == frozenset({"decide"})
    new = api_keys.rotate(key_id, timedelta(minutes=5))
    assert ring.verify(new) is not None and ring.verify(second) is not None
    assert ring.cached(new) is not None and ring.cached(second) is not None


def test_a_rotation_without_grace_ends_the_old_token_at_once(
    database: RecordsDatabase, api_keys: ApiKeys
) -> None:
    key_id, old = api_keys.create("dashboard", ["clients"])
    new = api_keys.rotate(key_id, timedelta(0))
    ring = KeyRing(database)
    assert ring.verify(old) is None and ring.verify(new) is not None
    with pytest.raises(ApiKeyError, match="must not be negative"):
        api_keys.rotate(key_id, timedelta(minutes=-1))


def test_a_revoked_key_cannot_be_rotated_back_to_life(
    database: RecordsDatabase, api_keys: ApiKeys
) -> None:
    key_id, token = api_keys.create("dashboard", ["score"])
    api_keys.revoke(key_id)
    assert api_keys.revoke(key_id).revoked_at is not None  # revoking twice changes nothing
    with pytest.raises(ApiKeyError, match=f"key {key_id} was revoked on"):
        api_keys.rotate(key_id, timedelta(minutes=5))
    assert KeyRing(database).verify(token) is None


def test_threads_share_one_read_of_the_table(
    database: RecordsDatabase, api_keys: ApiKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = api_keys.create("dashboard", ["score"])
    ring = KeyRing(database)
    reads: list[int] = []
    read = ring._keys.load

    def counted() -> dict:
        reads.append(threading.get_ident())
        return read()

    monkeypatch.setattr(ring._keys, "load", counted)
    start = threading.Barrier(16)
    results: list[object] = []

    def check() -> None:
        start.wait()
        results.append(ring.verify(token) is not None)
        results.append(ring.verify(token[:-2] + "AA") is None)

    threads = [threading.Thread(target=check) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 32 and len(reads) == 1


def _verify_in_child(ring: KeyRing, token: str, done: multiprocessing.Queue) -> None:
    caller = ring.verify(token)
    done.put(caller.key if caller else None)


def test_a_worker_forked_while_the_ring_is_busy_does_not_wait_for_its_parent(
    database: RecordsDatabase, api_keys: ApiKeys
) -> None:
    key_id, token = api_keys.create("dashboard", ["score"])
    ring = KeyRing(database)
    done = fork.Queue()
    with ring._keys._lock:  # a thread of the parent is re-reading the table when it forks
        child = fork.Process(target=_verify_in_child, args=(ring, token, done))
        child.start()
        child.join(timeout=20)
    if child.is_alive():
        child.kill()
    assert child.exitcode == 0 and done.get(timeout=1) == f"key:{key_id}"


def test_the_ring_fails_closed_when_the_table_cannot_be_read(
    database: RecordsDatabase, api_keys: ApiKeys, tmp_path: Path
) -> None:
    _, token = api_keys.create("dashboard", ["score"])
    clock = Clock()
    ring = KeyRing(database, monotonic=clock)
    assert ring.verify(token) is not None
    ring._keys.load = lambda: (_ for _ in ()).throw(RecordsUnavailable("records database down"))
    clock.now += REFRESH_SECONDS
    with pytest.raises(RecordsUnavailable):
        ring.verify(token)
    assert ring.cached(token) is None  # no copy older than the bound is ever served
    (tmp_path / "a file").write_text("")
    broken = KeyRing(RecordsDatabase(f"sqlite:///{tmp_path / 'a file' / 'records.sqlite'}"))
    with pytest.raises(RecordsUnavailable):
        broken.verify(token)
