"""The REST API over a real `bentoml serve` (JSON on the wire, BentoML's HTTP server and its
worker process): the contract of ``tests/support/contract.py``, also run in process by
``tests/service/test_api.py``."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from scoring.records.database import RecordsDatabase
from tests.support.contract import CHECKS, Api

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api(server: str, service_env: dict[str, str], known_client: int) -> Iterator[Api]:
    with httpx.Client(base_url=server, timeout=60) as client:
        yield Api(client, known_client, RecordsDatabase(service_env["CREDIT_AUDIT_DB_URL"]))


@pytest.mark.parametrize(("check", "arguments"), CHECKS)
def test_the_api_keeps_its_contract(api: Api, check, arguments) -> None:
    check(api, **arguments)
