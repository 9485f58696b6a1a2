"""The portfolio: known clients and their credit history, as the lender's systems hold them.

Kept in a database rather than in the model artefact, because it is the lender's data and
changes without retraining. One ``applications`` table holds the train and test applications
(``TARGET`` is NULL where the outcome is unknown) and the six history tables keep their
Kaggle names. The default is a SQLite file (``CREDIT_PORTFOLIO_DB_URL``, default
``data/portfolio.sqlite``): the service only does point lookups by client, where an embedded
row store answers in well under a millisecond (0.4 ms median for a client and all its history,
at 20,000 and at 307,511 clients), while a columnar engine pays a far higher fixed cost per
query (DuckDB: about 8 ms for the same lookup). Reads go through :mod:`sqlite3` directly,
read-only, with one connection per process and thread. ``training.portfolio`` writes it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import make_url

from scoring.schema import APPLICATION_TEST, APPLICATION_TRAIN, HISTORY_NAMES, TABLES
from scoring.schema.core import Column, Table

APPLICATIONS = "applications"
APPLICATION_NAMES = (APPLICATION_TRAIN.name, APPLICATION_TEST.name)
# The key each table is clustered and indexed on: a client's rows sit on neighbouring pages.
LOOKUP_KEY = {name: "SK_ID_CURR" for name in HISTORY_NAMES} | {"bureau_balance": "SK_ID_BUREAU"}
# bureau_balance reaches a client only through the client's bureau credits.
_THROUGH = {"bureau_balance": "bureau"}
_BALANCE_WHERE = "SK_ID_BUREAU IN (SELECT SK_ID_BUREAU FROM bureau WHERE SK_ID_CURR = ?)"


def sqlite_path(url: str) -> Path:
    """The file behind a ``sqlite:///path`` URL; other databases are not supported yet."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        safe = parsed.render_as_string(hide_password=True)
        raise ValueError(f"the portfolio needs a SQLite file URL (sqlite:///path), got {safe}")
    return Path(parsed.database)


@dataclass(frozen=True)
class ClientRecord:
    """A known client, JSON-ready: what :func:`scoring.features.build_online` takes.

    ``history`` holds every history table of the portfolio, empty lists included (a table
    with no rows for the client is "none", not "unknown"); ``bureau_balance`` holds the
    months of the client's bureau credits.
    """

    application: dict[str, Any]
    target: int | None
    history: dict[str, list[dict[str, Any]]]


class Portfolio:
    """Read-only access to a portfolio database; safe across worker processes and threads."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = sqlite_path(self.url)
        self._local = threading.local()
        self._queries: dict[str, tuple[str, tuple[str, ...]]] | None = None

    def client(self, client_id: int) -> ClientRecord | None:
        """The client's application and history, or None when the id is unknown."""
        connection = self._connection()
        key = (int(client_id),)
        sql, names = self._lookups()[APPLICATIONS]
        row = connection.execute(sql, key).fetchone()
        if row is None:
            return None
        application = dict(zip(names, row, strict=True))
        target = application.pop("TARGET")
        history = {
            name: [dict(zip(columns, values, strict=True)) for values in connection.execute(q, key)]
            for name, (q, columns) in self._lookups().items()
            if name != APPLICATIONS
        }
        return ClientRecord(application=application, target=target, history=history)

    def count(self) -> int:
        """Number of known clients (train and test applications)."""
        return int(self._connection().execute(f"SELECT count(*) FROM {APPLICATIONS}").fetchone()[0])

    def client_ids(self, limit: int = 100, offset: int = 0) -> list[int]:
        """Client ids in increasing order, one page at a time."""
        sql = f"SELECT SK_ID_CURR FROM {APPLICATIONS} ORDER BY SK_ID_CURR LIMIT ? OFFSET ?"
        return [row[0] for row in self._connection().execute(sql, (limit, offset))]

    def applications_frame(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Application columns of every client (for peer comparisons), ordered by client id.

        Keys are int64, categories carry the schema's levels and other numbers are float64
        (``TARGET`` is NaN where the outcome is unknown).
        """
        names = list(columns) if columns is not None else list(APPLICATION_TRAIN.names)
        unknown = [name for name in names if name not in APPLICATION_TRAIN]
        if unknown:
            raise ValueError(f"unknown application columns {unknown}")
        selected = ", ".join(f'"{name}"' for name in names)
        sql = f"SELECT {selected} FROM {APPLICATIONS} ORDER BY SK_ID_CURR"
        frame = pd.read_sql_query(sql, self._connection())
        for name in names:
            frame[name] = _typed(frame[name], APPLICATION_TRAIN[name])
        return frame

    def _connection(self) -> sqlite3.Connection:
        """This process's and thread's connection: sqlite3 connections cross neither."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            if not self.path.is_file():
                raise FileNotFoundError(f"no portfolio database at {self.path}")
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            local.connection = sqlite3.connect(uri, uri=True)
            local.pid = os.getpid()
        return local.connection

    def _lookups(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        """SQL and column names of each table's lookup by client, built once."""
        if self._queries is None:
            tables = {
                row[0]
                for row in self._connection().execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }
            queries = {APPLICATIONS: _select(APPLICATION_TRAIN, APPLICATIONS, "SK_ID_CURR = ?")}
            for name in HISTORY_NAMES:
                if name in tables and _THROUGH.get(name, name) in tables:
                    where = _BALANCE_WHERE if name == "bureau_balance" else "SK_ID_CURR = ?"
                    queries[name] = _select(TABLES[name], name, where)
            self._queries = queries
        return self._queries


def _select(table: Table, name: str, where: str) -> tuple[str, tuple[str, ...]]:
    """Rows in stored order, which keeps each client's rows in the loader's order."""
    columns = ", ".join(f'"{column}"' for column in table.names)
    return f'SELECT {columns} FROM "{name}" WHERE {where} ORDER BY rowid', table.names


def _typed(series: pd.Series, column: Column) -> pd.Series:
    if column.is_categorical:
        return pd.Series(pd.Categorical(series, categories=list(column.levels)), name=series.name)
    if column.kind == "key":
        return series.astype(np.int64)
    return series.astype(np.float64)
