"""What the Dask tests share: a small in-process cluster, and the test model's data written
in the Kaggle CSV layout and as client-partitioned Parquet.

The cluster's workers are threads of the test process (``processes=False``): the same task
code, serialised the same way, without the seconds a worker process takes to start.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from distributed import Client

from training.data import DATASET_MARKER, write_dataset
from training.distributed.cluster import dask_client
from training.distributed.convert import partition_dataset
from training.distributed.layout import Layout

PARTITIONS = 4


@pytest.fixture(scope="session")
def dask(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """Two single-threaded workers in this process."""
    with dask_client(workers=2, processes=False) as client:
        yield client


@pytest.fixture(scope="session")
def csv_dir(model_dataset: dict[str, pd.DataFrame], tmp_path_factory) -> Path:
    """The test model's eight tables as Kaggle CSV files, with the generator's marker."""
    directory = tmp_path_factory.mktemp("kaggle-csv")
    write_dataset(model_dataset, directory)
    (directory / DATASET_MARKER).write_text('{"source": "synthetic"}\n')
    return directory


@pytest.fixture(scope="session")
def partitioned(csv_dir: Path, tmp_path_factory) -> Layout:
    """The same tables, client-partitioned."""
    return partition_dataset(csv_dir, tmp_path_factory.mktemp("parts") / "data", PARTITIONS)
