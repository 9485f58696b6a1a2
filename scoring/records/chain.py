"""The decisions' hash chain, pure: how a row's hash is made, and how a chain is checked.

Each decision's ``row_hash`` is the SHA-256 of the previous link's hash and of the row's
canonical content (every column but the two hashes, the sequence number included), so:

- a changed value no longer gives the row's hash;
- a deleted row leaves a gap in the sequence, and the next row's ``prev_hash`` no longer
  matches the link before it;
- an inserted row either repeats a sequence number (refused by the primary key), breaks the
  link of the row after it, or lies beyond the chain head (``chain_head``, written with every
  decision), which also catches deleting the newest rows.

A purge leaves a *purged link* (sequence number, decision id, hash: nothing personal) for each
row it removes, so the chain still verifies across it. The chain shows tampering by whoever
cannot rewrite the whole table and its head together; docs/records.md says how to keep the
head's hash outside the database against that.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64  # the link before the first decision
# The columns a row's hash covers, fixed: a column a later migration adds is not hashed, so
# older rows still verify (hashing it too would need a chain version of its own).
HASHED_FIELDS = (
    "seq", "decision_id", "created_at", "client_id", "input_hash", "model_tag", "threshold",
    "review_band", "probability", "recommendation", "final_decision", "decided_by", "reason",
    "note", "reason_codes", "language", "idempotency_key", "revises",
)  # fmt: skip


def row_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """The hash a decision row must carry, given the link before it."""
    content = {name: row[name] for name in HASHED_FIELDS if name in row}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(f"{prev_hash}|{canonical}".encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    """A purged row's place in the chain."""

    seq: int
    decision_id: str
    row_hash: str


@dataclass(frozen=True)
class Problem:
    """One break in the chain, naming the row."""

    seq: int
    decision_id: str | None
    kind: str  # changed, deleted, inserted, relinked, head
    detail: str

    def __str__(self) -> str:
        name = f"decision {self.decision_id} (#{self.seq})" if self.decision_id else f"#{self.seq}"
        return f"{name}: {self.detail}"


def verify(
    rows: Iterable[Mapping[str, Any]],
    purged: Iterable[Link],
    head: tuple[int, str] | None,
) -> list[Problem]:
    """Every break in the chain made of ``rows`` (with their hashes), the purged links and the
    head (``(seq, row_hash)``, None when no decision was ever recorded)."""
    by_seq: dict[int, Mapping[str, Any] | Link] = {link.seq: link for link in purged}
    problems: list[Problem] = []
    for row in rows:
        seq = int(row["seq"])
        if seq in by_seq:
            problems.append(Problem(seq, row["decision_id"], "inserted", "its number is taken"))
        by_seq[seq] = row
    last = head[0] if head else 0
    problems += [
        Problem(seq, _id(item), "inserted", f"it lies beyond the chain's last decision #{last}")
        for seq, item in sorted(by_seq.items())
        if seq > last or seq < 1
    ]
    previous = GENESIS
    for seq in range(1, last + 1):
        item = by_seq.get(seq)
        if item is None:
            problems.append(Problem(seq, None, "deleted", "this decision was deleted"))
            previous = ""  # unknown: the next link cannot be checked against it
            continue
        if isinstance(item, Link):
            previous = item.row_hash
            continue
        problems += _check_row(seq, item, previous)
        previous = str(item["row_hash"])
    if head and previous and previous != head[1]:
        problems.append(
            Problem(last, None, "head", "the chain's head does not match its last decision")
        )
    return problems


def _check_row(seq: int, row: Mapping[str, Any], previous: str) -> list[Problem]:
    problems = []
    decision_id = str(row["decision_id"])
    if previous and row["prev_hash"] != previous:
        problems.append(
            Problem(
                seq,
                decision_id,
                "relinked",
                "it does not follow the decision before it (one was inserted or deleted)",
            )
        )
    if row_hash(str(row["prev_hash"]), row) != row["row_hash"]:
        problems.append(
            Problem(seq, decision_id, "changed", "its content was changed after it was recorded")
        )
    return problems


def _id(item: Mapping[str, Any] | Link) -> str:
    return item.decision_id if isinstance(item, Link) else str(item["decision_id"])
