"""Principal reasons for a whole file of applications, for back-office notices.

The same reasons the API gives (:func:`scoring.explain.reasons.principal_reasons`), one
TreeSHAP pass over the file, laid out as columns ``reason_1_code``, ``reason_1_text``, … so a
mail merge can print a refusal letter per row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.explain.reasons import MAX_REASONS, principal_reasons
from scoring.features import FeatureMatrix
from scoring.model import store
from scoring.model.scorer import REFUSED, CreditModel
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
    columns: dict[str, list[str]] = {
        f"reason_{k}_{part}": [] for k in range(1, MAX_REASONS + 1) for part in ("code", "text")
    }
    for start in range(0, len(matrix.values), CHUNK_ROWS):
        values = matrix.values[start : start + CHUNK_ROWS]
        refused = decisions[start : start + CHUNK_ROWS] == REFUSED
        contributions = model.explain(values).contributions
        for row, features, refusal in zip(contributions, values, refused, strict=True):
            reasons = principal_reasons(row, features, reference, refusal, language, currency)
            for k in range(MAX_REASONS):
                reason = reasons[k] if k < len(reasons) else None
                columns[f"reason_{k + 1}_code"].append(reason.code if reason else "")
                columns[f"reason_{k + 1}_text"].append(reason.text if reason else "")
    return pd.DataFrame(columns)
