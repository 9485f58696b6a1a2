"""The demo's dashboard users: one advisor and one supervisor, made once.

``make demo`` calls :func:`ensure_demo_users` on every run; only a run that creates a user
gets its password back, to print it that once (the database keeps its argon2 hash only).
A forgotten password is replaced with ``python -m training users set-password NAME``.
"""

from __future__ import annotations

from scoring.records.database import RecordsDatabase
from scoring.records.users import Users, new_password
from scoring.serving.callers import ROLES

DEMO_USERS = {role: role for role in ROLES}  # username -> role: advisor, supervisor


def ensure_demo_users(database: RecordsDatabase | str) -> dict[str, str]:
    """Create the demo users missing from ``database`` (an object or a URL); the passwords
    of those created, by username (empty when they all existed, disabled ones included)."""
    users = Users(RecordsDatabase(database) if isinstance(database, str) else database)
    existing = {user.username for user in users.list()}
    created = {}
    for username, role in DEMO_USERS.items():
        if username not in existing:
            created[username] = password = new_password()
            users.add(username, role, password)
    return created
