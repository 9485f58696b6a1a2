"""The dashboard against the real scoring service, in process (``asgi_client`` of the root
conftest): its API client, clients it knows, what it was sent, and real failures — a port
nothing listens on, a service that goes down and comes back, a locked audit store.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pandas as pd
import pytest
from starlette.testclient import TestClient

from dashboard.api import CreditApi
from dashboard.store import fetch_model_info
from devtools.servers import free_port
from scoring.model.scorer import CreditModel
from tests.support.serving import TOKEN, LiveService, Sent
from training.snapshot import write_snapshot


@pytest.fixture(autouse=True)
def _fresh_model_cache() -> Iterator[None]:
    """``fetch_model_info`` is cached per API object for the process: not across tests."""
    fetch_model_info.clear()
    yield
    fetch_model_info.clear()


@pytest.fixture(scope="session")
def api(asgi_client: TestClient) -> CreditApi:
    """The dashboard's API client talking to the service in process."""
    return CreditApi(str(asgi_client.base_url), TOKEN, client=asgi_client)


@pytest.fixture(scope="session")
def known_client(model_dataset: dict[str, pd.DataFrame]) -> int:
    """The first client of the portfolio whose credit, annuity and goods price are known."""
    train = model_dataset["application_train"]
    known = train.dropna(subset=["AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"])
    return int(known["SK_ID_CURR"].iloc[0])


@pytest.fixture(scope="session")
def unknown_client(model_dataset: dict[str, pd.DataFrame]) -> int:
    """A client ID the portfolio does not hold."""
    ids = pd.concat(
        [model_dataset[t]["SK_ID_CURR"] for t in ("application_train", "application_test")]
    )
    assert 1 not in set(ids)
    return 1


@pytest.fixture(scope="session")
def decided_clients(api: CreditApi, model_dataset: dict[str, pd.DataFrame]) -> dict[str, int]:
    """``{"granted": id, "refused": id}``: the first known clients the API decides so."""
    found: dict[str, int] = {}
    for client_id in model_dataset["application_train"]["SK_ID_CURR"].head(200):
        found.setdefault(api.predict(int(client_id))["decision"], int(client_id))
        if len(found) == 2:
            return found
    pytest.fail(f"the first 200 clients are all {next(iter(found))}")


@pytest.fixture(scope="session")
def portfolio_snapshot(
    model_dataset: dict[str, pd.DataFrame], credit_model: CreditModel, tmp_path_factory
) -> str:
    """The peer views' snapshot of the test portfolio, scored by the served model."""
    path = tmp_path_factory.mktemp("snapshot") / "portfolio_snapshot.parquet"
    write_snapshot(model_dataset, credit_model, path)
    return str(path)


@pytest.fixture
def sent(asgi_client: TestClient) -> Iterator[list[Sent]]:
    """Every request sent through the in-process client during the test, in order."""
    calls: list[Sent] = []

    def record(request: httpx.Request) -> None:
        body = json.loads(request.content) if request.content else None
        calls.append(
            Sent(request.method, request.url.path, body, request.headers.get("authorization"))
        )

    hooks = asgi_client.event_hooks
    asgi_client.event_hooks = {**hooks, "request": [*hooks["request"], record]}
    yield calls
    asgi_client.event_hooks = hooks


@pytest.fixture
def live(asgi_client: TestClient) -> Iterator[LiveService]:
    """The real service at a real address, up at the start of the test."""
    service = LiveService(asgi_client.app)
    service.start()
    yield service
    service.stop()


@pytest.fixture
def unreachable() -> CreditApi:
    """A client of a localhost port that nothing listens on."""
    return CreditApi(f"http://127.0.0.1:{free_port()}", TOKEN)


@pytest.fixture
def audit_locked(service_env: dict[str, str]):
    """Hold the audit database's write lock: decisions wait out the busy timeout (5 s),
    then the service answers 503 rather than give a decision it cannot record."""
    path = service_env["CREDIT_AUDIT_DB_URL"].removeprefix("sqlite:///")

    @contextmanager
    def locked() -> Iterator[None]:
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            yield
            connection.execute("ROLLBACK")
        finally:
            connection.close()

    return locked
