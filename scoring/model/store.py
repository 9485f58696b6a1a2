"""The single model-store entry: what scores, what explains, and how to read both.

One ``bentoml.models.create`` entry holds the ONNX model, the LightGBM text the explainer is
built from, the ordered features with their labels and units,
the reference statistics, the model card and a parity sample for self-checks. Headline
figures go in the entry's metadata so ``bentoml models get`` shows them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bentoml
import numpy as np

from scoring.model.explainer import TreeShapExplainer

MODEL_NAME = "credit_scoring"
ONNX_FILE = "model.onnx"
TEXT_FILE = "model.txt"
FEATURES_FILE = "features.json"
REFERENCE_FILE = "reference.json"
CARD_FILE = "model_card.json"
PARITY_FILE = "parity_sample.npz"
# What the service loads; with BentoML's own record of the entry, every other file of an
# entry belongs to its model card.
MODEL_FILES = frozenset({ONNX_FILE, TEXT_FILE, FEATURES_FILE, REFERENCE_FILE, PARITY_FILE})
BENTOML_FILE = "model.yaml"


@dataclass(frozen=True)
class Artefacts:
    """Everything training produces for serving."""

    onnx_model: bytes
    model_text: str
    features: list[dict[str, Any]]
    reference: dict[str, Any]
    card_files: dict[str, bytes]
    parity_values: np.ndarray
    parity_probabilities: np.ndarray


def save(
    artefacts: Artefacts, name: str, labels: dict[str, str], metadata: dict[str, Any]
) -> bentoml.Tag:
    """Create the store entry; nothing is saved if any write fails."""
    with bentoml.models.create(name, labels=labels, metadata=metadata) as model:
        root = Path(model.path)
        (root / ONNX_FILE).write_bytes(artefacts.onnx_model)
        (root / TEXT_FILE).write_text(artefacts.model_text)
        _write_json(root / FEATURES_FILE, artefacts.features)
        _write_json(root / REFERENCE_FILE, artefacts.reference)
        for name, content in artefacts.card_files.items():
            (root / name).write_bytes(content)
        np.savez(
            root / PARITY_FILE,
            values=artefacts.parity_values,
            probabilities=artefacts.parity_probabilities,
        )
    return model.tag


def load_explainer(root: Path) -> TreeShapExplainer:
    """The explainer of the entry, built from its LightGBM text (the trees ONNX runs)."""
    return TreeShapExplainer((root / TEXT_FILE).read_text())


def card_files(root: Path) -> dict[str, bytes]:
    """The model card of the entry at ``root``: its Markdown, JSON and plots."""
    return {
        path.name: path.read_bytes()
        for path in sorted(root.iterdir())
        if path.is_file() and path.name not in MODEL_FILES and path.name != BENTOML_FILE
    }


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, allow_nan=False) + "\n")
