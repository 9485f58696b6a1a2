"""Dashboard users (scoring/records/users.py): argon2id passwords, sign-ins throttled in the
database after failures (30 s doubling up to 15 min), unknown names as costly as known ones,
and roles the service can check cheaply."""

from __future__ import annotations

import re
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from scoring.records import users as users_module
from scoring.records.database import RecordsDatabase
from scoring.records.users import (
    REFRESH_SECONDS,
    WRONG,
    LoginRefused,
    UserError,
    Users,
    lock_seconds,
)

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def database(tmp_path: Path) -> RecordsDatabase:
    return RecordsDatabase(f"sqlite:///{tmp_path / 'records.sqlite'}")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def users(database: RecordsDatabase, clock: Clock) -> Users:
    people = Users(database, hasher=FAST, now=clock)
    people.add("alice", "advisor", PASSWORD)
    return people


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The hashes each argon2 check of a sign-in was made against."""
    made: list[str] = []
    verifies = users_module._verifies

    def counted(stored: str, password: str) -> bool:
        made.append(stored)
        return verifies(stored, password)

    monkeypatch.setattr(users_module, "_verifies", counted)
    return made


def _refused(users: Users, username: str, password: str) -> LoginRefused:
    with pytest.raises(LoginRefused) as refused:
        users.login(username, password)
    return refused.value


def _failures(users: Users, n: int) -> list[LoginRefused]:
    return [_refused(users, "alice", "wrong password!") for _ in range(n)]


def test_a_user_signs_in_with_their_password_kept_as_an_argon2id_hash(
    users: Users, tmp_path: Path
) -> None:
    assert users.login("alice", PASSWORD) == "advisor"
    with sqlite3.connect(tmp_path / "records.sqlite") as connection:
        rows = connection.execute("SELECT * FROM users").fetchall()
    assert len(rows) == 1 and rows[0][2].startswith("$argon2id$")
    assert not [cell for cell in rows[0] if PASSWORD in str(cell)]
    files = b"".join(path.read_bytes() for path in tmp_path.glob("records.sqlite*"))
    assert PASSWORD.encode() not in files
    [listed] = users.list()
    assert (listed.username, listed.role, listed.failed_logins) == ("alice", "advisor", 0)
    assert "argon2" not in repr(listed)


@pytest.mark.parametrize(
    ("username", "role", "password", "message"),
    [
        ("alice", "advisor", PASSWORD, "the user 'alice' already exists"),
        ("Bob", "advisor", PASSWORD, "invalid username 'Bob': 1 to 64 lower-case letters"),
        ("bob smith", "advisor", PASSWORD, "invalid username 'bob smith'"),
        ("", "advisor", PASSWORD, "invalid username ''"),
        ("bob", "manager", PASSWORD, "unknown role 'manager': the roles are advisor, supervisor"),
        ("bob", "advisor", "short", "a password must hold 12 to 1024 characters, this one holds 5"),
    ],
)
def test_an_invalid_user_is_refused_naming_the_field(
    users: Users, username: str, role: str, password: str, message: str
) -> None:
    with pytest.raises(UserError, match=re.escape(message)):
        users.add(username, role, password)
    assert [user.username for user in users.list()] == ["alice"]


def test_a_wrong_password_is_refused_plainly_and_a_success_resets_the_count(
    users: Users,
) -> None:
    refused = _failures(users, 3)
    assert [(str(r), r.retry_after) for r in refused] == [(WRONG, 0)] * 3
    assert users.list()[0].failed_logins == 3
    assert users.login("alice", PASSWORD) == "advisor"
    assert users.list()[0].failed_logins == 0


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(1, 0), (4, 0), (5, 30), (6, 60), (7, 120), (9, 480), (10, 900), (60, 900)],
)
def test_the_lock_doubles_from_30_seconds_up_to_15_minutes(failures: int, seconds: int) -> None:
    assert lock_seconds(failures) == seconds


def test_five_failures_lock_the_account_until_the_lock_expires(users: Users, clock: Clock) -> None:
    *_, fifth = _failures(users, 5)
    assert fifth.retry_after == 30
    assert str(fifth) == f"{WRONG}; too many failed sign-ins: try again in 30 s"
    clock.advance(10)
    locked = _refused(users, "alice", PASSWORD)  # even the right password, while locked
    assert (str(locked), locked.retry_after) == ("too many failed sign-ins: try again in 20 s", 20)
    clock.advance(20)
    assert users.login("alice", PASSWORD) == "advisor"
    assert users.list()[0].failed_logins == 0 and users.list()[0].locked_until is None


def test_each_failure_after_a_lock_doubles_it(users: Users, clock: Clock) -> None:
    _failures(users, 5)
    clock.advance(30)
    [sixth] = _failures(users, 1)
    assert sixth.retry_after == 60 and "try again in 60 s" in str(sixth)
    clock.advance(59)
    assert _refused(users, "alice", PASSWORD).retry_after == 1
    for expected in (120, 240, 480, 900, 900):
        clock.advance(3600)
        [failure] = _failures(users, 1)
        assert failure.retry_after == expected
    assert "try again in 15 minutes" in str(failure)


def test_the_lock_holds_for_every_process(
    users: Users, database: RecordsDatabase, clock: Clock
) -> None:
    _failures(users, 5)
    other_worker = Users(RecordsDatabase(database.url), hasher=FAST, now=clock)
    assert _refused(other_worker, "alice", PASSWORD).retry_after == 30


def test_parallel_guesses_cannot_slip_past_the_lock(users: Users, checks: list[str]) -> None:
    _failures(users, 4)
    del checks[:]
    start = threading.Barrier(8)
    refused: list[LoginRefused] = []

    def guess() -> None:
        start.wait()
        refused.append(_refused(users, "alice", "another guess"))

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checks) == 1  # only the attempt that took the 5th place was checked
    assert sorted(r.retry_after for r in refused)[-1] == 30
    assert users.list()[0].failed_logins == 5


def test_an_unknown_or_disabled_user_costs_one_check_and_reads_the_same(
    users: Users, checks: list[str]
) -> None:
    unknown = _refused(users, "mallory", PASSWORD)
    invalid = _refused(users, "Not A Name", PASSWORD)
    assert (str(unknown), str(invalid)) == (WRONG, WRONG) and len(checks) == 2
    assert all(stored.startswith("$argon2id$") for stored in checks)
    users.add("bob", "supervisor", PASSWORD)
    users.disable("bob")
    assert str(_refused(users, "bob", "wrong password!")) == WRONG
    assert (
        str(_refused(users, "bob", PASSWORD)) == "the account 'bob' is disabled: ask a supervisor"
    )
    assert len(checks) == 4
    assert [u.failed_logins for u in users.list()] == [0, 0]  # never counted, never locked


def test_a_new_password_replaces_the_old_and_lifts_the_lock(users: Users) -> None:
    _failures(users, 5)
    users.set_password("alice", "a brand new passphrase")
    assert str(_refused(users, "alice", PASSWORD)) == WRONG
    assert users.login("alice", "a brand new passphrase") == "advisor"


def test_changes_to_an_unknown_user_name_it(users: Users) -> None:
    for change in (
        lambda: users.set_password("mallory", "a brand new passphrase"),
        lambda: users.disable("mallory"),
    ):
        with pytest.raises(UserError, match="no user 'mallory' in sqlite:///"):
            change()


def test_a_hash_made_with_older_settings_is_renewed_at_sign_in(
    database: RecordsDatabase, users: Users, tmp_path: Path
) -> None:
    stronger = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1)
    assert Users(database, hasher=stronger).login("alice", PASSWORD) == "advisor"
    with sqlite3.connect(tmp_path / "records.sqlite") as connection:
        [(stored,)] = connection.execute("SELECT password_hash FROM users").fetchall()
    assert "t=2," in stored and users.login("alice", PASSWORD) == "advisor"


def test_roles_are_read_from_memory_and_follow_the_table_within_the_bound(
    database: RecordsDatabase,
) -> None:
    ticks = [100.0]
    people = Users(database, hasher=FAST, monotonic=lambda: ticks[0])
    people.add("alice", "advisor", PASSWORD)
    people.add("sam", "supervisor", PASSWORD)
    assert people.cached_role("alice") is None  # nothing read yet: ask role_of
    assert (people.role_of("alice"), people.role_of("sam"), people.role_of("eve")) == (
        "advisor",
        "supervisor",
        None,
    )
    assert people.cached_role("sam") == "supervisor"
    people.disable("sam")
    ticks[0] += REFRESH_SECONDS * 0.9
    assert people.cached_role("sam") == "supervisor"
    ticks[0] += REFRESH_SECONDS * 0.1
    assert people.cached_role("sam") is None and people.role_of("sam") is None


def test_a_user_added_after_the_roles_were_read_is_known_at_once(
    database: RecordsDatabase,
) -> None:
    people = Users(database, hasher=FAST, monotonic=lambda: 100.0)  # the copy never ages
    people.add("alice", "advisor", PASSWORD)
    assert people.role_of("alice") == "advisor" and people.role_of("sam") is None
    people.add("sam", "supervisor", PASSWORD)
    assert people.role_of("sam") == "supervisor" and people.cached_role("sam") == "supervisor"
