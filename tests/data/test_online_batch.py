"""The online path (JSON records, one client) gives exactly the batch features.

Both paths run ``build_features``; this guards the conversions around it and the claim
that a client's features do not depend on the other clients in the batch.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scoring.features import FEATURE_NAMES, FEATURES, build_batch, build_online
from scoring.schema import HISTORY_NAMES
from training.synth import generate_dataset

N_CLIENTS = 300
Records = list[dict[str, Any]]


@cache
def _frames() -> dict[str, pd.DataFrame]:
    return generate_dataset(N_CLIENTS, seed=11)


def _records(frame: pd.DataFrame) -> Records:
    """Rows as the API receives them: level strings, None for missing, plain numbers."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


def _by_client(frames: dict[str, pd.DataFrame]) -> dict[str, dict[int, Records]]:
    """Each history table's records per client, in table order; bureau_balance via bureau."""
    bureau = frames["bureau"]
    credit_owner = dict(zip(bureau["SK_ID_BUREAU"], bureau["SK_ID_CURR"], strict=True))
    grouped: dict[str, dict[int, Records]] = {}
    for name in HISTORY_NAMES:
        grouped[name] = {}
        for record in _records(frames[name]):
            if name == "bureau_balance":
                client = credit_owner.get(record["SK_ID_BUREAU"])
            else:
                client = record["SK_ID_CURR"]
            grouped[name].setdefault(client, []).append(record)
    return grouped


@pytest.mark.parametrize("application", ["application_train", "application_test"])
def test_online_equals_batch_with_history(application: str) -> None:
    frames = _frames()
    batch = build_batch(frames, application=application)
    history = _by_client(frames)
    clients = _records(frames[application])
    assert len(clients) >= 40
    for row, client in enumerate(clients):
        own = {name: rows.get(client["SK_ID_CURR"], []) for name, rows in history.items()}
        online = build_online(client, own)
        np.testing.assert_array_equal(online, batch.values[row], err_msg=str(client["SK_ID_CURR"]))
    assert not np.isinf(batch.values).any()


def test_online_equals_batch_without_history() -> None:
    frames = _frames()
    batch = build_batch({"application_train": frames["application_train"]})
    for row, client in enumerate(_records(frames["application_train"].head(50))):
        np.testing.assert_array_equal(build_online(client), batch.values[row])


def test_application_only_builds_the_full_width_matrix() -> None:
    frames = _frames()
    matrix = build_batch({"application_train": frames["application_train"]})
    assert matrix.values.shape == (N_CLIENTS, len(FEATURE_NAMES))
    np.testing.assert_array_equal(matrix.client_ids, frames["application_train"]["SK_ID_CURR"])
    history = [i for i, info in enumerate(FEATURES) if info.source != "application"]
    assert np.isnan(matrix.values[:, history]).all()
    application = [i for i, info in enumerate(FEATURES) if info.source == "application"]
    assert not np.isnan(matrix.values[:, application]).all(axis=0).any()


def test_history_features_are_filled_for_clients_with_history() -> None:
    frame = build_batch(_frames()).to_pandas()
    assert list(frame.columns) == list(FEATURE_NAMES)
    for count in ("BURO_COUNT", "PREV_COUNT", "POS_COUNT", "INSTAL_COUNT", "CC_COUNT"):
        assert (frame[count] > 0).any(), count
        assert (frame[count] >= 0).all(), count
