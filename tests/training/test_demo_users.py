"""The demo's users (training/demo_users.py): an advisor and a supervisor, made on the first
run only, whose passwords are returned that once."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher

from scoring.records import users
from scoring.records.database import RecordsDatabase
from scoring.records.users import Users
from training.demo_users import ensure_demo_users


def test_the_demo_users_are_made_once_and_sign_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "PasswordHasher", lambda: fast)
    url = f"sqlite:///{tmp_path / 'records.sqlite'}"
    created = ensure_demo_users(url)
    assert sorted(created) == ["advisor", "supervisor"]
    people = Users(RecordsDatabase(url))
    assert {name: people.login(name, password) for name, password in created.items()} == {
        "advisor": "advisor",
        "supervisor": "supervisor",
    }
    people.disable("supervisor")
    assert ensure_demo_users(RecordsDatabase(url)) == {}  # a disabled one is not made again
    assert [(u.username, u.disabled_at is None) for u in people.list()] == [
        ("advisor", True),
        ("supervisor", False),
    ]
