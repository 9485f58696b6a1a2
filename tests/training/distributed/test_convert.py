"""Rewriting the Kaggle layout as client-partitioned Parquet (training/distributed/convert.py):
every row follows its client in file order, nothing is lost but rows reaching no client, and
bad input is refused before anything is left on disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from training.data import DATASET_MARKER, load_dataset
from training.distributed import write
from training.distributed.convert import partition_dataset
from training.distributed.layout import Layout, LayoutError, partition_of
from training.distributed.write import SpaceError
from training.validation import SchemaError


def _read(layout: Layout, name: str, index: int) -> pd.DataFrame:
    return pd.read_parquet(layout.table_file(index, name))


def test_every_row_sits_in_its_clients_partition(partitioned: Layout) -> None:
    for index in range(partitioned.partitions):
        credits = _read(partitioned, "bureau", index)
        for name in partitioned.tables:
            frame = _read(partitioned, name, index)
            if name == "bureau_balance":
                assert frame["SK_ID_BUREAU"].isin(credits["SK_ID_BUREAU"]).all()
            else:
                owners = partition_of(frame["SK_ID_CURR"], partitioned.partitions)
                assert (owners == index).all(), name


def test_rows_keep_their_file_order_within_a_partition(partitioned: Layout, csv_dir: Path) -> None:
    whole = load_dataset(csv_dir, ["installments_payments"])["installments_payments"]
    owners = partition_of(whole["SK_ID_CURR"], partitioned.partitions)
    for index in range(partitioned.partitions):
        expected = whole[owners == index].reset_index(drop=True)
        pd.testing.assert_frame_equal(_read(partitioned, "installments_payments", index), expected)


def test_row_counts_and_the_marker_are_kept(partitioned: Layout, csv_dir: Path) -> None:
    whole = load_dataset(csv_dir)
    assert partitioned.rows == {name: len(frame) for name, frame in whole.items()}
    assert partitioned.dropped_rows == {}
    assert (partitioned.root / DATASET_MARKER).read_bytes() == (
        csv_dir / DATASET_MARKER
    ).read_bytes()


def test_balances_of_unknown_credits_are_left_out_and_counted(
    csv_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("application_train", "bureau"):
        shutil.copy(csv_dir / f"{name}.csv", source)
    balance = pd.read_csv(csv_dir / "bureau_balance.csv", nrows=50)
    balance.loc[:9, "SK_ID_BUREAU"] = 99_999_999
    balance.to_csv(source / "bureau_balance.csv", index=False)
    layout = partition_dataset(source, tmp_path / "out", 2)
    assert layout.dropped_rows == {"bureau_balance": 10}
    assert layout.rows["bureau_balance"] == 40
    assert layout.tables == ("application_train", "bureau", "bureau_balance")


def test_the_default_is_one_partition_per_50000_clients(csv_dir: Path, tmp_path: Path) -> None:
    assert partition_dataset(csv_dir, tmp_path / "out").partitions == 1


def test_a_table_without_its_partition_column_is_refused_and_nothing_is_left(
    csv_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "source"
    shutil.copytree(csv_dir, source)
    bureau = pd.read_csv(source / "bureau.csv").drop(columns=["SK_ID_CURR"])
    bureau.to_csv(source / "bureau.csv", index=False)
    with pytest.raises(SchemaError, match=r"bureau.csv: column SK_ID_CURR: required column"):
        partition_dataset(source, tmp_path / "out", 2)
    assert not (tmp_path / "out").exists()


def test_a_directory_without_application_train_is_not_the_kaggle_layout(tmp_path: Path) -> None:
    (tmp_path / "bureau.csv").write_text("SK_ID_CURR\n1\n")
    with pytest.raises(LayoutError, match=r"not in the Kaggle layout: no application_train.csv"):
        partition_dataset(tmp_path, tmp_path / "out", 2)


def test_an_existing_output_is_never_overwritten(csv_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match=r"already exists and is not an empty directory"):
        partition_dataset(csv_dir, tmp_path / "out", 2)
    assert (tmp_path / "out" / "keep.txt").read_text() == "mine"


def test_a_copy_that_would_not_fit_is_refused_before_writing(
    csv_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write, "free_bytes", lambda path: 1_000)
    with pytest.raises(SpaceError, match=r"needs about .* GB but only 0.0 GB are free"):
        partition_dataset(csv_dir, tmp_path / "out", 2)
    assert not (tmp_path / "out").exists()


def test_partitions_cover_every_client_once(partitioned: Layout) -> None:
    ids = np.concatenate(
        [_read(partitioned, "application_train", i)["SK_ID_CURR"] for i in range(4)]
    )
    assert len(ids) == len(np.unique(ids)) == partitioned.rows["application_train"]
