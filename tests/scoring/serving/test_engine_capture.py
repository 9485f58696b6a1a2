"""The engine counts real applications into the drift bins, and nothing else: a what-if is
hypothetical and a view re-reads a known client. Counts hold no applicant's value."""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

import pytest

from scoring.model import store
from scoring.model.scorer import CreditModel
from scoring.monitoring.bins import Bins
from scoring.monitoring.capture import Capture
from scoring.records.database import RecordsDatabase
from scoring.records.drift import DriftCounts
from scoring.serving.callers import ADMIN_SCOPES, Caller
from scoring.serving.engine import ScoringEngine
from scoring.serving.schemas import BatchRequest, ScoringRequest
from tests.support.inputs import APPLICATION

CALLER = Caller("test", ADMIN_SCOPES)
# Values no bin edge or count could hold by chance: if they are found in the database, an
# applicant's value was stored.
INCOME, CREDIT = 123_457.8125, 654_321.4375


@pytest.fixture
def engine(credit_model: CreditModel, tmp_path: Path) -> ScoringEngine:
    database = RecordsDatabase(f"sqlite:///{tmp_path / 'records.sqlite'}")
    reference = store.read_json(credit_model.root / store.REFERENCE_FILE)
    bins = Bins.from_reference(reference, credit_model.tag)
    capture = Capture(bins, credit_model.tag, DriftCounts(database), flush_seconds=3_600)
    return ScoringEngine(credit_model, database, None, capture=capture)


def _request(purpose: str, client_id: int = 100_001) -> ScoringRequest:
    application = {**APPLICATION, "SK_ID_CURR": client_id, "AMT_INCOME_TOTAL": INCOME,
                   "AMT_CREDIT": CREDIT}  # fmt: skip
    return ScoringRequest.model_validate({"application": application, "purpose": purpose})


def _counted(engine: ScoringEngine) -> int:
    assert engine.capture is not None
    engine.capture.flush()
    return sum(w.applications for w in engine.capture.store.windows(engine.model.tag))


def test_applications_count_and_what_ifs_and_views_do_not(engine: ScoringEngine) -> None:
    engine.predict(_request("application"), CALLER)
    engine.explain(_request("application", 100_002), CALLER)
    assert _counted(engine) == 2
    engine.predict(_request("what-if"), CALLER)
    engine.explain(_request("view"), CALLER)
    assert _counted(engine) == 2


def test_an_application_scored_then_explained_counts_once(engine: ScoringEngine) -> None:
    engine.predict(_request("application", 100_050), CALLER)
    engine.explain(_request("application", 100_050), CALLER)
    assert _counted(engine) == 1


def test_a_batch_counts_each_application(engine: ScoringEngine) -> None:
    items = [
        {"application": _request("application", 100_010 + i).model_dump()["application"]}
        for i in range(4)
    ]
    engine.predict_batch(BatchRequest.model_validate({"applications": items}), CALLER)
    assert _counted(engine) == 4
    what_if = BatchRequest.model_validate({"applications": items, "purpose": "what-if"})
    engine.predict_batch(what_if, CALLER)
    assert _counted(engine) == 4


def test_the_records_hold_counts_not_the_applicants_values(engine: ScoringEngine) -> None:
    for client in range(5):
        engine.predict(_request("application", 100_100 + client), CALLER)
    _counted(engine)
    path = engine.database.url.removeprefix("sqlite:///")
    raw = Path(path).read_bytes() + Path(path + "-wal").read_bytes()
    for value in (INCOME, CREDIT):
        assert repr(value).encode() not in raw  # as text (JSON, SQL)
        assert struct.pack("<d", value) not in raw  # as a binary double
        assert struct.pack(">d", value) not in raw
    with sqlite3.connect(path) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(drift_counts)")]
    assert columns == ["window_start", "model_tag", "worker", "applications", "counts",
                       "updated_at"]  # fmt: skip
