"""A drift scenario replayed over HTTP through a real `bentoml serve`: incomes sent in
thousands, as client systems would send them to /predict_batch, make /monitoring say "act"
with the income features first."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.support.serving import AUTH
from training.monitoring.replay import derived_from, population_bodies
from training.synth import generate_dataset
from training.synth.scenarios import SCENARIOS, apply_scenario

pytestmark = pytest.mark.slow

CLIENTS, SEED, BATCH = 1_500, 83, 500
WRITTEN_WITHIN_S = 20.0


def test_incomes_in_the_wrong_unit_raise_the_income_alert_over_http(own_server: str) -> None:
    """On a server of its own: the window must hold only the replayed applications."""
    server = own_server
    frames = apply_scenario(generate_dataset(CLIENTS, SEED), "income_unit", SEED)
    bodies = population_bodies(frames)
    with httpx.Client(base_url=server, headers=AUTH, timeout=120) as client:
        before = client.post("/monitoring", json={}).json()["applications"]
        for start in range(0, len(bodies), BATCH):
            batch = {"applications": bodies[start : start + BATCH]}
            answer = client.post("/predict_batch", json=batch)
            assert answer.status_code == 200, answer.text[:500]
        deadline = time.monotonic() + WRITTEN_WITHIN_S
        while (document := client.post("/monitoring", json={}).json())["applications"] < (
            before + CLIENTS
        ):
            assert time.monotonic() < deadline, "the replayed applications were not counted"
            time.sleep(0.2)
    income = derived_from(SCENARIOS["income_unit"].expected)
    assert document["status"] == "act"
    assert document["features"][0]["name"] in income
    acting = {f["name"] for f in document["features"] if f["level"] == "act"}
    assert "AMT_INCOME_TOTAL" in acting
