"""The client-partitioned layout: every table of a client in the same Parquet partition.

A partitioned dataset is a directory holding ``_partitioning.json`` and one sub-directory
per partition, ``part-00000`` … Each sub-directory is an ordinary dataset directory in the
Kaggle layout (``application_train.parquet``, ``bureau.parquet`` …), so the existing loader
reads and validates it, and the one feature implementation runs on it unchanged.

A client's partition is a hash of its ``SK_ID_CURR`` modulo the number of partitions.
Rows follow their client: the tables carrying ``SK_ID_CURR`` directly, and
``bureau_balance`` through its ``SK_ID_BUREAU`` (the bureau credit's client), which is how
the feature code joins it. Hashing spreads any id range evenly and needs no boundaries to
store. It hashes the integer id, not the text the holdout rule
(:mod:`training.model.split`) hashes with its key, so partitions and holdout are independent:
a partition is a uniform random sample of clients.

Every partition holds every table the dataset has, empty if need be: a table absent from a
partition would read as "not provided" and turn its features into NaN instead of counts of 0.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

MANIFEST = "_partitioning.json"
LAYOUT = "client-partitioned-parquet"
VERSION = 1
KEY = "SK_ID_CURR"
HASH = "pandas.util.hash_array(SK_ID_CURR as int64) % partitions"
# bureau_balance has no SK_ID_CURR: it reaches its client through the bureau credit.
THROUGH = {"bureau_balance": ("bureau", "SK_ID_BUREAU")}
SUFFIX = ".parquet"
COMPRESSION = "zstd"  # 15 % smaller than snappy here, and faster to read


class LayoutError(ValueError):
    """A directory is not a usable client-partitioned dataset; the message says why."""


def partition_of(client_ids: np.ndarray | pd.Series, partitions: int) -> np.ndarray:
    """The partition (0 … ``partitions`` − 1) of each client id; the same on every machine."""
    ids = np.asarray(client_ids, dtype=np.int64)
    return (pd.util.hash_array(ids) % np.uint64(partitions)).astype(np.int64)


def partition_name(index: int) -> str:
    """Directory name of partition ``index``: sorted names are partition order."""
    return f"part-{index:05d}"


@dataclass(frozen=True)
class Layout:
    """What ``_partitioning.json`` records: how many partitions, which tables, what rows."""

    root: Path
    partitions: int
    tables: tuple[str, ...]
    rows: dict[str, int] = field(default_factory=dict)
    partition_rows: list[dict[str, int]] = field(default_factory=list)
    dropped_rows: dict[str, int] = field(default_factory=dict)

    def directory(self, index: int) -> Path:
        """The dataset directory of partition ``index``."""
        return self.root / partition_name(index)

    def table_file(self, index: int, table: str) -> Path:
        """The Parquet file of ``table`` in partition ``index``."""
        return self.directory(index) / f"{table}{SUFFIX}"

    def bytes_on_disk(self) -> int:
        """Size of every file of the dataset."""
        return sum(path.stat().st_size for path in self.root.rglob("*") if path.is_file())

    def write(self) -> Path:
        """Write the manifest last: a dataset without one is incomplete, never read."""
        document = {"layout": LAYOUT, "version": VERSION, "key": KEY, "hash": HASH}
        content = asdict(self)
        content.pop("root")
        path = self.root / MANIFEST
        path.write_text(json.dumps({**document, **content}, indent=1) + "\n")
        return path


def is_partitioned(directory: Path) -> bool:
    """True when ``directory`` holds a partitioning manifest."""
    return (Path(directory) / MANIFEST).is_file()


def read_layout(directory: Path) -> Layout:
    """The layout of ``directory``, or :class:`LayoutError` naming what is wrong."""
    root = Path(directory)
    if not root.is_dir():
        raise LayoutError(f"{root} does not exist (expected a client-partitioned dataset)")
    path = root / MANIFEST
    if not path.is_file():
        raise LayoutError(
            f"{root} is not a client-partitioned dataset: it has no {MANIFEST}. Write one with "
            f"`python -m training partition --data {root} --out DIR` (from the CSV layout) or "
            "`python -m training generate --partitions N --out DIR`"
        )
    try:
        document = json.loads(path.read_text())
        layout = Layout(
            root=root,
            partitions=int(document["partitions"]),
            tables=tuple(document["tables"]),
            rows=dict(document.get("rows", {})),
            partition_rows=list(document.get("partition_rows", [])),
            dropped_rows=dict(document.get("dropped_rows", {})),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise LayoutError(f"{path} is not a readable partitioning manifest: {error}") from error
    if document.get("layout") != LAYOUT or document.get("key") != KEY:
        raise LayoutError(
            f"{path} describes a {document.get('layout')!r} layout keyed by "
            f"{document.get('key')!r}; expected {LAYOUT!r} keyed by {KEY}"
        )
    if document.get("version") != VERSION:
        raise LayoutError(f"{path}: layout version {document.get('version')}, expected {VERSION}")
    _check_files(layout)
    return layout


def _check_files(layout: Layout) -> None:
    """Every partition directory holds every table: a missing file is a broken copy."""
    if layout.partitions < 1 or "application_train" not in layout.tables:
        raise LayoutError(
            f"{layout.root / MANIFEST} lists {layout.partitions} partitions and tables "
            f"{list(layout.tables)}; expected at least one partition and application_train"
        )
    missing = [
        str(layout.table_file(index, table).relative_to(layout.root))
        for index in range(layout.partitions)
        for table in layout.tables
        if not layout.table_file(index, table).is_file()
    ]
    if missing:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        raise LayoutError(
            f"{layout.root} is incomplete: {len(missing)} partition files are missing ({shown}); "
            f"each of the {layout.partitions} partitions must hold {', '.join(layout.tables)}"
        )
