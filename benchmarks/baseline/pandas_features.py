"""The feature pipeline written the usual way: plain pandas, one table at a time.

Public implementations of this product follow the Kaggle kernel: per table, derived
columns, ``pd.get_dummies`` for categoricals, ``groupby("SK_ID_CURR").agg({...})`` and a
join onto the applications. This module is that habit, for the baseline app and the
benchmarks, not for the product (whose engine is :mod:`scoring.features`). It computes the
very same features: the reductions, shares and prefixes come from the numpy engine's own
declarations (each table module's ``AggSpec``, ``application``'s lists), and every block is
checked against the engine's feature names, so the two cannot drift apart.

Missing data follows :mod:`scoring.features.pipeline`: a client without rows in a provided
table gets NaN except ``<PREFIX>COUNT`` = 0; a table not provided gives NaN throughout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from scoring.features import FEATURE_NAMES, FEATURES, balances, bureau, installments, previous
from scoring.features import application as app_spec
from scoring.features.labels import safe_name
from scoring.features.pipeline import BLOCKS
from scoring.features.spec import AggSpec
from scoring.schema import APPLICATION_TEST, BUREAU_BALANCE, HISTORY_NAMES, TABLES
from scoring.schema.common import SENTINEL_DAYS
from scoring.schema.core import Table

CLIENT_KEY = "SK_ID_CURR"
Frames = Mapping[str, pd.DataFrame]


def records_frame(records: Sequence[Mapping[str, Any]], table: Table) -> pd.DataFrame:
    """Records (validated request fields) as a frame typed like the loader's.

    Categoricals get the schema's levels, so ``get_dummies`` yields every level as the
    loader's frames do; an absent field is missing (NaN).
    """
    frame = pd.DataFrame.from_records(list(records), columns=list(table.names))
    keys = [column.name for column in table.columns if column.kind == "key"]
    absent = [key for key in keys if frame[key].isna().any()]
    if absent:
        raise ValueError(f"{table.name}: every record needs {', '.join(absent)}")
    return frame.astype(_dtypes(table))


@cache
def _dtypes(table: Table) -> dict[str, Any]:
    def dtype(column: Any) -> Any:
        if column.is_categorical:
            return pd.CategoricalDtype(list(column.levels))
        return np.int64 if column.kind == "key" else np.float64

    return {column.name: dtype(column) for column in table.columns}


def dummies(frame: pd.DataFrame, table: Table, columns: Iterable[str]) -> pd.DataFrame:
    """One 0/1 column per schema level, named ``<COLUMN>_<level>`` as the engine names them."""
    columns = list(columns)
    if not columns:
        return pd.DataFrame(index=frame.index)
    typed = frame[columns].astype({c: pd.CategoricalDtype(list(table[c].levels)) for c in columns})
    names = {
        f"{c}_{level}": f"{c}_{safe_name(level)}" for c in columns for level in table[c].levels
    }
    return pd.get_dummies(typed, dtype=np.float64).rename(columns=names)


def aggregate(rows: pd.DataFrame, specs: Sequence[AggSpec]) -> pd.DataFrame:
    """The kernel's one ``groupby("SK_ID_CURR").agg({...})`` of specs sharing a prefix, with
    the level shares of their categoricals."""
    prefix = specs[0].prefix
    shares = pd.concat([dummies(rows, spec.table, spec.categorical) for spec in specs], axis=1)
    rows = pd.concat([rows, shares], axis=1)
    how = {column: list(aggs) for spec in specs for column, aggs in spec.numeric.items()}
    how.update({name: ["mean"] for name in shares.columns})
    result = rows.groupby(CLIENT_KEY).agg(how)
    result.columns = [f"{prefix}{column}_{agg.upper()}" for column, agg in result.columns]
    return result


def per_client(
    parts: list[pd.DataFrame], rows: pd.DataFrame, prefix: str, ids: Any
) -> pd.DataFrame:
    """The parts joined on the applications, with the row count (0 for clients without)."""
    count = rows.groupby(CLIENT_KEY).size().rename(f"{prefix}COUNT")
    result = pd.concat([*parts, count], axis=1).reindex(ids)
    result[count.name] = result[count.name].fillna(0.0)
    return result


def _by_prefix(specs: Sequence[AggSpec], subsets: Mapping[str, pd.DataFrame]) -> list[pd.DataFrame]:
    """One aggregation per subset of rows, e.g. all, active and closed credits."""
    return [
        aggregate(rows, [spec for spec in specs if spec.prefix == prefix])
        for prefix, rows in subsets.items()
    ]


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """``numerator / denominator``, NaN (not inf) where the denominator is 0, as the engine."""
    return numerator / denominator.where(denominator != 0)


def application_pandas(frame: pd.DataFrame) -> pd.DataFrame:
    """Binary codes, cleaned numbers, ratios and one-hot levels of each application."""
    frame = frame.set_index(CLIENT_KEY)
    binary = pd.DataFrame(
        {
            name: frame[name].map({zero: 0.0, one: 1.0}).astype(np.float64)
            for name, (zero, one) in app_spec.BINARY.items()
        }
    )
    numbers = frame[list(app_spec.PASSTHROUGH)].astype(np.float64)
    employed = numbers["DAYS_EMPLOYED"]
    anomalous = employed == SENTINEL_DAYS
    numbers["DAYS_EMPLOYED"] = employed.mask(anomalous)
    numbers["DAYS_EMPLOYED_ANOM"] = anomalous.astype(np.float64).where(employed.notna())
    for name, (top, bottom) in app_spec.RATIOS.items():
        numbers[name] = _ratio(numbers[top], numbers[bottom])
    one_hot = dummies(frame, app_spec.TABLE, app_spec.ONE_HOT)
    return pd.concat([binary, numbers, one_hot], axis=1)


def bureau_pandas(frames: Frames, ids: Any) -> pd.DataFrame:
    """The kernel's ``bureau_and_balance``: balances per credit, then credits per client."""
    balance = frames.get("bureau_balance")
    if balance is None:  # not provided: its features are blanked by the caller
        balance = records_frame([], BUREAU_BALANCE)
    status = dummies(balance, BUREAU_BALANCE, ("STATUS",))
    balance = pd.concat([balance, status], axis=1)
    how = {"MONTHS_BALANCE": ["min", "max", "size"], **{name: ["mean"] for name in status}}
    per_credit = balance.groupby("SK_ID_BUREAU").agg(how)
    per_credit.columns = [f"{column}_{agg.upper()}" for column, agg in per_credit.columns]
    credits = frames["bureau"].join(per_credit, on="SK_ID_BUREAU")
    subsets = {
        "BURO_": credits,
        "ACTIVE_": credits[credits["CREDIT_ACTIVE"] == "Active"],
        "CLOSED_": credits[credits["CREDIT_ACTIVE"] == "Closed"],
    }
    return per_client(_by_prefix(bureau.SPECS, subsets), credits, "BURO_", ids)


def previous_pandas(frames: Frames, ids: Any) -> pd.DataFrame:
    """The kernel's ``previous_applications``: all, approved and refused applications."""
    rows = frames["previous_application"].copy()
    rows["APP_CREDIT_PERC"] = _ratio(rows["AMT_APPLICATION"], rows["AMT_CREDIT"])
    subsets = {
        "PREV_": rows,
        "APPROVED_": rows[rows["NAME_CONTRACT_STATUS"] == "Approved"],
        "REFUSED_": rows[rows["NAME_CONTRACT_STATUS"] == "Refused"],
    }
    return per_client(_by_prefix(previous.SPECS, subsets), rows, "PREV_", ids)


def pos_cash_pandas(frames: Frames, ids: Any) -> pd.DataFrame:
    """The kernel's ``pos_cash``."""
    rows = frames["POS_CASH_balance"]
    return per_client([aggregate(rows, [balances.POS_SPEC])], rows, "POS_", ids)


def installments_pandas(frames: Frames, ids: Any) -> pd.DataFrame:
    """The kernel's ``installments_payments`` (an unpaid instalment's lateness is NaN)."""
    rows = frames["installments_payments"].copy()
    rows["PAYMENT_PERC"] = _ratio(rows["AMT_PAYMENT"], rows["AMT_INSTALMENT"])
    rows["PAYMENT_DIFF"] = rows["AMT_INSTALMENT"] - rows["AMT_PAYMENT"]
    late = rows["DAYS_ENTRY_PAYMENT"] - rows["DAYS_INSTALMENT"]
    rows["DPD"], rows["DBD"] = late.clip(lower=0), (-late).clip(lower=0)
    return per_client([aggregate(rows, [installments.SPEC])], rows, "INSTAL_", ids)


def credit_card_pandas(frames: Frames, ids: Any) -> pd.DataFrame:
    """The kernel's ``credit_card_balance``, trimmed as the engine is, with utilisation."""
    rows = frames["credit_card_balance"].copy()
    rows["UTILISATION"] = _ratio(rows["AMT_BALANCE"], rows["AMT_CREDIT_LIMIT_ACTUAL"])
    return per_client([aggregate(rows, [balances.CARD_SPEC])], rows, "CC_", ids)


# Each block of the numpy engine (by its source table) and its pandas twin.
TWINS: dict[str, Callable[[Frames, Any], pd.DataFrame]] = {
    "application": lambda frames, _: application_pandas(frames["application"]),
    "bureau": bureau_pandas,
    "previous_application": previous_pandas,
    "POS_CASH_balance": pos_cash_pandas,
    "installments_payments": installments_pandas,
    "credit_card_balance": credit_card_pandas,
}


def build_features_pandas(frames: Frames, application: str = "application_train") -> pd.DataFrame:
    """Features of ``frames[application]`` (index SK_ID_CURR, columns ``FEATURE_NAMES``),
    from whichever history frames (typed as the loader types them) are present."""
    tables = {"application": frames[application]}
    tables.update({name: frames[name] for name in HISTORY_NAMES if name in frames})
    ids = tables["application"][CLIENT_KEY].to_numpy()
    parts = []
    for block in BLOCKS:
        if block.table not in tables:
            continue
        part = TWINS[block.table](tables, ids)
        names = [info.name for info in block.features]
        if set(part.columns) != set(names):
            raise RuntimeError(
                f"the pandas twin of {block.table} drifted from the engine: "
                f"{sorted(set(part.columns) ^ set(names))}"
            )
        parts.append(part[names])
    result = pd.concat(parts, axis=1).reindex(columns=list(FEATURE_NAMES))
    unprovided = [info.name for info in FEATURES if info.source not in tables]
    result[unprovided] = np.nan
    return result.rename_axis(CLIENT_KEY)


def online_features_pandas(
    application: Mapping[str, Any], history: Mapping[str, Sequence[Mapping[str, Any]]]
) -> pd.DataFrame:
    """One row of features of a validated application and its history records, the way a
    Flask app would: small DataFrames from the request, then the batch code."""
    if application.get(CLIENT_KEY) is None:
        raise ValueError(f"the application needs {CLIENT_KEY} to link its history")
    frames = {"application": records_frame([application], APPLICATION_TEST)}
    for name, records in history.items():
        frames[name] = records_frame(records, TABLES[name])
    return build_features_pandas(frames, application="application")
