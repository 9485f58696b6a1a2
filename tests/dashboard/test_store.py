"""The session state: selecting a client, errors instead of exceptions, recovery, language."""

from __future__ import annotations

import pytest

from dashboard.store import MAX_RECENT, DashboardStore, fetch_model_info
from tests.dashboard.fake_api import TAG, FakeScoringApi


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    """``fetch_model_info`` is cached per API object for the process: not across tests."""
    fetch_model_info.clear()
    yield
    fetch_model_info.clear()


@pytest.fixture
def fake() -> FakeScoringApi:
    return FakeScoringApi()


@pytest.fixture
def store(fake: FakeScoringApi) -> DashboardStore:
    return DashboardStore(api=fake.api())


def test_selecting_a_client_loads_its_data_and_explanation(store: DashboardStore) -> None:
    assert store.select(100002)
    assert store.client_id == 100002 and store.error == ""
    assert store.client["application"]["AMT_CREDIT"] == 500000.0
    assert store.explanation["decision"] == "granted" and store.explanation["language"] == "en"
    assert store.model_info["tag"] == TAG
    assert store.recent == [100002]


def test_setting_the_client_id_loads_it_too(store: DashboardStore) -> None:
    """The URL (?client=) sets the parameter directly: the watcher does the loading."""
    store.client_id = 100002
    assert store.explanation["client_id"] == 100002
    store.client_id = None
    assert store.client == {} and store.explanation == {}


def test_an_unknown_client_is_an_error_message_not_an_exception(store: DashboardStore) -> None:
    store.select(100002)
    assert not store.select(1)
    assert store.error == "Client 1 is unknown."
    assert store.client == {} and store.explanation == {}  # nothing stale next to the error
    assert store.recent == [100002]


def test_the_app_recovers_when_the_api_comes_back(
    fake: FakeScoringApi, store: DashboardStore
) -> None:
    fake.down = True
    assert not store.select(100002)
    assert "is not reachable (is it running?)" in store.error
    fake.down = False
    assert store.select(100002)  # selecting the same client again is the retry
    assert store.error == "" and store.explanation["client_id"] == 100002


def test_the_language_switch_asks_the_api_for_reasons_in_french(
    fake: FakeScoringApi, store: DashboardStore
) -> None:
    store.select(100002)
    english = store.explanation["reasons"]["towards_refusal"][0]["text"]
    store.language = "fr"
    french = store.explanation["reasons"]["towards_refusal"][0]["text"]
    assert english.endswith("the risk.") and french.endswith("le risque.")
    assert store.explanation["contributions"][0]["label"] == "Score externe 3"
    assert fake.calls[-1][2] == {"client_id": 100002, "language": "fr"}


def test_a_failed_language_switch_shows_the_error_not_stale_reasons(
    fake: FakeScoringApi, store: DashboardStore
) -> None:
    store.select(100002)
    fake.unavailable = "audit store unavailable"
    store.language = "fr"
    assert store.explanation == {} and "audit store unavailable" in store.error


def test_recent_clients_are_unique_newest_first_and_bounded(store: DashboardStore) -> None:
    store.recent = list(range(200000, 200000 + MAX_RECENT))
    store.select(100002)
    store.select(1)  # unknown: not remembered
    assert store.recent[0] == 100002 and len(store.recent) == MAX_RECENT
    store.select(100002)
    assert store.recent.count(100002) == 1


def test_model_info_is_fetched_once_for_every_session(fake: FakeScoringApi) -> None:
    api = fake.api()
    first, second = DashboardStore(api=api), DashboardStore(api=api)
    assert first.load_model_info() and second.load_model_info()
    first.select(100002)
    assert fake.paths().count("/model") == 1
    assert second.model_info["threshold"] == first.model_info["threshold"]


def test_a_failed_model_fetch_is_retried(fake: FakeScoringApi, store: DashboardStore) -> None:
    fake.down = True
    assert not store.load_model_info() and store.error
    fake.down = False
    assert store.load_model_info() and store.error == "" and store.model_info["tag"] == TAG


def test_the_snapshot_is_declared_for_the_peers_view(store: DashboardStore) -> None:
    assert store.snapshot is None
    assert "peer" in store.param["snapshot"].doc
