"""Monthly balance features of previous loans: POS/cash loans (``POS_``), cards (``CC_``).

The card block is trimmed from the Kaggle kernel (which aggregates every column five
ways) to the amounts an advisor reads on a statement, plus a utilisation ratio.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from scoring.columns import Columns
from scoring.features.aggregate import Agg, KeyIndex, ratio
from scoring.features.labels import count_info
from scoring.features.spec import AggSpec, Block, grouped_rows, numeric
from scoring.schema import CREDIT_CARD_BALANCE, POS_CASH_BALANCE

POS_SPEC = AggSpec(
    "POS_",
    POS_CASH_BALANCE,
    {
        "MONTHS_BALANCE": ("max", "mean", "size"),
        "SK_DPD": ("max", "mean"),
        "SK_DPD_DEF": ("max", "mean"),
    },
    ("NAME_CONTRACT_STATUS",),
)

_AMOUNT: tuple[Agg, ...] = ("min", "max", "mean", "sum", "var")
_OTHER: tuple[Agg, ...] = ("max", "mean")
CARD_SPEC = AggSpec(
    "CC_",
    CREDIT_CARD_BALANCE,
    {
        "AMT_BALANCE": _AMOUNT,
        "AMT_CREDIT_LIMIT_ACTUAL": _AMOUNT,
        "AMT_DRAWINGS_CURRENT": _AMOUNT,
        "AMT_PAYMENT_CURRENT": _AMOUNT,
        "AMT_INST_MIN_REGULARITY": _AMOUNT,
        "UTILISATION": _OTHER,
        "CNT_DRAWINGS_CURRENT": _OTHER,
        "SK_DPD": _OTHER,
        "SK_DPD_DEF": _OTHER,
    },
)


def compute_pos(tables: Mapping[str, Columns], clients: KeyIndex) -> np.ndarray:
    """All POS/cash features, in ``POS_BLOCK.features`` order."""
    pos, grouping = grouped_rows(tables[POS_CASH_BALANCE.name], "SK_ID_CURR", clients)
    return np.array([*POS_SPEC.compute(pos, grouping), grouping.count()])


def compute_card(tables: Mapping[str, Columns], clients: KeyIndex) -> np.ndarray:
    """All credit card features, in ``CARD_BLOCK.features`` order."""
    card, grouping = grouped_rows(tables[CREDIT_CARD_BALANCE.name], "SK_ID_CURR", clients)
    n_rows = len(grouping)
    utilisation = ratio(
        numeric(card, "AMT_BALANCE", n_rows), numeric(card, "AMT_CREDIT_LIMIT_ACTUAL", n_rows)
    )
    return np.array(
        [*CARD_SPEC.compute({**card, "UTILISATION": utilisation}, grouping), grouping.count()]
    )


POS_BLOCK = Block(
    features=(*POS_SPEC.infos(), count_info("POS_", POS_CASH_BALANCE.name)),
    table=POS_CASH_BALANCE.name,
    compute=compute_pos,
)
CARD_BLOCK = Block(
    features=(*CARD_SPEC.infos(), count_info("CC_", CREDIT_CARD_BALANCE.name)),
    table=CREDIT_CARD_BALANCE.name,
    compute=compute_card,
)
