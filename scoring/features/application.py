"""Features of the application itself: encoded categoricals, cleaned numbers, ratios.

The building-information ``*_MODE`` and ``*_MEDI`` numbers are dropped: they nearly
duplicate the ``*_AVG`` ones and would split their importance in the explanations.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from scoring.columns import Columns
from scoring.features.aggregate import KeyIndex, ratio
from scoring.features.labels import (
    DERIVED,
    FeatureInfo,
    column_text,
    level_info,
    plain_info,
    safe_name,
)
from scoring.features.spec import Block, codes, numeric
from scoring.schema import APPLICATION_TEST
from scoring.schema.common import SENTINEL_DAYS

SOURCE = "application"
TABLE = APPLICATION_TEST  # the train file only adds TARGET, which is no feature

# Two-level categoricals encoded as one 0/1 number: (level for 0, level for 1).
# Any other level (CODE_GENDER "XNA") or a missing value gives NaN.
BINARY: dict[str, tuple[str, str]] = {
    "CODE_GENDER": ("F", "M"),
    "FLAG_OWN_CAR": ("N", "Y"),
    "FLAG_OWN_REALTY": ("N", "Y"),
}
ONE_HOT = tuple(c.name for c in TABLE.categorical if c.name not in BINARY)
PASSTHROUGH = tuple(
    c.name
    for c in TABLE.columns
    if c.kind in ("int", "float")
    and not (c.name.endswith(("_MODE", "_MEDI")) and c.name != "TOTALAREA_MODE")
)
RATIOS: dict[str, tuple[str, str]] = {
    "DAYS_EMPLOYED_PERC": ("DAYS_EMPLOYED", "DAYS_BIRTH"),
    "INCOME_CREDIT_PERC": ("AMT_INCOME_TOTAL", "AMT_CREDIT"),
    "INCOME_PER_PERSON": ("AMT_INCOME_TOTAL", "CNT_FAM_MEMBERS"),
    "ANNUITY_INCOME_PERC": ("AMT_ANNUITY", "AMT_INCOME_TOTAL"),
    "PAYMENT_RATE": ("AMT_ANNUITY", "AMT_CREDIT"),
    "CREDIT_GOODS_RATIO": ("AMT_CREDIT", "AMT_GOODS_PRICE"),
}


def _infos() -> tuple[FeatureInfo, ...]:
    binary = [
        level_info(name, TABLE[name], positive, SOURCE) for name, (_, positive) in BINARY.items()
    ]
    plain = [plain_info(name, column_text(TABLE[name]), SOURCE) for name in PASSTHROUGH]
    derived = [plain_info(name, DERIVED[name], SOURCE) for name in ("DAYS_EMPLOYED_ANOM", *RATIOS)]
    one_hot = [
        level_info(f"{name}_{safe_name(level)}", TABLE[name], level, SOURCE)
        for name in ONE_HOT
        for level in TABLE[name].levels
    ]
    return (*binary, *plain, *derived, *one_hot)


def compute(tables: Mapping[str, Columns], clients: KeyIndex) -> np.ndarray:
    """All application features, in ``BLOCK.features`` order."""
    application, n = tables[SOURCE], len(clients)
    out = [_BINARY_LOOKUP[name][codes(application, name, n) + 1] for name in BINARY]
    values = {name: numeric(application, name, n) for name in PASSTHROUGH}
    employed = values["DAYS_EMPLOYED"]
    anomalous = employed == SENTINEL_DAYS
    values["DAYS_EMPLOYED"] = np.where(anomalous, np.nan, employed)
    out.extend(values[name] for name in PASSTHROUGH)
    out.append(np.where(np.isnan(employed), np.nan, anomalous.astype(np.float64)))
    out.extend(ratio(values[top], values[bottom]) for top, bottom in RATIOS.values())
    return np.concatenate([np.array(out), _one_hot(application, n)])


def _one_hot(application: Columns, n: int) -> np.ndarray:
    """Indicators of every level of every ``ONE_HOT`` column, built in one scatter."""
    all_codes = np.array([codes(application, name, n) for name in ONE_HOT])
    known = all_codes >= 0
    block = np.zeros((_OFFSETS[-1], n))
    block[(all_codes + _OFFSETS[:-1, None])[known], np.nonzero(known)[1]] = 1.0
    return block


def _binary_lookup(name: str) -> np.ndarray:
    """Value of each code + 1 (slot 0 is the missing code -1): 0, 1 or NaN."""
    zero, one = (TABLE[name].level_code[level] for level in BINARY[name])
    lookup = np.full(len(TABLE[name].levels) + 1, np.nan)
    lookup[zero + 1], lookup[one + 1] = 0.0, 1.0
    return lookup


_BINARY_LOOKUP = {name: _binary_lookup(name) for name in BINARY}
_OFFSETS = np.cumsum([0, *(len(TABLE[name].levels) for name in ONE_HOT)])


BLOCK = Block(features=_infos(), table=SOURCE, compute=compute)
