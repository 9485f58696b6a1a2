"""One feature pipeline for training, batch scoring and the online API.

``build_batch`` (pandas frames from the loader) and ``build_online`` (JSON records from the
API) only convert their input to column arrays and call :func:`build_features`, so both
paths run literally the same code and give the same vector for the same client.

Missing data, per history table: a client without rows in a provided table gets NaN for
every feature of that table except ``<PREFIX>COUNT``, which is 0; when the table is not
provided at all, every one of its features is NaN, ``<PREFIX>COUNT`` included (unknown is
not "none"). ``bureau_balance`` reaches clients only through ``bureau``, so its features
are NaN unless both are provided.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scoring.columns import Columns, frame_to_columns, records_to_columns
from scoring.features import application, balances, bureau, installments, previous
from scoring.features.aggregate import KeyIndex
from scoring.features.labels import FeatureInfo
from scoring.schema import APPLICATION_TEST, HISTORY_NAMES, TABLES

BLOCKS = (
    application.BLOCK,
    bureau.BLOCK,
    previous.BLOCK,
    balances.POS_BLOCK,
    installments.BLOCK,
    balances.CARD_BLOCK,
)
FEATURES: tuple[FeatureInfo, ...] = tuple(info for block in BLOCKS for info in block.features)
FEATURE_NAMES: tuple[str, ...] = tuple(info.name for info in FEATURES)
if len(set(FEATURE_NAMES)) != len(FEATURE_NAMES):
    raise RuntimeError("two features share a name; check the level names of the schema")

# A source table whose rows reach clients only through another table.
_THROUGH = {"bureau_balance": "bureau"}
_POSITIONS = {
    source: np.array([i for i, info in enumerate(FEATURES) if info.source == source])
    for source in dict.fromkeys(info.source for info in FEATURES)
}


@dataclass(frozen=True)
class FeatureMatrix:
    """Feature values of the applications, in the application table's row order.

    ``values`` has shape ``(n_clients, len(FEATURES))`` and is column-major (Fortran order).
    """

    client_ids: np.ndarray
    values: np.ndarray

    def to_pandas(self) -> pd.DataFrame:
        """The values as a frame indexed by ``SK_ID_CURR``, one column per feature."""
        index = pd.Index(self.client_ids, name="SK_ID_CURR")
        return pd.DataFrame(self.values, index=index, columns=list(FEATURE_NAMES))


def build_features(tables: Mapping[str, Columns]) -> FeatureMatrix:
    """Feature matrix of ``tables["application"]``, using whichever history tables exist.

    History tables are keyed by their Kaggle name; their rows whose client is not in the
    application are ignored.
    """
    if "application" not in tables or "SK_ID_CURR" not in tables["application"]:
        raise ValueError("build_features needs tables['application'] with SK_ID_CURR")
    client_ids = tables["application"]["SK_ID_CURR"]
    clients = KeyIndex(client_ids)
    # Column-major: each block lands as one contiguous copy, and to_pandas copies nothing.
    values = np.full((len(client_ids), len(FEATURES)), np.nan, order="F")
    start = 0
    for block in BLOCKS:
        stop = start + len(block.features)
        if block.table in tables:
            values[:, start:stop] = block.compute(tables, clients).T
        start = stop
    for source, positions in _POSITIONS.items():
        if source not in tables or _THROUGH.get(source, source) not in tables:
            values[:, positions] = np.nan
    return FeatureMatrix(client_ids=client_ids, values=values)


def build_online(
    application: Mapping[str, Any],
    history: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> np.ndarray:
    """Feature vector of one validated application and its optional history records.

    ``history`` maps Kaggle table names to records; a table left out is "not provided".
    """
    tables = {"application": records_to_columns([application], APPLICATION_TEST)}
    for name, records in (history or {}).items():
        tables[name] = records_to_columns(records, TABLES[name])
    return build_features(tables).values[0]


def build_online_batch(
    items: Sequence[tuple[Mapping[str, Any], Mapping[str, Sequence[Mapping[str, Any]]]]],
) -> np.ndarray:
    """Feature rows of many (application, history) items, each identical to :func:`build_online`.

    Items are grouped by which history tables they provide (a table given empty means
    "no such history", a table absent means "unknown"), and each group runs through
    ``build_features`` once. Inside a group, rows are keyed by position and each item's
    bureau ids are renumbered, so that two applications can never share history.
    """
    values = np.empty((len(items), len(FEATURE_NAMES)))
    groups: dict[frozenset[str], list[int]] = {}
    for row, (_, history) in enumerate(items):
        groups.setdefault(frozenset(history), []).append(row)
    for provided, rows in groups.items():
        values[rows] = _group_features([items[row] for row in rows], provided)
    return values


def _group_features(
    items: Sequence[tuple[Mapping[str, Any], Mapping[str, Sequence[Mapping[str, Any]]]]],
    provided: frozenset[str],
) -> np.ndarray:
    applications = [{**app, "SK_ID_CURR": row} for row, (app, _) in enumerate(items)]
    tables = {"application": records_to_columns(applications, APPLICATION_TEST)}
    bureau_ids = [
        {record["SK_ID_BUREAU"]: i for i, record in enumerate(history.get("bureau", ()))}
        for _, history in items
    ]
    offsets = np.cumsum([0] + [len(ids) for ids in bureau_ids])
    for name in provided:
        records = []
        for row, (_, history) in enumerate(items):
            for record in history[name]:
                relinked = {**record, "SK_ID_CURR": row}
                if "SK_ID_BUREAU" in record and name in ("bureau", "bureau_balance"):
                    local = bureau_ids[row].get(record["SK_ID_BUREAU"], -1)
                    relinked["SK_ID_BUREAU"] = offsets[row] + local if local >= 0 else -1 - row
                records.append(relinked)
        tables[name] = records_to_columns(records, TABLES[name])
    return build_features(tables).values


def build_batch(
    frames: Mapping[str, pd.DataFrame], application: str = "application_train"
) -> FeatureMatrix:
    """Feature matrix of the loader's frames; ``application`` names the application frame."""
    tables = {"application": frame_to_columns(frames[application], TABLES[application])}
    for name in HISTORY_NAMES:
        if name in frames:
            tables[name] = frame_to_columns(frames[name], TABLES[name])
    return build_features(tables)
