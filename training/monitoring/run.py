"""One monitoring run: the model store entry's reference, and the records of a period, summed
into the monitor's document (:func:`scoring.monitoring.summary.period_summary`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import bentoml

from scoring.model import store
from scoring.monitoring.stability import ACT, WATCH, Level
from scoring.monitoring.summary import period_summary
from scoring.records.database import RecordsDatabase

# Exit statuses a scheduled job alerts on (2 stays the commands' "bad input or failure").
EXIT_STATUS: dict[Level, int] = {"stable": 0, "watch": 3, "act": 4, "no data": 5}


class UnknownModel(LookupError):
    """No such entry in the model store."""


def model_reference(tag: str) -> tuple[str, dict[str, Any]]:
    """The model store entry's full tag and its ``reference.json``."""
    try:
        entry = bentoml.models.get(tag)
    except bentoml.exceptions.NotFound as error:
        raise UnknownModel(
            f"no model {tag!r} in the BentoML model store (BENTOML_HOME); --model names the "
            "served model, e.g. credit_scoring:latest"
        ) from error
    return str(entry.tag), store.read_json(Path(entry.path) / store.REFERENCE_FILE)


def monitor(
    database: RecordsDatabase,
    tag: str,
    since: date | None,
    until: date | None,
    watch: float = WATCH,
    act: float = ACT,
) -> dict[str, Any]:
    """The document for the model store entry ``tag`` over days [since, until)."""
    model, reference = model_reference(tag)
    return period_summary(database, model, reference, since, until, watch, act)
