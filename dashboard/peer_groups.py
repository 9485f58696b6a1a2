"""Who a client is compared with, and where they stand: pure pandas/numpy, no UI.

The peer views need three answers from the portfolio snapshot: the rows of a reference
group (similar clients, nearest neighbours, outcomes, decisions), the client's own row, and
the client's rank within each group. Keeping them here makes them testable without a
browser and keeps the views to layout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scoring.descriptors import describe
from scoring.features import FEATURE_NAMES, build_online

MODES = ("all", "similar", "neighbours", "outcome", "decision")
FILTERS = (
    "gender", "age_band", "income_band", "contract_type", "education", "family_status",
    "income_type", "housing",
)  # fmt: skip
AGE_EDGES = np.array([25.0, 35.0, 45.0, 55.0, 65.0])  # bands <25, 25–35, …, ≥65 years
INCOME_QUANTILES = (0.2, 0.4, 0.6, 0.8)  # income bands are the portfolio's quintiles
NEIGHBOUR_COLUMNS = (
    "age_years", "income", "credit", "annuity", "goods_price", "term_months",
    "employment_years", "ext_source_1", "ext_source_2", "ext_source_3", "children",
    "family_size", "region_rating", "credit_income_ratio", "annuity_income_ratio",
    "bureau_count", "previous_count", "previous_refused_share", "instalment_days_late",
)  # fmt: skip
# Amounts are compared on a log scale: 10,000 more means more on a small income.
LOG_COLUMNS = frozenset({"income", "credit", "annuity", "goods_price"})
SAME_PROBABILITY = 1e-9


@dataclass(frozen=True)
class Group:
    """A reference group: its key (for labels and styles) and its rows in the snapshot."""

    key: str
    mask: np.ndarray

    @property
    def size(self) -> int:
        return int(self.mask.sum())


@dataclass(frozen=True)
class Rank:
    """Percentages of a group's known values below and equal to the client's, and their count."""

    below: float
    equal: float
    size: int


def band(values: Any, edges: np.ndarray) -> np.ndarray:
    """Band index of each value (0 below the first edge); -1 where the value is unknown."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isnan(values), -1, np.searchsorted(edges, values, side="right"))


def income_edges(snapshot: pd.DataFrame) -> np.ndarray:
    """Quintile edges of the portfolio's income."""
    return np.nanquantile(snapshot["income"].to_numpy(float), INCOME_QUANTILES)


def similar_mask(snapshot: pd.DataFrame, client: pd.Series, filters: Sequence[str]) -> np.ndarray:
    """Clients who share the client's value on every filter (unknown matches unknown)."""
    mask = np.ones(len(snapshot), dtype=bool)
    for name in filters:
        if name == "age_band":
            mask &= band(snapshot["age_years"], AGE_EDGES) == band(client["age_years"], AGE_EDGES)
        elif name == "income_band":
            edges = income_edges(snapshot)
            mask &= band(snapshot["income"], edges) == band(client["income"], edges)
        elif pd.isna(client[name]):
            mask &= snapshot[name].isna().to_numpy()
        else:
            mask &= (snapshot[name] == client[name]).to_numpy()
    return mask


def neighbour_mask(
    snapshot: pd.DataFrame, client: pd.Series, k: int, columns: Sequence[str] = NEIGHBOUR_COLUMNS
) -> np.ndarray:
    """The ``k`` clients nearest to the client, the client excluded.

    Distances use the columns the client has a value for, each standardised over the
    portfolio (amounts on a log scale); peers' unknown values take the portfolio median,
    so missing data neither attracts nor repels.
    """
    known = [c for c in columns if pd.notna(client[c])]
    if not known or len(snapshot) == 0:
        return np.zeros(len(snapshot), dtype=bool)
    matrix = snapshot[known].to_numpy(np.float64)
    point = client[known].to_numpy(np.float64)[None, :]
    logs = np.array([c in LOG_COLUMNS for c in known])
    matrix[:, logs], point[:, logs] = np.log1p(matrix[:, logs]), np.log1p(point[:, logs])
    medians = np.nanmedian(matrix, axis=0)
    matrix = np.where(np.isnan(matrix), medians, matrix)
    scale = matrix.std(axis=0)
    scale[~(scale > 0)] = 1.0
    centre = matrix.mean(axis=0)
    own = _own_rows(snapshot, client)
    wanted = min(k + int(own.any()), len(snapshot))
    rows = _nearest((matrix - centre) / scale, (point[0] - centre) / scale, wanted)
    mask = np.zeros(len(snapshot), dtype=bool)
    mask[rows] = True
    mask &= ~own
    if mask.sum() > k:  # the client was not among the nearest: drop the farthest
        mask[rows[-1]] = False
    return mask


def _nearest(matrix: np.ndarray, point: np.ndarray, count: int) -> np.ndarray:
    """Rows of the ``count`` points nearest to ``point``, nearest first (ties by row).

    One query against one matrix is a distance and a partial sort; numpy does it without
    loading scikit-learn (seconds of start-up and ~100 MB) into the dashboard's process.
    """
    distances = np.einsum("ij,ij->i", matrix - point, matrix - point)
    if count >= len(distances):
        return np.argsort(distances, kind="stable")
    candidates = np.argpartition(distances, count - 1)[:count]
    return candidates[np.lexsort((candidates, distances[candidates]))]


def reference_groups(
    snapshot: pd.DataFrame, client: pd.Series, mode: str, filters: Sequence[str], k: int
) -> list[Group]:
    """The groups to overlay for a mode; a chosen subgroup comes with all clients."""
    everyone = Group("all", np.ones(len(snapshot), dtype=bool))
    if mode == "similar":
        return [Group("similar", similar_mask(snapshot, client, filters)), everyone]
    if mode == "neighbours":
        return [Group("neighbours", neighbour_mask(snapshot, client, k)), everyone]
    if mode == "outcome":
        target = snapshot["TARGET"].to_numpy(float)
        return [Group("repaid", target == 0), Group("defaulted", target == 1)]
    if mode == "decision":
        decision = snapshot["decision"].to_numpy(object)
        return [Group("granted", decision == "granted"), Group("refused", decision == "refused")]
    return [everyone]


def rank(values: Any, value: Any) -> Rank | None:
    """Where ``value`` stands among the known ``values``; None if either is unknown."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0 or value is None or pd.isna(value):
        return None
    value = float(value)
    below = np.count_nonzero(values < value)
    equal = np.count_nonzero(values == value)
    return Rank(100.0 * below / values.size, 100.0 * equal / values.size, int(values.size))


def histogram_edges(values: Any, bins: int = 40) -> np.ndarray:
    """Shared bin edges over the central 99 % of the portfolio, so tails do not flatten it."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return np.linspace(0.0, 1.0, bins + 1)
    low, high = np.quantile(values, [0.005, 0.995])
    if not high > low:
        low, high = values.min() - 0.5, values.max() + 0.5
    return np.linspace(low, high, bins + 1)


def client_row(
    snapshot: pd.DataFrame,
    client_id: int | None,
    application: Mapping[str, Any] | None = None,
    explanation: Mapping[str, Any] | None = None,
    history: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> pd.Series | None:
    """The client's snapshot row, or one computed from the application and its history.

    The snapshot row is used when it holds the score being shown; an application unknown
    to the portfolio, or scored by a newer model than the snapshot's, is described from
    its features, built by the same :func:`scoring.features.build_online` as the API's and
    described by the same :func:`scoring.descriptors.describe`, so both compare alike.
    """
    probability = None if explanation is None else explanation.get("probability")
    if client_id is not None:
        rows = snapshot.loc[snapshot["SK_ID_CURR"].to_numpy() == int(client_id)]
        if len(rows) and (
            probability is None
            or abs(float(rows["probability"].iloc[0]) - probability) <= SAME_PROBABILITY
        ):
            return rows.iloc[0]
    if application is None or explanation is None:
        return None
    features = dict(zip(FEATURE_NAMES, build_online(application, history).tolist(), strict=True))
    row = describe({**features, **application}).iloc[0]
    extra = {c: features.get(c, np.nan) for c in snapshot.columns if c not in row.index}
    extra |= {
        "SK_ID_CURR": client_id if client_id is not None else -1,
        "TARGET": np.nan,
        "probability": float(probability),
        "decision": explanation.get("decision"),
    }
    values = {**row.to_dict(), **extra}
    return pd.Series({c: values.get(c, np.nan) for c in snapshot.columns}, dtype=object)


def _own_rows(snapshot: pd.DataFrame, client: pd.Series) -> np.ndarray:
    identifier = client.get("SK_ID_CURR")
    if identifier is None or pd.isna(identifier):
        return np.zeros(len(snapshot), dtype=bool)
    return snapshot["SK_ID_CURR"].to_numpy() == int(identifier)
