"""The direction of risk a credit expert expects, declared once for the features that have one.

Training constrains LightGBM to follow these (``monotone_constraints``), so a better external
score can never raise the risk and a longer delay can never lower it, whatever the data's
noise; explanations then never contradict common sense on these factors, and the promotion
gate and the tests check the served model against this list. A feature not listed here is
left free. ``+1``: the risk rises with the value; ``-1``: it falls.

Day columns count days before the application as negative numbers: a larger value is a more
recent date, so a job started more recently (``DAYS_EMPLOYED`` closer to 0) raises the risk.
"""

from __future__ import annotations

import re

from scoring.features.pipeline import FEATURE_NAMES

RISES, FALLS = 1, -1
_OVERDUE = r"(CREDIT_DAY_OVERDUE|AMT_CREDIT_SUM_OVERDUE|AMT_CREDIT_MAX_OVERDUE)"
DIRECTIONS: dict[str, int] = {  # full-match pattern over feature names -> direction
    r"EXT_SOURCE_[123]": FALLS,
    r"DAYS_EMPLOYED": RISES,  # closer to 0: a more recent job
    r"DAYS_EMPLOYED_PERC": FALLS,  # share of life in the current job
    r"ANNUITY_INCOME_PERC": RISES,  # repayments as a share of income
    r"INCOME_CREDIT_PERC": FALLS,
    r"FLAG_OWN_REALTY": FALLS,
    r"REGION_RATING_CLIENT(_W_CITY)?": RISES,  # 1 is the best region, 3 the worst
    rf"(BURO|ACTIVE|CLOSED)_{_OVERDUE}_(MEAN|MAX|SUM)": RISES,
    r"BURO_STATUS_[1-5]_MEAN_MEAN": RISES,  # months 1 to 120+ days late
    r"BURO_CREDIT_ACTIVE_Bad_debt_MEAN": RISES,
    r"PREV_NAME_CONTRACT_STATUS_Refused_MEAN": RISES,
    r"(PREV|APPROVED)_RATE_DOWN_PAYMENT_(MEAN|MAX)": FALLS,  # a larger down payment
    r"INSTAL_(DPD|PAYMENT_DIFF)_(MEAN|MAX|SUM)": RISES,  # days late, amount unpaid
    r"INSTAL_PAYMENT_PERC_(MEAN|SUM)": FALLS,  # share of each instalment paid
    r"(POS|CC)_SK_DPD(_DEF)?_(MEAN|MAX)": RISES,
}


def direction_of(name: str) -> int:
    """The declared direction of feature ``name``: +1, -1, or 0 when free."""
    found = {d for pattern, d in DIRECTIONS.items() if re.fullmatch(pattern, name)}
    if len(found) > 1:
        raise ValueError(f"feature {name} is declared with both directions")
    return found.pop() if found else 0


FEATURE_DIRECTIONS: tuple[int, ...] = tuple(direction_of(name) for name in FEATURE_NAMES)
