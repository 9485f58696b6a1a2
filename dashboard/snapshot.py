"""The portfolio snapshot the peer views read: loaded once per process, shared read-only.

The dashboard never loads the model, so the scores of the whole portfolio come from the
snapshot `python -m training snapshot` writes (``make snapshot``). It loads in well under a
second at 300k clients (``benchmarks/results/peer_data.json``); ``pn.cache`` keeps one copy
for every session, keyed by the file's modification time so a rewritten snapshot is picked
up without a restart. Sessions must treat the frame as read-only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import panel as pn

from dashboard.config import SNAPSHOT_PATH_ENV


class SnapshotMissing(FileNotFoundError):
    """No snapshot where the dashboard looks for one; the message says how to make it."""


def load_snapshot(path: str | Path) -> pd.DataFrame:
    """The snapshot at ``path`` (``CREDIT_SNAPSHOT_PATH``), from the cache when unchanged."""
    path = Path(path)
    if not path.is_file():
        raise SnapshotMissing(
            f"No portfolio snapshot at {path}: the peer comparisons need one. Run make snapshot "
            f"(python -m training snapshot --data DIR --out {path}), or point "
            f"{SNAPSHOT_PATH_ENV} at an existing file."
        )
    return _read(str(path.resolve()), path.stat().st_mtime_ns)


@pn.cache(max_items=2)
def _read(path: str, modified_ns: int) -> pd.DataFrame:
    """``modified_ns`` only keys the cache: a new file is a new entry."""
    del modified_ns
    return pd.read_parquet(path)
