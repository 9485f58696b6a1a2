"""The drift monitor's daily run in Kubernetes: ``POST /monitoring``, then exit as the CLI does.

``python -m training monitor`` needs the training package and the model store, which the
service's image does not carry; the API serves the same document for the model it serves
(docs/monitoring.md), so this script runs in that image with the standard library alone.
It asks for the last ``MONITOR_DAYS`` complete days (UTC), prints the CLI's summary, and
exits 4 (act) or 5 (no application counted) so that the Job fails and alerting sees it;
``watch`` exits 3 only when ``MONITOR_FAIL_FROM=watch``, otherwise 0 with the columns logged.
An API that cannot answer is 2, which the CronJob retries (docs/deployment-kubernetes.md).
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

# What the CronJob may set, with their defaults (CREDIT_API_TOKEN: a key with scope audit).
VARIABLES = {
    "CREDIT_API_URL": "http://credit-scoring-api:3000",
    "CREDIT_API_TOKEN": "",
    "MONITOR_DAYS": "1",
    "MONITOR_FAIL_FROM": "act",
}
# The statuses of `python -m training monitor` (training/monitoring/run.py: EXIT_STATUS).
EXIT_STATUS = {"stable": 0, "watch": 3, "act": 4, "no data": 5}
FAILURE = 2
TIMEOUT_SECONDS = 300


def setting(name: str) -> str:
    """The environment's value of ``name``, else its default."""
    return os.environ.get(name, VARIABLES[name])


def period(days: int, today: datetime) -> dict[str, str]:
    """The ``days`` complete days before ``today`` (UTC), as /monitoring's body."""
    until = today.date()
    return {"since": str(until - timedelta(days=days)), "until": str(until)}


def fetch(url: str, token: str, body: dict[str, str]) -> dict[str, Any]:
    """The monitoring document, or SystemExit(2) saying what failed."""
    request = urllib.request.Request(
        f"{url.rstrip('/')}/monitoring",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as error:
        print(f"{url}/monitoring answered {error.code}: {error.read()[:500]!r}", file=sys.stderr)
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        print(f"{url}/monitoring could not be read: {error}", file=sys.stderr)
    raise SystemExit(FAILURE)


def exit_status(status: str, fail_from: str) -> int:
    """The CLI's status for ``status``, or 0 for a level below ``fail_from`` (no data fails)."""
    code = EXIT_STATUS[status]
    if status == "no data":
        return code
    return code if code >= EXIT_STATUS[fail_from] else 0


def summary(document: dict[str, Any]) -> list[str]:
    """The CLI's lines: the period and status, then each column past a threshold."""
    period_ = document["period"]
    lines = [
        f"{document['model']}: {document['applications']:,} applications from "
        f"{period_['since']} to {period_['until']} (excluded): {document['status']}"
    ]
    for column in [document["score"], *document["features"]]:
        if column["level"] in ("watch", "act"):
            label = column.get("label_en", "score")
            lines.append(f"  {column['level']:5}  PSI {column['psi']:.3f}  {label}")
    return lines


def main() -> int:
    """One run: fetch, print, and the exit status the Job reports."""
    fail_from = setting("MONITOR_FAIL_FROM")
    if fail_from not in ("watch", "act"):
        print(f"MONITOR_FAIL_FROM must be watch or act, got {fail_from!r}", file=sys.stderr)
        return FAILURE
    body = period(int(setting("MONITOR_DAYS")), datetime.now(UTC))
    document = fetch(setting("CREDIT_API_URL"), setting("CREDIT_API_TOKEN"), body)
    print("\n".join(summary(document)))
    return exit_status(document["status"], fail_from)


if __name__ == "__main__":
    sys.exit(main())
