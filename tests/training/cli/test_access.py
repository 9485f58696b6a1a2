"""The ``keys`` and ``users`` commands (training/cli/access.py): a token or password printed
once, alone on standard output; lists without secrets; plain errors; the service's database
URL by default (the keys and users themselves: tests/scoring/records/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from scoring.records import keys, users
from scoring.records.database import RecordsDatabase
from scoring.records.keys import ApiKeys, KeyRing
from scoring.records.users import LoginRefused, Users
from training.cli import app

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class Run:
    """One command's exit code, standard output and standard error (one line each)."""

    def __init__(self, *args: str, stdin: str | None = None) -> None:
        result = CliRunner().invoke(app, list(args), input=stdin)
        self.code, self.stdout = result.exit_code, result.stdout
        self.stderr = " ".join(result.stderr.split())


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands' hashes made cheap (still argon2id): the tests check what they do."""
    monkeypatch.setattr(keys, "PasswordHasher", lambda: FAST)
    monkeypatch.setattr(users, "PasswordHasher", lambda: FAST)


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The service's records database, as $CREDIT_AUDIT_DB_URL names it."""
    location = f"sqlite:///{tmp_path / 'records.sqlite'}"
    monkeypatch.setenv("CREDIT_AUDIT_DB_URL", location)
    return location


def _ring(url: str) -> KeyRing:
    return KeyRing(RecordsDatabase(url))


def test_a_created_keys_token_is_printed_once_alone_and_works(url: str) -> None:
    run = Run("keys", "create", "--name", "dashboard", "--scope", "score", "--scope", "delegate")
    assert run.code == 0, run.stderr
    token = run.stdout.strip()
    assert run.stdout == f"{token}\n"
    caller = _ring(url).verify(token)
    assert caller is not None and caller.scopes == frozenset({"score", "delegate"})
    key_id = caller.key.removeprefix("key:")
    assert f"Key {key_id} (dashboard) created with the scopes score, delegate in {url}" in (
        run.stderr
    )
    assert "shown only this once" in run.stderr and token not in run.stderr
    listed = Run("keys", "list")
    assert listed.code == 0 and key_id in listed.stdout and "dashboard" in listed.stdout
    secret = token.removeprefix(f"pad_{key_id}_")  # may itself hold underscores
    assert secret not in listed.stdout and "argon2" not in listed.stdout


def test_a_revoked_key_is_refused(url: str) -> None:
    key_id, token = ApiKeys(RecordsDatabase(url), hasher=FAST).create("batch", ["score"])
    run = Run("keys", "revoke", key_id)
    assert run.code == 0 and f"Key {key_id} (batch) revoked on" in run.stderr
    assert "services refuse it within 2 s" in run.stderr
    assert _ring(url).verify(token) is None


def test_a_rotated_key_prints_its_new_token_and_keeps_the_old_one_for_the_grace(
    url: str,
) -> None:
    key_id, old = ApiKeys(RecordsDatabase(url), hasher=FAST).create("batch", ["score"])
    run = Run("keys", "rotate", key_id, "--grace-minutes", "30")
    assert run.code == 0, run.stderr
    new = run.stdout.strip()
    assert new.startswith(f"pad_{key_id}_") and new != old
    assert "its previous token works until" in run.stderr
    ring = _ring(url)
    assert ring.verify(new) is not None and ring.verify(old) is not None
    Run("keys", "rotate", key_id, "--grace-minutes", "0")
    assert _ring(url).verify(new) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("keys", "create", "--name", "x", "--scope", "nope"), "unknown scope 'nope'"),
        (("keys", "revoke", "deadbeef"), "no API key 'deadbeef' in sqlite:///"),
        (("keys", "rotate", "deadbeef"), "no API key 'deadbeef'"),
        (("users", "add", "Bob", "--role", "advisor"), "invalid username 'Bob'"),
        (("users", "add", "bob", "--role", "boss"), "unknown role 'boss'"),
        (("users", "disable", "mallory"), "no user 'mallory' in sqlite:///"),
        (("users", "set-password", "mallory"), "no user 'mallory'"),
    ],
)
def test_a_mistake_is_one_plain_sentence(url: str, args: tuple[str, ...], message: str) -> None:
    run = Run(*args)
    assert run.code == 2 and f"error: {message}" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""


def test_a_user_added_with_a_generated_password_can_sign_in(url: str) -> None:
    run = Run("users", "add", "jdupont", "--role", "supervisor")
    assert run.code == 0, run.stderr
    password = run.stdout.strip()
    assert run.stdout == f"{password}\n" and len(password) >= 12
    assert "User jdupont (supervisor) added" in run.stderr and password not in run.stderr
    assert Users(RecordsDatabase(url)).login("jdupont", password) == "supervisor"
    listed = Run("users", "list")
    assert "jdupont" in listed.stdout and "supervisor" in listed.stdout
    assert password not in listed.stdout and "argon2" not in listed.stdout


def test_a_password_read_from_stdin_is_never_printed(url: str) -> None:
    run = Run(
        "users", "add", "jdupont", "--role", "advisor", "--password-stdin", stdin="a long pass!\n"
    )
    assert run.code == 0 and run.stdout == "" and "a long pass!" not in run.stderr
    assert Users(RecordsDatabase(url)).login("jdupont", "a long pass!") == "advisor"
    short = Run("users", "set-password", "jdupont", "--password-stdin", stdin="short\n")
    assert short.code == 2 and "a password must hold 12 to 1024 characters" in short.stderr
    empty = Run("users", "set-password", "jdupont", "--password-stdin", stdin="")
    assert empty.code == 2 and "standard input holds no password" in empty.stderr


def test_a_new_password_replaces_the_old_and_disable_locks_the_user_out(url: str) -> None:
    people = Users(RecordsDatabase(url), hasher=FAST)
    people.add("jdupont", "advisor", "the first password")
    run = Run("users", "set-password", "jdupont")
    assert run.code == 0 and "New password set for jdupont" in run.stderr
    assert people.login("jdupont", run.stdout.strip()) == "advisor"
    with pytest.raises(LoginRefused):
        people.login("jdupont", "the first password")
    assert Run("users", "disable", "jdupont").code == 0
    assert people.role_of("jdupont") is None


def test_the_url_option_wins_over_the_services_database(url: str, tmp_path: Path) -> None:
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    run = Run("keys", "create", "--name", "x", "--scope", "audit", "--url", other)
    assert run.code == 0 and other in run.stderr
    assert ApiKeys(RecordsDatabase(url)).list() == []
    assert len(ApiKeys(RecordsDatabase(other)).list()) == 1
