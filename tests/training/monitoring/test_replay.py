"""Drift scenarios replayed through the API's engine against the test model: each shifted
population raises its alert with the features it shifted ranked first, and a new sample of the
unchanged population raises none (the full-size figures: benchmarks/drift_scenarios.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.drift_scenarios import scenario_check
from scoring.model.scorer import CreditModel
from training.monitoring.replay import alerts, derived_from, population_bodies, replay
from training.synth import generate_dataset
from training.synth.scenarios import SCENARIOS, apply_scenario

CLIENTS = 2_000
SEED = 71  # never the test model's data (seed 3)


def _replayed(model: CreditModel, name: str, directory: Path) -> dict[str, Any]:
    frames = apply_scenario(generate_dataset(CLIENTS, SEED), name, SEED)
    return replay(model, population_bodies(frames), directory)


@pytest.mark.slow
def test_the_unchanged_population_raises_no_alert(
    credit_model: CreditModel, tmp_path: Path
) -> None:
    document = _replayed(credit_model, "reference", tmp_path)
    assert document["applications"] == CLIENTS
    assert alerts(document) == [] and document["status"] == "stable"


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in SCENARIOS if n != "reference"])
def test_a_shifted_population_raises_its_alert(
    credit_model: CreditModel, tmp_path: Path, name: str
) -> None:
    document = _replayed(credit_model, name, tmp_path)
    checks = scenario_check(document, derived_from(SCENARIOS[name].expected))
    assert all(checks.values()), (checks, alerts(document))


def test_derived_features_follow_their_columns() -> None:
    income = derived_from(["AMT_INCOME_TOTAL"])
    assert {"AMT_INCOME_TOTAL", "INCOME_CREDIT_PERC", "ANNUITY_INCOME_PERC"} <= income
    assert "AMT_CREDIT" not in income and "BURO_AMT_CREDIT_SUM_MEAN" not in income
    assert "NAME_CONTRACT_TYPE_Revolving_loans" in derived_from(["NAME_CONTRACT_TYPE"])
