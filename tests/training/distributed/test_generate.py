"""The generator partition by partition (training/distributed/generate.py): each client in
its hash partition with its whole history, ids unique across partitions, the same files for
the same seed, and a refusal before writing when the disk is too small."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from distributed import Client

from training.data import DATASET_MARKER, data_source, load_dataset
from training.distributed import write
from training.distributed.generate import (
    estimate_bytes,
    generate_partitioned,
    interleave_credit_ids,
    partition_clients,
)
from training.distributed.layout import Layout, partition_of, read_layout
from training.distributed.write import SpaceError

CLIENTS, SEED, PARTITIONS = 900, 5, 3


@pytest.fixture(scope="module")
def generated(dask: Client, tmp_path_factory: pytest.TempPathFactory) -> Layout:
    out = tmp_path_factory.mktemp("generated") / "data"
    return generate_partitioned(CLIENTS, SEED, out, PARTITIONS, dask)


def _table(layout: Layout, name: str) -> pd.DataFrame:
    parts = [pd.read_parquet(layout.table_file(i, name)) for i in range(layout.partitions)]
    return pd.concat(parts, ignore_index=True)


def test_clients_land_in_their_hash_partition_with_their_history(generated: Layout) -> None:
    assert read_layout(generated.root).rows == generated.rows
    for index in range(PARTITIONS):
        frames = load_dataset(generated.directory(index))  # validated against the schema
        for name, frame in frames.items():
            if "SK_ID_CURR" in frame.columns:
                assert (partition_of(frame["SK_ID_CURR"], PARTITIONS) == index).all(), name
        assert frames["bureau_balance"]["SK_ID_BUREAU"].isin(frames["bureau"]["SK_ID_BUREAU"]).all()
        for name in ("POS_CASH_balance", "installments_payments", "credit_card_balance"):
            previous = frames["previous_application"]["SK_ID_PREV"]
            assert frames[name]["SK_ID_PREV"].isin(previous).all(), name


def test_ids_are_unique_over_the_whole_dataset(generated: Layout) -> None:
    applications = pd.concat([_table(generated, "application_train"),
                              _table(generated, "application_test")])  # fmt: skip
    assert applications["SK_ID_CURR"].is_unique
    assert len(applications) == CLIENTS + round(CLIENTS * 48_744 / 307_511)
    assert generated.rows["application_train"] == CLIENTS
    assert _table(generated, "bureau")["SK_ID_BUREAU"].is_unique
    assert _table(generated, "previous_application")["SK_ID_PREV"].is_unique


def test_the_same_seed_gives_the_same_partition(generated: Layout, tmp_path: Path) -> None:
    from training.distributed.generate import generate_partition

    generate_partition(1, str(tmp_path), CLIENTS, SEED, PARTITIONS)
    for name in generated.tables:
        again = pd.read_parquet(tmp_path / "part-00001" / f"{name}.parquet")
        pd.testing.assert_frame_equal(again, pd.read_parquet(generated.table_file(1, name)))


def test_the_marker_says_synthetic_and_how_it_was_partitioned(generated: Layout) -> None:
    marker = json.loads((generated.root / DATASET_MARKER).read_text())
    assert (marker["clients"], marker["seed"], marker["partitions"]) == (CLIENTS, SEED, PARTITIONS)
    assert data_source(generated.root) == "synthetic"


def test_partition_clients_split_the_whole_id_list() -> None:
    parts = [partition_clients(CLIENTS, SEED, PARTITIONS, i) for i in range(PARTITIONS)]
    ids = np.concatenate([found for found, _ in parts])
    assert len(ids) == len(np.unique(ids)) == CLIENTS + round(CLIENTS * 48_744 / 307_511)
    assert sum(n_test for _, n_test in parts) == round(CLIENTS * 48_744 / 307_511)


def test_credit_ids_interleave_between_partitions() -> None:
    frames = {
        "bureau": pd.DataFrame({"SK_ID_BUREAU": [5_000_000, 5_000_001]}),
        "bureau_balance": pd.DataFrame({"SK_ID_BUREAU": [5_000_001]}),
        **{name: pd.DataFrame({"SK_ID_PREV": [1_000_002]}) for name in (
            "previous_application", "POS_CASH_balance", "installments_payments",
            "credit_card_balance")},
    }  # fmt: skip
    out = interleave_credit_ids(frames, 2, 10)
    assert out["bureau"]["SK_ID_BUREAU"].tolist() == [5_000_002, 5_000_012]
    assert out["bureau_balance"]["SK_ID_BUREAU"].tolist() == [5_000_012]
    assert out["credit_card_balance"]["SK_ID_PREV"].tolist() == [1_000_022]


def test_a_run_that_would_not_fit_is_refused_before_writing(
    dask: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clients = 3_075_110  # 10x Kaggle
    monkeypatch.setattr(write, "free_bytes", lambda path: 2 * 10**9)
    with pytest.raises(SpaceError, match=r"generating 3,075,110 clients needs about \d.* GB"):
        generate_partitioned(clients, SEED, tmp_path / "out", 62, dask)
    assert not (tmp_path / "out").exists()
    assert 4e9 < estimate_bytes(clients) < 8e9
