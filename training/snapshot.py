"""The portfolio snapshot: every known client scored once, for the dashboard's peer views.

The dashboard compares one client with the whole portfolio (300k clients) but never loads
the model. Aggregates served by the API would cost a server round trip per histogram,
group and zoom; a read-only Parquet file of scores and ~30 descriptive columns loads in
well under a second and then answers every comparison in process
(``benchmarks/peer_data.py``, figures in ``benchmarks/results/peer_data.json``).

Descriptive columns are in human units (years, currency, shares) so the dashboard shows
them as they are. The same :func:`describe` turns one API application and its feature
values into the same columns, so a client outside the snapshot compares exactly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from scoring.descriptors import DESCRIPTOR_BY_NAME, describe, top_feature_columns
from scoring.features import build_batch
from scoring.model import store
from scoring.model.scorer import CreditModel
from scoring.schema import APPLICATION_TEST, APPLICATION_TRAIN

APPLICATION_NAMES = (APPLICATION_TRAIN.name, APPLICATION_TEST.name)


def snapshot_frame(
    application: pd.DataFrame, features: pd.DataFrame, scores: pd.DataFrame, top: list[str]
) -> pd.DataFrame:
    """One application table's rows: id, known outcome, score, descriptors, top features."""
    values = {**{n: features[n].to_numpy() for n in features.columns}, **application}
    frame = pd.DataFrame(
        {
            "SK_ID_CURR": application["SK_ID_CURR"].to_numpy(np.int64),
            "TARGET": application.get("TARGET", pd.Series(np.nan, index=application.index))
            .to_numpy(dtype=np.float32, na_value=np.nan),
            "probability": scores["probability"].to_numpy(np.float64),
            "decision": pd.Categorical(scores["decision"], ["granted", "refused"]),
        }
    )  # fmt: skip
    extra = [name for name in top if name not in DESCRIPTOR_BY_NAME]
    tops = pd.DataFrame({name: features[name].to_numpy(np.float32) for name in extra})
    return pd.concat([frame, describe(values), tops], axis=1)


def write_snapshot(
    frames: Mapping[str, pd.DataFrame], model: CreditModel, path: Path
) -> pd.DataFrame:
    """Score every known client with ``model`` and write the snapshot; returns it.

    Known clients are the application_train rows (with their outcome) and the
    application_test rows (outcome NaN). The file is written beside ``path`` and renamed
    over it, so a running dashboard never reads half a file.
    """
    names = [name for name in APPLICATION_NAMES if name in frames]
    if not names:
        raise ValueError("the snapshot needs application_train or application_test")
    card = store.read_json(model.root / store.CARD_FILE)
    top = top_feature_columns(card)
    parts = []
    for name in names:
        matrix = build_batch(frames, name)
        scores = model.score_matrix(matrix)
        features = matrix.to_pandas().reset_index(drop=True)
        parts.append(snapshot_frame(frames[name].reset_index(drop=True), features, scores, top))
    snapshot = pd.concat(parts, ignore_index=True).sort_values("SK_ID_CURR", ignore_index=True)
    snapshot.attrs = {
        "model": model.tag,
        "threshold": model.threshold,
        "top_features": top,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        snapshot.to_parquet(temporary, index=False, compression="zstd")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return snapshot
