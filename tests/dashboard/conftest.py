"""The dashboard against the real scoring service, in process (``asgi_client`` of the root
conftest): its API client, the people it acts for (an advisor and a supervisor in the
service's records), clients it knows, what it was sent (bodies and headers, at the HTTP
level), the records the service kept, and real failures — a port nothing listens on, a
service that goes down and comes back, a locked records database.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pandas as pd
import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from dashboard.api import ApiError, CreditApi
from dashboard.store import DashboardStore, fetch_model_info
from devtools.servers import free_port
from scoring.model.scorer import CreditModel
from scoring.records.database import RecordsDatabase
from scoring.records.tables import DECISIONS, INQUIRIES
from scoring.records.users import Users
from tests.support.serving import TOKEN, LiveService, Sent
from training.snapshot import write_snapshot

# The people the dashboard acts for in these tests (never "advisor": the French interface
# must not show that English word, and a username is shown as it is).
PEOPLE = {"camille": "advisor", "marie": "supervisor"}
PASSWORD = "dashboard-test-password"


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
def people(api: CreditApi, service_env: dict[str, str]) -> dict[str, str]:
    """``{"advisor": "camille", "supervisor": "marie"}``, users of the service's records.

    Waits until the service knows them: it re-reads its users every 2 s.
    """
    users = Users(RecordsDatabase(service_env["CREDIT_AUDIT_DB_URL"]))
    existing = {user.username for user in users.list()}
    for name, role in PEOPLE.items():
        if name not in existing:
            users.add(name, role, PASSWORD)
    deadline = time.monotonic() + 10
    for name in PEOPLE:
        while True:
            try:
                api.acting_for(name).decision_history(1)
                break
            except ApiError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    return {role: name for name, role in PEOPLE.items()}


@pytest.fixture
def advisor(api: CreditApi, people: dict[str, str]) -> DashboardStore:
    """An advisor's session."""
    return DashboardStore(api=api.acting_for(people["advisor"]), role="advisor")


@pytest.fixture
def supervisor(api: CreditApi, people: dict[str, str]) -> DashboardStore:
    """A supervisor's session."""
    return DashboardStore(api=api.acting_for(people["supervisor"]), role="supervisor")


@pytest.fixture(scope="session")
def undecided(api: CreditApi, model_dataset: dict[str, pd.DataFrame]) -> Callable[[str], int]:
    """``take(recommendation)``: a known client the model recommends so, with no decision
    yet and never given out before in this session (decisions stay in the records)."""
    given: set[int] = set()
    ids = [int(i) for i in model_dataset["application_train"]["SK_ID_CURR"]]

    def take(recommendation: str) -> int:
        for client_id in ids:
            if client_id in given:
                continue
            if api.predict(client_id, purpose="view")["recommendation"] != recommendation:
                continue
            given.add(client_id)
            if not api.decision_history(client_id)["decisions"]:
                return client_id
        pytest.fail(f"no known client left whose recommendation is {recommendation}")

    return take


@dataclass(frozen=True)
class Call:
    """One request the dashboard sent, as it went over HTTP."""

    method: str
    path: str
    body: Any
    acting_user: str | None


@pytest.fixture
def calls(asgi_client: TestClient) -> Iterator[list[Call]]:
    """Every request sent through the in-process client during the test, with its headers."""
    seen: list[Call] = []

    def record(request: httpx.Request) -> None:
        body = json.loads(request.content) if request.content else None
        acting = request.headers.get("x-acting-user")
        seen.append(Call(request.method, request.url.path, body, acting))

    hooks = asgi_client.event_hooks
    asgi_client.event_hooks = {**hooks, "request": [*hooks["request"], record]}
    yield seen
    asgi_client.event_hooks = hooks


@dataclass(frozen=True)
class Records:
    """The service's records database, read as an auditor would."""

    database: RecordsDatabase

    def decisions(self, client_id: int | None = None) -> int:
        query = select(func.count()).select_from(DECISIONS)
        if client_id is not None:
            query = query.where(DECISIONS.c.client_id == client_id)
        with self.database.reading() as connection:
            return int(connection.execute(query).scalar_one())

    def inquiries(self, actor: str) -> list[tuple[str, str, int | None]]:
        """(endpoint, purpose, client_id) of the inquiries ``actor`` made, oldest first."""
        query = (
            select(INQUIRIES.c.endpoint, INQUIRIES.c.purpose, INQUIRIES.c.client_id)
            .where(INQUIRIES.c.actor == actor)
            .order_by(INQUIRIES.c.created_at)
        )
        with self.database.reading() as connection:
            return [tuple(row) for row in connection.execute(query)]


@pytest.fixture(scope="session")
def records(service_env: dict[str, str]) -> Records:
    return Records(RecordsDatabase(service_env["CREDIT_AUDIT_DB_URL"]))


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
def recommended_clients(api: CreditApi, model_dataset: dict[str, pd.DataFrame]) -> dict[str, int]:
    """``{"granted": id, "refused": id, "review": id}``: the first known clients the model
    recommends so (review: within the review band of the threshold)."""
    found: dict[str, int] = {}
    for client_id in model_dataset["application_train"]["SK_ID_CURR"].head(1000):
        answer = api.predict(int(client_id), purpose="view")
        found.setdefault(answer["recommendation"], int(client_id))
        if len(found) == 3:
            return found
    pytest.fail(f"the first 1000 clients are only {sorted(found)}")


@pytest.fixture(scope="session")
def decided_clients(recommended_clients: dict[str, int]) -> dict[str, int]:
    """``{"granted": id, "refused": id}``: clients the model recommends granting, refusing."""
    return {key: recommended_clients[key] for key in ("granted", "refused")}


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
    """Hold the records database's write lock: scores wait out the busy timeout (5 s), then
    the service answers 503 rather than give a score it cannot record."""
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
