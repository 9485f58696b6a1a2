"""Schema of ``previous_application``: the client's earlier applications at Home Credit.

Its categoricals use "XNA" (not available) and "XAP" (not applicable) as real levels, and
its planned-date columns use 365243 for "no such date".
"""

from __future__ import annotations

from scoring.schema.application import SK_ID_CURR
from scoring.schema.common import (
    NO_YES,
    SENTINEL_DAYS,
    SUITES,
    WEEKDAYS,
    amount,
    category,
    days,
    flag,
    integer,
    key,
    real,
)
from scoring.schema.core import Column, ForeignKey, Table

FUTURE_DAYS = 36500.0  # due and termination dates may lie after the application
TO_APPLICATION = ForeignKey("SK_ID_CURR", "application_train", "SK_ID_CURR")

CONTRACT_TYPES: tuple[str, ...] = ("Cash loans", "Consumer loans", "Revolving loans", "XNA")
PREVIOUS_STATUSES: tuple[str, ...] = ("Approved", "Canceled", "Refused", "Unused offer")
PAYMENT_TYPES: tuple[str, ...] = (
    "Cash through the bank",
    "Cashless from the account of the employer",
    "Non-cash from your account",
    "XNA",
)
REJECT_REASONS: tuple[str, ...] = (
    "CLIENT",
    "HC",
    "LIMIT",
    "SCO",
    "SCOFR",
    "SYSTEM",
    "VERIF",
    "XAP",
    "XNA",
)
CLIENT_TYPES: tuple[str, ...] = ("New", "Refreshed", "Repeater", "XNA")
PORTFOLIOS: tuple[str, ...] = ("Cards", "Cars", "Cash", "POS", "XNA")
PRODUCT_TYPES: tuple[str, ...] = ("XNA", "walk-in", "x-sell")
YIELD_GROUPS: tuple[str, ...] = ("XNA", "low_action", "low_normal", "middle", "high")
CASH_LOAN_PURPOSES: tuple[str, ...] = (
    "Building a house or an annex",
    "Business development",
    "Buying a garage",
    "Buying a holiday home / land",
    "Buying a home",
    "Buying a new car",
    "Buying a used car",
    "Car repairs",
    "Education",
    "Everyday expenses",
    "Furniture",
    "Gasification / water supply",
    "Hobby",
    "Journey",
    "Medicine",
    "Money for a third person",
    "Other",
    "Payments on other loans",
    "Purchase of electronic equipment",
    "Refusal to name the goal",
    "Repairs",
    "Urgent needs",
    "Wedding / gift / holiday",
    "XAP",
    "XNA",
)
GOODS_CATEGORIES: tuple[str, ...] = (
    "Additional Service",
    "Animals",
    "Audio/Video",
    "Auto Accessories",
    "Clothing and Accessories",
    "Computers",
    "Construction Materials",
    "Consumer Electronics",
    "Direct Sales",
    "Education",
    "Fitness",
    "Furniture",
    "Gardening",
    "Homewares",
    "House Construction",
    "Insurance",
    "Jewelry",
    "Medical Supplies",
    "Medicine",
    "Mobile",
    "Office Appliances",
    "Other",
    "Photo / Cinema Equipment",
    "Sport and Leisure",
    "Tourism",
    "Vehicles",
    "Weapon",
    "XNA",
)
CHANNELS: tuple[str, ...] = (
    "AP+ (Cash loan)",
    "Car dealer",
    "Channel of corporate sales",
    "Contact center",
    "Country-wide",
    "Credit and cash offices",
    "Regional / Local",
    "Stone",
)
SELLER_INDUSTRIES: tuple[str, ...] = (
    "Auto technology",
    "Clothing",
    "Connectivity",
    "Construction",
    "Consumer electronics",
    "Furniture",
    "Industry",
    "Jewelry",
    "MLM partners",
    "Tourism",
    "XNA",
)
PRODUCT_COMBINATIONS: tuple[str, ...] = (
    "Card Street",
    "Card X-Sell",
    "Cash",
    *(
        f"Cash {channel}: {rate}"
        for channel in ("Street", "X-Sell")
        for rate in ("high", "low", "middle")
    ),
    *(
        f"POS {goods} with{out} interest"
        for goods in ("household", "industry", "mobile")
        for out in ("", "out")
    ),
    "POS other with interest",
    "POS others without interest",  # sic: the data says "others" here only
)
SK_ID_PREV = key("SK_ID_PREV", "Previous application ID", "Identifiant de la demande précédente")


def _scheduled(name: str, en: str, fr: str) -> Column:
    """A planned date of a previous loan; 365243 means "none"."""
    return days(name, en, fr, maximum=FUTURE_DAYS, special=(SENTINEL_DAYS,))


PREVIOUS_APPLICATION = Table(
    name="previous_application",
    columns=(
        SK_ID_PREV,
        SK_ID_CURR,
        category("NAME_CONTRACT_TYPE", "Contract type", "Type de contrat", CONTRACT_TYPES),
        amount("AMT_ANNUITY", "Annuity", "Annuité"),
        amount("AMT_APPLICATION", "Amount requested", "Montant demandé"),
        amount("AMT_CREDIT", "Amount granted", "Montant accordé"),
        amount("AMT_DOWN_PAYMENT", "Down payment", "Apport initial", minimum=-1.0),  # min -0.9
        amount("AMT_GOODS_PRICE", "Price of the goods", "Prix du bien financé"),
        category(
            "WEEKDAY_APPR_PROCESS_START", "Application weekday", "Jour de la demande", WEEKDAYS
        ),
        integer(
            "HOUR_APPR_PROCESS_START", "Application hour", "Heure de la demande", "hours", 0, 23
        ),
        category(
            "FLAG_LAST_APPL_PER_CONTRACT",
            "Last application for the contract",
            "Dernière demande pour le contrat",
            NO_YES,
        ),
        flag("NFLAG_LAST_APPL_IN_DAY", "Last application of the day", "Dernière demande du jour"),
        real("RATE_DOWN_PAYMENT", "Down payment rate", "Taux d'apport", "ratio", -0.01, 1.0),
        real("RATE_INTEREST_PRIMARY", "Interest rate", "Taux d'intérêt", "ratio", 0.0, 1.0),
        real(
            "RATE_INTEREST_PRIVILEGED",
            "Preferential interest rate",
            "Taux d'intérêt préférentiel",
            "ratio",
            0.0,
            1.0,
        ),
        category("NAME_CASH_LOAN_PURPOSE", "Loan purpose", "Objet du prêt", CASH_LOAN_PURPOSES),
        category(
            "NAME_CONTRACT_STATUS",
            "Application outcome",
            "Issue de la demande",
            PREVIOUS_STATUSES,
            required=True,
        ),
        days("DAYS_DECISION", "Decision", "Décision", required=True),
        category("NAME_PAYMENT_TYPE", "Payment method", "Mode de paiement", PAYMENT_TYPES),
        category("CODE_REJECT_REASON", "Rejection reason", "Motif de refus", REJECT_REASONS),
        category("NAME_TYPE_SUITE", "Accompanied by", "Accompagné par", SUITES),
        category("NAME_CLIENT_TYPE", "Client type", "Type de client", CLIENT_TYPES),
        category("NAME_GOODS_CATEGORY", "Goods category", "Catégorie du bien", GOODS_CATEGORIES),
        category("NAME_PORTFOLIO", "Portfolio", "Portefeuille", PORTFOLIOS),
        category("NAME_PRODUCT_TYPE", "Product type", "Type de produit", PRODUCT_TYPES),
        category("CHANNEL_TYPE", "Sales channel", "Canal de vente", CHANNELS),
        integer(
            "SELLERPLACE_AREA",
            "Seller place area",
            "Surface du point de vente",
            None,
            0,
            1e7,
            special=(-1.0,),  # unknown
        ),
        category(
            "NAME_SELLER_INDUSTRY", "Seller industry", "Secteur du vendeur", SELLER_INDUSTRIES
        ),
        integer("CNT_PAYMENT", "Number of instalments", "Nombre d'échéances", "count", 0, 240),
        category("NAME_YIELD_GROUP", "Interest rate group", "Groupe de taux", YIELD_GROUPS),
        category(
            "PRODUCT_COMBINATION",
            "Product combination",
            "Combinaison de produits",
            PRODUCT_COMBINATIONS,
        ),
        _scheduled("DAYS_FIRST_DRAWING", "First drawing", "Premier tirage"),
        _scheduled("DAYS_FIRST_DUE", "First due date", "Première échéance"),
        _scheduled(
            "DAYS_LAST_DUE_1ST_VERSION",
            "Initially planned last due date",
            "Dernière échéance initialement prévue",
        ),
        _scheduled("DAYS_LAST_DUE", "Last due date", "Dernière échéance"),
        _scheduled("DAYS_TERMINATION", "Expected termination", "Clôture prévue"),
        flag("NFLAG_INSURED_ON_APPROVAL", "Insurance requested", "Assurance demandée"),
    ),
    primary_key=("SK_ID_PREV",),
    foreign_keys=(TO_APPLICATION,),
    description=(
        "One earlier application of the client at Home Credit, whatever its outcome "
        "(SK_ID_CURR may also refer to application_test)."
    ),
)
