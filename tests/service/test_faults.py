"""Faults the service must survive, through its start-up path in process: a missing or
damaged model leaves it up and not ready with the reason (each damage is detected in
``tests/scoring/model/test_scorer.py``); no score without its inquiry row, no decision
without its record, and no client_id request without a portfolio."""

from __future__ import annotations

import shutil
from pathlib import Path

import bentoml
import numpy as np
import pytest

from scoring.model.scorer import CreditModel
from scoring.records.database import RecordsDatabase
from scoring.serving import schemas
from scoring.serving.callers import BOOTSTRAP, Caller
from scoring.serving.deciding import DecisionDesk
from scoring.serving.decision_models import DecisionRequest
from scoring.serving.engine import ScoringEngine, Unavailable
from scoring.serving.runtime import load_engine
from scoring.settings import ServiceSettings, load_settings
from tests.support.inputs import APPLICATION

CALLER = Caller(BOOTSTRAP, frozenset({"admin"}))


def _settings(directory: Path) -> ServiceSettings:
    return load_settings(audit_db_url=f"sqlite:///{directory / 'audit.sqlite'}")


def test_a_missing_model_leaves_the_service_not_ready_with_a_clear_reason(tmp_path):
    ref = bentoml.models.BentoModel("credit_scoring:doesnotexist")
    engine, reason = load_engine(ref, _settings(tmp_path))
    assert engine is None
    assert "credit_scoring:doesnotexist" in reason and "make train" in reason


def test_a_model_failing_its_self_check_is_not_served(model_tag, tmp_path):
    entry = bentoml.models.get(model_tag)
    copy = tmp_path / "entry"
    shutil.copytree(entry.path, copy)
    sample = np.load(copy / "parity_sample.npz")
    np.savez(
        copy / "parity_sample.npz",
        values=sample["values"],
        probabilities=1 - sample["probabilities"],
    )

    class Ref:  # what load_engine reads from a BentoModel
        tag = model_tag
        stored = type("Stored", (), {"path": str(copy), "tag": model_tag, "info": entry.info})()

    engine, reason = load_engine(Ref(), _settings(tmp_path))
    assert engine is None and "self-check" in reason


def test_no_score_or_decision_without_its_record_and_recovery(model_tag, tmp_path):
    database = tmp_path / "records.sqlite"
    database.mkdir()  # a directory where the database file should be: unwritable, even as root
    engine = ScoringEngine(
        CreditModel.from_store(model_tag), RecordsDatabase(f"sqlite:///{database}"), None
    )
    request = schemas.ScoringRequest.model_validate({"application": APPLICATION})
    decision = DecisionRequest.model_validate(
        {"application": APPLICATION, "final_decision": "refused", "idempotency_key": "faults-01",
         "reason": "affordability"}
    )  # fmt: skip
    with pytest.raises(Unavailable, match="records database unavailable") as refused:
        engine.predict(request, CALLER)
    assert str(database) not in refused.value.message, "the caller must not learn its path"
    with pytest.raises(Unavailable, match="decision not recorded"):
        DecisionDesk(engine).decide(decision, CALLER)
    database.rmdir()
    engine.predict(request, CALLER)
    receipt = DecisionDesk(engine).decide(decision, CALLER)
    assert engine.inquiries.count() == 1
    assert engine.decisions.get(receipt.decision_id) is not None
    assert engine.decisions.count() == 1


def test_client_id_requests_without_a_portfolio_are_unavailable(model_tag, tmp_path):
    engine = ScoringEngine(
        CreditModel.from_store(model_tag),
        RecordsDatabase(f"sqlite:///{tmp_path / 'a.sqlite'}"),
        None,
    )
    with pytest.raises(Unavailable, match="portfolio"):
        engine.predict(schemas.ScoringRequest.model_validate({"client_id": 100002}), CALLER)
    assert engine.inquiries.count() == 0
