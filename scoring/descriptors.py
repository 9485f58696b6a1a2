"""The portfolio snapshot's columns, in human units: what the peer comparisons show.

Training writes the snapshot (``training.snapshot``) and the dashboard compares one client
with it; both describe clients through :func:`describe` here, so a client outside the
snapshot compares exactly like one inside it. Model-free: numpy, pandas and the schema.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scoring.features import FEATURES
from scoring.schema import APPLICATION_TRAIN
from scoring.schema.common import DAYS_PER_YEAR, SENTINEL_DAYS  # 365243: pensioners, unemployed

TOP_FEATURES = 10
Transform = Callable[[np.ndarray], np.ndarray]


def _identity(values: np.ndarray) -> np.ndarray:
    return values


def _years(values: np.ndarray) -> np.ndarray:
    return np.where(values == SENTINEL_DAYS, np.nan, -values / DAYS_PER_YEAR)


def _inverse(values: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = 1.0 / values
    return np.where(np.isfinite(inverse), inverse, np.nan)


@dataclass(frozen=True)
class Descriptor:
    """A snapshot column in human units: its source (application column or feature).

    A column shown as its application column is (same values) takes the schema's labels, so
    a category reads the same in the profile, the reasons and the peer views; a converted
    value (years of age, term in months, a ratio turned over) says what it became.
    """

    name: str
    source: str
    label_en: str = ""
    label_fr: str = ""
    unit: str | None = None
    transform: Transform = _identity
    categorical: bool = False

    def __post_init__(self) -> None:
        if not self.label_en:
            column = APPLICATION_TRAIN[self.source]
            object.__setattr__(self, "label_en", column.label_en)
            object.__setattr__(self, "label_fr", column.label_fr)


def _category(name: str, source: str) -> Descriptor:
    return Descriptor(name, source, categorical=True)


def _as_applied(name: str, source: str, unit: str | None = None) -> Descriptor:
    return Descriptor(name, source, unit=unit)


DESCRIPTORS: tuple[Descriptor, ...] = (
    Descriptor("age_years", "DAYS_BIRTH", "Age", "Âge", "years", _years),
    _as_applied("income", "AMT_INCOME_TOTAL", "currency"),
    _as_applied("credit", "AMT_CREDIT", "currency"),
    _as_applied("annuity", "AMT_ANNUITY", "currency"),
    _as_applied("goods_price", "AMT_GOODS_PRICE", "currency"),
    # Credit / annuity: the number of annuities, read as months as usual for this data.
    Descriptor("term_months", "PAYMENT_RATE", "Term", "Durée", "months", _inverse),
    Descriptor(
        "employment_years", "DAYS_EMPLOYED", "Years in current job", "Ancienneté", "years", _years
    ),
    _as_applied("ext_source_1", "EXT_SOURCE_1", "score"),
    _as_applied("ext_source_2", "EXT_SOURCE_2", "score"),
    _as_applied("ext_source_3", "EXT_SOURCE_3", "score"),
    _category("gender", "CODE_GENDER"),
    _category("contract_type", "NAME_CONTRACT_TYPE"),
    _category("education", "NAME_EDUCATION_TYPE"),
    _category("family_status", "NAME_FAMILY_STATUS"),
    _category("income_type", "NAME_INCOME_TYPE"),
    _category("housing", "NAME_HOUSING_TYPE"),
    _category("own_car", "FLAG_OWN_CAR"),
    _category("own_realty", "FLAG_OWN_REALTY"),
    _as_applied("region_rating", "REGION_RATING_CLIENT"),
    _as_applied("children", "CNT_CHILDREN", "count"),
    _as_applied("family_size", "CNT_FAM_MEMBERS", "count"),
    Descriptor(
        "credit_income_ratio",
        "INCOME_CREDIT_PERC",
        "Credit / income",
        "Crédit / revenu",
        "multiple",
        _inverse,
    ),
    Descriptor(
        "annuity_income_ratio",
        "ANNUITY_INCOME_PERC",
        "Annuity / income",
        "Annuité / revenu",
        "ratio",
    ),
    Descriptor("bureau_count", "BURO_COUNT", "Credits at the bureau", "Crédits au bureau", "count"),
    Descriptor(
        "previous_count", "PREV_COUNT", "Previous applications", "Demandes précédentes", "count"
    ),
    Descriptor(
        "previous_refused_share",
        "PREV_NAME_CONTRACT_STATUS_Refused_MEAN",
        "Share of previous applications refused",
        "Part des demandes précédentes refusées",
        "ratio",
    ),
    Descriptor(
        "instalment_days_late",
        "INSTAL_DPD_MEAN",
        "Days late per past instalment (mean)",
        "Jours de retard par échéance passée (moyenne)",
        "days",
    ),
    Descriptor(
        "instalment_paid_share",
        "INSTAL_PAYMENT_PERC_MEAN",
        "Share of each instalment paid",
        "Part payée de chaque échéance",
        "ratio",
    ),
)
DESCRIPTOR_BY_NAME = {d.name: d for d in DESCRIPTORS}
_FEATURE_INFO = {info.name: info for info in FEATURES}


def describe(values: Mapping[str, Any]) -> pd.DataFrame:
    """Descriptive columns from application columns and features (arrays or scalars).

    A source that is absent or None is unknown (NaN). Numbers are float32, the precision
    the model sees; categories carry the schema's levels, so a one-client frame and the
    whole portfolio compare like for like.
    """
    rows = max((np.size(values[d.source]) for d in DESCRIPTORS if d.source in values), default=1)
    columns: dict[str, Any] = {}
    for d in DESCRIPTORS:
        raw = values.get(d.source)
        if d.categorical:
            levels = list(APPLICATION_TRAIN[d.source].levels)
            codes = np.broadcast_to(np.asarray(raw, dtype=object), rows)
            columns[d.name] = pd.Categorical(codes, levels)
        else:
            number = np.broadcast_to(np.asarray(np.nan if raw is None else raw, dtype=float), rows)
            columns[d.name] = d.transform(number).astype(np.float32)
    return pd.DataFrame(columns)


def top_feature_columns(card: Mapping[str, Any], limit: int = TOP_FEATURES) -> list[str]:
    """The model's most important features as snapshot columns (a descriptor if one is it)."""
    same = {d.source: d.name for d in DESCRIPTORS if d.transform is _identity}
    names = [entry["name"] for entry in card.get("top_features", [])[:limit]]
    return [same.get(name, name) for name in names]


def label(column: str, language: str = "en") -> str:
    """The English or French label of a snapshot column."""
    if column == "probability":
        return "Probabilité de défaut" if language == "fr" else "Probability of default"
    source = DESCRIPTOR_BY_NAME.get(column) or _FEATURE_INFO.get(column)
    if source is None:
        return column
    return source.label_fr if language == "fr" else source.label_en
