"""Writing the portfolio database the scoring service reads (:mod:`scoring.serving.portfolio`).

Offline only: the service never writes its portfolio. The layout (table names, lookup keys)
is the reader's, imported from it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import Progress

from scoring.schema import APPLICATION_TRAIN, HISTORY_NAMES, TABLES
from scoring.schema.core import Column, Table
from scoring.serving.portfolio import APPLICATION_NAMES, APPLICATIONS, LOOKUP_KEY, sqlite_path

CHUNK_ROWS = 100_000
_SQL_TYPES = {"key": "INTEGER", "target": "INTEGER", "int": "INTEGER", "float": "REAL"}


def write_portfolio(frames: Mapping[str, pd.DataFrame], url: str) -> dict[str, int]:
    """Write the loader's frames as a portfolio database and return the rows per table.

    The database is built in a temporary file beside the target, with journaling and syncs
    off for speed, then renamed over it: a failure never leaves a half-written portfolio,
    and readers of the previous one keep a consistent file.
    """
    path = sqlite_path(url)
    unknown = sorted(set(frames) - set(APPLICATION_NAMES) - set(HISTORY_NAMES))
    if unknown:
        raise ValueError(f"unknown tables {unknown}; expected Kaggle table names")
    applications = [name for name in APPLICATION_NAMES if name in frames]
    if not applications:
        raise ValueError("the portfolio needs application_train or application_test")
    history = [name for name in HISTORY_NAMES if name in frames]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    total = sum(len(frames[name]) for name in [*applications, *history])
    counts: dict[str, int] = {}
    try:
        connection = sqlite3.connect(temporary, isolation_level=None)
        try:
            for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -262144"):
                connection.execute(f"PRAGMA {pragma}")
            with _progress(total) as advance:
                _create(connection, APPLICATIONS, APPLICATION_TRAIN, primary_key="SK_ID_CURR")
                for name in applications:
                    _insert(connection, APPLICATIONS, frames[name], TABLES[name], None, advance)
                counts[APPLICATIONS] = sum(len(frames[name]) for name in applications)
                for name in history:
                    frame, key = frames[name], LOOKUP_KEY[name]
                    _create(connection, name, TABLES[name])
                    order = np.argsort(frame[key].to_numpy(), kind="stable")
                    _insert(connection, name, frame, TABLES[name], order, advance)
                    connection.execute(f'CREATE INDEX "ix_{name}_{key}" ON "{name}" ("{key}")')
                    counts[name] = len(frame)
        finally:
            connection.close()
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return counts


def _create(
    connection: sqlite3.Connection, name: str, table: Table, primary_key: str | None = None
) -> None:
    definitions = [
        f'"{c.name}" {_SQL_TYPES.get(c.kind, "TEXT")}'
        + (" PRIMARY KEY" if c.name == primary_key else "")
        for c in table.columns
    ]
    connection.execute(f'CREATE TABLE "{name}" ({", ".join(definitions)})')


def _insert(
    connection: sqlite3.Connection,
    name: str,
    frame: pd.DataFrame,
    table: Table,
    order: np.ndarray | None,
    advance: Callable[[int], None],
) -> None:
    """Insert ``frame`` in ``order`` (row positions) in one transaction, chunk by chunk.

    Floats go in as they are: SQLite stores NaN as NULL and a whole float in an INTEGER
    column as an integer, so no per-value Python conversion is needed.
    """
    columns = [c for c in table.columns if c.name in frame.columns]
    encoders = [_encoder(frame[c.name], c) for c in columns]
    names = ", ".join(f'"{c.name}"' for c in columns)
    sql = f'INSERT INTO "{name}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    positions = np.arange(len(frame)) if order is None else order
    connection.execute("BEGIN")
    for start in range(0, len(frame), CHUNK_ROWS):
        chunk = positions[start : start + CHUNK_ROWS]
        connection.executemany(sql, zip(*(encode(chunk) for encode in encoders), strict=True))
        advance(len(chunk))
    connection.execute("COMMIT")


def _encoder(series: pd.Series, column: Column) -> Callable[[np.ndarray], list[Any]]:
    """A function giving the Python values of the rows at some positions."""
    if column.is_categorical:
        categorical = pd.Categorical(series, categories=list(column.levels))
        levels = np.array([*column.levels, None], dtype=object)  # code -1 (missing) → None
        codes = categorical.codes
        return lambda positions: levels[codes[positions]].tolist()
    if column.kind == "key":
        values = series.to_numpy(dtype=np.int64)
    else:
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    return lambda positions: values[positions].tolist()


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None]]:
    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("Writing the portfolio", total=total)
        yield lambda rows: progress.advance(task, rows)
