"""The REST API in process, through BentoML's ASGI app (``to_asgi()``): every check of the
contract in ``tests/support/contract.py``, which ``tests/serve`` runs again over HTTP."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from scoring.records.database import RecordsDatabase
from tests.support.contract import CHECKS, Api


@pytest.fixture(scope="module")
def api(asgi_client: TestClient, service_env: dict[str, str], known_client: int) -> Api:
    return Api(asgi_client, known_client, RecordsDatabase(service_env["CREDIT_AUDIT_DB_URL"]))


@pytest.mark.parametrize(("check", "arguments"), CHECKS)
def test_the_api_keeps_its_contract(api: Api, check, arguments) -> None:
    check(api, **arguments)
