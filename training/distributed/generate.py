"""The synthetic generator, partition by partition, straight into the partitioned layout.

Each Dask task draws one partition's clients (those whose ``SK_ID_CURR`` hashes to it)
with the ordinary generator (:func:`training.synth.generate_clients`) and writes them, so
no process ever holds more than one partition: 10× the Kaggle scale (about 3.5 million
applications and 640 million history rows) needs a few GiB per worker and the disk the
files take, checked before anything is written.

Same seed and number of partitions, same files. The client ids are Kaggle-like for the whole
dataset; credit ids (``SK_ID_BUREAU``, ``SK_ID_PREV``) are interleaved between partitions
(local number × partitions + partition) so they are unique without any coordination.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
from distributed import Client

from training.data import DATASET_MARKER
from training.distributed.cluster import run_tasks
from training.distributed.layout import Layout, partition_of
from training.distributed.write import prepare_output, require_space, write_partition
from training.synth import TEST_SHARE, client_ids, generate_clients
from training.synth.bureau import BUREAU_ID_START
from training.synth.loans import PREV_ID_START

# Parquet bytes per application row (train or test) with its history, measured by
# benchmarks/dask_scale.py: 1,174 B generated in partitions of 50,000 clients, 1,191 B for
# the 1x Kaggle-scale data partitioned, 1,225 B for 20,000 clients in one partition.
BYTES_PER_APPLICATION = 1_200
SPACE_MARGIN = 1.2  # partitions vary, small ones compress less
CREDIT_KEYS = {
    "SK_ID_BUREAU": ("bureau", "bureau_balance"),
    "SK_ID_PREV": (
        "previous_application",
        "POS_CASH_balance",
        "installments_payments",
        "credit_card_balance",
    ),
}
CREDIT_ID_START = {"SK_ID_BUREAU": BUREAU_ID_START, "SK_ID_PREV": PREV_ID_START}


def applications_of(clients: int) -> int:
    """Application rows for ``clients`` labelled clients: the test share comes on top."""
    return clients + round(clients * TEST_SHARE)


def estimate_bytes(clients: int) -> int:
    """Disk the partitioned dataset of ``clients`` labelled clients will take, with margin."""
    return int(applications_of(clients) * BYTES_PER_APPLICATION * SPACE_MARGIN)


def generate_partitioned(
    clients: int, seed: int, out: Path, partitions: int, client: Client
) -> Layout:
    """Generate ``clients`` labelled clients (and the test share) into ``out``, partitioned.

    Raises ``SpaceError`` before writing when the estimate does not fit, and
    ``FileExistsError`` for a non-empty ``out``. An interrupted run leaves no manifest.
    """
    require_space(out, estimate_bytes(clients), f"generating {clients:,} clients")
    prepare_output(out)
    start = time.perf_counter()
    try:
        counts = run_tasks(
            client,
            generate_partition,
            range(partitions),
            f"generating {partitions} partitions",
            root=str(out),
            clients=clients,
            seed=seed,
            partitions=partitions,
        )
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    tables = tuple(counts[0])
    layout = Layout(
        root=Path(out),
        partitions=partitions,
        tables=tables,
        rows={name: sum(count[name] for count in counts) for name in tables},
        partition_rows=counts,
    )
    _write_marker(out, clients, seed, partitions, time.perf_counter() - start)
    layout.write()
    return layout


def generate_partition(
    index: int, root: str, clients: int, seed: int, partitions: int
) -> dict[str, int]:
    """Task: draw and write partition ``index``; the rows of each of its tables."""
    ids, n_test = partition_clients(clients, seed, partitions, index)
    rng = np.random.default_rng([seed, partitions, index])
    frames = interleave_credit_ids(generate_clients(ids, n_test, rng), index, partitions)
    write_partition(Path(root), index, frames)
    return {name: len(frame) for name, frame in frames.items()}


def partition_clients(
    clients: int, seed: int, partitions: int, index: int
) -> tuple[np.ndarray, int]:
    """The client ids of partition ``index`` and how many of them are unlabelled.

    Every task draws the whole id list from ``seed`` (a fraction of a second for millions)
    rather than receiving it: the task graph stays small and needs no shared state.
    """
    rng = np.random.default_rng(seed)
    total = applications_of(clients)
    ids = client_ids(total, rng)
    is_test = np.zeros(total, dtype=bool)
    is_test[rng.choice(total, total - clients, replace=False)] = True
    mine = partition_of(ids, partitions) == index
    return ids[mine], int(is_test[mine].sum())


def interleave_credit_ids(
    frames: dict[str, pd.DataFrame], index: int, partitions: int
) -> dict[str, pd.DataFrame]:
    """Renumber credit ids ``start + n`` as ``start + n × partitions + index``: unique across
    partitions, dense over the dataset, and joined the same way (every table renumbered)."""
    for key, tables in CREDIT_KEYS.items():
        start = CREDIT_ID_START[key]
        for name in tables:
            frames[name][key] = (frames[name][key] - start) * partitions + index + start
    return frames


def _write_marker(out: Path, clients: int, seed: int, partitions: int, seconds: float) -> None:
    """The generator's marker (so a model trained here says synthetic), with the layout."""
    from training.prepare import dataset_marker

    marker = {**dataset_marker(clients, seed), "partitions": partitions}
    marker["generation_seconds"] = round(seconds, 1)
    (Path(out) / DATASET_MARKER).write_text(json.dumps(marker) + "\n")
