"""Shadow scoring in the engine: a challenger scores each real application beside the served
model, its score is recorded with the inquiry, and the caller never sees it; what-ifs and
views are not shadowed, and a challenger that cannot serve is left out, never the service."""

from __future__ import annotations

from pathlib import Path

import bentoml
import pandas as pd
import pytest
from sqlalchemy import select

from scoring.model import store
from scoring.model.scorer import CreditModel
from scoring.records.database import RecordsDatabase
from scoring.records.tables import SHADOW_SCORES
from scoring.serving.callers import ADMIN_SCOPES, Caller
from scoring.serving.engine import ScoringEngine
from scoring.serving.runtime import load_shadow
from scoring.serving.schemas import BatchRequest, ScoringRequest
from tests.support.inputs import APPLICATION
from training.model.pipeline import TrainingConfig, train_model

pytestmark = pytest.mark.slow
CALLER = Caller("test", ADMIN_SCOPES)


@pytest.fixture(scope="module")
def challenger(model_dataset: dict[str, pd.DataFrame], credit_model: CreditModel) -> CreditModel:
    """A different model of the same catalogue: trained on the applications alone."""
    config = TrainingConfig(folds=2, seed=2, params={"num_threads": 1})
    trained = train_model({"application_train": model_dataset["application_train"]}, config)
    tag = store.save(trained.artefacts, "credit_scoring", trained.labels, trained.metadata)
    return CreditModel.from_store(str(tag))


@pytest.fixture
def engine(credit_model: CreditModel, challenger: CreditModel, tmp_path: Path) -> ScoringEngine:
    database = RecordsDatabase(f"sqlite:///{tmp_path / 'records.sqlite'}")
    return ScoringEngine(credit_model, database, None, shadow=challenger)


def _request(purpose: str, client_id: int) -> ScoringRequest:
    application = {**APPLICATION, "SK_ID_CURR": client_id}
    return ScoringRequest.model_validate({"application": application, "purpose": purpose})


def _shadows(engine: ScoringEngine) -> list[dict]:
    with engine.database.reading() as connection:
        return [dict(row._mapping) for row in connection.execute(select(SHADOW_SCORES))]


def test_a_real_application_is_shadowed_and_the_answer_is_the_champions(
    engine: ScoringEngine, challenger: CreditModel
) -> None:
    prediction = engine.predict(_request("application", 100_001), CALLER)
    [row] = _shadows(engine)
    assert row["request_id"] == prediction.request_id
    assert (row["champion_tag"], row["challenger_tag"]) == (engine.model.tag, challenger.tag)
    assert row["champion_probability"] == prediction.probability
    features = engine.features(_request("application", 100_001))[1]
    assert row["challenger_probability"] == pytest.approx(challenger.predict_proba(features)[0])
    assert row["challenger_probability"] != prediction.probability, "a different model"
    answer = prediction.model_dump_json()
    assert challenger.tag not in answer and str(row["challenger_probability"]) not in answer


def test_explanations_and_batches_are_shadowed_too(engine: ScoringEngine) -> None:
    explained = engine.explain(_request("application", 100_002), CALLER)
    items = [{"application": {**APPLICATION, "SK_ID_CURR": 100_010 + i}} for i in range(3)]
    batch = engine.predict_batch(BatchRequest.model_validate({"applications": items}), CALLER)
    ids = {row["request_id"] for row in _shadows(engine)}
    assert ids == {explained.request_id} | {result.request_id for result in batch.results}


def test_what_ifs_and_views_are_not_shadowed(engine: ScoringEngine) -> None:
    engine.predict(_request("what-if", 100_003), CALLER)
    engine.explain(_request("view", 100_004), CALLER)
    assert _shadows(engine) == []


def test_a_challenger_that_fails_to_score_costs_the_answer_nothing(
    engine: ScoringEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(values):
        raise RuntimeError("the challenger's session died")

    monkeypatch.setattr(engine.shadow, "predict_proba", broken)
    prediction = engine.predict(_request("application", 100_005), CALLER)
    assert 0 < prediction.probability < 1 and _shadows(engine) == []
    assert engine.inquiries.count() == 1, "the inquiry is recorded all the same"


def test_only_a_usable_different_model_shadows(
    credit_model: CreditModel, challenger: CreditModel
) -> None:
    assert load_shadow(None, credit_model) is None
    same = bentoml.models.BentoModel(credit_model.tag)
    assert load_shadow(same, credit_model) is None, "a model does not shadow itself"
    absent = bentoml.models.BentoModel("credit_scoring:nosuchversion")
    assert load_shadow(absent, credit_model) is None
    other = load_shadow(bentoml.models.BentoModel(challenger.tag), credit_model)
    assert other is not None and other.tag == challenger.tag
