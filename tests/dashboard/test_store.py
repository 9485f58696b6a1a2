"""The session state against the real service: selecting a client, errors instead of
exceptions, recovery when the API comes back, the language of the reasons."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.api import CreditApi
from dashboard.store import MAX_RECENT, DashboardStore
from tests.support.serving import TOKEN, LiveService, Sent


@pytest.fixture
def store(api: CreditApi) -> DashboardStore:
    return DashboardStore(api=api)


def test_selecting_a_client_loads_its_data_and_explanation(
    store: DashboardStore,
    api: CreditApi,
    known_client: int,
    model_tag: str,
    model_dataset: dict[str, pd.DataFrame],
) -> None:
    assert store.select(known_client)
    assert store.client_id == known_client and store.error == ""
    train = model_dataset["application_train"].set_index("SK_ID_CURR")
    assert store.client["application"]["AMT_CREDIT"] == pytest.approx(
        train.loc[known_client, "AMT_CREDIT"]
    )
    recommendation = api.predict(known_client, purpose="view")["recommendation"]
    assert store.explanation["recommendation"] == recommendation
    assert store.explanation["language"] == "en"
    assert store.model_info["tag"] == model_tag
    assert store.recent == [known_client]


def test_setting_the_client_id_loads_it_too(store: DashboardStore, known_client: int) -> None:
    """The URL (?client=) sets the parameter directly: the watcher does the loading."""
    store.client_id = known_client
    assert store.explanation["client_id"] == known_client
    store.client_id = None
    assert store.client == {} and store.explanation == {}


def test_an_unknown_client_is_an_error_message_not_an_exception(
    store: DashboardStore, known_client: int, unknown_client: int
) -> None:
    store.select(known_client)
    assert not store.select(unknown_client)
    assert store.error == f"Client {unknown_client} is unknown."
    assert store.client == {} and store.explanation == {}  # nothing stale next to the error
    assert store.recent == [known_client]


def test_the_app_recovers_when_the_api_comes_back(live: LiveService, known_client: int) -> None:
    store = DashboardStore(api=CreditApi(live.url, TOKEN))
    live.stop()
    assert not store.select(known_client)
    assert "is not reachable (is it running?)" in store.error
    live.start()
    assert store.select(known_client)  # selecting the same client again is the retry
    assert store.error == "" and store.explanation["client_id"] == known_client


def test_the_language_switch_asks_the_api_for_reasons_in_french(
    store: DashboardStore, sent: list[Sent], known_client: int
) -> None:
    store.select(known_client)
    english = [r["text"] for r in store.explanation["reasons"]]
    labels = {g["code"]: g["label"]["fr"] for g in store.model_info["groups"]}
    store.language = "fr"
    french = [r["text"] for r in store.explanation["reasons"]]
    assert english and all(text.endswith("the risk.") for text in english)
    assert len(french) == len(english) and all(text.endswith("le risque.") for text in french)
    assert all(g["label"] == labels[g["code"]] for g in store.explanation["groups"])
    assert sent[-1].body == {"client_id": known_client, "language": "fr", "purpose": "view"}


def test_an_error_is_said_again_in_the_new_language(
    unreachable: CreditApi, known_client: int
) -> None:
    store = DashboardStore(api=unreachable)
    assert not store.select(known_client)
    assert store.error.endswith("is not reachable (is it running?).")
    store.language = "fr"
    assert store.error.endswith("est injoignable (est-il démarré ?).")
    store.complain("not_an_id", text="abc")
    store.language = "en"
    assert store.error == "'abc' is not a client ID: type digits only."


def test_a_failed_language_switch_shows_the_error_not_stale_reasons(
    store: DashboardStore, known_client: int, audit_locked
) -> None:
    store.select(known_client)
    with audit_locked():
        store.language = "fr"
    assert store.explanation == {} and "records database unavailable" in store.error


def test_recent_clients_are_unique_newest_first_and_bounded(
    store: DashboardStore, known_client: int, unknown_client: int
) -> None:
    store.recent = list(range(200000, 200000 + MAX_RECENT))
    store.select(known_client)
    store.select(unknown_client)  # unknown: not remembered
    assert store.recent[0] == known_client and len(store.recent) == MAX_RECENT
    store.select(known_client)
    assert store.recent.count(known_client) == 1


def test_model_info_is_fetched_once_for_every_session(
    api: CreditApi, sent: list[Sent], known_client: int
) -> None:
    first, second = DashboardStore(api=api), DashboardStore(api=api)
    assert first.load_model_info() and second.load_model_info()
    first.select(known_client)
    assert [s.path for s in sent].count("/model") == 1
    assert second.model_info["threshold"] == first.model_info["threshold"]


def test_a_failed_model_fetch_is_retried(live: LiveService, model_tag: str) -> None:
    store = DashboardStore(api=CreditApi(live.url, TOKEN))
    live.stop()
    assert not store.load_model_info() and "not reachable" in store.error
    live.start()
    assert store.load_model_info() and store.error == ""
    assert store.model_info["tag"] == model_tag
