"""Panel's own start-up floor: a one-pane app behind the same login as the dashboard.

`benchmarks/dashboard_start.py` starts it exactly as it starts `python -m dashboard` and
times both to the login page, so the ratio says how much of the start is the dashboard's.
Nothing here belongs to the product: it imports Panel and nothing else.

Usage: .venv/bin/python -m benchmarks.baseline.panel_login --port 5007
(DASHBOARD_COOKIE_SECRET as for the dashboard; nobody signs in, the password is random)
"""

from __future__ import annotations

import argparse
import os
import secrets

import panel as pn


def main() -> None:
    """Serve one Markdown pane on ``--port`` behind Panel's basic-auth login page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    server = pn.serve(
        lambda: pn.pane.Markdown("# Logged in"),
        port=args.port,
        address="127.0.0.1",
        basic_auth={"advisor": secrets.token_urlsafe(12)},
        cookie_secret=os.environ.get("DASHBOARD_COOKIE_SECRET") or secrets.token_urlsafe(32),
        title="Panel floor",
        show=False,
        start=False,
    )
    server.start()
    server.io_loop.start()


if __name__ == "__main__":
    main()
