"""The portfolio database gives back each client as the batch pipeline sees them.

The service scores a known client from the portfolio through ``build_online``; that vector
must equal the client's row of the batch feature matrix, history included.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring.features import build_batch, build_online
from scoring.schema import APPLICATION_TEST, HISTORY_NAMES, TABLES
from scoring.serving.portfolio import APPLICATIONS, Portfolio
from training.portfolio import write_portfolio
from training.synth import generate_dataset

N_CLIENTS = 2_000
HISTORY_WITH_CLIENT = [name for name in HISTORY_NAMES if name != "bureau_balance"]
Frames = dict[str, pd.DataFrame]


@pytest.fixture(scope="module")
def frames() -> Frames:
    return generate_dataset(N_CLIENTS, seed=5)


@pytest.fixture(scope="module")
def written(frames: Frames, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:
    url = f"sqlite:///{tmp_path_factory.mktemp('portfolio') / 'portfolio.sqlite'}"
    return url, write_portfolio(frames, url)


@pytest.fixture(scope="module")
def portfolio(written: tuple[str, dict]) -> Portfolio:
    return Portfolio(written[0])


def _ids(frame: pd.DataFrame) -> np.ndarray:
    return frame["SK_ID_CURR"].to_numpy()


def _without(frames: Frames, application: str, tables: Iterable[str]) -> list[int]:
    """Clients of ``application`` without any row in ``tables``."""
    present = set().union(*(set(_ids(frames[name]).tolist()) for name in tables))
    return [client for client in _ids(frames[application]).tolist() if client not in present]


def test_every_row_is_written(frames: Frames, written: tuple[str, dict], portfolio: Portfolio):
    counts = written[1]
    n_applications = len(frames["application_train"]) + len(frames["application_test"])
    assert counts == {APPLICATIONS: n_applications} | {n: len(frames[n]) for n in HISTORY_NAMES}
    assert portfolio.count() == n_applications
    every = np.sort(
        np.concatenate([_ids(frames["application_train"]), _ids(frames["application_test"])])
    )
    pages = [
        portfolio.client_ids(limit=500, offset=start) for start in range(0, n_applications, 500)
    ]
    assert [i for page in pages for i in page] == every.tolist()


@pytest.mark.parametrize("application", ["application_train", "application_test"])
def test_online_features_from_the_portfolio_equal_batch(
    frames: Frames, portfolio: Portfolio, application: str
) -> None:
    batch = build_batch(frames, application=application)
    ids = _ids(frames[application])
    without_history = _without(frames, application, HISTORY_WITH_CLIENT)
    without_bureau = _without(frames, application, ["bureau"])
    assert without_history and without_bureau, "the sample must include clients without history"
    chosen = [*without_history[:10], *without_bureau[:20], *ids[:: len(ids) // 70]][:100]
    rows = {client: row for row, client in enumerate(ids)}
    for client in chosen:
        record = portfolio.client(client)
        assert record is not None
        online = build_online(record.application, record.history)
        np.testing.assert_array_equal(online, batch.values[rows[client]], err_msg=str(client))


def test_a_client_without_history_has_empty_tables(frames: Frames, portfolio: Portfolio) -> None:
    client = _without(frames, "application_train", HISTORY_WITH_CLIENT)[0]
    record = portfolio.client(client)
    assert record is not None
    assert record.history == {name: [] for name in HISTORY_NAMES}


def test_records_are_json_ready(frames: Frames, portfolio: Portfolio) -> None:
    client = int(frames["bureau"]["SK_ID_CURR"].iloc[0])
    record = portfolio.client(client)
    assert record is not None
    json.dumps(asdict(record), allow_nan=False)  # NaN became None
    assert tuple(record.application) == APPLICATION_TEST.names
    for name, column in ((c.name, c) for c in APPLICATION_TEST.columns):
        value = record.application[name]
        expected = {"category": str, "float": float}.get(column.kind, int)
        assert value is None or type(value) is expected, (name, value)
    bureau = frames["bureau"]
    credits = set(bureau.loc[bureau["SK_ID_CURR"] == client, "SK_ID_BUREAU"])
    assert {row["SK_ID_BUREAU"] for row in record.history["bureau"]} == credits
    assert {row["SK_ID_BUREAU"] for row in record.history["bureau_balance"]} <= credits
    assert (
        len(record.history["bureau_balance"])
        == frames["bureau_balance"]["SK_ID_BUREAU"].isin(credits).sum()
    )


def test_target_is_known_for_train_rows_only(frames: Frames, portfolio: Portfolio) -> None:
    train, test = frames["application_train"], frames["application_test"]
    for client, target in zip(_ids(train)[:50], train["TARGET"][:50], strict=True):
        assert portfolio.client(client).target == target
    assert all(portfolio.client(client).target is None for client in _ids(test)[:50])
    frame = portfolio.applications_frame(["SK_ID_CURR", "TARGET", "NAME_CONTRACT_TYPE"])
    assert frame["TARGET"].isna().sum() == len(test)
    assert frame["TARGET"].sum() == train["TARGET"].sum()
    levels = list(TABLES["application_train"]["NAME_CONTRACT_TYPE"].levels)
    assert list(frame["NAME_CONTRACT_TYPE"].cat.categories) == levels
    assert frame["SK_ID_CURR"].is_monotonic_increasing


def test_unknown_client_is_none(portfolio: Portfolio) -> None:
    assert portfolio.client(1) is None


def test_portfolio_is_read_only(portfolio: Portfolio) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        portfolio._connection().execute(f"DELETE FROM {APPLICATIONS}")


def _count_in_child(portfolio: Portfolio, queue: multiprocessing.Queue) -> None:
    queue.put((portfolio.count(), portfolio.client(portfolio.client_ids(1)[0]) is not None))


def test_a_forked_worker_opens_its_own_connection(portfolio: Portfolio) -> None:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_count_in_child, args=(portfolio, queue))
    child.start()
    assert queue.get(timeout=60) == (portfolio.count(), True)
    child.join(timeout=60)
    assert child.exitcode == 0


def test_missing_history_tables_stay_unknown(frames: Frames, tmp_path: Path) -> None:
    partial = {n: frames[n] for n in ("application_train", "bureau", "previous_application")}
    url = f"sqlite:///{tmp_path / 'partial.sqlite'}"
    write_portfolio(partial, url)
    client = int(frames["application_train"]["SK_ID_CURR"].iloc[3])
    record = Portfolio(url).client(client)
    assert set(record.history) == {"bureau", "previous_application"}
    row = build_batch(partial).to_pandas().loc[client].to_numpy()
    np.testing.assert_array_equal(build_online(record.application, record.history), row)


def test_a_failed_write_leaves_the_previous_portfolio(frames: Frames, tmp_path: Path) -> None:
    path = tmp_path / "portfolio.sqlite"
    clash = {
        "application_train": frames["application_train"],
        "application_test": frames["application_train"].drop(columns="TARGET").head(5),
    }
    with pytest.raises(sqlite3.IntegrityError):
        write_portfolio(clash, f"sqlite:///{path}")
    assert list(tmp_path.iterdir()) == [], "no file, not even a temporary one"
    write_portfolio({"application_test": frames["application_test"]}, f"sqlite:///{path}")
    with pytest.raises(sqlite3.IntegrityError):
        write_portfolio(clash, f"sqlite:///{path}")
    assert list(tmp_path.iterdir()) == [path]
    assert Portfolio(f"sqlite:///{path}").count() == len(frames["application_test"])


def test_only_sqlite_urls_are_accepted() -> None:
    with pytest.raises(ValueError, match="SQLite file URL"):
        Portfolio("postgresql+psycopg://user:secret@localhost/portfolio")
    with pytest.raises(ValueError, match=r"user:\*\*\*@localhost"):
        write_portfolio({}, "postgresql+psycopg://user:secret@localhost/portfolio")
