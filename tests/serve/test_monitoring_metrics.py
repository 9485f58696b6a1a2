"""The monitoring metrics of a real `bentoml serve`: real applications' scores go to a
histogram and the window's PSI of each model feature and of the score to a gauge, once the
worker has written its drift counts; what-ifs count in neither."""

from __future__ import annotations

import re
import time
import uuid

import httpx
import pytest

from tests.support.inputs import APPLICATION
from tests.support.serving import AUTH

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """Records of its own: the session's shared server has served other tests, after which
    its /metrics was seen to hold no score histogram at all (not yet understood;
    docs/monitoring.md)."""
    return own_server


WRITTEN_WITHIN_S = 20.0  # the test service writes its counts every 0.2 s
COUNT = re.compile(r"^credit_application_score_count(?:\{[^}]*\})? (\S+)$", re.MULTILINE)


def _metrics(url: str) -> str:
    answer = httpx.get(f"{url}/metrics", timeout=60)
    assert answer.status_code == 200
    return answer.text


def _scored(url: str) -> float:
    """Applications in the score histogram, over every series the workers wrote."""
    return sum(float(value) for value in COUNT.findall(_metrics(url)))


def _score(url: str, purpose: str, times: int) -> None:
    with httpx.Client(base_url=url, headers=AUTH, timeout=60) as client:
        for _ in range(times):
            client_id = 940_000_000 + uuid.uuid4().int % 10**6
            body = {"application": {**APPLICATION, "SK_ID_CURR": client_id}, "purpose": purpose}
            assert client.post("/predict", json=body).status_code == 200


def test_application_scores_and_drift_reach_the_metrics(server: str) -> None:
    before = _scored(server)
    _score(server, "what-if", 3)
    _score(server, "application", 4)
    assert _scored(server) == before + 4
    deadline = time.monotonic() + WRITTEN_WITHIN_S
    while 'credit_drift_psi{column="score"}' not in _metrics(server):
        assert time.monotonic() < deadline, "no drift gauge after the counts were written"
        time.sleep(0.2)
    gauges = re.findall(r'^credit_drift_psi\{column="([^"]+)"\} (\S+)$', _metrics(server), re.M)
    columns = {column for column, _ in gauges}
    assert "score" in columns and len(columns) > 50  # the model's features, bounded by them
    assert all(float(value) >= 0.0 for _, value in gauges)
