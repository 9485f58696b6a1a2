"""Credit bureau features (``BURO_``, ``ACTIVE_``, ``CLOSED_``).

``bureau_balance`` is first summarised per bureau credit (months covered, share of months
in each delinquency status), then those per-credit columns are aggregated per client with
the bureau columns, over all credits and over the active and closed ones separately.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from scoring.columns import Columns
from scoring.features.aggregate import Agg, KeyIndex
from scoring.features.labels import count_info, safe_name, share_text
from scoring.features.spec import AggSpec, Block, codes, grouped_rows, keys, level_rows, numeric
from scoring.schema import BUREAU, BUREAU_BALANCE

NUMERIC: dict[str, tuple[Agg, ...]] = {
    "DAYS_CREDIT": ("min", "max", "mean", "var"),
    "DAYS_CREDIT_ENDDATE": ("min", "max", "mean"),
    "DAYS_CREDIT_UPDATE": ("mean",),
    "CREDIT_DAY_OVERDUE": ("max", "mean"),
    "AMT_CREDIT_MAX_OVERDUE": ("mean",),
    "AMT_CREDIT_SUM": ("max", "mean", "sum"),
    "AMT_CREDIT_SUM_DEBT": ("max", "mean", "sum"),
    "AMT_CREDIT_SUM_OVERDUE": ("mean",),
    "AMT_CREDIT_SUM_LIMIT": ("mean", "sum"),
    "AMT_ANNUITY": ("max", "mean"),
    "CNT_CREDIT_PROLONG": ("sum",),
}
CATEGORICAL = ("CREDIT_ACTIVE", "CREDIT_CURRENCY", "CREDIT_TYPE")

# Per-credit summary of bureau_balance, named as the Kaggle kernel names it.
_STATUS = BUREAU_BALANCE["STATUS"]
STATUS_SHARES = {
    f"STATUS_{safe_name(level)}_MEAN": share_text(_STATUS, level, "months", "mois")
    for level in _STATUS.levels
}
BALANCE_NUMERIC: dict[str, tuple[Agg, ...]] = {
    "MONTHS_BALANCE_MIN": ("min",),
    "MONTHS_BALANCE_MAX": ("max",),
    "MONTHS_BALANCE_SIZE": ("mean", "sum"),
}

SPECS: tuple[AggSpec, ...] = (
    AggSpec("BURO_", BUREAU, NUMERIC, CATEGORICAL),
    AggSpec(
        "BURO_",
        BUREAU_BALANCE,
        {**BALANCE_NUMERIC, **dict.fromkeys(STATUS_SHARES, ("mean",))},
        texts=STATUS_SHARES,
    ),
    AggSpec("ACTIVE_", BUREAU, NUMERIC),
    AggSpec("ACTIVE_", BUREAU_BALANCE, BALANCE_NUMERIC),
    AggSpec("CLOSED_", BUREAU, NUMERIC),
    AggSpec("CLOSED_", BUREAU_BALANCE, BALANCE_NUMERIC),
)


def compute(tables: Mapping[str, Columns], clients: KeyIndex) -> np.ndarray:
    """All bureau features, in ``BLOCK.features`` order."""
    bureau, grouping = grouped_rows(tables["bureau"], "SK_ID_CURR", clients)
    if "bureau_balance" in tables:
        credits = KeyIndex(keys(bureau, "SK_ID_BUREAU"))
        bureau = {**bureau, **_balance_per_credit(tables["bureau_balance"], credits)}
    active = level_rows(bureau, grouping, BUREAU, "CREDIT_ACTIVE", "Active")
    closed = level_rows(bureau, grouping, BUREAU, "CREDIT_ACTIVE", "Closed")
    subsets = ((bureau, grouping),) * 2 + (active,) * 2 + (closed,) * 2
    out = [
        array
        for spec, (columns, group) in zip(SPECS, subsets, strict=True)
        for array in spec.compute(columns, group)
    ]
    return np.array([*out, grouping.count()])


def _balance_per_credit(balance: Columns, credits: KeyIndex) -> Columns:
    """Months covered and status shares of each bureau credit (NaN without balance rows)."""
    balance, grouping = grouped_rows(balance, "SK_ID_BUREAU", credits)
    months = numeric(balance, "MONTHS_BALANCE", len(grouping))
    first, last, size = grouping.reduce(months, ("min", "max", "size"))
    status = codes(balance, "STATUS", len(grouping))
    shares = grouping.shares(status, len(_STATUS.levels)).T
    return {
        "MONTHS_BALANCE_MIN": first,
        "MONTHS_BALANCE_MAX": last,
        "MONTHS_BALANCE_SIZE": size,
        **dict(zip(STATUS_SHARES, shares, strict=True)),
    }


BLOCK = Block(
    features=(*(info for spec in SPECS for info in spec.infos()), count_info("BURO_", "bureau")),
    table="bureau",
    compute=compute,
)
