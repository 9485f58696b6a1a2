"""``python -m dashboard``: serve the advisor dashboard behind a login.

Settings come from the environment (:mod:`dashboard.config`). Without
``DASHBOARD_PASSWORD``, a password is generated and printed at start, so the dashboard is
never served without a login.
"""

from __future__ import annotations

import argparse
import secrets
import threading
from pathlib import Path

import panel as pn

from dashboard.api import CreditApi
from dashboard.app import TITLE, create_app
from dashboard.config import (
    API_TOKEN_ENV,
    DEFAULT_USER,
    PASSWORD_ENV,
    USER_ENV,
    Settings,
    load_settings,
)
from dashboard.peer_plots import warm_up

# Panel's stock login and logout pages load their logo from a CDN; ours are self-contained.
LOGIN_PAGE = Path(__file__).with_name("login.html")
LOGOUT_PAGE = Path(__file__).with_name("logout.html")


def credentials(settings: Settings) -> tuple[str, str, bool]:
    """(user, password, whether the password was generated)."""
    user = settings.user or DEFAULT_USER
    if settings.password:
        return user, settings.password, False
    return user, secrets.token_urlsafe(12), True


def main(argv: list[str] | None = None) -> None:
    """Parse the options, print where and how to log in, and serve until interrupted."""
    settings = load_settings()
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    parser.add_argument("--port", type=int, default=settings.port, help="default DASHBOARD_PORT")
    parser.add_argument(
        "--address", default="127.0.0.1", help="interface to listen on (0.0.0.0 for all)"
    )
    parser.add_argument(
        "--allow-websocket-origin",
        action="append",
        default=None,
        help="host[:port] browsers reach the dashboard at, when not localhost (repeatable)",
    )
    args = parser.parse_args(argv)
    user, password, generated = credentials(settings)
    print(
        f"Advisor dashboard on http://{args.address}:{args.port} — scoring API {settings.api_url}"
    )
    if generated:
        print(f"Login: {user} / {password}  (set {USER_ENV} and {PASSWORD_ENV} to choose)")
    if not settings.api_token:
        print(f"Warning: {API_TOKEN_ENV} is not set; the API will refuse every request.")
    api = CreditApi(settings.api_url, settings.api_token, timeout=settings.api_timeout)

    def session() -> pn.template.FastListTemplate:
        """Called for every browser session: each gets its own store."""
        return create_app(api, str(settings.snapshot_path), settings.currency)

    server = pn.serve(
        session,
        port=args.port,
        address=args.address,
        websocket_origin=args.allow_websocket_origin,
        basic_auth={user: password},
        cookie_secret=settings.cookie_secret or secrets.token_urlsafe(32),
        title=TITLE,
        login_template=str(LOGIN_PAGE),
        logout_template=str(LOGOUT_PAGE),
        show=False,
        start=False,
    )
    server.start()
    # Once the server answers, the snapshot and the score map's stack (imports and compiled
    # kernels, ~2 s) get ready in the background instead of delaying the start or the first
    # peer comparison.
    ready = threading.Thread(target=warm_up, args=(settings.snapshot_path,), daemon=True)
    server.io_loop.call_later(1.0, ready.start)
    server.io_loop.start()


if __name__ == "__main__":
    main()
