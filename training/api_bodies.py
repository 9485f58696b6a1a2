"""Request bodies from rows of a dataset, as the API accepts them (load runs, drift replays).

Two kinds of body: an application alone (``{"application": ...}``), and a known client's
application with its whole credit history inline (``{"application": ..., "history": ...}``,
every row of the six history tables that belongs to the client; a table without rows for
the client is sent as an empty list: "none", not "unknown").

Rows go through the project's loader (when read from a file) and then through the API's own
request model, so every body is one the service validates, unknown values are left out (a
NaN field is omitted, as a client would), and a row the API would refuse fails here, naming
its field, rather than as a stream of 400s under load.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from scoring.schema import APPLICATION_TEST, HISTORY_NAMES
from scoring.serving.schemas import ApplicationInput

Body = dict[str, Any]
CLIENT_KEY = "SK_ID_CURR"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-like records: level strings, Python numbers, None for missing."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


def _body(application: dict[str, Any], history: dict[str, list] | None = None) -> Body:
    request = {"application": application}
    if history is not None:
        request["history"] = history
    return ApplicationInput.model_validate(request).model_dump(mode="json", exclude_none=True)


def application_bodies(frame: pd.DataFrame, limit: int | None = None) -> list[Body]:
    """``{"application": {...}}`` for the first ``limit`` rows of an application frame."""
    rows = frame.head(limit) if limit is not None else frame
    return [_body(record) for record in _records(rows)]


def client_histories(
    frames: Mapping[str, pd.DataFrame], clients: pd.Series
) -> dict[int, dict[str, list[dict[str, Any]]]]:
    """Every history row of each client, per table (``bureau_balance`` through ``bureau``)."""
    histories: dict[int, dict[str, list]] = {
        int(client): {name: [] for name in HISTORY_NAMES if name in frames} for client in clients
    }
    owner: dict[int, int] = {}  # bureau credit -> client
    for name in HISTORY_NAMES:
        if name not in frames:
            continue
        frame = frames[name]
        if name == "bureau_balance":
            rows = frame[frame["SK_ID_BUREAU"].isin(owner.keys())]
            keys = rows["SK_ID_BUREAU"].map(owner)
        else:
            rows = frame[frame[CLIENT_KEY].isin(clients)]
            keys = rows[CLIENT_KEY]
        for client, record in zip(keys.to_numpy(), _records(rows), strict=True):
            histories[int(client)][name].append(record)
        if name == "bureau":
            owner = dict(zip(rows["SK_ID_BUREAU"].tolist(), keys.tolist(), strict=True))
    return histories


def history_bodies(
    frames: Mapping[str, pd.DataFrame], limit: int, application: str = APPLICATION_TEST.name
) -> list[Body]:
    """``{"application": ..., "history": ...}`` for the first ``limit`` clients of
    ``frames[application]``, each with all of its history rows."""
    rows = frames[application].head(limit)
    histories = client_histories(frames, rows[CLIENT_KEY])
    return [_body(record, histories[record[CLIENT_KEY]]) for record in _records(rows)]
