"""Features on Dask (training/distributed/features.py, partitions.py) equal the
single-machine features of the same files, bit for bit, for every client."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from distributed import Client

from scoring.features import FEATURE_NAMES, FeatureMatrix, build_batch
from training.data import load_dataset
from training.distributed.cluster import PartitionError
from training.distributed.convert import partition_dataset
from training.distributed.features import collect_features, write_features
from training.distributed.layout import Layout, read_layout


def by_client(matrix: FeatureMatrix) -> tuple[np.ndarray, bytes]:
    """Client ids in increasing order and the raw bytes of their rows."""
    order = np.argsort(matrix.client_ids, kind="stable")
    return matrix.client_ids[order], np.ascontiguousarray(matrix.values[order]).tobytes()


def assert_bit_for_bit(got: FeatureMatrix, expected: FeatureMatrix) -> None:
    got_ids, got_bytes = by_client(got)
    expected_ids, expected_bytes = by_client(expected)
    np.testing.assert_array_equal(got_ids, expected_ids)
    assert got.values.shape == expected.values.shape
    assert got_bytes == expected_bytes  # NaN payloads and signed zeros included


@pytest.mark.parametrize("application", ["application_train", "application_test"])
def test_dask_features_equal_the_single_machine_ones(
    partitioned: Layout, csv_dir: Path, dask: Client, application: str
) -> None:
    expected = build_batch(load_dataset(csv_dir), application)
    assert_bit_for_bit(collect_features(partitioned, dask, application), expected)


def test_a_missing_history_table_gives_the_same_unknowns(
    csv_dir: Path, dask: Client, tmp_path: Path
) -> None:
    source = tmp_path / "source"
    shutil.copytree(csv_dir, source)
    for name in ("bureau", "credit_card_balance"):  # bureau_balance then reaches nobody
        (source / f"{name}.csv").unlink()
    layout = partition_dataset(source, tmp_path / "parts", 3)
    got = collect_features(layout, dask)
    assert_bit_for_bit(got, build_batch(load_dataset(source)))
    assert np.isnan(got.to_pandas()["BURO_COUNT"]).all()


def test_written_parts_read_back_as_the_matrix(
    partitioned: Layout, csv_dir: Path, dask: Client, tmp_path: Path
) -> None:
    run = write_features(partitioned, dask, tmp_path / "features")
    assert run.clients == partitioned.rows["application_train"]
    assert sorted(p.name for p in (tmp_path / "features").iterdir()) == [
        f"part-{i:05d}.parquet" for i in range(partitioned.partitions)
    ]
    frame = pd.read_parquet(tmp_path / "features")
    assert list(frame.columns) == list(FEATURE_NAMES)
    matrix = FeatureMatrix(frame.index.to_numpy(), frame.to_numpy())
    assert_bit_for_bit(matrix, build_batch(load_dataset(csv_dir)))


def test_a_partition_holding_other_clients_is_refused(
    partitioned: Layout, dask: Client, tmp_path: Path
) -> None:
    root = tmp_path / "moved"
    shutil.copytree(partitioned.root, root)
    name = "application_train.parquet"
    shutil.copy(root / "part-00000" / name, root / "part-00001" / name)
    with pytest.raises(PartitionError, match=r"part-00001/application_train.parquet holds \d+ "
                       "clients of other partitions .* belongs to partition 0 of 4"):  # fmt: skip
        collect_features(read_layout(root), dask)


def test_bad_data_in_a_partition_names_the_partition_and_the_column(
    partitioned: Layout, dask: Client, tmp_path: Path
) -> None:
    root = tmp_path / "bad"
    shutil.copytree(partitioned.root, root)
    path = root / "part-00002" / "bureau.parquet"
    pd.read_parquet(path).drop(columns=["DAYS_CREDIT"]).to_parquet(path)
    with pytest.raises(
        PartitionError, match=r"(?s)part-00002/bureau.parquet: .*DAYS_CREDIT: required"
    ):
        collect_features(read_layout(root), dask)
