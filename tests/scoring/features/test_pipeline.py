"""Feature values checked by hand on a tiny application and history, plus catalogue rules."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scoring.columns import records_to_columns
from scoring.features import FEATURE_NAMES, FEATURES, build_features, build_online
from scoring.schema import APPLICATION_TEST, HISTORY_NAMES, TABLES

Records = Sequence[Mapping[str, Any]]

# Client 1 is a pensioner with a full history, client 2 has little, client 3 none;
# the application is deliberately not sorted by id.
APPLICATIONS: Records = [
    {"SK_ID_CURR": 3, "CODE_GENDER": "F", "DAYS_BIRTH": -15000},
    {
        "SK_ID_CURR": 1,
        "CODE_GENDER": "M",
        "NAME_CONTRACT_TYPE": "Cash loans",
        "DAYS_BIRTH": -10000,
        "DAYS_EMPLOYED": 365243,
        "AMT_INCOME_TOTAL": 100000.0,
        "AMT_CREDIT": 200000.0,
        "AMT_ANNUITY": 10000.0,
        "AMT_GOODS_PRICE": 0.0,
        "CNT_FAM_MEMBERS": 2,
    },
    {"SK_ID_CURR": 2, "CODE_GENDER": "XNA", "DAYS_BIRTH": -20000, "DAYS_EMPLOYED": -1000},
]


def _credit(client: int, credit: int, status: str, days: float, amount: float) -> dict:
    return {
        "SK_ID_CURR": client,
        "SK_ID_BUREAU": credit,
        "CREDIT_ACTIVE": status,
        "DAYS_CREDIT": days,
        "AMT_CREDIT_SUM": amount,
    }


def _month(credit: int, month: int, status: str) -> dict:
    return {"SK_ID_BUREAU": credit, "MONTHS_BALANCE": month, "STATUS": status}


def _instalment(due: float, paid_on: float | None, amount: float, paid: float | None) -> dict:
    return {
        "SK_ID_PREV": 7,
        "SK_ID_CURR": 1,
        "NUM_INSTALMENT_VERSION": 1 if paid else 2,
        "DAYS_INSTALMENT": due,
        "DAYS_ENTRY_PAYMENT": paid_on,
        "AMT_INSTALMENT": amount,
        "AMT_PAYMENT": paid,
    }


HISTORY: dict[str, Records] = {
    "bureau": [
        _credit(1, 10, "Active", -100, 1000.0),
        _credit(1, 11, "Closed", -300, 3000.0),
        _credit(1, 12, "Active", -200, None),
        _credit(2, 20, "Closed", -50, 10.0),
        _credit(999, 30, "Active", -1, 1.0),  # client not in the application: ignored
    ],
    "bureau_balance": [
        _month(10, -2, "0"),
        _month(10, -1, "0"),
        _month(10, 0, "1"),
        _month(11, -5, "C"),
        _month(77, -1, "5"),  # credit not in bureau: ignored
    ],
    "previous_application": [
        {
            "SK_ID_PREV": 7,
            "SK_ID_CURR": 1,
            "NAME_CONTRACT_STATUS": "Approved",
            "AMT_APPLICATION": 100.0,
            "AMT_CREDIT": 80.0,
        },
        {
            "SK_ID_PREV": 8,
            "SK_ID_CURR": 1,
            "NAME_CONTRACT_STATUS": "Refused",
            "AMT_APPLICATION": 50.0,
            "AMT_CREDIT": 0.0,
        },
    ],
    "installments_payments": [
        _instalment(-30, -25, 100.0, 100.0),  # 5 days late
        _instalment(-60, -70, 100.0, 50.0),  # 10 days early, half paid
        _instalment(-90, None, 0.0, None),  # unpaid: lateness unknown
    ],
    "POS_CASH_balance": [
        {
            "SK_ID_PREV": 9,
            "SK_ID_CURR": 2,
            "MONTHS_BALANCE": -2,
            "NAME_CONTRACT_STATUS": "Active",
            "SK_DPD": 0,
        },
        {
            "SK_ID_PREV": 9,
            "SK_ID_CURR": 2,
            "MONTHS_BALANCE": -1,
            "NAME_CONTRACT_STATUS": "Completed",
            "SK_DPD": 4,
        },
    ],
    "credit_card_balance": [
        {"SK_ID_PREV": 5, "SK_ID_CURR": 1, "AMT_BALANCE": 500.0, "AMT_CREDIT_LIMIT_ACTUAL": 1000.0},
        {"SK_ID_PREV": 5, "SK_ID_CURR": 1, "AMT_BALANCE": 100.0, "AMT_CREDIT_LIMIT_ACTUAL": 0.0},
    ],
}


def _frame(history: Mapping[str, Records] | None = HISTORY) -> pd.DataFrame:
    tables = {"application": records_to_columns(APPLICATIONS, APPLICATION_TEST)}
    for name, records in (history or {}).items():
        tables[name] = records_to_columns(records, TABLES[name])
    return build_features(tables).to_pandas()


EXPECTED: dict[int, dict[str, float]] = {
    1: {
        "CODE_GENDER": 1.0,
        "NAME_CONTRACT_TYPE_Cash_loans": 1.0,
        "NAME_CONTRACT_TYPE_Revolving_loans": 0.0,
        "DAYS_EMPLOYED": np.nan,
        "DAYS_EMPLOYED_ANOM": 1.0,
        "DAYS_EMPLOYED_PERC": np.nan,
        "INCOME_CREDIT_PERC": 0.5,
        "INCOME_PER_PERSON": 50000.0,
        "ANNUITY_INCOME_PERC": 0.1,
        "PAYMENT_RATE": 0.05,
        "CREDIT_GOODS_RATIO": np.nan,  # goods price 0
        "BURO_DAYS_CREDIT_MIN": -300.0,
        "BURO_DAYS_CREDIT_MEAN": -200.0,
        "BURO_DAYS_CREDIT_VAR": 10000.0,
        "BURO_AMT_CREDIT_SUM_SUM": 4000.0,
        "BURO_AMT_CREDIT_SUM_MEAN": 2000.0,  # the missing amount is skipped
        "BURO_CREDIT_ACTIVE_Active_MEAN": 2 / 3,
        "BURO_MONTHS_BALANCE_MIN_MIN": -5.0,
        "BURO_MONTHS_BALANCE_SIZE_MEAN": 2.0,  # credit 12 has no months: skipped
        "BURO_MONTHS_BALANCE_SIZE_SUM": 4.0,
        "BURO_STATUS_0_MEAN_MEAN": 1 / 3,
        "BURO_STATUS_C_MEAN_MEAN": 0.5,
        "BURO_STATUS_5_MEAN_MEAN": 0.0,
        "ACTIVE_DAYS_CREDIT_MEAN": -150.0,
        "ACTIVE_AMT_CREDIT_SUM_SUM": 1000.0,
        "ACTIVE_MONTHS_BALANCE_SIZE_SUM": 3.0,
        "CLOSED_DAYS_CREDIT_MEAN": -300.0,
        "BURO_COUNT": 3.0,
        "PREV_APP_CREDIT_PERC_MEAN": 1.25,  # the refused one divides by 0: NaN
        "APPROVED_AMT_CREDIT_MAX": 80.0,
        "REFUSED_AMT_APPLICATION_MEAN": 50.0,
        "REFUSED_AMT_CREDIT_MEAN": 0.0,
        "PREV_NAME_CONTRACT_STATUS_Refused_MEAN": 0.5,
        "PREV_COUNT": 2.0,
        "INSTAL_DPD_MAX": 5.0,
        "INSTAL_DPD_MEAN": 2.5,
        "INSTAL_DBD_SUM": 10.0,
        "INSTAL_PAYMENT_PERC_MEAN": 0.75,
        "INSTAL_PAYMENT_DIFF_SUM": 50.0,
        "INSTAL_NUM_INSTALMENT_VERSION_NUNIQUE": 2.0,
        "INSTAL_COUNT": 3.0,
        "CC_UTILISATION_MEAN": 0.5,
        "CC_AMT_BALANCE_SUM": 600.0,
        "CC_COUNT": 2.0,
        "POS_COUNT": 0.0,
        "POS_SK_DPD_MAX": np.nan,
    },
    2: {
        "CODE_GENDER": np.nan,  # "XNA"
        "NAME_CONTRACT_TYPE_Cash_loans": 0.0,  # missing: no level set
        "DAYS_EMPLOYED_ANOM": 0.0,
        "DAYS_EMPLOYED_PERC": 0.05,
        "BURO_COUNT": 1.0,
        "ACTIVE_DAYS_CREDIT_MEAN": np.nan,  # no active credit
        "ACTIVE_AMT_CREDIT_SUM_SUM": np.nan,
        "CLOSED_AMT_CREDIT_SUM_SUM": 10.0,
        "BURO_MONTHS_BALANCE_SIZE_MEAN": np.nan,
        "BURO_MONTHS_BALANCE_SIZE_SUM": 0.0,  # pandas: the sum of nothing valid is 0
        "POS_SK_DPD_MAX": 4.0,
        "POS_NAME_CONTRACT_STATUS_Active_MEAN": 0.5,
        "POS_MONTHS_BALANCE_SIZE": 2.0,
        "POS_COUNT": 2.0,
        "PREV_COUNT": 0.0,
        "PREV_AMT_CREDIT_MEAN": np.nan,
    },
    3: {
        "CODE_GENDER": 0.0,
        "DAYS_EMPLOYED_ANOM": np.nan,
        **{f"{p}_COUNT": 0.0 for p in ("BURO", "PREV", "POS", "INSTAL", "CC")},
        "BURO_DAYS_CREDIT_MEAN": np.nan,
        "BURO_AMT_CREDIT_SUM_SUM": np.nan,
        "INSTAL_DPD_SUM": np.nan,
    },
}


@pytest.mark.parametrize(
    ("client", "feature", "expected"),
    [(c, f, v) for c, values in EXPECTED.items() for f, v in values.items()],
)
def test_hand_checked_value(client: int, feature: str, expected: float) -> None:
    np.testing.assert_allclose(_frame().loc[client, feature], expected, rtol=1e-12)


def test_rows_follow_the_application_order() -> None:
    assert list(_frame().index) == [3, 1, 2]


def test_table_not_provided_is_unknown_even_for_counts() -> None:
    frame = _frame({})
    history = [i.name for i in FEATURES if i.source != "application"]
    assert frame[history].isna().all().all()


def test_table_provided_without_rows_counts_zero() -> None:
    frame = _frame({name: [] for name in HISTORY_NAMES})
    counts = [name for name in FEATURE_NAMES if name.endswith("_COUNT")]
    assert (frame[counts] == 0).all().all()
    others = [i.name for i in FEATURES if i.source != "application" and i.name not in counts]
    assert frame[others].isna().all().all()


def test_bureau_balance_features_need_bureau_balance() -> None:
    frame = _frame({"bureau": HISTORY["bureau"]})
    balance = [i.name for i in FEATURES if i.source == "bureau_balance"]
    assert frame[balance].isna().all().all()  # even the sums, which would otherwise be 0
    assert frame.loc[1, "BURO_COUNT"] == 3


def test_names_are_unique_and_lightgbm_safe() -> None:
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    assert all(re.fullmatch(r"[A-Za-z0-9_]+", name) for name in FEATURE_NAMES)


def test_every_feature_has_both_labels() -> None:
    for info in FEATURES:
        assert info.label_en.strip() and info.label_fr.strip(), info.name
        assert info.source in ("application", *HISTORY_NAMES), info.name


def test_labels_read_naturally() -> None:
    labels = {info.name: (info.label_en, info.label_fr) for info in FEATURES}
    assert labels["PREV_AMT_CREDIT_MEAN"] == (
        "Previous applications: amount granted (mean)",
        "Demandes précédentes : montant accordé (moyenne)",
    )
    assert labels["NAME_CONTRACT_TYPE_Cash_loans"] == (
        "Contract type = Cash loans",
        "Type de contrat = Cash loans",
    )


def test_vector_length_does_not_depend_on_history() -> None:
    application = APPLICATIONS[1]
    history = {
        name: [r for r in rows if r.get("SK_ID_CURR", 1) == 1] for name, rows in HISTORY.items()
    }
    alone, full = build_online(application), build_online(application, history)
    assert alone.shape == full.shape == (len(FEATURES),)
    assert np.isnan(full).sum() < np.isnan(alone).sum()


def test_no_infinity_anywhere() -> None:
    assert not np.isinf(_frame().to_numpy()).any()


def test_application_without_ids_is_refused() -> None:
    with pytest.raises(ValueError, match="SK_ID_CURR"):
        build_features({"application": {"DAYS_BIRTH": np.array([-1.0])}})
