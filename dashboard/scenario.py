"""The what-if logic, in plain functions tested without a browser.

A scenario is the client's application with new actionable amounts, re-scored by the API
with the client's stored history, so its answer is exactly what the API would decide. The
advisor's first question, "how much could this client borrow?", is one /predict_batch call
over a grid of amounts with the term kept, rather than forty round trips.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboard.formatting import without_date_unit
from dashboard.wording import word
from scoring.wording import Language
from scoring.wording.formats import amount, signed

# The fields an advisor can act on with the client; the term is credit / annuity.
ACTIONABLE: dict[str, str] = {
    "credit": "AMT_CREDIT",
    "annuity": "AMT_ANNUITY",
    "income": "AMT_INCOME_TOTAL",
    "goods_price": "AMT_GOODS_PRICE",
}
GRID_SIZE = 40
GRID_LOW, GRID_HIGH = 0.1, 3.0  # share of the requested credit
TOP_CHANGES = 8


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

    amount: float | None  # the largest amount granted; None when none is
    all_granted: bool
    low: float
    high: float


def largest_granted(
    amounts: Sequence[float], results: Sequence[Mapping[str, Any]]
) -> LargestGranted:
    """The largest amount whose decision is ``granted`` in a /predict_batch answer."""
    if len(amounts) != len(results) or not amounts:
        raise ValueError(f"{len(results)} results for {len(amounts)} amounts")
    granted = [a for a, r in zip(amounts, results, strict=True) if r["decision"] == "granted"]
    return LargestGranted(
        amount=max(granted) if granted else None,
        all_granted=len(granted) == len(amounts),
        low=min(amounts),
        high=max(amounts),
    )


def largest_message(outcome: LargestGranted, requested: float, language: Language) -> str:
    """The answer as a sentence, saying so when no amount or every amount is granted."""
    if outcome.amount is None:
        return word(
            "none_granted",
            language,
            low=amount(outcome.low, language),
            high=amount(outcome.high, language),
        )
    if outcome.all_granted:
        return word("all_granted", language, high=amount(outcome.high, language))
    return word(
        "largest_found",
        language,
        amount=amount(outcome.amount, language),
        requested=amount(requested, language),
    )


def compare_contributions(
    before: Mapping[str, Any], after: Mapping[str, Any], language: Language, top: int = TOP_CHANGES
) -> pd.DataFrame:
    """The factors that weigh most before or after the change, with both contributions."""
    old = {c["feature"]: c["contribution"] for c in before["contributions"]}
    new = {c["feature"]: c for c in after["contributions"]}
    order = sorted(new, key=lambda f: -max(abs(old.get(f, 0.0)), abs(new[f]["contribution"])))
    rows = []
    for feature in order[:top]:
        was, now = old.get(feature, 0.0), new[feature]["contribution"]
        rows.append(
            {
                word("factor", language): without_date_unit(new[feature]["label"]),
                word("before", language): _arrowed(was, language),
                word("after", language): _arrowed(now, language),
                word("change", language): _arrowed(now - was, language),
            }
        )
    return pd.DataFrame(rows)


def _arrowed(x: float, language: Language) -> str:
    """▲ +0.120 raises the risk, ▼ −0.120 lowers it: the sign never relies on colour."""
    text = signed(x, language, 3)
    return text if round(x, 3) == 0 else f"{'▲' if x > 0 else '▼'} {text}"
