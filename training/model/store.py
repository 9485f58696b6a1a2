"""The single model-store entry: what scores, what explains, and how to read both.

One ``bentoml.models.create`` entry holds the ONNX model, the pickled explainer and the
LightGBM text it can be rebuilt from, the ordered features with their labels and units,
the reference statistics, the model card and a parity sample for self-checks. Headline
figures go in the entry's metadata so ``bentoml models get`` shows them.
"""

from __future__ import annotations

import json
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bentoml
import numpy as np

from training.model.explainer import TreeShapExplainer

MODEL_NAME = "credit_scoring"
ONNX_FILE = "model.onnx"
TEXT_FILE = "model.txt"
EXPLAINER_FILE = "explainer.pkl"
FEATURES_FILE = "features.json"
REFERENCE_FILE = "reference.json"
CARD_FILE = "model_card.json"
PARITY_FILE = "parity_sample.npz"


@dataclass(frozen=True)
class Artefacts:
    """Everything training produces for serving."""

    onnx_model: bytes
    model_text: str
    explainer: TreeShapExplainer
    features: list[dict[str, Any]]
    reference: dict[str, Any]
    card_dir: Path
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
        (root / EXPLAINER_FILE).write_bytes(pickle.dumps(artefacts.explainer))
        _write_json(root / FEATURES_FILE, artefacts.features)
        _write_json(root / REFERENCE_FILE, artefacts.reference)
        for path in artefacts.card_dir.iterdir():
            shutil.copy2(path, root / path.name)
        np.savez(
            root / PARITY_FILE,
            values=artefacts.parity_values,
            probabilities=artefacts.parity_probabilities,
        )
    return model.tag


def load_explainer(root: Path) -> TreeShapExplainer:
    """The pickled explainer, or one rebuilt from the model text if the pickle will not load."""
    try:
        explainer = pickle.loads((root / EXPLAINER_FILE).read_bytes())
        if isinstance(explainer, TreeShapExplainer):
            return explainer
    except Exception:
        pass
    return TreeShapExplainer((root / TEXT_FILE).read_text())


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, allow_nan=False) + "\n")
