"""Feature pipeline: the model inputs of an application and its credit history.

The feature set follows the Kaggle kernel "LightGBM with simple features" (jsaguiar),
trimmed for explainability. :data:`FEATURES` is the ordered catalogue with English and
French labels; :func:`build_batch` (training, batch scoring), :func:`build_online` and
:func:`build_online_batch` (API) all run :func:`build_features`.
"""

from scoring.features.labels import FeatureInfo
from scoring.features.pipeline import (
    FEATURE_NAMES,
    FEATURES,
    FeatureMatrix,
    build_batch,
    build_features,
    build_online,
    build_online_batch,
)

__all__ = [
    "FEATURES",
    "FEATURE_NAMES",
    "FeatureInfo",
    "FeatureMatrix",
    "build_batch",
    "build_features",
    "build_online",
    "build_online_batch",
]
