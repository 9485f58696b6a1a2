"""Rewrite a dataset in the Kaggle layout (CSV or Parquet) as client-partitioned Parquet.

Tables are read one at a time through the ordinary loader, so each is validated against
the schema with the usual messages, and memory holds one table, never the whole dataset.
Each row goes to its client's partition, in file order: a client's rows keep their order,
which is what makes the features computed per partition equal, bit for bit, to those of the
whole dataset (the per-client sums add the same numbers in the same order).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from scoring.features.aggregate import KeyIndex
from scoring.schema import TABLES
from training.data import DATASET_MARKER, SUFFIXES, find_table_file, load_table
from training.distributed.layout import (
    KEY,
    THROUGH,
    Layout,
    LayoutError,
    partition_name,
    partition_of,
)
from training.distributed.write import (
    default_partitions,
    prepare_output,
    require_space,
    write_table,
)

logger = logging.getLogger(__name__)

# The applications first (they fix the number of partitions), bureau before bureau_balance.
ORDER = ("application_train", "application_test", "bureau", "bureau_balance")
Progress = Callable[[str], None]


def partition_dataset(
    source: Path, out: Path, partitions: int | None = None, progress: Progress | None = None
) -> Layout:
    """Write ``source``'s tables into ``out`` split by client; the layout written.

    ``partitions`` defaults to one per 50,000 labelled clients. Raises ``SchemaError`` for bad
    data, :class:`LayoutError` for a directory that is not in the Kaggle layout,
    ``SpaceError`` when the copy would not fit on disk, and ``FileExistsError`` for a
    non-empty ``out``.
    """
    step = progress or (lambda _: None)
    paths = _table_files(Path(source))
    require_space(
        out, sum(path.stat().st_size for path in paths.values()), f"partitioning {source}"
    )
    prepare_output(out)
    try:
        return _write(Path(source), Path(out), paths, partitions, step)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)  # no half-written dataset is left behind
        raise


def _table_files(source: Path) -> dict[str, Path]:
    """The files of the tables found in ``source``, in writing order."""
    if not source.is_dir():
        raise LayoutError(f"{source} does not exist (expected a directory in the Kaggle layout)")
    found = {name: find_table_file(source, name) for name in TABLES}
    if found["application_train"] is None:
        expected = ", ".join(f"application_train{suffix}" for suffix in SUFFIXES)
        raise LayoutError(f"{source} is not in the Kaggle layout: no {expected}")
    names = [*ORDER, *(name for name in TABLES if name not in ORDER)]
    return {name: path for name in names if (path := found[name]) is not None}


def _write(
    source: Path, out: Path, paths: dict[str, Path], partitions: int | None, step: Progress
) -> Layout:
    if "bureau_balance" in paths and "bureau" not in paths:
        logger.warning("bureau_balance without bureau reaches no client: it is left out")
        del paths["bureau_balance"]
    credits: tuple[KeyIndex, np.ndarray] | None = None
    counts: list[list[int]] = []
    dropped: dict[str, int] = {}
    for name, path in paths.items():
        step(f"reading {path.name}")
        frame = load_table(path, TABLES[name])
        if partitions is None:  # fixed by application_train, which comes first
            partitions = default_partitions(len(frame))
        if name in THROUGH:
            assert credits is not None  # bureau is read before bureau_balance
            owner = _through(frame, credits, THROUGH[name][1])
        else:
            owner = partition_of(frame[KEY], partitions)
        if name == "bureau":
            credits = (KeyIndex(frame["SK_ID_BUREAU"].to_numpy(np.int64)), owner)
        kept = owner >= 0
        if not kept.all():
            dropped[name] = int((~kept).sum())
            logger.warning("%s: %d rows reach no client and are left out", name, dropped[name])
        step(f"writing {name} into {partitions} partitions")
        counts.append(_write_parts(frame, owner, partitions, out, name))
        del frame, owner
    assert partitions is not None
    marker = source / DATASET_MARKER
    if marker.is_file():
        shutil.copyfile(marker, out / DATASET_MARKER)
    per_partition = [
        {name: table_counts[index] for name, table_counts in zip(paths, counts, strict=True)}
        for index in range(partitions)
    ]
    layout = Layout(
        root=out,
        partitions=partitions,
        tables=tuple(paths),
        rows={name: sum(c) for name, c in zip(paths, counts, strict=True)},
        partition_rows=per_partition,
        dropped_rows=dropped,
    )
    layout.write()
    return layout


def _through(frame: pd.DataFrame, credits: tuple[KeyIndex, np.ndarray], key: str) -> np.ndarray:
    """Partition of each row through its parent's key; -1 for a row without a parent."""
    index, parent_owner = credits
    position = index.positions(frame[key].to_numpy(np.int64))
    return np.where(position >= 0, parent_owner[position], -1)


def _write_parts(
    frame: pd.DataFrame, owner: np.ndarray, partitions: int, out: Path, name: str
) -> list[int]:
    """Each partition's rows of ``frame``, in file order; the rows written to each."""
    rows = []
    for index in range(partitions):
        part = frame[owner == index]
        directory = out / partition_name(index)
        directory.mkdir(exist_ok=True)
        write_table(part, directory / f"{name}.parquet")
        rows.append(len(part))
    return rows
