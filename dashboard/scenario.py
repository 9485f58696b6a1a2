"""The what-if logic, in plain functions tested without a browser.

A scenario is the client's application with new actionable amounts, re-scored by the API
with the client's stored history, so its answer is exactly what the API would recommend. The
advisor's first question, "how much could this client borrow?", is one /predict_batch call
over a grid of amounts with the term kept, rather than forty round trips.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboard.formatting import column_label, points
from dashboard.wording import word
from scoring.wording import Language
from scoring.wording.formats import amount, number, percent, unknown

# The fields an advisor can act on with the client; the term is credit / annuity.
ACTIONABLE: dict[str, str] = {
    "credit": "AMT_CREDIT",
    "annuity": "AMT_ANNUITY",
    "income": "AMT_INCOME_TOTAL",
    "goods_price": "AMT_GOODS_PRICE",
}
FIELDS = ("credit", "annuity", "term", "income", "goods_price")  # in the form's order
GRID_SIZE = 40
GRID_LOW, GRID_HIGH = 0.1, 3.0  # share of the credit entered


def term_months(credit: float | None, annuity: float | None) -> float | None:
    """The term in months, credit / annuity; unknown without both (or a zero annuity)."""
    if credit is None or not annuity:
        return None
    return credit / annuity


def modified_application(
    application: Mapping[str, Any], changes: Mapping[str, float | None]
) -> dict[str, Any]:
    """The application with new values for actionable columns only."""
    unknown = sorted(set(changes) - set(ACTIONABLE.values()))
    if unknown:
        raise ValueError(f"not actionable in a what-if: {', '.join(unknown)}")
    return {**application, **changes}


def amount_grid(
    credit: float, count: int = GRID_SIZE, low: float = GRID_LOW, high: float = GRID_HIGH
) -> list[float]:
    """``count`` whole amounts from ``low`` to ``high`` times the requested ``credit``."""
    return [float(round(x)) for x in np.linspace(low * credit, high * credit, count)]


def grid_items(
    application: Mapping[str, Any],
    history: Mapping[str, Sequence[Mapping[str, Any]]],
    amounts: Sequence[float],
) -> list[dict[str, Any]]:
    """One /predict_batch item per amount, the term (annuity / credit) kept fixed.

    The client ID is left out of every copy: a batch refuses a repeated SK_ID_CURR, and
    the score does not depend on it.
    """
    ratio = _ratio(application.get("AMT_ANNUITY"), application.get("AMT_CREDIT"))
    base = {k: v for k, v in application.items() if k != "SK_ID_CURR"}
    anonymous = {
        name: [{k: v for k, v in row.items() if k != "SK_ID_CURR"} for row in rows]
        for name, rows in history.items()
    }
    return [
        {
            "application": {
                **base,
                "AMT_CREDIT": credit,
                "AMT_ANNUITY": base.get("AMT_ANNUITY") if ratio is None else credit * ratio,
            },
            "history": anonymous,
        }
        for credit in amounts
    ]


def _ratio(annuity: float | None, credit: float | None) -> float | None:
    return None if annuity is None or not credit else annuity / credit


@dataclass(frozen=True)
class LargestGranted:
    """The answer to "how much could this client borrow?" over a grid of amounts."""

    amount: float | None  # the largest amount recommended for a grant; None when none is
    all_granted: bool
    low: float
    high: float


def largest_granted(
    amounts: Sequence[float], results: Sequence[Mapping[str, Any]]
) -> LargestGranted:
    """The largest amount the model recommends granting in a /predict_batch answer (an
    amount in the review band is left to a person, so it does not count as granted)."""
    if len(amounts) != len(results) or not amounts:
        raise ValueError(f"{len(results)} results for {len(amounts)} amounts")
    granted = [a for a, r in zip(amounts, results, strict=True) if r["recommendation"] == "granted"]
    return LargestGranted(
        amount=max(granted) if granted else None,
        all_granted=len(granted) == len(amounts),
        low=min(amounts),
        high=max(amounts),
    )


def largest_message(
    outcome: LargestGranted, entered: float, language: Language, currency: str = ""
) -> str:
    """The answer as a sentence, saying so when no amount or every amount is granted."""

    def money(x: float) -> str:
        return amount(x, language, currency)

    if outcome.amount is None:
        return word("none_granted", language, low=money(outcome.low), high=money(outcome.high))
    if outcome.all_granted:
        return word("all_granted", language, high=money(outcome.high))
    return word("largest_found", language, amount=money(outcome.amount), requested=money(entered))


def field_label(name: str, language: Language) -> str:
    """The label of a what-if field: the schema's for an amount, "Term" for the term."""
    return word("term", language) if name == "term" else column_label(ACTIONABLE[name], language)


def field_value(name: str, value: float | None, language: Language, currency: str) -> str:
    """An amount with its currency, or the term in months."""
    if value is None:
        return unknown(language)
    if name == "term":
        return word(
            "term_value", language, n=number(value, language, 0 if value == round(value) else 1)
        )
    return amount(value, language, currency)


def changes_table(
    client: Mapping[str, float | None],
    scenario: Mapping[str, float | None],
    edited: Collection[str],
    risks: tuple[float, float],
    language: Language,
    currency: str,
) -> pd.DataFrame:
    """What the scenario changes, before → after, then the risk before → after.

    Only fields whose value changed are listed: the ones the advisor edited, and the
    annuity or term that follows from them (said so), since the API scored them too.
    """
    rows = []
    for name in FIELDS:
        was, now = client.get(name), scenario.get(name)
        if _same(was, now):
            continue
        label = field_label(name, language)
        rows.append(
            {
                # Only the annuity and the term follow from other fields.
                word("change", language): label
                if name in edited
                else word(f"follows_{name}", language, label=label),
                word("before", language): field_value(name, was, language, currency),
                word("after", language): field_value(name, now, language, currency),
            }
        )
    before, after = risks
    rows.append(
        {
            word("change", language): word("risk_row", language),
            word("before", language): percent(before, language),
            word("after", language): word(
                "risk_after",
                language,
                risk=percent(after, language),
                points=points(100 * (after - before), language),
            ),
        }
    )
    return pd.DataFrame(rows, columns=[word(k, language) for k in ("change", "before", "after")])


def _same(was: float | None, now: float | None) -> bool:
    if was is None or now is None:
        return was is now
    return abs(was - now) <= 1e-9 * max(1.0, abs(was))
