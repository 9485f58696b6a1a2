"""One partition on a worker: its tables loaded and validated, and its feature matrix.

Everything here runs inside a Dask task on one partition, with the single-machine code:
the loader (:func:`training.data.load_table`) and the one feature implementation
(:func:`scoring.features.build_batch`). Failures become :class:`PartitionError`, naming the
partition's file and what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from scoring.features import FeatureMatrix, build_batch
from scoring.schema import HISTORY_NAMES, TABLES
from training.data import load_table
from training.distributed.cluster import PartitionError
from training.distributed.layout import KEY, Layout, partition_name, partition_of
from training.validation import SchemaError


def load_partition(index: int, layout: Layout, tables: Iterable[str]) -> dict[str, pd.DataFrame]:
    """The wanted tables of partition ``index`` that the dataset has, validated and typed."""
    frames: dict[str, pd.DataFrame] = {}
    where = partition_name(index)
    for name in tables:
        if name not in layout.tables:
            continue
        path = layout.table_file(index, name)
        try:
            frames[name] = load_table(path, TABLES[name])
        except SchemaError as error:
            raise PartitionError(f"{where}/{path.name}: {error}") from None
        except OSError as error:
            raise PartitionError(f"{where}/{path.name} cannot be read: {error}") from None
    return frames


def partition_frames(index: int, layout: Layout, application: str) -> dict[str, pd.DataFrame]:
    """The application table ``application`` and every history table of partition ``index``.

    Checks that its clients hash to this partition: rows of a client in two partitions
    would silently lose part of its history.
    """
    if application not in layout.tables:
        raise PartitionError(
            f"the dataset at {layout.root} has no {application} table (it has "
            f"{', '.join(layout.tables)})"
        )
    frames = load_partition(index, layout, (application, *HISTORY_NAMES))
    ids = frames[application][KEY].to_numpy(np.int64)
    stray = ids[partition_of(ids, layout.partitions) != index]
    if len(stray):
        raise PartitionError(
            f"{partition_name(index)}/{application}.parquet holds {len(stray)} clients of other "
            f"partitions (e.g. SK_ID_CURR {stray[0]}, which belongs to partition "
            f"{partition_of(stray[:1], layout.partitions)[0]} of {layout.partitions}): its files "
            "were moved or written with another number of partitions; rewrite the dataset with "
            "`python -m training partition`"
        )
    return frames


def partition_features(index: int, layout: Layout, application: str) -> FeatureMatrix:
    """The feature matrix of partition ``index``'s ``application`` rows, in file order."""
    return build_batch(partition_frames(index, layout, application), application)
