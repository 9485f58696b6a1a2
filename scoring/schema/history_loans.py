"""Schema of the follow-up of previous Home Credit loans, by month or by payment.

``POS_CASH_balance`` and ``credit_card_balance`` hold one row per loan and month,
``installments_payments`` one row per payment. Credit card amounts can be negative
(reversals, overpayments), so their lower bound is below zero.
"""

from __future__ import annotations

from scoring.schema.application import SK_ID_CURR
from scoring.schema.common import amount, category, days, dpd, integer, months
from scoring.schema.core import ForeignKey, Table
from scoring.schema.history_previous import SK_ID_PREV, TO_APPLICATION

TO_PREVIOUS = ForeignKey("SK_ID_PREV", "previous_application", "SK_ID_PREV")
SIGNED_MIN = -1e8  # lower bound of the credit card amounts that can be negative

POS_STATUSES: tuple[str, ...] = (
    "Active",
    "Amortized debt",
    "Approved",
    "Canceled",
    "Completed",
    "Demand",
    "Returned to the store",
    "Signed",
    "XNA",
)
CARD_STATUSES: tuple[str, ...] = (
    "Active",
    "Approved",
    "Completed",
    "Demand",
    "Refused",
    "Sent proposal",
    "Signed",
)


POS_CASH_BALANCE = Table(
    name="POS_CASH_balance",
    columns=(
        SK_ID_PREV,
        SK_ID_CURR,
        months("MONTHS_BALANCE"),
        integer("CNT_INSTALMENT", "Number of instalments", "Nombre d'échéances", "count", 0, 240),
        integer(
            "CNT_INSTALMENT_FUTURE", "Instalments left", "Échéances restantes", "count", 0, 240
        ),
        category("NAME_CONTRACT_STATUS", "Contract status", "Statut du contrat", POS_STATUSES),
        dpd("SK_DPD", "Days past due", "Jours de retard"),
        dpd(
            "SK_DPD_DEF",
            "Days past due (small debts ignored)",
            "Jours de retard (hors petites dettes)",
        ),
    ),
    primary_key=("SK_ID_PREV", "MONTHS_BALANCE"),
    foreign_keys=(TO_PREVIOUS, TO_APPLICATION),
    description=(
        "One month of a previous point-of-sale or cash loan "
        "(SK_ID_CURR may also refer to application_test)."
    ),
)

INSTALLMENTS_PAYMENTS = Table(
    name="installments_payments",
    columns=(
        SK_ID_PREV,
        SK_ID_CURR,
        integer(
            "NUM_INSTALMENT_VERSION",
            "Instalment calendar version",
            "Version de l'échéancier",
            "count",
            0,
            1000,
        ),
        integer(
            "NUM_INSTALMENT_NUMBER", "Instalment number", "Numéro d'échéance", "count", 0, 1000
        ),
        days("DAYS_INSTALMENT", "Instalment due", "Échéance prévue", required=True),
        days("DAYS_ENTRY_PAYMENT", "Payment made", "Paiement effectué"),
        amount("AMT_INSTALMENT", "Instalment amount", "Montant de l'échéance", required=True),
        amount("AMT_PAYMENT", "Amount paid", "Montant payé"),
    ),
    # No unique key: an instalment paid in several parts has several rows, sometimes
    # identical on every identifying column.
    primary_key=(),
    foreign_keys=(TO_PREVIOUS, TO_APPLICATION),
    description=(
        "One payment (or missed payment) of an instalment of a previous loan "
        "(SK_ID_CURR may also refer to application_test)."
    ),
)

CREDIT_CARD_BALANCE = Table(
    name="credit_card_balance",
    columns=(
        SK_ID_PREV,
        SK_ID_CURR,
        months("MONTHS_BALANCE"),
        amount("AMT_BALANCE", "Balance", "Solde", minimum=SIGNED_MIN),
        amount("AMT_CREDIT_LIMIT_ACTUAL", "Credit limit", "Plafond de crédit"),
        amount(
            "AMT_DRAWINGS_ATM_CURRENT",
            "ATM withdrawals",
            "Retraits au distributeur",
            minimum=SIGNED_MIN,
        ),
        amount("AMT_DRAWINGS_CURRENT", "Total drawings", "Total des tirages", minimum=SIGNED_MIN),
        amount(
            "AMT_DRAWINGS_OTHER_CURRENT", "Other drawings", "Autres tirages", minimum=SIGNED_MIN
        ),
        amount(
            "AMT_DRAWINGS_POS_CURRENT", "Card purchases", "Achats par carte", minimum=SIGNED_MIN
        ),
        amount("AMT_INST_MIN_REGULARITY", "Minimum instalment", "Échéance minimale"),
        amount("AMT_PAYMENT_CURRENT", "Payment of the month", "Paiement du mois"),
        amount("AMT_PAYMENT_TOTAL_CURRENT", "Total payment of the month", "Paiement total du mois"),
        amount(
            "AMT_RECEIVABLE_PRINCIPAL",
            "Principal receivable",
            "Capital restant dû",
            minimum=SIGNED_MIN,
        ),
        amount("AMT_RECIVABLE", "Amount receivable", "Montant à recevoir", minimum=SIGNED_MIN),
        amount("AMT_TOTAL_RECEIVABLE", "Total receivable", "Total à recevoir", minimum=SIGNED_MIN),
        integer(
            "CNT_DRAWINGS_ATM_CURRENT",
            "Number of ATM withdrawals",
            "Nombre de retraits au distributeur",
            "count",
            0,
            1000,
        ),
        integer(
            "CNT_DRAWINGS_CURRENT", "Number of drawings", "Nombre de tirages", "count", 0, 1000
        ),
        integer(
            "CNT_DRAWINGS_OTHER_CURRENT",
            "Number of other drawings",
            "Nombre d'autres tirages",
            "count",
            0,
            1000,
        ),
        integer(
            "CNT_DRAWINGS_POS_CURRENT",
            "Number of card purchases",
            "Nombre d'achats par carte",
            "count",
            0,
            1000,
        ),
        integer(
            "CNT_INSTALMENT_MATURE_CUM", "Instalments paid", "Échéances payées", "count", 0, 1000
        ),
        category("NAME_CONTRACT_STATUS", "Contract status", "Statut du contrat", CARD_STATUSES),
        dpd("SK_DPD", "Days past due", "Jours de retard"),
        dpd(
            "SK_DPD_DEF",
            "Days past due (small debts ignored)",
            "Jours de retard (hors petites dettes)",
        ),
    ),
    primary_key=("SK_ID_PREV", "MONTHS_BALANCE"),
    foreign_keys=(TO_PREVIOUS, TO_APPLICATION),
    description=(
        "One month of a previous credit card (SK_ID_CURR may also refer to application_test)."
    ),
)
