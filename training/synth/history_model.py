"""What the generator knows about the six history tables, and their calibration.

Each history table gets marginals and a row-level Gaussian copula fitted on the real
sample. The samples do not join with the applications, so how history depends on the
client is declared here: a per-table *propensity* (partly the client's latent risk)
correlates with the columns known to predict default (overdue amounts, refusals, late
or partial instalments, card utilisation, days past due).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from scoring.schema import TABLES
from scoring.schema.common import DAYS_PER_MONTH
from training.synth.copula import GaussianCopula
from training.synth.marginals import Marginal, fit_category, fit_numeric, normal_scores

PROPENSITY = "PROPENSITY"
KEYS = ("SK_ID_CURR", "SK_ID_PREV", "SK_ID_BUREAU")

# Sizes of the full Kaggle tables (public dataset description), the targets for
# history volume per client: rows, and how many parents (clients, credits) have any.
FULL_DATA_CLIENTS = 356_255
FULL_DATA = {
    "bureau": {"rows": 1_716_428, "parents": 305_811},
    "bureau_balance": {"rows": 27_299_925, "parents": 817_395},
    "previous_application": {"rows": 1_670_214, "parents": 338_857},
    "POS_CASH_balance": {"rows": 10_001_358, "parents": 936_325},
    "installments_payments": {"rows": 13_605_401, "parents": 997_752},
    "credit_card_balance": {"rows": 3_840_312, "parents": 104_307},
}

# Level order (lowest risk first) for categoricals coupled to the propensity.
RISK_ORDER = {
    ("bureau", "CREDIT_ACTIVE"): ["Closed", "Sold", "Active", "Bad debt"],
    ("previous_application", "NAME_CONTRACT_STATUS"): [
        "Approved",
        "Unused offer",
        "Canceled",
        "Refused",
    ],
    ("previous_application", "NAME_YIELD_GROUP"): [
        "low_normal",
        "low_action",
        "middle",
        "XNA",
        "high",
    ],
    ("bureau_balance", "STATUS"): ["C", "X", "0", "1", "2", "3", "4", "5"],
}

# Correlation of each column's latent normal with the table's client propensity.
SIGNALS: dict[str, dict[str, float]] = {
    "bureau": {
        "CREDIT_ACTIVE": 0.35,
        "DAYS_CREDIT": 0.30,
        "CREDIT_DAY_OVERDUE": 0.45,
        "AMT_CREDIT_MAX_OVERDUE": 0.35,
        "AMT_CREDIT_SUM_OVERDUE": 0.45,
        "AMT_CREDIT_SUM_DEBT": 0.25,
    },
    "bureau_balance": {"STATUS": 0.35},
    "previous_application": {
        "NAME_CONTRACT_STATUS": 0.45,
        "DAYS_DECISION": 0.25,
        "NAME_YIELD_GROUP": 0.25,
        "CNT_PAYMENT": 0.15,
    },
    "POS_CASH_balance": {"SK_DPD": 0.45, "SK_DPD_DEF": 0.50},
    "installments_payments": {"DELAY": 0.45, "PAID_SHARE": -0.35},
    "credit_card_balance": {
        "AMT_BALANCE": 0.40,
        "AMT_DRAWINGS_ATM_CURRENT": 0.30,
        "CNT_DRAWINGS_ATM_CURRENT": 0.30,
        "AMT_INST_MIN_REGULARITY": 0.20,
        "SK_DPD": 0.35,
        "SK_DPD_DEF": 0.40,
    },
}

# Columns rebuilt from the row structure rather than sampled (sequences, links).
STRUCTURAL = {
    "bureau_balance": ("MONTHS_BALANCE",),
    "POS_CASH_balance": (
        "MONTHS_BALANCE",
        "CNT_INSTALMENT",
        "CNT_INSTALMENT_FUTURE",
        "NAME_CONTRACT_STATUS",
    ),
    "installments_payments": (
        "NUM_INSTALMENT_NUMBER",
        "DAYS_INSTALMENT",
        "DAYS_ENTRY_PAYMENT",
        "AMT_INSTALMENT",
        "AMT_PAYMENT",
    ),
    "credit_card_balance": ("MONTHS_BALANCE",),
}
HISTORY_CALIBRATION = tuple(FULL_DATA)


def derive(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Add the per-row quantities a table is generated from (installment delay, share paid)."""
    if name != "installments_payments":
        return frame
    out = frame.copy()
    out["DELAY"] = frame["DAYS_ENTRY_PAYMENT"] - frame["DAYS_INSTALMENT"]
    out["PAID_SHARE"] = frame["AMT_PAYMENT"] / frame["AMT_INSTALMENT"].replace(0, np.nan)
    return out


def sampled_dims(name: str, frame: pd.DataFrame) -> list[str]:
    """Columns drawn from the row copula: everything but keys and structural columns."""
    skip = {*KEYS, *STRUCTURAL.get(name, ())}
    return [c for c in frame.columns if c not in skip]


def fit_history_column(name: str, frame: pd.DataFrame, dim: str) -> tuple[Marginal, list | None]:
    """Marginal of one history column and, for categoricals, its copula level order."""
    table = TABLES[name]
    if dim in table and table[dim].is_categorical:
        order = RISK_ORDER.get((name, dim)) or (
            frame[dim].dropna().astype(str).value_counts().index.tolist()
        )
        return fit_category(frame[dim], order), order
    special = table[dim].special[0] if dim in table and table[dim].special else None
    values = frame[dim].astype(float)
    integer = bool(np.all(np.mod(values.dropna(), 1) == 0))
    return fit_numeric(values, integer, special), None


def calibrate_table(name: str, frame: pd.DataFrame) -> dict[str, Any]:
    """Marginals, missing rates and row copula of one history sample table."""
    frame = derive(name, frame)
    marginals: dict[str, Any] = {}
    scores: dict[str, pd.Series] = {}
    for dim in sampled_dims(name, frame):
        marginal, order = fit_history_column(name, frame, dim)
        marginals[dim] = marginal.to_json()
        values = frame[dim]
        if order is not None:
            values = values.map({level: i for i, level in enumerate(order)})
        scores[dim] = normal_scores(values.astype(float))
        if 0.005 < marginal.missing < 0.995:
            scores[f"MISSING:{dim}"] = normal_scores(frame[dim].isna().astype(float))
    copula = GaussianCopula.fit(pd.DataFrame(scores))
    reference = {
        c.name: fit_history_column(name, frame, c.name)[0].to_json()
        for c in TABLES[name].columns
        if c.kind != "key" and c.name in frame
    }
    return {
        "n_rows": len(frame),
        "marginals": marginals,
        "copula": {
            "dims": list(copula.dims),
            "correlation": np.round(copula.correlation, 5).tolist(),
        },
        "reference": reference,
    }


# How much each table's client propensity shares with the latent risk behind TARGET.
# The rest is client-level noise of its own, so each table adds information without
# revealing the risk exactly.
PROPENSITY_RISK_CORRELATION = {"bureau": 0.3, "previous_application": 0.3, "payments": 0.3}
# Correlation of a single monthly status / instalment with the client's propensity.
ROW_SIGNAL = 0.35
MONTH_DAYS = DAYS_PER_MONTH
HISTORY_MONTHS = 96
