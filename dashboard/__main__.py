"""``python -m dashboard``: serve the advisor dashboard, each person signed in by the API.

Settings come from the environment (:mod:`dashboard.config`). The dashboard keeps no
password: the scoring API checks every sign-in (:mod:`dashboard.signin`), so dashboard users
are the API's (``python -m training users add NAME --role advisor``).
"""

from __future__ import annotations

import argparse
import secrets
import threading
from pathlib import Path

import panel as pn

from dashboard.api import CreditApi
from dashboard.app import TITLE, create_app
from dashboard.config import API_TOKEN_ENV, load_settings
from dashboard.peer_plots import warm_up
from dashboard.signin import ApiAuthProvider, signed_in

# Panel's stock login and logout pages load their logo from a CDN; ours are self-contained.
LOGIN_PAGE = Path(__file__).with_name("login.html")
LOGOUT_PAGE = Path(__file__).with_name("logout.html")


def main(argv: list[str] | None = None) -> None:
    """Parse the options, say where to sign in, and serve until interrupted."""
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
    print(
        f"Advisor dashboard on http://{args.address}:{args.port} — scoring API {settings.api_url}"
    )
    print("Sign in with a dashboard user of the API (python -m training users list).")
    if not settings.api_token:
        print(f"Warning: {API_TOKEN_ENV} is not set; the API will refuse every request.")
    api = CreditApi(settings.api_url, settings.api_token, timeout=settings.api_timeout)

    def session() -> pn.template.FastListTemplate:
        """Called for every browser session: its own store, its calls made for its person."""
        user, role = signed_in()
        return create_app(
            api.acting_for(user),
            str(settings.snapshot_path),
            settings.currency,
            role=role,
            timezone=settings.timezone,
        )

    server = pn.serve(
        session,
        port=args.port,
        address=args.address,
        websocket_origin=args.allow_websocket_origin,
        auth_provider=ApiAuthProvider(api, LOGIN_PAGE, LOGOUT_PAGE),
        cookie_secret=settings.cookie_secret or secrets.token_urlsafe(32),
        title=TITLE,
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
