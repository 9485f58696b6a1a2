"""Previous Home Credit application features (``PREV_``, ``APPROVED_``, ``REFUSED_``).

The Kaggle kernel also turns the 365243 "no date" sentinel of the ``DAYS_FIRST_DUE``
family into NaN, but none of those columns is aggregated, so that step is left out.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from scoring.columns import Columns
from scoring.features.aggregate import Agg, KeyIndex, ratio
from scoring.features.labels import count_info
from scoring.features.spec import AggSpec, Block, grouped_rows, level_rows, numeric
from scoring.schema import PREVIOUS_APPLICATION

_MIN_MAX_MEAN: tuple[Agg, ...] = ("min", "max", "mean")
NUMERIC: dict[str, tuple[Agg, ...]] = {
    "AMT_ANNUITY": _MIN_MAX_MEAN,
    "AMT_APPLICATION": _MIN_MAX_MEAN,
    "AMT_CREDIT": _MIN_MAX_MEAN,
    "APP_CREDIT_PERC": ("min", "max", "mean", "var"),
    "AMT_DOWN_PAYMENT": _MIN_MAX_MEAN,
    "AMT_GOODS_PRICE": _MIN_MAX_MEAN,
    "HOUR_APPR_PROCESS_START": _MIN_MAX_MEAN,
    "RATE_DOWN_PAYMENT": _MIN_MAX_MEAN,
    "DAYS_DECISION": _MIN_MAX_MEAN,
    "CNT_PAYMENT": ("mean", "sum"),
}
# Trimmed from the kernel's full list for explainability.
CATEGORICAL = (
    "NAME_CONTRACT_TYPE",
    "NAME_CONTRACT_STATUS",
    "CODE_REJECT_REASON",
    "NAME_CLIENT_TYPE",
    "NAME_PORTFOLIO",
    "NAME_PRODUCT_TYPE",
    "CHANNEL_TYPE",
    "NAME_YIELD_GROUP",
    "NAME_PAYMENT_TYPE",
)

SPECS: tuple[AggSpec, ...] = (
    AggSpec("PREV_", PREVIOUS_APPLICATION, NUMERIC, CATEGORICAL),
    AggSpec("APPROVED_", PREVIOUS_APPLICATION, NUMERIC),
    AggSpec("REFUSED_", PREVIOUS_APPLICATION, NUMERIC),
)


def compute(tables: Mapping[str, Columns], clients: KeyIndex) -> np.ndarray:
    """All previous-application features, in ``BLOCK.features`` order."""
    previous, grouping = grouped_rows(tables["previous_application"], "SK_ID_CURR", clients)
    n_rows = len(grouping)
    previous = {
        **previous,
        "APP_CREDIT_PERC": ratio(
            numeric(previous, "AMT_APPLICATION", n_rows), numeric(previous, "AMT_CREDIT", n_rows)
        ),
    }
    subsets = (
        (previous, grouping),
        level_rows(previous, grouping, PREVIOUS_APPLICATION, "NAME_CONTRACT_STATUS", "Approved"),
        level_rows(previous, grouping, PREVIOUS_APPLICATION, "NAME_CONTRACT_STATUS", "Refused"),
    )
    out = [
        array
        for spec, (columns, group) in zip(SPECS, subsets, strict=True)
        for array in spec.compute(columns, group)
    ]
    return np.array([*out, grouping.count()])


BLOCK = Block(
    features=(
        *(info for spec in SPECS for info in spec.infos()),
        count_info("PREV_", PREVIOUS_APPLICATION.name),
    ),
    table=PREVIOUS_APPLICATION.name,
    compute=compute,
)
