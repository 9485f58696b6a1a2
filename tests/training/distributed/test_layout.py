"""The partitioning rule and the manifest (training/distributed/layout.py): a stable,
balanced hash independent of the holdout, and clear refusals of what is not a partitioned
dataset."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from training.distributed.layout import (
    MANIFEST,
    Layout,
    LayoutError,
    partition_of,
    read_layout,
)
from training.model.split import HoldoutRule

IDS = np.arange(100_002, 200_002, dtype=np.int64)


def test_partitions_are_stable_balanced_and_in_range() -> None:
    parts = partition_of(IDS, 8)
    assert parts.min() == 0 and parts.max() == 7
    np.testing.assert_array_equal(parts, partition_of(list(IDS), 8))  # any array-like
    counts = np.bincount(parts)
    assert counts.min() > 0.95 * len(IDS) / 8 and counts.max() < 1.05 * len(IDS) / 8
    # Known values pin the rule: files written today are read the same way tomorrow.
    assert partition_of(np.array([100_002, 100_003, 456_255]), 8).tolist() == [6, 5, 4]
    assert partition_of(np.array([100_002, 100_003, 456_255]), 71).tolist() == [13, 22, 5]


@pytest.mark.parametrize("partitions", [2, 5, 10, 20])
def test_each_partition_holds_the_usual_share_of_holdout_clients(partitions: int) -> None:
    held_out = HoldoutRule().held_out(IDS)
    parts = partition_of(IDS, partitions)
    shares = [held_out[parts == k].mean() for k in range(partitions)]
    assert max(abs(share - held_out.mean()) for share in shares) < 0.02


def _copy(layout: Layout, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(layout.root, target)
    return target


def test_a_partitioned_dataset_reads_back(partitioned: Layout) -> None:
    layout = read_layout(partitioned.root)
    assert layout.partitions == partitioned.partitions
    assert layout.rows == partitioned.rows
    assert sum(rows["bureau"] for rows in layout.partition_rows) == layout.rows["bureau"]


def test_a_csv_directory_is_not_partitioned(csv_dir: Path) -> None:
    with pytest.raises(LayoutError, match=r"not a client-partitioned dataset.*partition --data"):
        read_layout(csv_dir)


def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(LayoutError, match=r"nowhere does not exist"):
        read_layout(tmp_path / "nowhere")


def test_a_missing_partition_file_is_named(partitioned: Layout, tmp_path: Path) -> None:
    root = _copy(partitioned, tmp_path)
    (root / "part-00002" / "bureau.parquet").unlink()
    with pytest.raises(LayoutError, match=r"1 partition files are missing \(part-00002/bureau"):
        read_layout(root)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"key": "SK_ID_BUREAU"}, "keyed by 'SK_ID_BUREAU'; expected .* keyed by SK_ID_CURR"),
        ({"layout": "hive"}, "describes a 'hive' layout"),
        ({"version": 9}, "layout version 9, expected 1"),
        ({"partitions": "many"}, "not a readable partitioning manifest"),
    ],
)
def test_a_foreign_manifest_is_refused(
    partitioned: Layout, tmp_path: Path, change: dict, message: str
) -> None:
    root = _copy(partitioned, tmp_path)
    document = json.loads((root / MANIFEST).read_text())
    (root / MANIFEST).write_text(json.dumps({**document, **change}))
    with pytest.raises(LayoutError, match=message):
        read_layout(root)
