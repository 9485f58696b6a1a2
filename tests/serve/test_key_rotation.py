"""Rotating an API key while `bentoml serve` answers: a client sending requests all along,
first with the old token and then with the new one the CLI printed, never gets a failure;
revoking the key stops it within the refresh bound, without a restart."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import httpx
import pytest

from devtools.servers import ROOT
from scoring.records.database import RecordsDatabase
from scoring.records.keys import REFRESH_SECONDS, ApiKeys
from tests.support.inputs import APPLICATION

pytestmark = pytest.mark.slow

BEFORE_S, AFTER_S = 3.0, 3.0  # of requests with the old token, then with the new one


def _cli(*arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "training", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_rotating_a_key_under_traffic_fails_no_request(server: str, service_env) -> None:
    url = service_env["CREDIT_AUDIT_DB_URL"]
    key_id, token = ApiKeys(RecordsDatabase(url)).create("rotation test", ["score"])
    current = {"token": token}
    statuses: list[int] = []
    stop = threading.Event()

    def traffic() -> None:
        with httpx.Client(base_url=server, timeout=30) as client:
            while not stop.is_set():
                headers = {"Authorization": f"Bearer {current['token']}"}
                answer = client.post("/predict", json={"application": APPLICATION}, headers=headers)
                statuses.append(answer.status_code)

    sender = threading.Thread(target=traffic)
    sender.start()
    try:
        time.sleep(BEFORE_S)
        printed = _cli("keys", "rotate", key_id, "--grace-minutes", "10", "--url", url)
        new_token = printed.strip().splitlines()[-1]
        assert new_token.startswith(f"pad_{key_id}_") and new_token != token
        rotated_at = len(statuses)
        current["token"] = new_token
        time.sleep(AFTER_S)
    finally:
        stop.set()
        sender.join(timeout=60)
    assert rotated_at > 10 and len(statuses) - rotated_at > 10, "too little traffic to tell"
    assert set(statuses) == {200}, f"failed requests during the rotation: {statuses}"

    _cli("keys", "revoke", key_id, "--url", url)
    deadline = time.monotonic() + REFRESH_SECONDS + 5
    with httpx.Client(base_url=server, timeout=30) as client:
        headers = {"Authorization": f"Bearer {new_token}"}
        while client.post(
            "/predict", json={"application": APPLICATION}, headers=headers
        ).is_success:
            assert time.monotonic() < deadline, "a revoked key still works past the refresh bound"
            time.sleep(0.2)
