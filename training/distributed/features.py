"""Feature matrices on a Dask cluster, one task per client partition.

Each task loads one partition and runs the single-machine feature code on it
(:func:`training.distributed.partitions.partition_features`): no second implementation.
Since a client's rows all sit in its partition, in their original order, every client's
features equal those of the whole dataset built in memory, bit for bit
(``tests/training/distributed/test_features.py``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from distributed import Client

from scoring.features import FeatureMatrix
from training.distributed.cluster import run_tasks
from training.distributed.layout import Layout, partition_name
from training.distributed.partitions import partition_features
from training.distributed.write import prepare_output


@dataclass(frozen=True)
class FeatureRun:
    """What :func:`write_features` did: clients, partitions, time and bytes written."""

    clients: int
    partitions: int
    seconds: float
    bytes_written: int
    out: Path | None


def write_features(
    layout: Layout, client: Client, out: Path | None, application: str = "application_train"
) -> FeatureRun:
    """Write the features of every partition as ``out/part-NNNNN.parquet``.

    The files form one Parquet dataset (``pandas.read_parquet(out)`` reads them all),
    indexed by ``SK_ID_CURR`` like the single-machine command's file. The matrix never
    comes back to this process, so its size is bounded by the disk, not by memory. Without
    ``out`` the features are built and counted only (a timing run).
    """
    if out is not None:
        prepare_output(out)
    start = time.perf_counter()
    done = run_tasks(
        client,
        _write_partition,
        range(layout.partitions),
        f"features of {application}",
        layout=layout,
        application=application,
        out=None if out is None else str(out),
    )
    return FeatureRun(
        clients=sum(rows for rows, _ in done),
        partitions=layout.partitions,
        seconds=time.perf_counter() - start,
        bytes_written=sum(size for _, size in done),
        out=out,
    )


def collect_features(
    layout: Layout,
    client: Client,
    application: str = "application_train",
    partitions: Sequence[int] | None = None,
) -> FeatureMatrix:
    """The feature matrix of the chosen partitions (all by default), gathered here.

    Rows come partition by partition, each in its file order.
    """
    chosen = range(layout.partitions) if partitions is None else partitions
    parts = run_tasks(
        client,
        partition_features,
        chosen,
        f"features of {application}",
        layout=layout,
        application=application,
    )
    return FeatureMatrix(
        client_ids=np.concatenate([part.client_ids for part in parts]),
        values=np.asfortranarray(np.concatenate([part.values for part in parts])),
    )


def _write_partition(
    index: int, layout: Layout, application: str, out: str | None
) -> tuple[int, int]:
    """Task: one partition's features to Parquet (when ``out``); its rows and bytes."""
    matrix = partition_features(index, layout, application)
    if out is None:
        return len(matrix.client_ids), 0
    path = Path(out) / f"{partition_name(index)}.parquet"
    matrix.to_pandas().to_parquet(path)
    return len(matrix.client_ids), path.stat().st_size
