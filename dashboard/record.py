"""Recording the decision for the client on screen, and the decision already recorded.

Under the recommendation: one click to follow it (granted or refused); for a supervisor, a
form to decide otherwise, decide a case in the review band, or revise a recorded decision,
with a reason from the shared list and a note. Once recorded, the receipt says who decided,
when, on which model and why, and a refusal's letter can be downloaded in the advisor's
language. The state and the rules are :mod:`dashboard.recording`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import panel as pn
import param
from panel.viewable import Viewer

from dashboard.charts import ACCEPTANCE, REFUSAL, TEXT
from dashboard.formatting import moment
from dashboard.people import person
from dashboard.recording import Recorder, current_decision
from dashboard.store import DashboardStore
from dashboard.wording import word
from scoring.policy import REVIEW
from scoring.wording import Language
from scoring.wording.decisions import OVERRIDE_REASONS, outcome, override_reason

SYMBOLS = {"granted": ("✔", ACCEPTANCE), "refused": ("✖", REFUSAL)}


def _line(text: str) -> str:
    return html.escape(text, quote=False)


def decision_card(
    record: Mapping[str, Any],
    language: Language,
    zone: str,
    history: Mapping[str, Any] | None = None,
    replayed: bool = False,
) -> str:
    """A recorded decision as HTML: what, who, when, on which model, and why."""
    symbol, colour = SYMBOLS[record["final_decision"]]
    title = word("current_decision", language, outcome=outcome(record["final_decision"], language))
    lines = [
        word(
            "decided_by",
            language,
            person=person(record["decided_by"], language),
            when=moment(record["created_at"], language, zone),
            model=record["model"],
        ),
        word("recommended", language, outcome=outcome(record["recommendation"], language)),
    ]
    if record.get("reason"):
        lines.append(
            word("decision_reason", language, reason=override_reason(record["reason"], language))
        )
    if record.get("note"):
        lines.append(word("decision_note", language, note=record["note"]))
    revised = current_decision({**(history or {}), "current": record.get("revises")})
    if revised is not None:
        lines.append(
            word("revises_note", language, when=moment(revised["created_at"], language, zone))
        )
    lines.append(word("reference", language, id=record["decision_id"][:8]))
    if replayed:
        lines.append(word("replayed", language))
    body = "<br>".join(_line(line) for line in lines)
    return (
        f'<div style="border-left: 8px solid {colour}; padding: 4px 12px; color: {TEXT}">'
        f"<strong>{symbol} {_line(title)}</strong><br>{body}</div>"
    )


class RecordView(Viewer):
    """The decision panel: follow the recommendation, decide otherwise, or the record made."""

    store = param.ClassSelector(class_=DashboardStore, doc="The session's state.")
    recorder = param.ClassSelector(class_=Recorder, doc="The decision being recorded.")

    def __init__(self, **params: Any) -> None:
        if "recorder" not in params:
            params["recorder"] = Recorder(store=params["store"])
        super().__init__(**params)

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(self._content, self._problem, sizing_mode="stretch_width")

    @param.depends(
        "store.explanation",
        "store.decisions",
        "store.language",
        "recorder.editing",
        "recorder.receipt",
    )
    def _content(self) -> pn.viewable.Viewable:
        store, recorder = self.store, self.recorder
        if not store.explanation:
            return pn.Column()  # the recommendation above says why there is nothing to show
        language = store.language
        parts: list[Any] = [pn.pane.Markdown(f"### {word('record_title', language)}")]
        current = recorder.current
        if current is not None:
            replayed = bool(recorder.receipt.get("replayed")) and (
                recorder.receipt.get("decision_id") == current["decision_id"]
            )
            card = decision_card(current, language, store.timezone, store.decisions, replayed)
            parts.append(pn.pane.HTML(card, sizing_mode="stretch_width"))
            if current["final_decision"] == "refused":
                parts.append(self._letter(current, language))
            if not store.supervisor:
                parts.append(pn.pane.Markdown(word("advisor_cannot_revise", language)))
        else:
            parts += self._accept(language)
        if recorder.can_decide_otherwise():
            parts.append(self._otherwise(current, language))
        return pn.Column(*parts, sizing_mode="stretch_width")

    def _accept(self, language: Language) -> list[Any]:
        recommendation = self.recorder.recommendation
        if recommendation == REVIEW:
            if self.store.supervisor:
                return []  # the form below is how a review case is decided
            return [pn.pane.Alert(word("review_for_supervisor", language), alert_type="warning")]
        button = pn.widgets.Button(
            label=word(f"accept_{recommendation}", language), button_type="primary"
        )
        button.on_click(lambda _: self.recorder.accept())
        return [button, pn.pane.Markdown(word("accept_hint", language), styles={"color": TEXT})]

    def _otherwise(self, current: Mapping[str, Any] | None, language: Language) -> Any:
        """The supervisor's form, open for a review case, behind a button otherwise."""
        recorder = self.recorder
        review_case = recorder.review_case()
        if not recorder.form_shown():
            opener = pn.widgets.Button(
                label=word("revise" if current else "decide_otherwise", language),
                button_type="default",
            )
            opener.on_click(lambda _: recorder.open_form())
            return opener
        final = pn.widgets.Select.from_param(
            recorder.param.final_decision,
            name=word("final_decision", language),
            options={
                word("choose_final", language): None,
                word("grant", language): "granted",
                word("refuse", language): "refused",
            },
            description=None,  # a parameter's doc is for developers, in English
        )
        reasons = {word("choose_reason", language): None}
        reasons.update({text[language]: code for code, text in OVERRIDE_REASONS.items()})
        reason = pn.widgets.Select.from_param(
            recorder.param.reason, name=word("reason", language), options=reasons,
            sizing_mode="stretch_width", description=None,
        )  # fmt: skip
        note = pn.widgets.TextAreaInput.from_param(
            recorder.param.note, name=word("note", language),
            placeholder=word("note_hint", language), sizing_mode="stretch_width",
            description=None,
        )  # fmt: skip
        submit = pn.widgets.Button(label=word("record", language), button_type="primary")
        submit.on_click(lambda _: recorder.submit())
        buttons = [submit]
        if not review_case:
            cancel = pn.widgets.Button(label=word("cancel", language))
            cancel.on_click(lambda _: recorder.close_form())
            buttons.append(cancel)
        title = "decide_review" if review_case else ("revise" if current else "decide_otherwise")
        return pn.Column(
            pn.pane.Markdown(f"**{word(title, language)}**"),
            final, reason, note, pn.Row(*buttons),
            sizing_mode="stretch_width",
            styles={"border": "1px solid #D0D5DA", "padding": "4px 12px", "max-width": "720px"},
        )  # fmt: skip

    def _letter(self, current: Mapping[str, Any], language: Language) -> pn.widgets.FileDownload:
        filename = f"letter-{current['client_id']}-{current['decision_id'][:8]}-{language}.pdf"
        return pn.widgets.FileDownload(
            callback=self.recorder.letter,
            filename=filename,
            label=word("letter", language),
            button_type="default",
            embed=False,
        )

    @param.depends("recorder.problem", "store.language")
    def _problem(self) -> pn.viewable.Viewable:
        text = self.recorder.problem_text()
        if not text:
            return pn.Column()
        return pn.pane.Alert(f"⚠ {html.escape(text, quote=False)}", alert_type="danger")
