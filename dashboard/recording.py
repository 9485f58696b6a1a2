"""Recording the decision on the client shown: an act of its own, made once, that names who
decided, why, and on which model (``POST /decisions``). No UI code: :mod:`dashboard.record`
shows it.

Each attempt (what is decided, why, and what it revises) gets one idempotency key, kept
while the attempt is the same: a double click, or a retry after a timeout, sends the same
key, and the API returns the decision already recorded instead of deciding twice. A
different attempt gets a new key. What a role may do is offered here and enforced by the
API: an advisor follows the recommendation; a supervisor may also depart from it, decide a
case in the review band, and revise a decision.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import param

from dashboard.api import ApiError
from dashboard.store import DashboardStore, Message, Said
from scoring.policy import GRANTED, REFUSED, REVIEW, needs_reason
from scoring.wording.decisions import NOTE_REQUIRED, OVERRIDE_REASONS

FINAL_DECISIONS = (GRANTED, REFUSED)
KEY_PREFIX = "dashboard:"


@dataclass(frozen=True)
class Attempt:
    """One decision as asked: the same attempt sent again is a retry, never a new act."""

    client_id: int
    final_decision: str
    reason: str | None
    note: str | None
    revises: str | None
    language: str


def new_key() -> str:
    """An idempotency key the API accepts (8-128 of ``[A-Za-z0-9._:-]``), unique per attempt."""
    return f"{KEY_PREFIX}{uuid.uuid4().hex}"


def current_decision(decisions: Mapping[str, Any]) -> dict[str, Any] | None:
    """The client's current decision in a ``/decisions/history`` answer, if any."""
    current = decisions.get("current")
    return next((d for d in decisions.get("decisions", ()) if d["decision_id"] == current), None)


def missing(
    recommendation: str, final_decision: str | None, reason: str | None, note: str | None
) -> str | None:
    """What the form still needs before it can be sent (a wording key), or None."""
    if final_decision not in FINAL_DECISIONS:
        return "needs_final"
    if reason is None and needs_reason(recommendation, final_decision):
        return "needs_reason"
    if reason in NOTE_REQUIRED and not (note or "").strip():
        return "needs_note"
    return None


class Recorder(param.Parameterized):
    """The decision being recorded for the store's client: the form, the receipt, the problem."""

    store = param.ClassSelector(class_=DashboardStore, doc="The session's state.")
    final_decision = param.Selector(
        default=None, objects=list(FINAL_DECISIONS), allow_None=True, doc="Granted or refused."
    )
    reason = param.Selector(
        default=None,
        objects=list(OVERRIDE_REASONS),
        allow_None=True,
        doc="Why a person departs from the recommendation, or decides a review case.",
    )
    note = param.String(default="", doc="Free text; required with the reason 'other'.")
    editing = param.Boolean(default=False, doc="Whether the decide-otherwise form is open.")
    receipt = param.Dict(default={}, doc="The API's receipt of the decision recorded here.")
    problem = param.Parameter(default=None, doc="Why the last act failed (Said), or None.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._attempt: Attempt | None = None
        self._key = ""

    @property
    def current(self) -> dict[str, Any] | None:
        """The client's current decision, if one is recorded."""
        return current_decision(self.store.decisions)

    @property
    def recommendation(self) -> str:
        return str(self.store.explanation.get("recommendation", ""))

    def can_accept(self) -> bool:
        """One click follows the recommendation: any role, no decision yet, not a review case."""
        return self.current is None and self.recommendation in FINAL_DECISIONS

    def can_decide_otherwise(self) -> bool:
        """A supervisor may depart from the recommendation, decide a review case, or revise."""
        return self.store.supervisor and bool(self.recommendation)

    def review_case(self) -> bool:
        """An undecided case in the review band: a supervisor decides it with the form."""
        return self.current is None and self.recommendation == REVIEW

    def form_shown(self) -> bool:
        """Whether the decide-otherwise form is on screen (a supervisor's only)."""
        return self.can_decide_otherwise() and (self.editing or self.review_case())

    def open_form(self) -> None:
        """Open the form, preset to the other outcome than the one recommended or recorded."""
        current = self.current
        shown = current["final_decision"] if current else self.recommendation
        other = {GRANTED: REFUSED, REFUSED: GRANTED}.get(shown)
        self.param.update(editing=True, final_decision=other, reason=None, note="", problem=None)

    def close_form(self) -> None:
        self.param.update(editing=False, final_decision=None, reason=None, note="")

    def accept(self) -> bool:
        """Record the recommended outcome. A second click (a double click, or a retry after a
        timeout) sends the same attempt with the same key: the API answers with the record
        already made, and the receipt says so."""
        if not (self.can_accept() or self._sent(self.recommendation)):
            return False
        return self.record(self.recommendation)

    def _sent(self, final_decision: str) -> bool:
        """Whether following the recommendation is the attempt this page last sent."""
        last = self._attempt
        return (
            last is not None
            and last.client_id == self.store.client_id
            and (last.final_decision, last.reason, last.note, last.revises)
            == (final_decision, None, None, None)
            and last.language == self.store.language
        )

    def submit(self) -> bool:
        """Record the form's decision, revising the current one if there is one. A click left
        over from a form already sent (a double click) does nothing."""
        if not self.form_shown():
            return False
        wanted = missing(self.recommendation, self.final_decision, self.reason, self.note)
        if wanted is not None:
            self.problem = Message(wanted, {})
            return False
        current = self.current
        recorded = self.record(
            str(self.final_decision),
            reason=self.reason,
            note=self.note.strip() or None,
            revises=current["decision_id"] if current else None,
        )
        if recorded:
            self.close_form()
        return recorded

    def record(
        self,
        final_decision: str,
        *,
        reason: str | None = None,
        note: str | None = None,
        revises: str | None = None,
    ) -> bool:
        """Send one attempt with its key; on success keep the receipt and re-read the history."""
        store = self.store
        if store.client_id is None:
            return False
        attempt = Attempt(store.client_id, final_decision, reason, note, revises, store.language)
        if attempt != self._attempt:
            self._attempt, self._key = attempt, new_key()
        try:
            receipt = store.api.decide(
                attempt.client_id,
                final_decision,
                self._key,
                reason=reason,
                note=note,
                revises=revises,
                language=store.language,
            )
        except ApiError as error:
            self.problem = error
            if error.key == "decision_conflict":
                store.reload_decisions()  # show what is current now
            return False
        self.param.update(receipt=receipt, problem=None)
        store.reload_decisions()
        return True

    def letter(self) -> io.BytesIO:
        """The current refusal's letter in the advisor's language (FileDownload's callback).

        On failure the problem is shown and the error raised, so nothing is downloaded.
        """
        current = self.current
        if current is None:
            raise ValueError("no decision to write a letter for")
        try:
            pdf = self.store.api.letter(current["decision_id"], self.store.language)
        except ApiError as error:
            self.problem = error
            raise
        self.problem = None
        return io.BytesIO(pdf)

    @param.depends("final_decision", "reason", "note", watch=True)
    def _edited(self) -> None:
        """What the form lacked is no longer said once the person changes it."""
        if isinstance(self.problem, Message):
            self.problem = None

    @param.depends("store.client_id", watch=True)
    def _reset(self) -> None:
        """Another client: nothing of the last one's attempt, key or receipt stays."""
        self._attempt, self._key = None, ""
        self.param.update(
            receipt={}, problem=None, editing=False, final_decision=None, reason=None, note=""
        )

    def problem_text(self) -> str:
        """The problem in the current language, or ""."""
        said: Said | None = self.problem
        return said.text(self.store.language) if said is not None else ""
