"""Principal reasons for a whole file of applications, for back-office notices.

The same reasons the API gives (:func:`scoring.explain.reasons.principal_reasons`), one
TreeSHAP pass per chunk of the file, laid out as columns ``reason_1_code``,
``reason_1_text``, … (:func:`scoring.explain.reasons.reason_table`) so a mail merge can
print a refusal letter per row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.explain.reasons import Reason, reason_table, rows_reasons
from scoring.features import FeatureMatrix
from scoring.model import store
from scoring.model.scorer import CreditModel
from scoring.policy import REFUSED
from scoring.wording import Language

CHUNK_ROWS = 10_000  # rows explained at once: bounded memory on files of any size


def reason_columns(
    model: CreditModel,
    matrix: FeatureMatrix,
    decisions: np.ndarray,
    language: Language,
    currency: str = "",
) -> pd.DataFrame:
    """``reason_k_code`` and ``reason_k_text`` (k = 1..4) of each row, empty where fewer."""
    reference = store.read_json(model.root / store.REFERENCE_FILE)["features"]
    reasons: list[list[Reason]] = []
    for start in range(0, len(matrix.values), CHUNK_ROWS):
        values = matrix.values[start : start + CHUNK_ROWS]
        refused = decisions[start : start + CHUNK_ROWS] == REFUSED
        contributions = model.explain(values).contributions
        reasons += rows_reasons(contributions, values, refused, reference, language, currency)
    return pd.DataFrame(reason_table(reasons))
