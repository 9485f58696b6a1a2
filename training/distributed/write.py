"""Writing partitions: one directory at a time, never half-written, never past the free disk.

A partition is written under a hidden temporary name and renamed when all its tables are
on disk, and the manifest is written after every partition: an interrupted run leaves no
directory that reads as complete.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from training.distributed.layout import COMPRESSION, SUFFIX, partition_name

# Clients per partition when none is asked for: about 1.5 GiB of frames in a worker at
# Kaggle's ~208 history rows per client, so two workers fit in a few GiB.
CLIENTS_PER_PARTITION = 50_000


class SpaceError(RuntimeError):
    """Not enough free disk for what a command would write; the message gives both sizes."""


def default_partitions(clients: int) -> int:
    """One partition per :data:`CLIENTS_PER_PARTITION` clients, at least one."""
    return max(1, math.ceil(clients / CLIENTS_PER_PARTITION))


def free_bytes(path: Path) -> int:
    """Free bytes on the filesystem that holds ``path`` (or its nearest existing parent)."""
    probe = Path(path).resolve()
    while not probe.exists():
        probe = probe.parent
    return shutil.disk_usage(probe).free


def require_space(path: Path, needed: int, what: str) -> None:
    """Refuse, before writing anything, when ``needed`` bytes would not fit under ``path``."""
    free = free_bytes(path)
    if needed > free:
        raise SpaceError(
            f"{what} needs about {needed / 1e9:,.1f} GB but only {free / 1e9:,.1f} GB are free "
            f"under {path}; free some space, choose another --out, or use fewer clients"
        )


def prepare_output(out: Path) -> None:
    """Create ``out``; refuse one that already holds files, so nothing is overwritten."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(
            f"{out} already exists and is not an empty directory; choose a new --out or "
            "remove it first"
        )
    out.mkdir(parents=True, exist_ok=True)


def write_partition(root: Path, index: int, frames: Mapping[str, pd.DataFrame]) -> int:
    """Write one partition's tables as ``root/part-NNNNN/<table>.parquet``; its bytes."""
    final = Path(root) / partition_name(index)
    temporary = Path(root) / f".{final.name}.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    try:
        for name, frame in frames.items():
            write_table(frame, temporary / f"{name}{SUFFIX}")
        size = sum(path.stat().st_size for path in temporary.iterdir())
        shutil.rmtree(final, ignore_errors=True)
        os.replace(temporary, final)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return size


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """One table as Parquet, categories as dictionaries: what the loader reads back typed."""
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, compression=COMPRESSION)
