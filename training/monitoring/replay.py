"""Replaying a population through the scoring API's engine, to prove the monitor: a shifted
population (:mod:`training.synth.scenarios`) must raise the expected alerts and rank the
features it shifted first, and a population like the training one must raise none.

Each replay scores every client as a real application (``/predict_batch``'s request model and
engine, purpose ``application``) into a records database of its own, then reads the monitor's
document for it. The drift counts are those the service keeps: this is the production path
without the HTTP transport, which adds nothing to what is counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from scoring.features import FEATURES
from scoring.features.application import RATIOS
from scoring.features.application import SOURCE as APPLICATION
from scoring.model import store
from scoring.model.scorer import CreditModel
from scoring.monitoring.bins import Bins
from scoring.monitoring.capture import Capture
from scoring.monitoring.summary import period_summary
from scoring.records.database import RecordsDatabase
from scoring.records.drift import DriftCounts
from scoring.schema import APPLICATION_TEST, APPLICATION_TRAIN
from scoring.serving.callers import Caller
from scoring.serving.engine import ScoringEngine
from scoring.serving.schemas import BatchRequest
from training.api_bodies import Body, history_bodies

BATCH = 1_000  # applications per /predict_batch request
REPLAY = Caller("replay", frozenset({"score"}))
Progress = Callable[[int, int], None]


def population_bodies(frames: dict[str, pd.DataFrame]) -> list[Body]:
    """Every labelled client of a generated dataset as the API takes them: the application
    (without its outcome) and its whole credit history."""
    applications = frames[APPLICATION_TRAIN.name].drop(columns="TARGET")
    shaped = {**frames, APPLICATION_TEST.name: applications}
    return history_bodies(shaped, len(applications))


def replay(
    model: CreditModel, bodies: Sequence[Body], directory: Path, progress: Progress | None = None
) -> dict[str, Any]:
    """Score ``bodies`` as applications with ``model`` into a new records database under
    ``directory``; the monitor's document of what was counted (all windows)."""
    database = RecordsDatabase(f"sqlite:///{directory / 'replay.sqlite'}")
    reference = store.read_json(model.root / store.REFERENCE_FILE)
    bins = Bins.from_reference(reference, model.tag)
    capture = Capture(bins, model.tag, DriftCounts(database), flush_seconds=3_600)
    engine = ScoringEngine(model, database, None, capture=capture)
    for start in range(0, len(bodies), BATCH):
        request = BatchRequest.model_validate({"applications": bodies[start : start + BATCH]})
        engine.predict_batch(request, REPLAY)
        if progress is not None:
            progress(min(start + BATCH, len(bodies)), len(bodies))
    capture.stop()
    return period_summary(database, model.tag, reference, None, None)


def derived_from(columns: Iterable[str]) -> set[str]:
    """The model features computed from application ``columns``: the column itself, its
    levels' indicators and flags (``NAME_CONTRACT_TYPE_Revolving_loans``), and the ratios it
    enters (``INCOME_CREDIT_PERC``)."""
    wanted = set(columns)
    return {
        info.name
        for info in FEATURES
        if info.source == APPLICATION
        and (
            info.name in wanted
            or any(info.name.startswith(f"{column}_") for column in wanted)
            or wanted.intersection(RATIOS.get(info.name, ()))
        )
    }


def alerts(document: dict[str, Any]) -> list[str]:
    """The features at or above the watch threshold, most drifted first."""
    return [f["name"] for f in document["features"] if f["level"] in ("watch", "act")]
