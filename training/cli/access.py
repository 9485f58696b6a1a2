"""``keys`` and ``users``: who may call the API, and who may sign in to the dashboard.

Both act on the records database the service reads (``CREDIT_AUDIT_DB_URL``, or ``--url``).
A token or a password is printed once, alone on standard output (so a script can capture
it), when it is made; messages go to standard error. A running service sees a change within
2 seconds, without a restart.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table as RichTable

from training.cli.common import console, fail
from training.cli.service import service_settings

if TYPE_CHECKING:
    from scoring.records.database import RecordsDatabase

T = TypeVar("T")

keys = typer.Typer(help="API keys: one per calling system or person, with scopes.")
users = typer.Typer(help="Dashboard users (advisors and supervisors) and their passwords.")
app = typer.Typer()
app.add_typer(keys, name="keys", no_args_is_help=True)
app.add_typer(users, name="users", no_args_is_help=True)

Url = Annotated[
    str | None,
    typer.Option(help="Records database URL (default: $CREDIT_AUDIT_DB_URL or data/audit.sqlite)."),
]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from standard input (first line) instead of generating one.",
    ),
]


def _run(action: Callable[[], T]) -> T:
    """``action()``, with the errors a user can cause turned into one sentence."""
    from scoring.records.database import RecordsUnavailable
    from scoring.records.keys import ApiKeyError
    from scoring.records.users import UserError

    try:
        return action()
    except (ApiKeyError, UserError, RecordsUnavailable) as error:
        fail(str(error))


def _database(url: str | None) -> RecordsDatabase:
    from scoring.records.database import RecordsDatabase

    return RecordsDatabase(url or service_settings().audit_db_url)


@keys.command("create")
def create_key(
    name: Annotated[str, typer.Option(help="Who uses the key, such as 'dashboard'.")],
    scope: Annotated[
        list[str],
        typer.Option(help="A scope the key holds; repeat it: --scope score --scope decide."),
    ],
    url: Url = None,
) -> None:
    """Create a key and print its token, once."""
    from scoring.records.keys import ApiKeys

    database = _database(url)
    key_id, token = _run(lambda: ApiKeys(database).create(name, scope))
    key = _run(lambda: ApiKeys(database).get(key_id))
    console.print(
        f"Key {key_id} ({key.name}) created with the scopes {', '.join(key.scopes)} in "
        f"{database.safe_url}. Its token follows, shown only this once:"
    )
    typer.echo(token)


@keys.command("list")
def list_keys(url: Url = None) -> None:
    """List the keys, revoked ones included (never a token or a hash)."""
    from scoring.records.keys import ApiKeys

    database = _database(url)
    rows = _run(lambda: ApiKeys(database).list())
    table = RichTable(
        "key id", "name", "scopes", "created", "rotated", "old token until", "revoked"
    )
    for key in rows:
        table.add_row(
            key.key_id,
            key.name,
            " ".join(key.scopes),
            _day(key.created_at),
            _day(key.rotated_at),
            _day(key.previous_until),
            _day(key.revoked_at),
        )
    Console().print(table)
    console.print(f"{len(rows)} keys in {database.safe_url}")


@keys.command("revoke")
def revoke_key(
    key_id: Annotated[str, typer.Argument(help="The key's id, as `keys list` shows it.")],
    url: Url = None,
) -> None:
    """Revoke a key: every service refuses its tokens within 2 seconds."""
    from scoring.records.keys import REFRESH_SECONDS, ApiKeys

    key = _run(lambda: ApiKeys(_database(url)).revoke(key_id))
    console.print(
        f"Key {key.key_id} ({key.name}) revoked on {_day(key.revoked_at)}: services refuse it "
        f"within {REFRESH_SECONDS:g} s"
    )


@keys.command("rotate")
def rotate_key(
    key_id: Annotated[str, typer.Argument(help="The key's id, as `keys list` shows it.")],
    grace_minutes: Annotated[
        int,
        typer.Option(min=0, help="Minutes the current token keeps working beside the new one."),
    ] = 60,
    url: Url = None,
) -> None:
    """Give a key a new token, printed once; the old one works for the grace period."""
    from scoring.records.keys import ApiKeys

    database = _database(url)
    token = _run(lambda: ApiKeys(database).rotate(key_id, timedelta(minutes=grace_minutes)))
    key = _run(lambda: ApiKeys(database).get(key_id))
    until = f"until {_day(key.previous_until)}" if key.previous_until else "no longer"
    console.print(
        f"Key {key_id} ({key.name}) rotated; its previous token works {until}. "
        "The new token follows, shown only this once:"
    )
    typer.echo(token)


@users.command("add")
def add_user(
    username: Annotated[str, typer.Argument(help="Lower-case name, such as 'jdupont'.")],
    role: Annotated[str, typer.Option(help="advisor or supervisor.")],
    password_stdin: PasswordStdin = False,
    url: Url = None,
) -> None:
    """Add a dashboard user; a generated password is printed once."""
    from scoring.records.users import Users

    password, generated = _password(password_stdin)
    database = _database(url)
    _run(lambda: Users(database).add(username, role, password))
    _told(f"User {username} ({role}) added to {database.safe_url}", generated, password)


@users.command("list")
def list_users(url: Url = None) -> None:
    """List the users, disabled ones included (never a password or a hash)."""
    from scoring.records.users import Users

    database = _database(url)
    rows = _run(lambda: Users(database).list())
    table = RichTable("user", "role", "created", "disabled", "failed sign-ins", "locked until")
    for user in rows:
        table.add_row(
            user.username,
            user.role,
            _day(user.created_at),
            _day(user.disabled_at),
            str(user.failed_logins),
            _day(user.locked_until),
        )
    Console().print(table)
    console.print(f"{len(rows)} users in {database.safe_url}")


@users.command("disable")
def disable_user(
    username: Annotated[str, typer.Argument(help="The user, as `users list` shows them.")],
    url: Url = None,
) -> None:
    """Disable a user: no sign-in, and no request made for them, within 2 seconds."""
    from scoring.records.users import Users

    _run(lambda: Users(_database(url)).disable(username))
    console.print(f"User {username} disabled")


@users.command("set-password")
def set_password(
    username: Annotated[str, typer.Argument(help="The user, as `users list` shows them.")],
    password_stdin: PasswordStdin = False,
    url: Url = None,
) -> None:
    """Give a user a new password (generated and printed once, unless read from stdin);
    this also lifts a sign-in lock."""
    from scoring.records.users import Users

    password, generated = _password(password_stdin)
    _run(lambda: Users(_database(url)).set_password(username, password))
    _told(f"New password set for {username}", generated, password)


def _password(from_stdin: bool) -> tuple[str, bool]:
    from scoring.records.users import new_password

    if not from_stdin:
        return new_password(), True
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        fail("--password-stdin: standard input holds no password")
    return line, False


def _told(done: str, generated: bool, password: str) -> None:
    if not generated:
        console.print(done)
        return
    console.print(f"{done}. The password follows, shown only this once:")
    typer.echo(password)


def _day(moment: str | None) -> str:
    """A record time as a person reads it: 2026-12-07 14:03:59 UTC."""
    return f"{moment[:10]} {moment[11:19]} UTC" if moment else ""
