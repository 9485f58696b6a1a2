"""Schema of ``bureau`` and ``bureau_balance``: the client's credits at other institutions.

Bureau day columns reach decades into the past and future (long mortgages, stale
records), so their bounds are wider than the application's.
"""

from __future__ import annotations

from scoring.schema.application import SK_ID_CURR
from scoring.schema.common import MAX_AMOUNT, amount, category, days, dpd, integer, key, months
from scoring.schema.core import ForeignKey, Table

BUREAU_DAYS = 45000.0  # about 123 years: the full data reaches -42060 and +31199
MAX_BUREAU_AMOUNT = 1e10  # bureau sums reach 5.85e8, possibly in another currency

CREDIT_STATUSES: tuple[str, ...] = ("Active", "Bad debt", "Closed", "Sold")
CURRENCIES: tuple[str, ...] = tuple(f"currency {i}" for i in range(1, 5))
CREDIT_TYPES: tuple[str, ...] = (
    "Another type of loan",
    "Car loan",
    "Cash loan (non-earmarked)",
    "Consumer credit",
    "Credit card",
    "Interbank credit",
    "Loan for business development",
    "Loan for purchase of shares (margin lending)",
    "Loan for the purchase of equipment",
    "Loan for working capital replenishment",
    "Microloan",
    "Mobile operator loan",
    "Mortgage",
    "Real estate loan",
    "Unknown type of loan",
)
# Monthly status: "0" no delay, "1".."5" days-past-due buckets (1-30 ... 120+),
# "C" closed, "X" unknown.
BALANCE_STATUSES: tuple[str, ...] = ("0", "1", "2", "3", "4", "5", "C", "X")

SK_ID_BUREAU = key("SK_ID_BUREAU", "Bureau credit ID", "Identifiant du crédit (bureau)")

BUREAU = Table(
    name="bureau",
    columns=(
        SK_ID_CURR,
        SK_ID_BUREAU,
        category(
            "CREDIT_ACTIVE", "Credit status", "Statut du crédit", CREDIT_STATUSES, required=True
        ),
        category("CREDIT_CURRENCY", "Credit currency", "Devise du crédit", CURRENCIES),
        days("DAYS_CREDIT", "Credit opened", "Ouverture du crédit", required=True),
        dpd("CREDIT_DAY_OVERDUE", "Days overdue", "Jours de retard"),
        days(
            "DAYS_CREDIT_ENDDATE",
            "Planned end",
            "Fin prévue",
            minimum=-BUREAU_DAYS,
            maximum=BUREAU_DAYS,
        ),
        days("DAYS_ENDDATE_FACT", "Actual end", "Fin effective", minimum=-BUREAU_DAYS),
        amount("AMT_CREDIT_MAX_OVERDUE", "Maximum amount overdue", "Montant impayé maximal"),
        integer(
            "CNT_CREDIT_PROLONG",
            "Number of prolongations",
            "Nombre de prolongations",
            "count",
            0,
            100,
        ),
        amount("AMT_CREDIT_SUM", "Credit amount", "Montant du crédit", maximum=MAX_BUREAU_AMOUNT),
        amount(
            "AMT_CREDIT_SUM_DEBT",
            "Current debt",
            "Dette actuelle",
            minimum=-MAX_AMOUNT,
            maximum=MAX_BUREAU_AMOUNT,
        ),
        amount(
            "AMT_CREDIT_SUM_LIMIT",
            "Credit card limit",
            "Plafond de la carte de crédit",
            minimum=-MAX_AMOUNT,
            maximum=MAX_BUREAU_AMOUNT,
        ),
        amount("AMT_CREDIT_SUM_OVERDUE", "Amount overdue", "Montant impayé"),
        category("CREDIT_TYPE", "Credit type", "Type de crédit", CREDIT_TYPES),
        days(
            "DAYS_CREDIT_UPDATE",
            "Last update",
            "Dernière mise à jour",
            minimum=-BUREAU_DAYS,
            maximum=1000.0,  # a few records are dated up to a year after the application
        ),
        amount("AMT_ANNUITY", "Annuity", "Annuité"),
    ),
    primary_key=("SK_ID_BUREAU",),
    foreign_keys=(ForeignKey("SK_ID_CURR", "application_train", "SK_ID_CURR"),),
    description=(
        "One credit of the client at another institution, as reported by the credit bureau "
        "(SK_ID_CURR may also refer to application_test)."
    ),
)

BUREAU_BALANCE = Table(
    name="bureau_balance",
    columns=(
        SK_ID_BUREAU,
        months("MONTHS_BALANCE"),
        category(
            "STATUS",
            "Monthly status (days past due bucket)",
            "Statut mensuel (tranche de retard)",
            BALANCE_STATUSES,
            required=True,
        ),
    ),
    primary_key=("SK_ID_BUREAU", "MONTHS_BALANCE"),
    foreign_keys=(ForeignKey("SK_ID_BUREAU", "bureau", "SK_ID_BUREAU"),),
    description="One month of one credit bureau credit, with its delinquency status.",
)
