"""Commands at scale: client-partitioned Parquet, and the Dask paths of the other commands.

``partition`` writes a dataset in the Kaggle layout as client-partitioned Parquet.
``generate --partitions``, ``features``, ``train`` and ``score`` take the Dask path through
the helpers below when their data is partitioned: on the cluster at ``--scheduler``, or on a
local one. Every failure a user can cause ends as one sentence (:func:`fail`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable

from training.cli.common import DataDir, console, fail
from training.validation import SchemaError

if TYPE_CHECKING:
    import pandas as pd
    from distributed import Client

    from scoring.features import FeatureMatrix
    from scoring.model.scorer import CreditModel
    from training.distributed.layout import Layout
    from training.file_scoring import Reasons

app = typer.Typer()

Scheduler = Annotated[
    str | None,
    typer.Option(
        help="Address of a running Dask scheduler (e.g. tcp://10.0.0.5:8786); "
        "default: a local cluster, one worker per core. For partitioned data.",
    ),
]
Workers = Annotated[
    int | None,
    typer.Option(min=1, help="Workers of the local cluster (default: one per core)."),
]


@app.command()
def partition(
    data: DataDir,
    out: Annotated[Path, typer.Option(help="New directory for the partitioned dataset.")],
    partitions: Annotated[
        int | None,
        typer.Option(min=1, help="Number of partitions (default: one per 50,000 clients)."),
    ] = None,
) -> None:
    """Rewrite a dataset in the Kaggle layout as Parquet partitioned by client (SK_ID_CURR)."""
    from training.distributed.convert import partition_dataset

    start = time.perf_counter()
    with console.status("partitioning") as status, _user_errors():
        layout = partition_dataset(data, out, partitions, status.update)
    print_layout(layout, f"Partitioned in {time.perf_counter() - start:.1f} s → {out}")


def print_layout(layout: Layout, title: str) -> None:
    """Rows per table, the partitions and the size on disk."""
    table = RichTable("table", "rows", "rows per partition (min-max)", title=title)
    for name in layout.tables:
        per_partition = [rows[name] for rows in layout.partition_rows]
        spread = f"{min(per_partition):,}-{max(per_partition):,}" if per_partition else ""
        table.add_row(name, f"{layout.rows.get(name, 0):,}", spread)
    Console().print(table)
    dropped = ", ".join(f"{name} {rows:,}" for name, rows in layout.dropped_rows.items())
    size = layout.bytes_on_disk()
    console.print(
        f"{layout.partitions} partitions, "
        + (f"{size / 1e9:,.2f} GB" if size >= 1e9 else f"{size / 1e6:,.1f} MB")
        + " on disk"
        + (f"; rows reaching no client, left out: {dropped}" if dropped else "")
    )


def generate_partitioned(
    clients: int, seed: int, out: Path, partitions: int, scheduler: str | None, workers: int | None
) -> None:
    """``generate --partitions``: the generator, partition by partition, on the cluster."""
    from training.distributed import generate

    start = time.perf_counter()
    console.print(
        f"Generating {clients:,} clients into {partitions} partitions (about "
        f"{generate.estimate_bytes(clients) / 1e9:,.1f} GB at most)"
    )
    with _user_errors(), cluster(scheduler, workers) as client:
        layout = generate.generate_partitioned(clients, seed, out, partitions, client)
    print_layout(layout, f"Generated in {time.perf_counter() - start:.1f} s → {out}")


def features_partitioned(
    data: Path, out: Path | None, scheduler: str | None, workers: int | None
) -> None:
    """``features`` on partitioned data: every partition's matrix, written as Parquet parts."""
    from training.distributed.cluster import workers_peak_mib
    from training.distributed.features import write_features

    with _user_errors():
        layout = _layout(data)
        with cluster(scheduler, workers) as client:
            run = write_features(layout, client, out)
            peak = workers_peak_mib(client)
    from scoring.features import FEATURE_NAMES

    console.print(
        f"{run.clients:,} clients × {len(FEATURE_NAMES)} features in {run.seconds:.1f} s on "
        f"{run.partitions} partitions (workers' peak memory {peak:,.0f} MiB in all)"
    )
    if out is not None:
        console.print(f"Written to {out}/ ({run.bytes_written / 1e6:,.1f} MB of Parquet parts)")


def sample_partitioned(
    data: Path, share: float, seed: int, scheduler: str | None, workers: int | None
) -> tuple[dict[str, pd.DataFrame], FeatureMatrix]:
    """``train`` on partitioned data: the sampled clients' rows and features (docs/scaling.md)."""
    from training.distributed import sample

    with _user_errors():
        layout = _layout(data)
        chosen = sample.sample_partitions(layout, share, seed)
        sample.check_memory(layout, chosen)
        console.print(f"Training sample: {len(chosen)} of {layout.partitions} partitions")
        with cluster(scheduler, workers) as client:
            return sample.training_sample(layout, client, chosen)


def score_partitioned(
    data: Path,
    model: CreditModel,
    application: str,
    reasons: Reasons | None,
    scheduler: str | None,
    workers: int | None,
) -> pd.DataFrame:
    """``score`` on partitioned data: every application's score, computed on the cluster."""
    from training.distributed.score import score_partitions

    with _user_errors():
        layout = _layout(data)
        with cluster(scheduler, workers) as client:
            return score_partitions(layout, client, model, application, reasons)


@contextmanager
def cluster(scheduler: str | None, workers: int | None) -> Iterator[Client]:
    """The Dask client, saying which cluster runs the work."""
    from training.distributed.cluster import dask_client, describe

    with dask_client(scheduler, workers) as client:
        console.print(f"Dask: {describe(client)}")
        yield client


def _layout(data: Path) -> Layout:
    from training.distributed.layout import read_layout

    return read_layout(data)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn what a user can cause (data, layout, disk, cluster) into one sentence and exit 2."""
    from distributed import KilledWorker

    from training.distributed.cluster import ClusterError, PartitionError
    from training.distributed.layout import LayoutError
    from training.distributed.write import SpaceError

    try:
        yield
    except KilledWorker as error:
        fail(
            f"a Dask worker died while running {error.task} (out of memory?): use more "
            "partitions, fewer --workers, or workers with more memory"
        )
    except (
        ClusterError,
        PartitionError,
        LayoutError,
        SchemaError,
        SpaceError,
        FileExistsError,
        MemoryError,
    ) as error:
        fail(str(error))
