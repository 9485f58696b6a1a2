"""A sample of the labelled clients keeps each sampled client's whole file and nobody else's."""

from __future__ import annotations

import pandas as pd

from training.data import sample_clients
from training.synth import generate_dataset


def test_a_sample_keeps_whole_client_files() -> None:
    frames = generate_dataset(600, seed=4)
    sampled = sample_clients(frames, 0.25, seed=1)
    clients = set(sampled["application_train"]["SK_ID_CURR"])
    assert 100 < len(clients) < 200
    for name, frame in frames.items():
        if name == "application_test":
            pd.testing.assert_frame_equal(sampled[name], frame)
        elif "SK_ID_CURR" in frame.columns:
            kept = frame[frame["SK_ID_CURR"].isin(clients)].reset_index(drop=True)
            pd.testing.assert_frame_equal(sampled[name], kept)
    credits = set(sampled["bureau"]["SK_ID_BUREAU"])
    balances = frames["bureau_balance"]
    assert set(sampled["bureau_balance"]["SK_ID_BUREAU"]) == credits & set(balances["SK_ID_BUREAU"])
    assert len(sampled["bureau_balance"]) == balances["SK_ID_BUREAU"].isin(credits).sum()
    again = sample_clients(frames, 0.25, seed=1)["application_train"]
    pd.testing.assert_frame_equal(again, sampled["application_train"])  # seeded
