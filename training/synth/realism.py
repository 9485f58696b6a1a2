"""How close generated tables are to the real data, column by column.

Compares a frame with the committed reference marginals (fitted on the real rows):
a Kolmogorov-Smirnov distance for numeric columns, total variation for categorical
ones, the difference in missing rates, and the category sets. The realism tests and
the ``realism`` CLI command both read these figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from training.synth.marginals import Marginal


@dataclass(frozen=True)
class ColumnRealism:
    """Distances of one generated column from its real reference."""

    table: str
    column: str
    distance: float
    missing_difference: float
    unknown_levels: tuple[str, ...] = ()
    absent_levels: tuple[str, ...] = ()


def ks_distance(values: np.ndarray, reference: Marginal) -> float:
    """KS distance between the values' ECDF and the reference, at the reference's support.

    A sentinel value is compared on its own (difference in share), the regular values
    by KS; the larger of the two is the distance.
    """
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return 1.0
    if reference.special_rate > 0:
        is_special = values == reference.special
        share = abs(float(is_special.mean()) - reference.special_rate)
        return max(share, ks_distance(values[~is_special], replace(reference, special_rate=0)))
    values = np.sort(values)
    if reference.kind == "discrete":
        support = np.asarray(reference.support, dtype=float)
        below = np.cumsum(reference.probabilities) - np.asarray(reference.probabilities)
        upper = np.cumsum(reference.probabilities)
    else:
        grid = np.linspace(0.0, 1.0, len(reference.support))
        support, first = np.unique(np.asarray(reference.support, dtype=float), return_index=True)
        last = len(grid) - 1 - np.unique(np.asarray(reference.support)[::-1], return_index=True)[1]
        below, upper = grid[first], grid[last]
    at = np.searchsorted(values, support, side="right") / len(values)
    before = np.searchsorted(values, support, side="left") / len(values)
    return float(max(np.max(np.abs(at - upper)), np.max(np.abs(before - below))))


def category_distance(values: pd.Series, reference: Marginal) -> tuple[float, tuple, tuple]:
    """Total variation distance, levels never seen in the reference, common levels missing."""
    shares = values.dropna().astype(str).value_counts(normalize=True)
    expected = dict(zip(reference.support, reference.probabilities, strict=True))
    levels = set(shares.index) | set(expected)
    distance = 0.5 * sum(abs(shares.get(lvl, 0.0) - expected.get(lvl, 0.0)) for lvl in levels)
    unknown = tuple(sorted(set(shares.index) - set(expected)))
    common = {lvl for lvl, p in expected.items() if p >= 0.01}
    absent = tuple(sorted(common - set(shares.index)))
    return float(distance), unknown, absent


def compare_table(
    table: str, frame: pd.DataFrame, reference: dict[str, Any]
) -> list[ColumnRealism]:
    """Realism of every reference column present in the frame."""
    out = []
    for column, data in reference.items():
        if column not in frame:
            continue
        marginal = Marginal.from_json(data)
        series = frame[column]
        missing = float(series.isna().mean()) - marginal.missing
        if marginal.kind == "category":
            distance, unknown, absent = category_distance(series, marginal)
            out.append(ColumnRealism(table, column, distance, missing, unknown, absent))
        else:
            values = series.to_numpy(dtype=float, na_value=np.nan)
            out.append(ColumnRealism(table, column, ks_distance(values, marginal), missing))
    return out


def compare_dataset(frames: dict[str, pd.DataFrame], statistics: dict[str, Any]) -> pd.DataFrame:
    """One row per column of every table with a reference."""
    rows = compare_table(
        "application_train", frames["application_train"], statistics["application"]["reference"]
    )
    for name, table_stats in statistics["history"].items():
        if name in frames:
            rows += compare_table(name, frames[name], table_stats["reference"])
    return pd.DataFrame([r.__dict__ for r in rows])


@dataclass(frozen=True)
class Tolerance:
    """Largest acceptable distances for the columns of one group of tables."""

    max_distance: float
    median_distance: float
    max_missing_difference: float


# Met by the generator with margin at 20k clients; the 5,000-row reference alone has a
# KS sampling noise of about 0.02. Applications are sampled column by column from the
# copula; history tables also have columns rebuilt from sequences (months, due dates),
# hence looser bounds. An independent-uniform generator fails every one of them.
TOLERANCES = {
    "application_train": Tolerance(0.07, 0.03, 0.02),
    "history": Tolerance(0.20, 0.10, 0.07),
}
DEFAULT_RATE_TOLERANCE = 0.01


def failures(report: pd.DataFrame, statistics: dict[str, Any], default_rate: float) -> list[str]:
    """Every way a generated dataset misses the tolerances (empty when realistic)."""
    problems = []
    for table, rows in report.groupby("table"):
        limit = TOLERANCES.get(str(table), TOLERANCES["history"])
        worst = rows.loc[rows["distance"].idxmax()]
        if worst["distance"] > limit.max_distance:
            problems.append(f"{table}.{worst['column']}: distance {worst['distance']:.3f}")
        if rows["distance"].median() > limit.median_distance:
            problems.append(f"{table}: median distance {rows['distance'].median():.3f}")
        missing = rows["missing_difference"].abs()
        if missing.max() > limit.max_missing_difference:
            column = rows.loc[missing.idxmax(), "column"]
            problems.append(f"{table}.{column}: missing rate off by {missing.max():.3f}")
        for _, row in rows.iterrows():
            if row["unknown_levels"] or row["absent_levels"]:
                problems.append(
                    f"{table}.{row['column']}: unknown {row['unknown_levels']}, "
                    f"absent {row['absent_levels']}"
                )
    expected = statistics["application"]["target_rate"]
    if abs(default_rate - expected) > DEFAULT_RATE_TOLERANCE:
        problems.append(f"default rate {default_rate:.3f} instead of {expected:.3f}")
    return problems
