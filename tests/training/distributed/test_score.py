"""Batch scoring on Dask (training/distributed/score.py) gives every client the
single-machine probability, decision and reasons, bit for bit."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from distributed import Client

from scoring.model.scorer import CreditModel
from training.data import load_dataset
from training.distributed.cluster import PartitionError
from training.distributed.layout import Layout
from training.distributed.score import ModelRef, score_partition, score_partitions
from training.file_scoring import Reasons
from training.notices import reason_columns


def _sorted(scores: pd.DataFrame) -> pd.DataFrame:
    return scores.sort_values("SK_ID_CURR", kind="stable").reset_index(drop=True)


def test_dask_scores_equal_the_single_machine_ones(
    partitioned: Layout, csv_dir: Path, dask: Client, credit_model: CreditModel
) -> None:
    frames = load_dataset(csv_dir)
    expected = _sorted(credit_model.score_tables(frames, "application_test"))
    got = _sorted(score_partitions(partitioned, dask, credit_model))
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got["probability"].to_numpy().tobytes() == expected["probability"].to_numpy().tobytes()


def test_reasons_are_the_single_machine_ones(
    partitioned: Layout, csv_dir: Path, dask: Client, credit_model: CreditModel
) -> None:
    from scoring.features import build_batch

    matrix = build_batch(load_dataset(csv_dir), "application_train")
    scores = credit_model.score_matrix(matrix)
    notices = reason_columns(credit_model, matrix, scores["decision"].to_numpy(), "fr", "€")
    expected = _sorted(pd.concat([scores, notices], axis=1))
    reasons = Reasons(language="fr", currency="€")
    got = score_partitions(partitioned, dask, credit_model, "application_train", reasons)
    pd.testing.assert_frame_equal(_sorted(got), expected, check_exact=True)
    assert (got["reason_1_code"] != "").any()


def test_a_worker_that_cannot_read_the_model_says_so(
    partitioned: Layout, credit_model: CreditModel, tmp_path: Path
) -> None:
    elsewhere = replace(ModelRef.of(credit_model), root=str(tmp_path / "not-shared"))
    with pytest.raises(PartitionError, match=r"worker cannot load model .* same path"):
        score_partition(0, partitioned, elsewhere)


def test_rows_come_partition_by_partition(
    partitioned: Layout, dask: Client, credit_model: CreditModel
) -> None:
    scores = score_partitions(partitioned, dask, credit_model)
    counts = [rows["application_test"] for rows in partitioned.partition_rows]
    assert len(scores) == sum(counts)
    first = scores["SK_ID_CURR"].to_numpy()[: counts[0]]
    np.testing.assert_array_equal(
        first, pd.read_parquet(partitioned.table_file(0, "application_test"))["SK_ID_CURR"]
    )
