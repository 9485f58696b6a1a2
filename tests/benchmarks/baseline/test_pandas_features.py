"""The baseline's plain-pandas feature pipeline gives the engine's features, batch and online.

The HTTP benchmark compares our service with a baseline that computes features the usual
way (pandas, one table at a time); the comparison is only fair if both compute the same
vector, which these tests check on generated clients with and without history.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.baseline import pandas_features
from benchmarks.baseline.pandas_features import build_features_pandas, online_features_pandas
from benchmarks.loadgen.payloads import history_bodies
from scoring.features import FEATURE_NAMES, build_batch, build_online
from scoring.schema import HISTORY_NAMES
from scoring.serving.schemas import ApplicationInput
from training.synth import generate_dataset

WITHOUT_HISTORY = 30  # the first clients of application_train lose every history row
# Variances of constant values come out as 0 in one engine and ~1e-30 in the other.
TOLERANCE = {"rtol": 1e-9, "atol": 1e-9}


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    """300 generated clients, the first ones without any history."""
    frames = generate_dataset(300, seed=11)
    bare = frames["application_train"]["SK_ID_CURR"].head(WITHOUT_HISTORY)
    credits = frames["bureau"].loc[frames["bureau"]["SK_ID_CURR"].isin(bare), "SK_ID_BUREAU"]
    for name in HISTORY_NAMES:
        key, dropped = (
            ("SK_ID_BUREAU", credits) if name == "bureau_balance" else ("SK_ID_CURR", bare)
        )
        frames[name] = frames[name][~frames[name][key].isin(dropped)].reset_index(drop=True)
    return frames


def assert_same(theirs: np.ndarray, ours: np.ndarray) -> None:
    np.testing.assert_array_equal(np.isnan(theirs), np.isnan(ours))
    np.testing.assert_allclose(theirs, ours, **TOLERANCE)


@pytest.mark.parametrize(
    "left_out",
    [(), ("bureau_balance",), ("bureau", "credit_card_balance"), HISTORY_NAMES],
    ids=["all tables", "no bureau_balance", "no bureau nor cards", "no history"],
)
def test_batch_equals_engine(frames: dict[str, pd.DataFrame], left_out: tuple[str, ...]) -> None:
    given = {name: frame for name, frame in frames.items() if name not in left_out}
    ours = build_batch(given).to_pandas()
    theirs = build_features_pandas(given)
    assert list(theirs.columns) == list(FEATURE_NAMES)
    np.testing.assert_array_equal(theirs.index, ours.index)
    assert_same(theirs.to_numpy(), ours.to_numpy())


def test_clients_without_history_count_zero(frames: dict[str, pd.DataFrame]) -> None:
    theirs = build_features_pandas(frames)
    counts = theirs[["BURO_COUNT", "PREV_COUNT", "INSTAL_COUNT"]].to_numpy()
    assert (counts[:WITHOUT_HISTORY] == 0).all()
    assert (counts[WITHOUT_HISTORY:].sum(axis=1) > 0).any()


def test_online_equals_engine(frames: dict[str, pd.DataFrame]) -> None:
    applications = frames["application_train"].drop(columns="TARGET")
    around = applications.iloc[WITHOUT_HISTORY - 3 : WITHOUT_HISTORY + 3]
    bodies = history_bodies({**frames, "application_train": around}, 6, "application_train")
    assert [bool(body["history"]["bureau"]) for body in bodies[:3]] == [False] * 3
    for body in bodies:
        application, history = ApplicationInput.model_validate(body).to_online()
        partial = {"bureau": history["bureau"], "installments_payments": []}
        for given in (history, partial, {}):
            theirs = online_features_pandas(application, given)
            assert theirs.shape == (1, len(FEATURE_NAMES))
            assert_same(theirs.to_numpy()[0], build_online(application, given))


def test_drift_is_refused(frames: dict[str, pd.DataFrame], monkeypatch) -> None:
    twin = pandas_features.TWINS["POS_CASH_balance"]
    monkeypatch.setitem(
        pandas_features.TWINS, "POS_CASH_balance", lambda f, ids: twin(f, ids).iloc[:, 1:]
    )
    with pytest.raises(RuntimeError, match="POS_CASH_balance drifted"):
        build_features_pandas(frames)


def test_online_needs_the_client_id() -> None:
    with pytest.raises(ValueError, match="SK_ID_CURR"):
        online_features_pandas({"CODE_GENDER": "F"}, {})
