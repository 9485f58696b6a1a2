"""The portfolio snapshot: every known client scored once, for the dashboard's peer views.

The dashboard compares one client with the whole portfolio (300k clients) but never loads
the model. Aggregates served by the API would cost a server round trip per histogram,
group and zoom; a read-only Parquet file of scores and ~30 descriptive columns loads in
well under a second and then answers every comparison in process
(``benchmarks/peer_data.py``, figures in ``benchmarks/results/peer_data.json``).

Descriptive columns are in human units (years, currency, shares) so the dashboard shows
them as they are. The same :func:`describe` turns one API application and its feature
values into the same columns, so a client outside the snapshot compares exactly.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from training.features import FEATURES, build_batch
from training.model import store
from training.model.scorer import CreditModel
from training.schema import APPLICATION_TEST, APPLICATION_TRAIN
from training.schema.common import SENTINEL_DAYS  # DAYS_EMPLOYED of pensioners, the unemployed

TOP_FEATURES = 10
APPLICATION_NAMES = (APPLICATION_TRAIN.name, APPLICATION_TEST.name)
DAYS_PER_YEAR = 365.25
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
    """A snapshot column in human units: its source (application column or feature)."""

    name: str
    source: str
    label_en: str
    label_fr: str
    unit: str | None = None
    transform: Transform = _identity
    categorical: bool = False


def _category(name: str, source: str, label_en: str, label_fr: str) -> Descriptor:
    return Descriptor(name, source, label_en, label_fr, categorical=True)


DESCRIPTORS: tuple[Descriptor, ...] = (
    Descriptor("age_years", "DAYS_BIRTH", "Age", "Âge", "years", _years),
    Descriptor("income", "AMT_INCOME_TOTAL", "Income", "Revenu", "currency"),
    Descriptor("credit", "AMT_CREDIT", "Credit amount", "Montant du crédit", "currency"),
    Descriptor("annuity", "AMT_ANNUITY", "Annuity", "Annuité", "currency"),
    Descriptor("goods_price", "AMT_GOODS_PRICE", "Price of the goods", "Prix du bien", "currency"),
    # Credit / annuity: the number of annuities, read as months as usual for this data.
    Descriptor("term_months", "PAYMENT_RATE", "Term", "Durée", "months", _inverse),
    Descriptor(
        "employment_years", "DAYS_EMPLOYED", "Years in current job", "Ancienneté", "years", _years
    ),
    Descriptor("ext_source_1", "EXT_SOURCE_1", "External score 1", "Score externe 1", "score"),
    Descriptor("ext_source_2", "EXT_SOURCE_2", "External score 2", "Score externe 2", "score"),
    Descriptor("ext_source_3", "EXT_SOURCE_3", "External score 3", "Score externe 3", "score"),
    _category("gender", "CODE_GENDER", "Gender", "Genre"),
    _category("contract_type", "NAME_CONTRACT_TYPE", "Contract type", "Type de contrat"),
    _category("education", "NAME_EDUCATION_TYPE", "Education", "Niveau d'études"),
    _category("family_status", "NAME_FAMILY_STATUS", "Family status", "Situation familiale"),
    _category("income_type", "NAME_INCOME_TYPE", "Income type", "Type de revenu"),
    _category("housing", "NAME_HOUSING_TYPE", "Housing", "Logement"),
    _category("own_car", "FLAG_OWN_CAR", "Owns a car", "Possède une voiture"),
    _category("own_realty", "FLAG_OWN_REALTY", "Owns real estate", "Possède un bien immobilier"),
    Descriptor("region_rating", "REGION_RATING_CLIENT", "Region rating", "Note de la région"),
    Descriptor("children", "CNT_CHILDREN", "Children", "Enfants", "count"),
    Descriptor("family_size", "CNT_FAM_MEMBERS", "Family size", "Taille du foyer", "count"),
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


def snapshot_frame(
    application: pd.DataFrame, features: pd.DataFrame, scores: pd.DataFrame, top: list[str]
) -> pd.DataFrame:
    """One application table's rows: id, known outcome, score, descriptors, top features."""
    values = {**{n: features[n].to_numpy() for n in features.columns}, **application}
    frame = pd.DataFrame(
        {
            "SK_ID_CURR": application["SK_ID_CURR"].to_numpy(np.int64),
            "TARGET": application.get("TARGET", pd.Series(np.nan, index=application.index))
            .to_numpy(dtype=np.float32, na_value=np.nan),
            "probability": scores["probability"].to_numpy(np.float64),
            "decision": pd.Categorical(scores["decision"], ["granted", "refused"]),
        }
    )  # fmt: skip
    extra = [name for name in top if name not in DESCRIPTOR_BY_NAME]
    tops = pd.DataFrame({name: features[name].to_numpy(np.float32) for name in extra})
    return pd.concat([frame, describe(values), tops], axis=1)


def write_snapshot(
    frames: Mapping[str, pd.DataFrame], model: CreditModel, path: Path
) -> pd.DataFrame:
    """Score every known client with ``model`` and write the snapshot; returns it.

    Known clients are the application_train rows (with their outcome) and the
    application_test rows (outcome NaN). The file is written beside ``path`` and renamed
    over it, so a running dashboard never reads half a file.
    """
    names = [name for name in APPLICATION_NAMES if name in frames]
    if not names:
        raise ValueError("the snapshot needs application_train or application_test")
    card = store.read_json(model.root / store.CARD_FILE)
    top = top_feature_columns(card)
    parts = []
    for name in names:
        matrix = build_batch(frames, name)
        scores = model.score_matrix(matrix)
        features = matrix.to_pandas().reset_index(drop=True)
        parts.append(snapshot_frame(frames[name].reset_index(drop=True), features, scores, top))
    snapshot = pd.concat(parts, ignore_index=True).sort_values("SK_ID_CURR", ignore_index=True)
    snapshot.attrs = {
        "model": model.tag,
        "threshold": model.threshold,
        "top_features": top,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        snapshot.to_parquet(temporary, index=False, compression="zstd")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return snapshot
