"""The training sample at scale (training/distributed/sample.py): whole partitions drawn
with the seed, their rows and features aligned as ``train_model`` expects."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from distributed import Client

from scoring.features import build_batch
from training.data import load_dataset
from training.distributed.layout import Layout
from training.distributed.sample import (
    check_memory,
    sample_memory,
    sample_partitions,
    training_sample,
)
from training.model.pipeline import TrainingConfig, train_model


@pytest.mark.parametrize(("share", "count"), [(0.01, 1), (0.25, 1), (0.5, 2), (1.0, 4)])
def test_a_share_is_a_number_of_partitions(partitioned: Layout, share: float, count: int) -> None:
    chosen = sample_partitions(partitioned, share, seed=3)
    assert len(chosen) == count and chosen == sorted(set(chosen))
    assert sample_partitions(partitioned, share, seed=3) == chosen  # seeded


def test_a_share_outside_0_1_is_refused(partitioned: Layout) -> None:
    with pytest.raises(ValueError, match="share must be in"):
        sample_partitions(partitioned, 1.5, seed=1)


def test_the_sample_rows_and_features_match(
    partitioned: Layout, csv_dir: Path, dask: Client
) -> None:
    frames, matrix = training_sample(partitioned, dask, [1, 3])
    applications = frames["application_train"]
    np.testing.assert_array_equal(matrix.client_ids, applications["SK_ID_CURR"].to_numpy())
    assert len(applications) == sum(partitioned.partition_rows[i]["application_train"]
                                    for i in (1, 3))  # fmt: skip
    whole = build_batch(load_dataset(csv_dir))
    rows = np.searchsorted(whole.client_ids, matrix.client_ids)  # generated ids are sorted
    assert (
        np.ascontiguousarray(whole.values[rows]).tobytes()
        == np.ascontiguousarray(matrix.values).tobytes()
    )
    assert str(applications["NAME_CONTRACT_TYPE"].dtype) == "category"


def test_a_sample_too_large_for_memory_is_refused(
    partitioned: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psutil

    class Memory:
        available = sample_memory(partitioned, [0, 1]) - 1

    monkeypatch.setattr(psutil, "virtual_memory", lambda: Memory())
    with pytest.raises(MemoryError, match="pass a smaller --sample"):
        check_memory(partitioned, [0, 1])
    check_memory(partitioned, [0])


def test_training_refuses_features_of_other_rows(partitioned: Layout, dask: Client) -> None:
    frames, matrix = training_sample(partitioned, dask, [0])
    shuffled = type(matrix)(matrix.client_ids[::-1].copy(), matrix.values[::-1])
    with pytest.raises(ValueError, match="does not follow the rows of application_train"):
        train_model(frames, TrainingConfig(), feature_matrix=shuffled)
