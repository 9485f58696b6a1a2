"""Schema of the six history tables, re-exported from the modules that define them.

The tables are split by source (credit bureau, previous applications, follow-up of the
previous loans) to keep each module short; the rest of the product imports them from here.
"""

from scoring.schema.history_bureau import BUREAU, BUREAU_BALANCE
from scoring.schema.history_loans import (
    CREDIT_CARD_BALANCE,
    INSTALLMENTS_PAYMENTS,
    POS_CASH_BALANCE,
)
from scoring.schema.history_previous import PREVIOUS_APPLICATION

__all__ = [
    "BUREAU",
    "BUREAU_BALANCE",
    "CREDIT_CARD_BALANCE",
    "INSTALLMENTS_PAYMENTS",
    "POS_CASH_BALANCE",
    "PREVIOUS_APPLICATION",
]
