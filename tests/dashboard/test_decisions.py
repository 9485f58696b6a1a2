"""Recording decisions from the dashboard, against the real service and its records: one
click follows the recommendation and a double click records once; a supervisor departs from
it, decides a review case or revises, with a reason; an advisor is offered none of that and
the API refuses it anyway; the receipt, the letter, the history and the review queue say it
in the advisor's words."""

from __future__ import annotations

from collections.abc import Callable

import panel as pn
import pytest
from starlette.testclient import TestClient

from dashboard.api import ApiError
from dashboard.app import App
from dashboard.history import history_table
from dashboard.record import RecordView
from dashboard.recording import KEY_PREFIX, Recorder, missing, new_key
from dashboard.review import ReviewView
from dashboard.store import DashboardStore
from scoring.wording.decisions import OVERRIDE_REASONS
from tests.support.dashboard import rendered_text, visible_texts
from tests.support.serving import AUTH

Take = Callable[[str], int]


def _opened(store: DashboardStore, client_id: int) -> Recorder:
    assert store.select(client_id), store.error
    return RecordView(store=store).recorder


def _decide_calls(calls) -> list:
    return [call for call in calls if call.path == "/decisions"]


# --- pure rules ----------------------------------------------------------------------------


def test_each_attempt_gets_a_key_the_api_accepts() -> None:
    key = new_key()
    assert key.startswith(KEY_PREFIX) and 8 <= len(key) <= 128 and new_key() != key


@pytest.mark.parametrize(
    ("recommendation", "final", "reason", "note", "wanted"),
    [
        ("granted", "granted", None, "", None),  # follows the model: nothing to say
        ("granted", "refused", None, "", "needs_reason"),  # departs from it
        ("review", "granted", None, "", "needs_reason"),  # the model left it to a person
        ("review", "refused", "guarantee", "", None),
        ("refused", "granted", "other", "  ", "needs_note"),
        ("refused", "granted", "other", "Savings shown", None),
        ("review", None, "guarantee", "", "needs_final"),
    ],
)
def test_what_the_form_needs_before_it_is_sent(
    recommendation: str, final: str | None, reason: str | None, note: str, wanted: str | None
) -> None:
    assert missing(recommendation, final, reason, note) == wanted


# --- an advisor ----------------------------------------------------------------------------


def test_one_click_follows_the_recommendation_and_a_double_click_records_once(
    advisor: DashboardStore, undecided: Take, records, calls
) -> None:
    client_id = undecided("granted")
    recorder = _opened(advisor, client_id)
    view = RecordView(store=advisor, recorder=recorder)
    text = rendered_text(view)
    assert "Grant the credit, as recommended" in text
    assert "Decide otherwise" not in text  # an advisor is not offered an override
    assert recorder.accept() and recorder.accept()  # the second click of a double click
    sent = _decide_calls(calls)
    assert len(sent) == 2 and sent[0].body == sent[1].body  # the same key: a retry
    assert sent[0].body["final_decision"] == "granted" and sent[0].body["reason"] is None
    assert sent[0].acting_user == "camille"
    assert records.decisions(client_id) == 1
    assert recorder.receipt["replayed"] is True
    assert recorder.receipt["decided_by"].startswith("user:camille via ")
    text = rendered_text(view)
    assert "Decision recorded: credit granted" in text and "By camille, " in text
    assert "The model's recommendation: granted." in text
    assert "the same request, sent twice, was recorded once" in text
    assert "Grant the credit, as recommended" not in text  # decided: nothing left to click
    assert "Only a supervisor can revise a recorded decision." in text


def test_a_refusal_has_its_letter_in_the_advisors_language(
    advisor: DashboardStore, undecided: Take
) -> None:
    recorder = _opened(advisor, undecided("refused"))
    assert recorder.accept()
    advisor.language = "fr"
    view = RecordView(store=advisor, recorder=recorder)
    assert "Télécharger la lettre (PDF)" in visible_texts(view)
    pdf = recorder.letter().read()
    assert pdf.startswith(b"%PDF") and recorder.problem is None


def test_a_review_case_is_left_to_a_supervisor_and_the_api_enforces_it(
    advisor: DashboardStore, undecided: Take, records
) -> None:
    client_id = undecided("review")
    recorder = _opened(advisor, client_id)
    text = rendered_text(RecordView(store=advisor, recorder=recorder))
    assert "Close to the limit: a supervisor decides this case." in text
    assert "as recommended" not in text and "Record this decision" not in text
    assert not recorder.accept()
    # Sent anyway (a tampered page), the API refuses an advisor.
    assert not recorder.record("granted", reason="guarantee")
    assert recorder.problem.key == "decision_forbidden"
    assert "Only a supervisor may record" in recorder.problem_text()
    assert records.decisions(client_id) == 0


# --- a supervisor --------------------------------------------------------------------------


def test_a_supervisor_departs_from_the_recommendation_with_a_reason(
    supervisor: DashboardStore, undecided: Take, records, calls
) -> None:
    client_id = undecided("granted")
    recorder = _opened(supervisor, client_id)
    view = RecordView(store=supervisor, recorder=recorder)
    assert "Decide otherwise" in rendered_text(view)
    recorder.open_form()
    assert recorder.final_decision == "refused"  # the other outcome, preset
    assert not recorder.submit() and recorder.problem.key == "needs_reason"
    assert _decide_calls(calls) == []  # said on screen, nothing sent
    recorder.param.update(reason="affordability", note="Rent not declared")
    assert recorder.submit()
    [sent] = _decide_calls(calls)
    assert (sent.body["reason"], sent.body["note"], sent.body["revises"]) == (
        "affordability", "Rent not declared", None
    )  # fmt: skip
    assert records.decisions(client_id) == 1 and not recorder.editing
    assert not recorder.submit() and recorder.problem is None  # a double click's second click
    assert len(_decide_calls(calls)) == 1
    supervisor.language = "fr"
    text = rendered_text(view)
    assert "Décision enregistrée : crédit refusé" in text
    assert "Recommandation du modèle : accordé." in text
    assert f"Motif : {OVERRIDE_REASONS['affordability']['fr']}" in text
    assert "Note : Rent not declared" in text


def test_a_supervisor_decides_a_review_case_and_revises_it(
    supervisor: DashboardStore, undecided: Take, records, calls
) -> None:
    client_id = undecided("review")
    recorder = _opened(supervisor, client_id)
    text = rendered_text(RecordView(store=supervisor, recorder=recorder))
    assert "Decide this case" in text and "as recommended" not in text  # the form, open
    recorder.param.update(final_decision="granted", reason="guarantee")
    assert recorder.submit()
    first = recorder.current
    recorder.open_form()
    assert recorder.final_decision == "refused"
    recorder.param.update(reason="other", note="Guarantor withdrew")
    assert recorder.submit()
    revision = _decide_calls(calls)[-1]
    assert revision.body["revises"] == first["decision_id"]
    assert records.decisions(client_id) == 2
    table = history_table(supervisor.decisions, "fr", supervisor.timezone)
    assert list(table["Décision"]) == ["refusé (actuelle)", "accordé (révisée ensuite)"]
    model = supervisor.explanation["model"].replace(":", ":\u200b")  # may wrap after its name
    assert all(
        cell.startswith("à examiner par une personne (risque ") and cell.endswith(f"{model})")
        for cell in table["Recommandation du modèle"]
    )
    assert list(table["Par"]) == ["marie", "marie"]
    assert table["Pourquoi"][0] == f"{OVERRIDE_REASONS['other']['fr']} — « Guarantor withdrew »"
    assert all(
        " à " in when and "20" in when for when in table["Quand"]
    )  # "7 décembre 2026 à 10:14"
    card = rendered_text(RecordView(store=supervisor, recorder=recorder))
    assert "This decision revises the one of " in card


def test_a_decision_made_meanwhile_elsewhere_is_a_conflict_shown_then_current(
    api, people: dict[str, str], undecided: Take
) -> None:
    client_id = undecided("refused")
    here = DashboardStore(api=api.acting_for(people["supervisor"]), role="supervisor")
    recorder = _opened(here, client_id)
    elsewhere = DashboardStore(api=api.acting_for(people["advisor"]), role="advisor")
    assert _opened(elsewhere, client_id).accept()  # another session decided first
    assert not recorder.accept()  # this page still showed no decision
    assert recorder.problem.key == "decision_conflict"
    assert recorder.current is not None  # the history was read again: now shown


# --- the review queue and the app ----------------------------------------------------------


def test_the_review_queue_lists_waiting_applications_and_opens_them(
    supervisor: DashboardStore, advisor: DashboardStore, undecided: Take,
    asgi_client: TestClient,
) -> None:  # fmt: skip
    client_id = undecided("review")
    # Scored as a real application by another channel (a branch system, not the dashboard).
    answer = asgi_client.post(
        "/predict", json={"client_id": client_id, "purpose": "application"}, headers=AUTH
    )
    assert answer.json()["recommendation"] == "review"
    view = ReviewView(store=supervisor)
    assert view.load()
    assert client_id in [item["client_id"] for item in view.queue["pending"]]
    text = rendered_text(view)
    assert f"Open {client_id}" in text and "Applications close to the limit" in text
    supervisor.language = "fr"
    assert f"Ouvrir {client_id}" in rendered_text(view)
    [opener] = [b for b in view._content().select(pn.widgets.Button) if str(client_id) in b.label]
    opener.clicks += 1
    assert supervisor.client_id == client_id and supervisor.explanation
    refused = ReviewView(store=advisor)
    assert not refused.load()
    assert refused.problem.key == "review_forbidden"
    assert "The review queue is for supervisors." in rendered_text(refused)


def test_the_header_names_the_person_and_only_a_supervisor_gets_the_queue(
    supervisor: DashboardStore, advisor: DashboardStore
) -> None:
    assert "Review queue" in visible_texts(App(store=supervisor))
    assert "Review queue" not in visible_texts(App(store=advisor))
    assert "camille, advisor · Log out" in rendered_text(App(store=advisor))
    advisor.language = "fr"
    assert "camille, conseiller · Se déconnecter" in rendered_text(App(store=advisor))


def test_an_api_refusal_of_a_person_is_said_not_thrown(api, undecided: Take) -> None:
    """A person the service does not know (disabled since signing in) gets a sentence."""
    store = DashboardStore(api=api.acting_for("nobody-here"), role="advisor")
    assert not store.select(undecided("granted"))
    assert "does not know your account as active" in store.error
    with pytest.raises(ApiError):
        api.acting_for("nobody-here").decision_history(1)
