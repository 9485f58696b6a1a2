"""The checks of the decisions load run catch each way the records can disagree with what the
clients were told: a lost decision, a retry answered with another id, a duplicate, a row
nobody asked for, a decision recorded for a call never acknowledged, a broken chain."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.decision_checks import check, decision_counts
from benchmarks.loadgen.run import Request


def _call(key: str, retry: bool = False, kind: str = "new") -> dict[str, Any]:
    return {"key": key, "kind": kind, "client": 9_000_000_000, "retry": retry}


def _answer(key: str, decision_id: str | None, retry: bool = False, replayed: bool = False,
            kind: str = "new") -> Request:  # fmt: skip
    """A 2xx answer with ``decision_id``, or a timeout when it is None."""
    detail = {**_call(key, retry, kind)}
    if decision_id is None:
        return Request("decisions", 0, 60_000.0, 0.0, "transport:Timeout", (), detail)
    detail["replayed"] = replayed
    return Request("decisions", 200 if replayed else 201, 40.0, 0.0, None, (decision_id,), detail)


# A run: k1 decided then retried (same id), k1r revises it, k2 timed out and its retry
# succeeded, k3 timed out twice (never acknowledged) and was not recorded.
SENT = [_call("k1"), _call("k1", retry=True), _call("k1r", kind="revise"), _call("k2"),
        _call("k2", retry=True), _call("k3"), _call("k3", retry=True)]  # fmt: skip
REQUESTS = [
    _answer("k1", "id1"), _answer("k1", "id1", retry=True, replayed=True),
    _answer("k1r", "id1r", kind="revise"), _answer("k2", None), _answer("k2", "id2", retry=True),
    _answer("k3", None), _answer("k3", None, retry=True),
    Request("predict", 200, 5.0, 0.0, None, ("r1",), None),
]  # fmt: skip
ROWS = [("k1", "id1", 1), ("k1r", "id1r", 1), ("k2", "id2", 2)]


def _passed(rows: list[tuple[str, str, int]], problems: tuple[str, ...] = ()) -> dict[str, bool]:
    return {name: c["passed"] for name, c in check(REQUESTS, SENT, rows, list(problems)).items()}


def test_a_run_whose_records_match_the_answers_passes_every_check() -> None:
    checks = check(REQUESTS, SENT, ROWS, [])
    assert all(c["passed"] for c in checks.values())
    assert checks["acknowledged_recorded_once"]["acknowledged"] == 3
    assert checks["unacknowledged_absent"]["unacknowledged"] == 1


@pytest.mark.parametrize(
    "rows",
    [
        ROWS[:2],  # k2's acknowledged decision lost
        [("k1", "id9", 1), *ROWS[1:]],  # recorded under another id than the answers gave
        [*ROWS, ("load:other", "id7", 3)],  # a row no client sent
    ],
    ids=["lost", "other-id", "unknown-row"],
)
def test_an_acknowledged_decision_must_be_recorded_once_under_its_id(rows: list) -> None:
    assert _passed(rows)["acknowledged_recorded_once"] is False


def test_a_key_recorded_twice_is_a_duplicate() -> None:
    checks = check(REQUESTS, SENT, [*ROWS, ("k2", "id2b", 2)], [])
    assert checks["acknowledged_recorded_once"]["duplicates"] == 1


def test_a_retry_answered_with_another_id_fails() -> None:
    requests = [*REQUESTS, _answer("k1", "id1-again", retry=True)]
    checks = check(requests, SENT, ROWS, [])
    assert checks["acknowledged_recorded_once"]["other_id"] == 1


def test_a_decision_recorded_for_a_call_never_acknowledged_fails() -> None:
    checks = check(REQUESTS, SENT, [*ROWS, ("k3", "id3", 3)], [])
    assert checks["unacknowledged_absent"]["passed"] is False
    assert checks["unacknowledged_absent"]["examples"] == ["k3"]


def test_a_broken_chain_fails() -> None:
    assert _passed(ROWS, ("decision id2 (#3): its hash does not match",))["chain_intact"] is False


def test_decision_counts_tell_retries_revisions_and_replays_apart() -> None:
    counts = decision_counts(REQUESTS, SENT)
    assert (counts["calls_sent"], counts["first_calls"], counts["retries"]) == (7, 3, 3)
    assert (counts["revisions"], counts["replayed_answers"], counts["keys_acknowledged"]) == (
        1, 1, 3)  # fmt: skip
    assert counts["errors"] == {"transport:Timeout": 3}
    assert counts["unanswered"] == 0
