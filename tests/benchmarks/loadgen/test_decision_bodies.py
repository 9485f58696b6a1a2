"""Decision bodies of the load runs: each one the service accepts, about a client of the run's
reserved range under a key of its own; a revision names the decision it revises."""

from __future__ import annotations

import json
import random

import pytest

from benchmarks.loadgen.decision_bodies import (
    RESERVED_CLIENTS,
    DecisionSource,
    client_range,
)
from scoring.serving.decision_models import DecisionRequest
from scoring.serving.schemas import APPLICATION_EXAMPLE

BODIES = [{"application": {**APPLICATION_EXAMPLE, "SK_ID_CURR": 100002 + i}} for i in range(3)]


@pytest.fixture
def source() -> DecisionSource:
    return DecisionSource(BODIES, run=2, key_prefix="abcd1234")


def test_every_body_is_a_valid_decision_request(source: DecisionSource) -> None:
    rng = random.Random(0)
    first = source.new(rng)
    for call in (first, source.new(rng), source.revision(first, "0" * 32)):
        request = DecisionRequest.model_validate_json(call.body)
        assert request.application_id == call.client
        assert request.reason == "guarantee"


def test_new_decisions_take_fresh_clients_and_keys_of_the_run(source: DecisionSource) -> None:
    rng = random.Random(0)
    calls = [source.new(rng) for _ in range(10)]
    first, last = client_range(2)
    assert len({c.client for c in calls}) == len({c.key for c in calls}) == 10
    assert all(first <= c.client <= last for c in calls)
    assert first > RESERVED_CLIENTS > 100002 + len(BODIES)
    assert client_range(1)[1] < first


def test_a_revision_flips_the_decision_and_names_the_one_it_revises(
    source: DecisionSource,
) -> None:
    call = source.new(random.Random(0))
    revision = source.revision(call, "f" * 32)
    body = json.loads(revision.body)
    assert (revision.client, revision.kind) == (call.client, "revise")
    assert revision.key != call.key
    assert body["revises"] == "f" * 32
    assert {body["final_decision"], call.final_decision} == {"granted", "refused"}
    assert body["application"] == json.loads(call.body)["application"]
