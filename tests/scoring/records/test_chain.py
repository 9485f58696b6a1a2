"""The decisions' hash chain, pure (scoring/records/chain.py): each kind of tampering is
caught and names the row; a purge, which leaves purged links, keeps the chain verifiable."""

from __future__ import annotations

from typing import Any

import pytest

from scoring.records.chain import GENESIS, Link, Problem, row_hash, verify

Row = dict[str, Any]


def _content(seq: int) -> Row:
    return {
        "seq": seq,
        "decision_id": f"d{seq:02d}",
        "created_at": f"2026-01-{seq:02d}T09:00:00.000000+00:00",
        "client_id": 100000 + seq % 4,
        "probability": 0.01 * seq,
        "final_decision": "granted" if seq % 3 else "refused",
        "reason_codes": '["external_scores.lowers"]',
        "note": None,
    }


def _link(row: Row, previous: str) -> Row:
    """``row`` with its hashes, as it follows ``previous``."""
    linked = {**row, "prev_hash": previous}
    linked["row_hash"] = row_hash(previous, linked)
    return linked


def _chain(length: int = 6) -> list[Row]:
    rows, previous = [], GENESIS
    for seq in range(1, length + 1):
        rows.append(_link(_content(seq), previous))
        previous = rows[-1]["row_hash"]
    return rows


def _head(rows: list[Row]) -> tuple[int, str]:
    return rows[-1]["seq"], rows[-1]["row_hash"]


def _kinds(problems: list[Problem]) -> list[tuple[str, int, str | None]]:
    return [(problem.kind, problem.seq, problem.decision_id) for problem in problems]


def _purged(rows: list[Row], *seqs: int) -> tuple[list[Row], list[Link]]:
    """The chain after a purge of ``seqs``: the rows kept, and the links left."""
    links = [Link(r["seq"], r["decision_id"], r["row_hash"]) for r in rows if r["seq"] in seqs]
    return [r for r in rows if r["seq"] not in seqs], links


def test_an_intact_chain_verifies() -> None:
    rows = _chain()
    assert verify(rows, [], _head(rows)) == []
    assert verify([], [], None) == [], "no decision yet: nothing to break"


def test_the_hash_covers_every_column_but_the_hashes() -> None:
    row = _chain(1)[0]
    assert row_hash(GENESIS, row) == row["row_hash"]
    assert row_hash(GENESIS, {**row, "row_hash": "x", "prev_hash": "y"}) == row["row_hash"]
    for name, value in [("note", "changed"), ("seq", 2), ("probability", 0.0100000001)]:
        assert row_hash(GENESIS, {**row, name: value}) != row["row_hash"], name
    assert row_hash("1" * 64, row) != row["row_hash"], "the previous link is covered too"


@pytest.mark.parametrize(
    ("column", "value"),
    [("final_decision", "granted"), ("probability", 0.5), ("note", "added later")],
)
def test_a_changed_value_is_caught_naming_the_row(column: str, value: object) -> None:
    rows = _chain()
    head = _head(rows)
    rows[2] = {**rows[2], column: value}
    problems = verify(rows, [], head)
    assert _kinds(problems) == [("changed", 3, "d03")]
    assert str(problems[0]) == ("decision d03 (#3): its content was changed after it was recorded")


def test_a_changed_row_given_a_new_hash_breaks_the_link_of_the_next() -> None:
    rows = _chain()
    head = _head(rows)
    rows[2] = _link({**_content(3), "final_decision": "granted"}, rows[1]["row_hash"])
    assert _kinds(verify(rows, [], head)) == [("relinked", 4, "d04")]


def test_a_changed_newest_row_given_a_new_hash_no_longer_matches_the_head() -> None:
    rows = _chain()
    head = _head(rows)
    rows[-1] = _link({**_content(6), "note": "rewritten"}, rows[-2]["row_hash"])
    assert _kinds(verify(rows, [], head)) == [("head", 6, None)]


def test_a_deleted_row_in_the_middle_is_caught_naming_its_number() -> None:
    rows = _chain()
    head = _head(rows)
    del rows[2]
    problems = verify(rows, [], head)
    assert _kinds(problems) == [("deleted", 3, None)]
    assert str(problems[0]) == "#3: this decision was deleted"


def test_a_deleted_newest_row_is_caught_by_the_head() -> None:
    rows = _chain()
    head = _head(rows)
    assert _kinds(verify(rows[:-1], [], head)) == [("deleted", 6, None)]
    assert _kinds(verify(rows[:-2], [], head)) == [("deleted", 5, None), ("deleted", 6, None)]


def test_a_row_inserted_with_a_taken_number_is_caught() -> None:
    rows = _chain()
    forged = _link({**_content(3), "decision_id": "forged"}, rows[1]["row_hash"])
    problems = verify([*rows[:3], forged, *rows[3:]], [], _head(rows))
    assert ("inserted", 3, "forged") in _kinds(problems)
    assert "its number is taken" in str(problems[0])


def test_a_row_inserted_in_the_middle_by_renumbering_is_caught_at_the_next_row() -> None:
    """The forged row may carry good hashes; the row after it no longer follows its link, and
    every renumbered row, whose number its hash covers, reads as changed."""
    rows = _chain()
    head = _head(rows)
    forged = _link({**_content(3), "decision_id": "forged"}, rows[1]["row_hash"])
    shifted = [{**row, "seq": row["seq"] + 1} for row in rows[2:]]
    problems = _kinds(verify([*rows[:2], forged, *shifted], [], head))
    assert ("inserted", 7, "d06") in problems, "the last row now lies beyond the head"
    assert ("relinked", 4, "d03") in problems
    assert {("changed", seq + 1, f"d{seq:02d}") for seq in range(3, 6)} <= set(problems)
    assert not [p for p in problems if p[2] == "forged"], "a well-forged row looks sound"


def test_a_row_inserted_beyond_the_head_is_caught_naming_it() -> None:
    rows = _chain()
    head = _head(rows)
    extra = _link({**_content(7), "decision_id": "late"}, head[1])
    problems = verify([*rows, extra], [], head)
    assert _kinds(problems) == [("inserted", 7, "late")]
    assert str(problems[0]) == ("decision late (#7): it lies beyond the chain's last decision #6")


def test_rows_without_a_head_are_all_beyond_it() -> None:
    rows = _chain(2)
    assert _kinds(verify(rows, [], None)) == [("inserted", 1, "d01"), ("inserted", 2, "d02")]


def test_a_relinked_row_is_caught_naming_it() -> None:
    rows = _chain()
    head = _head(rows)
    rows[3] = _link(_content(4), rows[1]["row_hash"])  # now claims to follow #2, not #3
    problems = verify(rows, [], head)
    assert ("relinked", 4, "d04") in _kinds(problems)
    assert "does not follow the decision before it" in str(problems[0])


def test_a_retention_purge_of_the_oldest_rows_keeps_the_chain_verifiable() -> None:
    rows = _chain()
    kept, links = _purged(rows, 1, 2, 3)
    assert verify(kept, links, _head(rows)) == []


def test_an_erasure_in_the_middle_keeps_the_chain_verifiable() -> None:
    rows = _chain(8)
    client = rows[1]["client_id"]
    erased = [row["seq"] for row in rows if row["client_id"] == client]
    assert erased == [2, 6]
    kept, links = _purged(rows, *erased)
    assert verify(kept, links, _head(rows)) == []


def test_a_purge_of_the_newest_row_keeps_the_head_verifiable() -> None:
    rows = _chain()
    kept, links = _purged(rows, 6)
    assert verify(kept, links, _head(rows)) == []


def test_a_purge_does_not_hide_tampering_elsewhere() -> None:
    rows = _chain()
    head = _head(rows)
    kept, links = _purged(rows, 1, 2)
    kept[1] = {**kept[1], "probability": 0.9}  # seq 4
    del kept[2]  # seq 5
    assert _kinds(verify(kept, links, head)) == [("changed", 4, "d04"), ("deleted", 5, None)]


def test_a_purged_link_with_a_wrong_hash_breaks_the_next_row() -> None:
    rows = _chain()
    kept, links = _purged(rows, 3)
    forged = [Link(3, "d03", "f" * 64)]
    assert verify(kept, links, _head(rows)) == []
    assert _kinds(verify(kept, forged, _head(rows))) == [("relinked", 4, "d04")]


def test_a_row_and_a_purged_link_with_one_number_is_caught() -> None:
    rows = _chain()
    _, links = _purged(rows, 3)
    assert _kinds(verify(rows, links, _head(rows))) == [("inserted", 3, "d03")]
