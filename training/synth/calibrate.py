"""Derive the generator's statistics from real Home Credit rows.

Only aggregate statistics leave this module (quantiles, frequencies, missing rates,
correlations of normal scores); the real rows never do. The output is committed as
``reference_stats.json`` so a fresh clone generates realistic data without the rows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from scoring.schema import APPLICATION_TRAIN, TABLES
from training.synth import application_model as am
from training.synth import history_model as hm
from training.synth.copula import GaussianCopula
from training.synth.marginals import (
    Marginal,
    fit_category,
    fit_numeric,
    normal_scores,
    risk_order,
)

STATS_PATH = Path(__file__).with_name("reference_stats.json")
# Biserial correlations are shrunk towards zero by this many standard errors, so sampling
# noise in 5,000 rows does not become spurious signal in the generated data.
SHRINK_STANDARD_ERRORS = 1.0


def fit_column(values: pd.Series, order: list[str] | None = None) -> Marginal:
    """Marginal of one column, numeric or categorical by its values' type."""
    if order is not None:
        return fit_category(values, order)
    integer = bool(np.all(np.mod(values.dropna(), 1) == 0))
    return fit_numeric(values.astype(float), integer)


def category_order(frame: pd.DataFrame, name: str, target: pd.Series | None) -> list[str]:
    """Copula order of a categorical column's levels: by risk if a target is known."""
    if target is not None:
        return risk_order(frame[name], target)
    return frame[name].dropna().astype(str).value_counts().index.tolist()


def scores_of(values: pd.Series, order: list[str] | None) -> pd.Series:
    """Normal scores, with categorical levels ranked in copula order."""
    if order is not None:
        rank = {level: i for i, level in enumerate(order)}
        values = values.map(rank).astype(float)
    return normal_scores(values.astype(float))


def biserial(scores: pd.Series, target: pd.Series) -> float:
    """Correlation with the latent normal behind a binary target, shrunk for noise."""
    both = pd.DataFrame({"s": scores, "t": target}).dropna()
    if len(both) < 100 or both["s"].std() == 0:
        return 0.0
    p = both["t"].mean()
    factor = np.sqrt(p * (1 - p)) / stats.norm.pdf(stats.norm.ppf(p))
    r = np.corrcoef(both["s"], both["t"])[0, 1] * factor
    margin = SHRINK_STANDARD_ERRORS * factor / np.sqrt(len(both))
    return float(np.sign(r) * max(abs(r) - margin, 0.0))


def calibrate_application(frame: pd.DataFrame) -> dict[str, Any]:
    """Marginals, missingness and copula of application_train, with the latent risk."""
    frame = am.derive(frame)
    target = frame["TARGET"]
    marginals: dict[str, Marginal] = {}
    scores: dict[str, pd.Series] = {}
    for dim in am.value_dims():
        rows = am.applicable(frame, dim)
        values = frame.loc[rows, dim]
        is_category = dim in APPLICATION_TRAIN and APPLICATION_TRAIN[dim].is_categorical
        order = category_order(frame.loc[rows], dim, target[rows]) if is_category else None
        marginals[dim] = fit_column(values, order)
        scores[dim] = scores_of(values, order).reindex(frame.index)
    units = []
    for unit in am.missing_units():
        rows = am.applicable(frame, unit.columns[0])
        if unit.parent is not None:
            parent_columns = next(u for u in am.missing_units() if u.name == unit.parent).columns
            rows &= frame[list(parent_columns)].notna().any(axis=1)
        missing = frame.loc[rows, list(unit.columns)].isna().all(axis=1)
        rate = float(missing.mean()) if len(missing) else 0.0
        in_copula = am.MIN_COPULA_MISSING_RATE < rate < 1 - am.MIN_COPULA_MISSING_RATE
        units.append({"name": unit.name, "rate": rate, "in_copula": in_copula})
        if in_copula:
            scores[unit.dim] = normal_scores(missing.astype(float)).reindex(frame.index)
    score_frame = pd.DataFrame(scores)
    copula = GaussianCopula.fit(score_frame)
    risk = {dim: biserial(score_frame[dim], target) for dim in score_frame.columns}
    copula = copula.with_dimension(am.RISK, risk)
    return {
        "n_rows": len(frame),
        "target_rate": float(target.mean()),
        "marginals": {k: v.to_json() for k, v in marginals.items()},
        "missing_units": units,
        "copula": {"dims": list(copula.dims), "correlation": _rounded(copula.correlation)},
        "reference": reference_marginals(frame, APPLICATION_TRAIN.name),
    }


def reference_marginals(frame: pd.DataFrame, table: str) -> dict[str, Any]:
    """Each raw column's marginal over all rows: what the realism tests compare with."""
    out = {}
    for column in TABLES[table].columns:
        if column.kind == "key" or column.name not in frame:
            continue
        order = (
            frame[column.name].dropna().astype(str).value_counts().index.tolist()
            if column.is_categorical
            else None
        )
        out[column.name] = fit_column(frame[column.name], order).to_json()
    return out


def calibrate(sample_dir: Path) -> dict[str, Any]:
    """Statistics of every table found in a directory of real Kaggle-layout CSVs."""
    read = lambda name: pd.read_csv(sample_dir / f"{name}.csv")  # noqa: E731
    application = read(APPLICATION_TRAIN.name)
    result: dict[str, Any] = {
        "source": "first 5,000 rows of application_train and 1,000-row history samples",
        "application": calibrate_application(application),
        "history": {},
    }
    for name in hm.HISTORY_CALIBRATION:
        path = sample_dir / f"{name}.csv"
        if path.exists():
            result["history"][name] = hm.calibrate_table(name, read(name))
    return result


def save(statistics: dict[str, Any], path: Path = STATS_PATH) -> Path:
    """Write the statistics as indented JSON (reviewable in a diff)."""
    path.write_text(json.dumps(statistics, indent=1, sort_keys=True) + "\n")
    return path


def load(path: Path = STATS_PATH) -> dict[str, Any]:
    return json.loads(path.read_text())


def _rounded(matrix: np.ndarray) -> list[list[float]]:
    return np.round(matrix, 5).tolist()
