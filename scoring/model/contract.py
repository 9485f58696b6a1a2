"""What the served ONNX graph takes and gives: its input and output names and precision.

Training exports the graph with these names and the service feeds it through
:func:`as_model_input`, so both sides agree by construction.
"""

from __future__ import annotations

import numpy as np

INPUT_NAME = "features"
PROBABILITIES = "probabilities"


def as_model_input(values: np.ndarray) -> np.ndarray:
    """Features rounded to float32 precision, held as C-ordered float64.

    Training, ONNX and TreeSHAP all see these same numbers. Float32 precision keeps the
    trees' thresholds between float32 values (see :mod:`training.model.onnx_export`);
    float64 storage is what the double-precision ONNX graph takes as input.
    """
    return np.ascontiguousarray(np.asarray(values, dtype=np.float32), dtype=np.float64)
