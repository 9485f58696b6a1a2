"""Who may do what, through BentoML's ASGI app: each scope of a key, the dashboard's roles
when a key acts for a person, and sign-in with its throttling. (The middleware alone is
tested in ``tests/scoring/serving/test_auth.py``; here the endpoints enforce it too.)"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from starlette.testclient import TestClient

from scoring.records.database import RecordsDatabase
from scoring.records.keys import ApiKeys
from scoring.records.users import FREE_FAILURES, Users
from tests.support.inputs import APPLICATION

PASSWORD = "people-test-password-1"


@pytest.fixture(scope="module")
def records(service_env: dict[str, str]) -> RecordsDatabase:
    return RecordsDatabase(service_env["CREDIT_AUDIT_DB_URL"])


@pytest.fixture(scope="module")
def people(records: RecordsDatabase) -> dict[str, str]:
    """An advisor and a supervisor with fresh names (the records may be shared)."""
    suffix = uuid.uuid4().hex[:8]
    names = {"advisor": f"adv-{suffix}", "supervisor": f"sup-{suffix}"}
    users = Users(records)
    for role, name in names.items():
        users.add(name, role, PASSWORD)
    return names


def _key(records: RecordsDatabase, *scopes: str) -> dict[str, str]:
    _, token = ApiKeys(records).create(f"test {' '.join(scopes)}", scopes)
    return {"Authorization": f"Bearer {token}"}


def _application(**fields: Any) -> dict[str, Any]:
    client_id = 920_000_000 + uuid.uuid4().int % 9_000_000
    return {"application": {**APPLICATION, "SK_ID_CURR": client_id}, **fields}


def _decision(recommendation: str, **fields: Any) -> dict[str, Any]:
    """A decision that follows ``recommendation`` (a review needs a reason anyway)."""
    final = "granted" if recommendation == "review" else recommendation
    reason = {"reason": "guarantee"} if recommendation == "review" else {}
    return {"final_decision": final, "idempotency_key": uuid.uuid4().hex, **reason, **fields}


def test_each_scope_opens_its_endpoints_and_a_missing_one_is_named(
    asgi_client: TestClient, records: RecordsDatabase
) -> None:
    scorer = _key(records, "score")
    body = _application()
    assert asgi_client.post("/predict", json=body, headers=scorer).status_code == 200
    assert asgi_client.get("/model", headers=scorer).status_code == 200
    for path, needed, request in (
        ("/decisions", "decide", {**body, **_decision("refused")}),
        ("/decisions/history", "clients", {"client_id": 100002}),
        ("/clients", "clients", {"client_id": 100002}),
        ("/decisions/review", "audit", {"limit": 5}),
        ("/users/login", "delegate", {"username": "x", "password": "y"}),
    ):
        refused = asgi_client.post(path, json=request, headers=scorer)
        assert refused.status_code == 403, (path, refused.text)
        assert f"'{needed}' scope" in refused.json()["error"] and path in refused.json()["error"]
    decider = _key(records, "decide")
    assert asgi_client.post("/predict", json=body, headers=decider).status_code == 403


def test_only_a_delegating_key_names_the_person_it_acts_for(
    asgi_client: TestClient, records: RecordsDatabase, people: dict[str, str]
) -> None:
    acting = {"X-Acting-User": people["advisor"]}
    plain = asgi_client.post(
        "/predict", json=_application(), headers={**_key(records, "score"), **acting}
    )
    assert plain.status_code == 403 and "'delegate'" in plain.json()["error"]
    delegating = _key(records, "score", "delegate")
    stranger = asgi_client.post(
        "/predict", json=_application(), headers={**delegating, "X-Acting-User": "nobody-here"}
    )
    assert stranger.status_code == 403 and "nobody-here" in stranger.json()["error"]
    scored = asgi_client.post(
        "/predict", json=_application(purpose="view"), headers={**delegating, **acting}
    )
    assert scored.status_code == 200, scored.text


def test_an_advisor_follows_the_model_and_a_supervisor_may_depart_from_it(
    asgi_client: TestClient, records: RecordsDatabase, people: dict[str, str]
) -> None:
    key = _key(records, "score", "decide", "audit", "delegate")
    advisor = {**key, "X-Acting-User": people["advisor"]}
    supervisor = {**key, "X-Acting-User": people["supervisor"]}
    body = _application()
    recommendation = asgi_client.post("/predict", json=body, headers=key).json()["recommendation"]
    other = "refused" if recommendation == "granted" else "granted"
    override = {**body, "final_decision": other, "reason": "guarantee",
                "idempotency_key": uuid.uuid4().hex}  # fmt: skip
    refused = asgi_client.post("/decisions", json=override, headers=advisor)
    assert refused.status_code == 403 and "supervisor" in refused.json()["error"]
    recorded = asgi_client.post("/decisions", json=override, headers=supervisor)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["decided_by"].startswith(f"user:{people['supervisor']} via key:")
    if recommendation != "review":
        follows = asgi_client.post(
            "/decisions", json={**_application(), **_decision(recommendation)}, headers=advisor
        )
        assert follows.status_code in (201, 403), follows.text  # 403: the new one is in the band
    assert asgi_client.post("/decisions/review", json={}, headers=advisor).status_code == 403
    queue = asgi_client.post("/decisions/review", json={}, headers=supervisor)
    assert queue.status_code == 200
    assert recorded.json()["decision_id"] in {d["decision_id"] for d in queue.json()["overrides"]}


def test_sign_in_answers_the_role_then_throttles_repeated_failures(
    asgi_client: TestClient, records: RecordsDatabase, people: dict[str, str]
) -> None:
    key = _key(records, "delegate")
    name = people["supervisor"]
    signed = asgi_client.post(
        "/users/login", json={"username": name, "password": PASSWORD}, headers=key
    )
    assert signed.status_code == 200 and signed.json() == {"username": name, "role": "supervisor"}
    wrong = {"username": name, "password": "not-it"}
    answers = [
        asgi_client.post("/users/login", json=wrong, headers=key) for _ in range(FREE_FAILURES + 1)
    ]
    assert [a.status_code for a in answers[:FREE_FAILURES]] == [401] * FREE_FAILURES
    assert answers[0].json()["error"] == "wrong username or password"
    assert answers[-1].status_code == 429, answers[-1].text
    assert int(answers[-1].headers["retry-after"]) > 0
    assert "try again in" in answers[-1].json()["error"]
    locked = asgi_client.post(
        "/users/login", json={"username": name, "password": PASSWORD}, headers=key
    )
    assert locked.status_code == 429, "the right password waits for the lock too"
    assert PASSWORD not in locked.text


def test_model_monitoring_is_for_supervisors(
    asgi_client: TestClient, records: RecordsDatabase, people: dict[str, str]
) -> None:
    dashboard = _key(records, "audit", "delegate")
    advisor = {**dashboard, "X-Acting-User": people["advisor"]}
    refused = asgi_client.post("/monitoring", json={}, headers=advisor)
    assert refused.status_code == 403 and "supervisors" in refused.json()["error"]
    supervisor = {**dashboard, "X-Acting-User": people["supervisor"]}
    assert asgi_client.post("/monitoring", json={}, headers=supervisor).status_code == 200
