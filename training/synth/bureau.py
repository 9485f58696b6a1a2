"""Generate bureau credits and their monthly bureau_balance statuses."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from training.synth import history_model as hm
from training.synth.marginals import Marginal, uniforms_from_normals
from training.synth.rows import counts_per_parent, sample_rows
from training.synth.sequences import expand, propensity

BUREAU_ID_START = 5_000_000


def generate_bureau(
    client_ids: np.ndarray,
    risk: np.ndarray,
    history_scale: np.ndarray,
    statistics: dict[str, Any],
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bureau credits per client, then monthly statuses for part of them."""
    size = hm.FULL_DATA["bureau"]
    counts = counts_per_parent(
        size["parents"] / hm.FULL_DATA_CLIENTS,
        size["rows"] / size["parents"],
        history_scale,
        rng,
    )
    client_of_row, _ = expand(counts)
    client_propensity = propensity(risk, hm.PROPENSITY_RISK_CORRELATION["bureau"], rng)
    row_propensity = client_propensity[client_of_row]
    columns = sample_rows("bureau", statistics["bureau"], row_propensity, rng)
    bureau = pd.DataFrame(
        {
            "SK_ID_CURR": client_ids[client_of_row],
            "SK_ID_BUREAU": BUREAU_ID_START + np.arange(len(client_of_row), dtype=np.int64),
            **columns,
        }
    )
    _apply_rules(bureau)
    balance = _generate_balance(bureau, row_propensity, statistics["bureau_balance"], rng)
    return bureau, balance


def _apply_rules(bureau: pd.DataFrame) -> None:
    """Dates in order, closing facts only for closed credits, overdue only if active."""
    active = bureau["CREDIT_ACTIVE"] == "Active"
    opened = bureau["DAYS_CREDIT"]
    bureau["DAYS_ENDDATE_FACT"] = bureau["DAYS_ENDDATE_FACT"].clip(lower=opened, upper=0)
    bureau.loc[active, "DAYS_ENDDATE_FACT"] = np.nan
    bureau.loc[~active, "CREDIT_DAY_OVERDUE"] = 0.0
    bureau["DAYS_CREDIT_ENDDATE"] = bureau["DAYS_CREDIT_ENDDATE"].clip(lower=opened)
    bureau["DAYS_CREDIT_UPDATE"] = bureau["DAYS_CREDIT_UPDATE"].clip(lower=opened)


def _generate_balance(
    bureau: pd.DataFrame,
    credit_propensity: np.ndarray,
    table_stats: dict[str, Any],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Monthly status from the opening month (at most 96 months back) to now.

    Months after a credit closed are "C"; others draw X, 0 or a days-past-due bucket,
    with later buckets more likely for clients of high propensity.
    """
    size = hm.FULL_DATA["bureau_balance"]
    covered = rng.random(len(bureau)) < size["parents"] / hm.FULL_DATA["bureau"]["rows"]
    first_month = np.maximum(
        np.floor(bureau["DAYS_CREDIT"].to_numpy() / hm.MONTH_DAYS), -hm.HISTORY_MONTHS
    ).astype(np.int64)
    lengths = np.where(covered, 1 - first_month, 0)
    credit, position = expand(lengths)
    months = first_month[credit] + position
    closed_month = np.floor(bureau["DAYS_ENDDATE_FACT"].to_numpy() / hm.MONTH_DAYS)
    is_closed = months > closed_month[credit]
    status = _open_status(table_stats, credit_propensity[credit], rng)
    status[is_closed] = "C"
    return pd.DataFrame(
        {
            "SK_ID_BUREAU": bureau["SK_ID_BUREAU"].to_numpy()[credit],
            "MONTHS_BALANCE": months.astype(np.float64),
            "STATUS": status,
        }
    )


def _open_status(
    table_stats: dict[str, Any], row_propensity: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Status of a month while the credit is open: the real non-"C" frequencies."""
    marginal = Marginal.from_json(table_stats["marginals"]["STATUS"])
    levels = [lvl for lvl in marginal.support if lvl != "C"]
    weights = [
        p for lvl, p in zip(marginal.support, marginal.probabilities, strict=True) if lvl != "C"
    ]
    open_marginal = Marginal("category", tuple(levels), tuple(weights))
    latent = propensity(row_propensity, hm.ROW_SIGNAL, rng)
    return open_marginal.sample(uniforms_from_normals(latent))
