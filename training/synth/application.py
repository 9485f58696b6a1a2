"""Generate application rows (train with TARGET, and unlabelled test).

All columns come from one Gaussian copula calibrated on real rows, which includes the
latent risk: TARGET is that risk above the quantile matching the real default rate.
The structural rules of :mod:`training.synth.application_model` are applied after.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from scoring.schema import APPLICATION_TRAIN
from training.synth import application_model as am
from training.synth.copula import GaussianCopula
from training.synth.marginals import Marginal, uniforms_from_normals


def generate_applications(
    client_ids: np.ndarray, statistics: dict[str, Any], rng: np.random.Generator
) -> tuple[pd.DataFrame, np.ndarray]:
    """Application rows for ``client_ids`` and their latent risk (standard normal)."""
    n = len(client_ids)
    copula_stats = statistics["copula"]
    copula = GaussianCopula(tuple(copula_stats["dims"]), np.asarray(copula_stats["correlation"]))
    latent = copula.sample(n, rng)
    marginals = {k: Marginal.from_json(v) for k, v in statistics["marginals"].items()}
    columns: dict[str, np.ndarray] = {"SK_ID_CURR": client_ids}
    for dim, marginal in marginals.items():
        columns[dim] = marginal.sample(uniforms_from_normals(latent[dim]))
    _apply_missingness(columns, latent, statistics["missing_units"], rng, n)
    frame = pd.DataFrame(columns)
    _apply_rules(frame)
    risk = latent[am.RISK]
    threshold = stats.norm.ppf(1.0 - statistics["target_rate"])
    frame["TARGET"] = (risk > threshold).astype(np.int64)
    return frame, risk


def _apply_missingness(
    columns: dict[str, np.ndarray],
    latent: dict[str, np.ndarray],
    units: list[dict[str, Any]],
    rng: np.random.Generator,
    n: int,
) -> None:
    """Blank each missingness unit: through the copula when it carries risk, else at random."""
    by_name = {u.name: u for u in am.missing_units()}
    missing_of: dict[str, np.ndarray] = {}
    for unit in units:
        definition = by_name[unit["name"]]
        if unit["in_copula"]:
            missing = latent[definition.dim] > stats.norm.ppf(1.0 - unit["rate"])
        else:
            missing = rng.random(n) < unit["rate"]
        if definition.parent is not None:
            missing |= missing_of[definition.parent]
        missing_of[definition.name] = missing
        for column in definition.columns:
            values = columns[column]
            if values.dtype == object:
                values[missing] = None
            else:
                values[missing] = np.nan


def _apply_rules(frame: pd.DataFrame) -> None:
    """Rebuild the columns tied to others by the real data's rules."""
    not_employed = frame["NAME_INCOME_TYPE"].isin(am.NOT_EMPLOYED_INCOME_TYPES)
    frame["DAYS_EMPLOYED"] = np.where(
        not_employed,
        am.DAYS_SENTINEL,
        np.minimum(np.round(frame["EMPLOYED_SHARE"] * frame["DAYS_BIRTH"]), 0),
    )
    frame.loc[not_employed, "ORGANIZATION_TYPE"] = "XNA"
    frame.loc[not_employed, "OCCUPATION_TYPE"] = None
    frame.loc[not_employed, "FLAG_EMP_PHONE"] = 0.0
    frame.loc[frame["FLAG_OWN_CAR"] != "Y", "OWN_CAR_AGE"] = np.nan
    frame["AMT_ANNUITY"] = np.round(frame["AMT_CREDIT"] * frame["PAYMENT_RATE"] * 2) / 2
    frame["AMT_GOODS_PRICE"] = np.round(frame["AMT_CREDIT"] * frame["GOODS_RATIO"] / 4500) * 4500
    partner = frame["NAME_FAMILY_STATUS"].isin(am.PARTNERED).astype(float)
    frame["CNT_FAM_MEMBERS"] = frame["CNT_CHILDREN"] + 1.0 + partner
    frame.loc[frame["NAME_FAMILY_STATUS"].isna(), "CNT_FAM_MEMBERS"] = np.nan
    for later in ("DAYS_REGISTRATION", "DAYS_ID_PUBLISH", "DAYS_LAST_PHONE_CHANGE"):
        frame[later] = frame[later].clip(lower=frame["DAYS_BIRTH"], upper=0)
    for observed, defaulted in (("OBS_30", "DEF_30"), ("OBS_60", "DEF_60")):
        obs, dft = f"{observed}_CNT_SOCIAL_CIRCLE", f"{defaulted}_CNT_SOCIAL_CIRCLE"
        frame[dft] = frame[dft].clip(upper=frame[obs])
    frame.drop(columns=list(am.DERIVED), inplace=True)


def order_like_schema(frame: pd.DataFrame, labelled: bool) -> pd.DataFrame:
    """Kaggle column order; the test file has no TARGET."""
    names = [c for c in APPLICATION_TRAIN.names if labelled or c != "TARGET"]
    return frame[names]
