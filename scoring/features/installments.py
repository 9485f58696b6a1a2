"""Instalment payment features (``INSTAL_``): how late, early and complete payments were.

Unlike the Kaggle kernel, an instalment without a payment date has an unknown (NaN)
lateness rather than 0 days: an unpaid instalment is not an on-time one.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from scoring.columns import Columns
from scoring.features.aggregate import Agg, KeyIndex, ratio
from scoring.features.labels import count_info
from scoring.features.spec import AggSpec, Block, grouped_rows, numeric
from scoring.schema import INSTALLMENTS_PAYMENTS

_TOTALS: tuple[Agg, ...] = ("max", "mean", "sum")
SPEC = AggSpec(
    "INSTAL_",
    INSTALLMENTS_PAYMENTS,
    {
        "NUM_INSTALMENT_VERSION": ("nunique",),
        "DPD": _TOTALS,
        "DBD": _TOTALS,
        "PAYMENT_PERC": ("max", "mean", "sum", "var"),
        "PAYMENT_DIFF": ("max", "mean", "sum", "var"),
        "AMT_INSTALMENT": _TOTALS,
        "AMT_PAYMENT": ("min", "max", "mean", "sum"),
        "DAYS_ENTRY_PAYMENT": _TOTALS,
    },
)


def compute(tables: Mapping[str, Columns], clients: KeyIndex) -> np.ndarray:
    """All instalment features, in ``BLOCK.features`` order."""
    rows, grouping = grouped_rows(tables[INSTALLMENTS_PAYMENTS.name], "SK_ID_CURR", clients)
    n_rows = len(grouping)
    due, paid = numeric(rows, "AMT_INSTALMENT", n_rows), numeric(rows, "AMT_PAYMENT", n_rows)
    late = numeric(rows, "DAYS_ENTRY_PAYMENT", n_rows) - numeric(rows, "DAYS_INSTALMENT", n_rows)
    derived = {
        "PAYMENT_PERC": ratio(paid, due),
        "PAYMENT_DIFF": due - paid,
        "DPD": np.maximum(late, 0.0),  # NaN stays NaN (np.fmax would make it 0)
        "DBD": np.maximum(-late, 0.0),
    }
    return np.array([*SPEC.compute({**rows, **derived}, grouping), grouping.count()])


BLOCK = Block(
    features=(*SPEC.infos(), count_info("INSTAL_", INSTALLMENTS_PAYMENTS.name)),
    table=INSTALLMENTS_PAYMENTS.name,
    compute=compute,
)
