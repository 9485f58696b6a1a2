"""What-if logic by hand, no API: the term, the actionable fields, the grid of amounts, and
reading the largest amount granted out of a batch of decisions."""

from __future__ import annotations

import copy

import pytest

from dashboard.scenario import (
    GRID_SIZE,
    LargestGranted,
    amount_grid,
    changes_table,
    grid_items,
    largest_granted,
    largest_message,
    modified_application,
    term_months,
)
from tests.support.dashboard import APPLICATION, HISTORY


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


def _answer(*recommendations: str) -> list[dict[str, str]]:
    return [{"recommendation": r} for r in recommendations]


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
    # an amount in the review band is left to a person: not counted as granted
    review = largest_granted(amounts, _answer("granted", "review", "review", "refused"))
    assert review.amount == 10.0 and not review.all_granted
    with pytest.raises(ValueError, match="3 results for 4 amounts"):
        largest_granted(amounts, _answer("granted", "granted", "granted"))


def test_largest_messages_say_when_none_or_all_are_granted() -> None:
    found = LargestGranted(amount=690000.0, all_granted=False, low=50000.0, high=1500000.0)
    assert largest_message(found, 500000.0, "en", "€") == (
        "The largest amount the model recommends granting with the same term is "
        "690,000\u00a0€ (amount entered: 500,000\u00a0€)."
    )
    assert "690\u202f000\u202f€" in largest_message(found, 500000.0, "fr", "€")
    none = LargestGranted(amount=None, all_granted=False, low=50000.0, high=1500000.0)
    assert largest_message(none, 500000.0, "en", "€").startswith(
        "The model recommends granting no amount between 50,000\u00a0€"
    )
    every = LargestGranted(amount=1500000.0, all_granted=True, low=50000.0, high=1500000.0)
    assert largest_message(every, 500000.0, "fr", "€").startswith(
        "Le modèle recommande d'accorder tous les montants essayés"
    )


def test_the_changes_are_what_differs_the_derived_field_said_so() -> None:
    client = {"credit": 500000.0, "annuity": 25000.0, "term": 20.0, "income": 1.0e5,
              "goods_price": None}  # fmt: skip
    scenario = {**client, "credit": 600000.0, "annuity": 30000.0, "goods_price": 550000.0}
    table = changes_table(client, scenario, ["credit", "goods_price"], (0.05, 0.0612), "en", "$")
    assert table.to_dict("records") == [
        {"What changed": "Credit amount", "Before": "500,000\u00a0$", "After": "600,000\u00a0$"},
        {
            "What changed": "Loan annuity (same term)",
            "Before": "25,000\u00a0$",
            "After": "30,000\u00a0$",
        },
        {"What changed": "Price of the goods", "Before": "unknown", "After": "550,000\u00a0$"},
        {"What changed": "Estimated risk", "Before": "5.0%", "After": "6.1% (▲ +1.1 points)"},
    ]
    term = {**client, "term": 30.0, "annuity": 500000.0 / 30}
    french = changes_table(client, term, ["term"], (0.05, 0.05), "fr", "€")
    assert list(french["Ce qui change"]) == [
        "Annuité du prêt (même durée)", "Durée", "Risque estimé"
    ]  # fmt: skip
    assert list(french["Après"])[1:] == ["30 mois", "5,0\u202f% (0,0 points)"]
