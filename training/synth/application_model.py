"""What the generator knows about applications: dimensions, missingness units, rules.

The structural rules found in the real rows are encoded here once, and used by both
calibration (what to fit, on which rows) and generation (how to rebuild the columns):
pensioners and the unemployed carry ``DAYS_EMPLOYED = 365243`` with organisation
``XNA`` and no occupation; ``OWN_CAR_AGE`` exists only for car owners; family size is
children + 1 + partner; annuity and goods price are tied to the credit amount.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scoring.schema import APPLICATION_TRAIN

DAYS_SENTINEL = 365243
NOT_EMPLOYED_INCOME_TYPES = ("Pensioner", "Unemployed")
PARTNERED = ("Married", "Civil marriage")
RISK = "LATENT_RISK"

# Copula dimensions standing in for columns rebuilt from them.
DERIVED = {
    "PAYMENT_RATE": "AMT_ANNUITY / AMT_CREDIT",
    "GOODS_RATIO": "AMT_GOODS_PRICE / AMT_CREDIT",
    "EMPLOYED_SHARE": "DAYS_EMPLOYED / DAYS_BIRTH (employed applicants)",
}
REBUILT = ("AMT_ANNUITY", "AMT_GOODS_PRICE", "DAYS_EMPLOYED", "CNT_FAM_MEMBERS")
EMPLOYED_ONLY = ("EMPLOYED_SHARE", "ORGANIZATION_TYPE", "OCCUPATION_TYPE", "FLAG_EMP_PHONE")
CAR_OWNERS_ONLY = ("OWN_CAR_AGE",)
# Below this rate a missingness unit is drawn independently instead of through the copula.
MIN_COPULA_MISSING_RATE = 0.005

BUILDING = tuple(
    c.name for c in APPLICATION_TRAIN.columns if c.name.endswith(("_AVG", "_MODE", "_MEDI"))
)
BUREAU_REQUESTS = tuple(c.name for c in APPLICATION_TRAIN.columns if c.name.startswith("AMT_REQ_"))
SOCIAL_CIRCLE = tuple(c.name for c in APPLICATION_TRAIN.columns if "SOCIAL_CIRCLE" in c.name)


@dataclass(frozen=True)
class MissingUnit:
    """Columns missing together; ``parent`` must be present for this unit to apply."""

    name: str
    columns: tuple[str, ...]
    parent: str | None = None

    @property
    def dim(self) -> str:
        return f"MISSING:{self.name}"


def value_dims() -> tuple[str, ...]:
    """Copula dimensions carrying values: raw columns minus rebuilt ones, plus derived."""
    skip = {"SK_ID_CURR", "TARGET", *REBUILT}
    raw = tuple(c.name for c in APPLICATION_TRAIN.columns if c.name not in skip)
    return raw + tuple(DERIVED)


def missing_units() -> tuple[MissingUnit, ...]:
    """Missingness units: the building block and its parts, two blocks, then single columns."""
    units = [MissingUnit("BUILDING", BUILDING)]
    bases: dict[str, list[str]] = {}
    for name in BUILDING:
        base = name.rsplit("_", 1)[0] if name != "TOTALAREA_MODE" else name
        bases.setdefault(base, []).append(name)
    units += [MissingUnit(f"BUILDING_{b}", tuple(cols), "BUILDING") for b, cols in bases.items()]
    units += [
        MissingUnit("BUREAU_REQUESTS", BUREAU_REQUESTS),
        MissingUnit("SOCIAL_CIRCLE", SOCIAL_CIRCLE),
    ]
    grouped = {*BUILDING, *BUREAU_REQUESTS, *SOCIAL_CIRCLE, *CAR_OWNERS_ONLY}
    units += [MissingUnit(d, (d,)) for d in value_dims() if d not in grouped]
    return tuple(units)


def derive(frame: pd.DataFrame) -> pd.DataFrame:
    """Real application rows plus the derived dimensions, for calibration."""
    employed = frame["DAYS_EMPLOYED"] != DAYS_SENTINEL
    out = frame.copy()
    out["PAYMENT_RATE"] = frame["AMT_ANNUITY"] / frame["AMT_CREDIT"]
    out["GOODS_RATIO"] = frame["AMT_GOODS_PRICE"] / frame["AMT_CREDIT"]
    out["EMPLOYED_SHARE"] = (frame["DAYS_EMPLOYED"] / frame["DAYS_BIRTH"]).where(employed)
    return out


def applicable(frame: pd.DataFrame, dim: str) -> pd.Series:
    """Rows on which a dimension is defined (its value is structural elsewhere)."""
    if dim in EMPLOYED_ONLY:
        return ~frame["NAME_INCOME_TYPE"].isin(NOT_EMPLOYED_INCOME_TYPES)
    if dim in CAR_OWNERS_ONLY:
        return frame["FLAG_OWN_CAR"] == "Y"
    return pd.Series(True, index=frame.index)
