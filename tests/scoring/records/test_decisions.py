"""Credit decisions on a real database (scoring/records/decisions.py): recorded once per
idempotency key, revised only through the current decision, appended by concurrent workers
into one gapless chain, and any tampering with the stored rows caught by ``verify``.

Each test runs on SQLite and on a throwaway PostgreSQL cluster (skipped without its binaries;
CI installs them).
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, make_url, select, text

from scoring.records import chain
from scoring.records.database import RecordsDatabase
from scoring.records.decisions import DecisionBook, DecisionConflict, NewDecision
from scoring.records.tables import CHAIN_HEAD, DECISIONS, OUTCOMES, PURGED_LINKS
from tests.support.records import Cluster, new_decision, throwaway_cluster

PROCESSES, DECISIONS_PER_PROCESS = 4, 25
fork = multiprocessing.get_context("fork")


@pytest.fixture(scope="module")
def postgres() -> Iterator[Cluster]:
    with throwaway_cluster() as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path) -> RecordsDatabase:
    if request.param == "sqlite":
        return RecordsDatabase(f"sqlite:///{tmp_path / 'records.sqlite'}")
    cluster: Cluster = request.getfixturevalue("postgres")
    return RecordsDatabase(cluster.new_database(f"decisions_{uuid.uuid4().hex[:12]}"))


@pytest.fixture
def book(database: RecordsDatabase) -> DecisionBook:
    return DecisionBook(database)


def _tamper(database: RecordsDatabase, *statements: str) -> None:
    """Run SQL on the database from outside the product, as someone with file access would."""
    url = make_url(database.url)
    if url.get_backend_name() == "sqlite":
        with closing(sqlite3.connect(url.database or "")) as connection, connection:
            for statement in statements:
                connection.execute(statement)
        return
    engine = create_engine(url)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def _kinds(problems: list[chain.Problem]) -> list[tuple[str, int, str | None]]:
    return [(problem.kind, problem.seq, problem.decision_id) for problem in problems]


def _several(book: DecisionBook, count: int) -> list[str]:
    """``count`` decisions about clients 1, 2, ...; their ids."""
    return [book.record(new_decision(client_id=n))[0].decision_id for n in range(1, count + 1)]


def test_a_decision_is_recorded_at_the_end_of_the_chain(book: DecisionBook) -> None:
    first, replayed = book.record(new_decision(client_id=1))
    second, _ = book.record(new_decision(client_id=2, final_decision="refused", reason="policy"))
    assert not replayed
    assert (first.seq, first.prev_hash) == (1, chain.GENESIS)
    assert (second.seq, second.prev_hash) == (2, first.row_hash)
    assert len(first.decision_id) == 32 and first.created_at.endswith("+00:00")
    assert book.get(first.decision_id) == first and book.get("unknown") is None
    assert book.history(2) == [second] and book.history(3) == []
    assert book.count() == 2
    assert book.overrides() == [second] and second.overridden and not first.overridden
    assert book.verify() == []


def test_the_same_key_twice_gives_the_same_decision_and_no_second_row(
    book: DecisionBook,
) -> None:
    request = new_decision()
    first, replayed_first = book.record(request)
    again, replayed = book.record(request)
    assert (again, replayed, replayed_first) == (first, True, False)
    assert book.count() == 1


def test_the_same_key_with_another_request_is_a_conflict(book: DecisionBook) -> None:
    first, _ = book.record(new_decision(idempotency_key="k-1"))
    other = new_decision(idempotency_key="k-1", final_decision="refused", reason="policy")
    with pytest.raises(DecisionConflict, match="'k-1' was already used for decision") as caught:
        book.record(other)
    assert first.decision_id in caught.value.message and "send a new key" in caught.value.message
    assert book.count() == 1


def test_a_second_decision_without_revises_names_the_current_one(book: DecisionBook) -> None:
    first, _ = book.record(new_decision())
    with pytest.raises(DecisionConflict) as caught:
        book.record(new_decision(final_decision="refused"))
    assert caught.value.message == (
        f"application 100002 already has decision {first.decision_id}; to change it, send "
        f"revises={first.decision_id!r} with a reason"
    )
    assert book.count() == 1


def test_revisions_make_a_chain_of_decisions(book: DecisionBook) -> None:
    first, _ = book.record(new_decision())
    second, _ = book.record(
        new_decision(
            final_decision="refused", reason="income_unverified", revises=first.decision_id
        )
    )
    third, _ = book.record(
        new_decision(
            final_decision="granted", note="documents received", revises=second.decision_id
        )
    )
    assert book.history(100002) == [first, second, third]
    assert [d.revises for d in book.history(100002)] == [
        None,
        first.decision_id,
        second.decision_id,
    ]
    assert book.verify() == []


def test_only_the_current_decision_can_be_revised(book: DecisionBook) -> None:
    first, _ = book.record(new_decision())
    second, _ = book.record(new_decision(final_decision="refused", revises=first.decision_id))
    with pytest.raises(DecisionConflict) as caught:
        book.record(new_decision(final_decision="granted", revises=first.decision_id))
    assert caught.value.message == (
        f"revises={first.decision_id!r} is not the current decision of application 100002: "
        f"its current decision is {second.decision_id}"
    )
    with pytest.raises(DecisionConflict, match="it has no decision yet"):
        book.record(new_decision(client_id=7, revises=first.decision_id))
    assert book.count() == 2


def _append(database: RecordsDatabase, worker: int) -> None:
    book = DecisionBook(database)
    for i in range(DECISIONS_PER_PROCESS):
        book.record(new_decision(client_id=worker * 1000 + i))


def test_concurrent_appends_from_several_processes_make_one_gapless_chain(
    database: RecordsDatabase,
) -> None:
    book = DecisionBook(database)
    workers = [fork.Process(target=_append, args=(database, w)) for w in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    with database.reading() as connection:
        seqs = connection.execute(select(DECISIONS.c.seq).order_by(DECISIONS.c.seq)).scalars()
        assert list(seqs) == list(range(1, PROCESSES * DECISIONS_PER_PROCESS + 1))
        head = connection.execute(select(CHAIN_HEAD.c.seq)).scalar_one()
    assert head == PROCESSES * DECISIONS_PER_PROCESS
    assert book.verify() == []


def test_a_value_updated_in_the_database_is_caught(book: DecisionBook) -> None:
    ids = _several(book, 4)
    _tamper(book.database, "UPDATE decisions SET final_decision = 'refused' WHERE seq = 2")
    problems = book.verify()
    assert _kinds(problems) == [("changed", 2, ids[1])]
    assert str(problems[0]).startswith(f"decision {ids[1]} (#2): its content was changed")


def test_a_row_deleted_from_the_middle_or_the_end_is_caught(book: DecisionBook) -> None:
    _several(book, 5)
    _tamper(book.database, "DELETE FROM decisions WHERE seq IN (2, 5)")
    assert _kinds(book.verify()) == [("deleted", 2, None), ("deleted", 5, None)]


def test_a_row_inserted_beyond_the_head_is_caught(book: DecisionBook) -> None:
    _several(book, 3)
    forged, _ = book.record(new_decision(client_id=99))  # made with good hashes...
    _tamper(  # ...then the head is put back, as if the row had been slipped in afterwards
        book.database,
        "UPDATE chain_head SET seq = 3, row_hash = (SELECT row_hash FROM decisions WHERE seq = 3)",
    )
    assert _kinds(book.verify()) == [("inserted", 4, forged.decision_id)]
    columns = ", ".join(c.name for c in DECISIONS.columns if c.name != "seq")
    copied = columns.replace("decision_id", "'copied'").replace("idempotency_key", "'copied'")
    _tamper(
        book.database,
        f"INSERT INTO decisions (seq, {columns}) SELECT 5, {copied} FROM decisions WHERE seq = 1",
    )
    assert _kinds(book.verify()) == [
        ("inserted", 4, forged.decision_id),
        ("inserted", 5, "copied"),
    ]


def test_a_row_inserted_in_the_middle_is_caught(book: DecisionBook) -> None:
    """The rows after it are renumbered to make room (the primary key refuses a taken number):
    each is caught, as is the forged copy of #2 and the last row, now beyond the head."""
    ids = _several(book, 4)
    columns = ", ".join(c.name for c in DECISIONS.columns if c.name not in ("seq",))
    _tamper(
        book.database,
        "UPDATE decisions SET seq = seq + 10",  # make room, as a forger must
        "UPDATE decisions SET seq = seq - 9 WHERE seq > 12",  # 3, 4 -> 4, 5
        "UPDATE decisions SET seq = seq - 10 WHERE seq > 10",  # 1, 2 -> 1, 2
        f"INSERT INTO decisions (seq, {columns}) SELECT 3, "
        + columns.replace("decision_id", "'forged'")
        .replace("idempotency_key", "'forged-key'")
        .replace("revises", "NULL")
        + " FROM decisions WHERE seq = 2",
    )
    problems = _kinds(book.verify())
    assert ("changed", 3, "forged") in problems
    assert ("changed", 4, ids[2]) in problems, "its number, which its hash covers, changed"
    assert ("inserted", 5, ids[3]) in problems, "the last row now lies beyond the head"


def test_what_the_chain_cannot_see_a_rewritten_head(book: DecisionBook) -> None:
    """Whoever rewrites the newest rows and the head together goes unseen; the head's hash
    kept outside the database (docs/records.md) is what shows it."""
    _several(book, 3)
    with book.database.reading() as connection:
        exported = connection.execute(select(CHAIN_HEAD.c.row_hash)).scalar_one()
    _tamper(
        book.database,
        "DELETE FROM decisions WHERE seq = 3",
        "UPDATE chain_head SET seq = 2, row_hash = (SELECT row_hash FROM decisions WHERE seq = 2)",
    )
    assert book.verify() == []
    with book.database.reading() as connection:
        assert connection.execute(select(CHAIN_HEAD.c.row_hash)).scalar_one() != exported


def test_purges_leave_links_and_the_chain_verifies(book: DecisionBook) -> None:
    ids = _several(book, 6)
    database = book.database
    with database.writing() as connection:
        connection.execute(
            OUTCOMES.insert(),
            [
                {
                    "decision_id": decision_id,
                    "outcome": "repaid",
                    "outcome_date": "2026-12-01",
                    "recorded_at": "2026-12-02T00:00:00.000000+00:00",
                    "recorded_by": "cli:test",
                    "source": "outcomes.csv",
                }
                for decision_id in ids[:3]
            ],
        )
    with database.writing() as connection:  # the two oldest were made a long time ago
        connection.execute(
            DECISIONS.update()
            .where(DECISIONS.c.seq <= 2)
            .values(created_at="2001-01-01T00:00:00.000000+00:00")
        )
    assert _kinds(book.verify()) == [("changed", 1, ids[0]), ("changed", 2, ids[1])]
    assert book.purge("cli:tester", before=datetime(2002, 1, 1, tzinfo=UTC)) == 2
    assert book.verify() == [], "the changed rows are gone, their links stand in"
    assert book.purge("cli:tester", client_id=4, dry_run=True) == 1
    assert book.purge("cli:tester", client_id=4) == 1
    assert book.purge("cli:tester", client_id=4) == 0
    later, _ = book.record(new_decision(client_id=4))
    assert later.seq == 7 and book.verify() == []
    with database.reading() as connection:
        links = connection.execute(select(PURGED_LINKS).order_by(PURGED_LINKS.c.seq)).all()
        outcomes = connection.execute(select(OUTCOMES.c.decision_id)).scalars().all()
    assert [(link.seq, link.decision_id, link.why) for link in links] == [
        (1, ids[0], "retention"),
        (2, ids[1], "retention"),
        (4, ids[3], "erasure"),
    ]
    assert {link.purged_by for link in links} == {"cli:tester"}
    assert outcomes == [ids[2]], "a purged decision's outcome goes with it"
    with pytest.raises(ValueError, match="never deletes every row of decisions"):
        book.purge("cli:tester")
    with pytest.raises(ValueError, match="no time zone"):
        book.purge("cli:tester", before=datetime(2002, 1, 1))
    assert book.purge("cli:tester", before=datetime.now(UTC) + timedelta(days=1)) == 4
    assert book.count() == 0 and book.verify() == []


def test_a_purge_runs_in_batches(book: DecisionBook, monkeypatch: pytest.MonkeyPatch) -> None:
    from scoring.records import decisions

    _several(book, 5)
    monkeypatch.setattr(decisions, "PURGE_BATCH_ROWS", 2)
    assert book.purge("cli:tester", before=datetime.now(UTC) + timedelta(days=1)) == 5
    assert book.count() == 0 and book.verify() == []


def test_a_decision_round_trips_every_field(book: DecisionBook) -> None:
    request: NewDecision = new_decision(
        final_decision="refused",
        recommendation="review",
        reason="income_unverified",
        note="Bulletins de salaire illisibles — à revoir",
        reason_codes=["external_scores.raises", "income_burden.raises"],
        probability=0.1234567890123,
        language="fr",
    )
    recorded, _ = book.record(request)
    assert book.get(recorded.decision_id) == recorded
    assert {f: getattr(recorded, f) for f in request.__dataclass_fields__} == {
        f: getattr(request, f) for f in request.__dataclass_fields__
    }
    assert book.verify() == []
