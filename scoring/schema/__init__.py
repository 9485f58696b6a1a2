"""The single schema of the seven Home Credit tables (see :mod:`scoring.schema.core`)."""

from scoring.schema.application import APPLICATION_TEST, APPLICATION_TRAIN
from scoring.schema.core import Column, ForeignKey, Table
from scoring.schema.history import (
    BUREAU,
    BUREAU_BALANCE,
    CREDIT_CARD_BALANCE,
    INSTALLMENTS_PAYMENTS,
    POS_CASH_BALANCE,
    PREVIOUS_APPLICATION,
)

HISTORY = (
    BUREAU,
    BUREAU_BALANCE,
    PREVIOUS_APPLICATION,
    POS_CASH_BALANCE,
    INSTALLMENTS_PAYMENTS,
    CREDIT_CARD_BALANCE,
)
TABLES: dict[str, Table] = {t.name: t for t in (APPLICATION_TRAIN, APPLICATION_TEST, *HISTORY)}
HISTORY_NAMES: tuple[str, ...] = tuple(t.name for t in HISTORY)

__all__ = [
    "APPLICATION_TEST",
    "APPLICATION_TRAIN",
    "BUREAU",
    "BUREAU_BALANCE",
    "CREDIT_CARD_BALANCE",
    "HISTORY",
    "HISTORY_NAMES",
    "INSTALLMENTS_PAYMENTS",
    "POS_CASH_BALANCE",
    "PREVIOUS_APPLICATION",
    "TABLES",
    "Column",
    "ForeignKey",
    "Table",
]
