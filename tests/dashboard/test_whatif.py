"""What-if: the scenario logic by hand, and the view re-scoring through the (fake) API."""

from __future__ import annotations

import copy

import pytest

from dashboard.scenario import (
    GRID_SIZE,
    LargestGranted,
    amount_grid,
    compare_contributions,
    grid_items,
    largest_granted,
    largest_message,
    modified_application,
    term_months,
)
from dashboard.store import DashboardStore, fetch_model_info
from dashboard.whatif import WhatIfView
from tests.dashboard.fake_api import APPLICATION, HISTORY, FakeScoringApi, explanation
from tests.dashboard.helpers import rendered_text


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    fetch_model_info.clear()
    yield
    fetch_model_info.clear()


def test_term_is_credit_over_annuity_and_unknown_without_an_annuity() -> None:
    assert term_months(500000, 25000) == 20
    assert term_months(500000, None) is None and term_months(500000, 0) is None
    assert term_months(None, 25000) is None


def test_only_actionable_fields_change() -> None:
    changed = modified_application(APPLICATION, {"AMT_CREDIT": 1.0, "AMT_INCOME_TOTAL": 2.0})
    assert (changed["AMT_CREDIT"], changed["AMT_INCOME_TOTAL"]) == (1.0, 2.0)
    assert changed["DAYS_BIRTH"] == APPLICATION["DAYS_BIRTH"]
    assert APPLICATION["AMT_CREDIT"] == 500000.0  # the client's own data is untouched
    with pytest.raises(ValueError, match="not actionable in a what-if: DAYS_BIRTH"):
        modified_application(APPLICATION, {"DAYS_BIRTH": -20000})


def test_the_grid_runs_from_10_to_300_percent_of_the_request() -> None:
    amounts = amount_grid(500000)
    assert len(amounts) == GRID_SIZE == 40
    assert (amounts[0], amounts[-1]) == (50000.0, 1500000.0)
    assert amounts == sorted(set(amounts)) and all(a.is_integer() for a in amounts)


def test_grid_items_keep_the_term_and_drop_the_client_id() -> None:
    before = copy.deepcopy((APPLICATION, HISTORY))
    items = grid_items(APPLICATION, HISTORY, [100000.0, 1000000.0])
    for item, credit in zip(items, (100000.0, 1000000.0), strict=True):
        application = item["application"]
        assert application["AMT_CREDIT"] == credit
        assert term_months(application["AMT_CREDIT"], application["AMT_ANNUITY"]) == 20
        assert application["AMT_INCOME_TOTAL"] == APPLICATION["AMT_INCOME_TOTAL"]
        assert "SK_ID_CURR" not in application  # a batch refuses a repeated id
        assert all("SK_ID_CURR" not in row for rows in item["history"].values() for row in rows)
        assert item["history"]["bureau_balance"] == HISTORY["bureau_balance"]
    assert before == (APPLICATION, HISTORY)


def test_grid_items_without_an_annuity_leave_it_unknown() -> None:
    items = grid_items({**APPLICATION, "AMT_ANNUITY": None}, {}, [1.0])
    assert items[0]["application"]["AMT_ANNUITY"] is None


def _answer(*decisions: str) -> list[dict[str, str]]:
    return [{"decision": d} for d in decisions]


def test_largest_granted_amount_from_a_batch_answer() -> None:
    amounts = [10.0, 20.0, 30.0, 40.0]
    some = largest_granted(amounts, _answer("granted", "granted", "refused", "refused"))
    assert some == LargestGranted(amount=20.0, all_granted=False, low=10.0, high=40.0)
    none = largest_granted(amounts, _answer("refused", "refused", "refused", "refused"))
    assert none.amount is None and not none.all_granted
    every = largest_granted(amounts, _answer("granted", "granted", "granted", "granted"))
    assert every.amount == 40.0 and every.all_granted
    # not monotonic (a model can be): still the largest granted amount
    assert (
        largest_granted(amounts, _answer("granted", "refused", "granted", "refused")).amount == 30
    )
    with pytest.raises(ValueError, match="3 results for 4 amounts"):
        largest_granted(amounts, _answer("granted", "granted", "granted"))


def test_largest_messages_say_when_none_or_all_are_granted() -> None:
    found = LargestGranted(amount=690000.0, all_granted=False, low=50000.0, high=1500000.0)
    assert largest_message(found, 500000.0, "en") == (
        "The largest amount granted with the same term is 690,000 (requested 500,000)."
    )
    assert "690\u202f000" in largest_message(found, 500000.0, "fr")
    none = LargestGranted(amount=None, all_granted=False, low=50000.0, high=1500000.0)
    assert largest_message(none, 500000.0, "en").startswith("No amount between 50,000 and")
    every = LargestGranted(amount=1500000.0, all_granted=True, low=50000.0, high=1500000.0)
    assert largest_message(every, 500000.0, "fr").startswith("Tous les montants essayés")


def test_compare_contributions_shows_before_after_and_change() -> None:
    before = explanation(APPLICATION, "en")
    after = explanation({**APPLICATION, "AMT_CREDIT": 900000.0}, "en")
    table = compare_contributions(before, after, "en", top=3)
    assert list(table.columns) == ["Factor", "Before", "After", "Change"]
    row = table.set_index("Factor").loc["Credit amount / client income"]
    assert row["Before"].startswith("▲ +") and row["Change"].startswith("▲ +")
    assert len(table) == 3


# --- the view, through the fake API --------------------------------------------------------


@pytest.fixture
def fake() -> FakeScoringApi:
    return FakeScoringApi()


@pytest.fixture
def view(fake: FakeScoringApi) -> WhatIfView:
    store = DashboardStore(api=fake.api())
    store.select(100002)
    return WhatIfView(store=store)


def test_the_view_starts_from_the_clients_amounts(view: WhatIfView) -> None:
    assert (view.credit, view.annuity, view.term) == (500000.0, 25000.0, 20.0)
    assert (view.income, view.goods_price) == (150000.0, 450000.0)
    view.store.select(1)
    assert view.credit is None and view.result == {}


def test_term_and_annuity_stay_consistent(view: WhatIfView) -> None:
    view.term = 40
    assert view.annuity == 12500.0
    view.credit = 800000.0  # a new amount keeps the term
    assert (view.term, view.annuity) == (40, 20000.0)
    view.annuity = 40000.0
    assert view.term == 20.0


def test_rescoring_sends_the_modified_application_with_the_history(
    fake: FakeScoringApi, view: WhatIfView
) -> None:
    view.credit = 900000.0
    view.score()
    method, path, body = fake.calls[-1]
    assert (method, path) == ("POST", "/explain")
    assert body["application"]["AMT_CREDIT"] == 900000.0
    assert body["application"]["AMT_ANNUITY"] == 45000.0
    assert body["history"] == HISTORY
    assert view.result["decision"] == "refused"
    assert rendered_text(view).count("would be refused") == 1


def test_the_largest_amount_takes_one_batch_call(fake: FakeScoringApi, view: WhatIfView) -> None:
    calls = len(fake.calls)
    view.largest()
    assert fake.paths()[calls:] == ["/predict_batch"]
    assert len(fake.calls[-1][2]["applications"]) == 40
    # the toy model refuses above credit / income = 4.6, i.e. 690,000 for this client
    assert view.outcome.amount == max(a for a in amount_grid(500000) if a / 150000 < 4.6)
    assert "The largest amount granted with the same term is" in rendered_text(view)


def test_an_api_failure_shows_an_alert_and_the_next_click_retries(
    fake: FakeScoringApi, view: WhatIfView
) -> None:
    fake.down = True
    view.score()
    assert view.result == {} and "not reachable" in view.store.error
    assert "not reachable" in rendered_text(view)
    fake.down = False
    view.score()
    assert view.store.error == "" and view.result["decision"] == "granted"


def test_the_scenario_follows_the_language(view: WhatIfView) -> None:
    view.score()
    view.store.language = "fr"
    assert view.result["language"] == "fr"
    assert "La demande serait acceptée" in rendered_text(view)
