"""The served model: one object that scores, decides and explains.

Offline scoring (``python -m training score``) and the BentoML service both use
:class:`CreditModel`, so a file scored offline gets exactly what the API would answer.
Scoring needs the ONNX session only; the TreeSHAP explainer (LightGBM, whose import takes
about a second) can wait for the first explanation, so a file scored without reasons is
scored in a process that never imports it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zipfile import BadZipFile

import bentoml
import numpy as np
import onnxruntime as ort
import pandas as pd

from scoring.features import FEATURE_NAMES, FeatureMatrix, build_batch
from scoring.model import store
from scoring.model.champion import CHAMPION, RegistryError, resolve_tag
from scoring.model.contract import INPUT_NAME, PROBABILITIES, as_model_input
from scoring.model.explainer import Explanation
from scoring.policy import GRANTED, REFUSED
from scoring.scale import Rating

if TYPE_CHECKING:
    from scoring.model.explainer import TreeShapExplainer

# What ONNX Runtime raises for a missing, truncated or invalid model file; none of them
# shares a base class narrower than Exception.
_ONNX_ERRORS = tuple(
    getattr(ort.capi.onnxruntime_pybind11_state, name)
    for name in ("Fail", "InvalidArgument", "InvalidProtobuf", "NoSuchFile", "InvalidGraph",
                 "RuntimeException", "NotImplemented")
)  # fmt: skip
SELF_CHECK_TOLERANCE = 1e-6
_POSITION = {name: i for i, name in enumerate(FEATURE_NAMES)}
# What np.load and NpzFile raise for a garbled, truncated or foreign file (a .npy array
# gives TypeError on ``with``; a missing array, KeyError).
_NPZ_ERRORS = (OSError, ValueError, KeyError, TypeError, EOFError, BadZipFile, zlib.error)


NO_CHAMPION_ADVICE = (
    "train one with `python -m training train` (or `make train`: the first model of a store "
    "becomes its champion), or promote one with `python -m training promote TAG`"
)


class ModelLoadError(RuntimeError):
    """The store entry is missing, incomplete or does not match this code's features."""


class CreditModel:
    """A model-store entry loaded for scoring and explanation.

    ``explainer=False`` leaves the TreeSHAP explainer to the first :meth:`explain`, so a
    damaged ``model.txt`` is only found then: for scoring alone (see the module).
    """

    def __init__(
        self, root: Path, tag: str, metadata: dict[str, Any], explainer: bool = True
    ) -> None:
        self.root, self.tag, self.metadata = root, tag, metadata
        self._explainer: TreeShapExplainer | None = None
        with self._loading():
            self.features = store.read_json(root / store.FEATURES_FILE)
            if explainer:
                self._explainer = store.load_explainer(root)
            self.session = _session(root / store.ONNX_FILE)
            self.rating = _rating(root)
        names = [f["name"] for f in self.features]
        unknown = [name for name in names if name not in _POSITION]
        if unknown or len(set(names)) != len(names):
            raise ModelLoadError(
                f"model {tag} uses {len(unknown)} features this code does not build (e.g. "
                f"{unknown[:3]}); retrain it with this version"
            )
        # The model's inputs, as positions in the feature catalogue it was selected from.
        self.columns = np.array([_POSITION[name] for name in names], dtype=np.intp)
        self.threshold = float(metadata["threshold"])

    @classmethod
    def from_store(cls, tag: str | None = None, explainer: bool = True) -> CreditModel:
        """The entry ``tag`` (``name:champion`` allowed), or the ``credit_scoring`` champion."""
        wanted = tag or f"{store.MODEL_NAME}:{CHAMPION}"
        try:
            model = bentoml.models.get(resolve_tag(wanted))
        except bentoml.exceptions.NotFound as error:
            raise ModelLoadError(
                f"no model {wanted!r} in the BentoML model store (BENTOML_HOME); "
                + NO_CHAMPION_ADVICE
            ) from error
        except RegistryError as error:
            raise ModelLoadError(str(error)) from error
        return cls(Path(model.path), str(model.tag), dict(model.info.metadata), explainer)

    @property
    def explainer(self) -> TreeShapExplainer:
        """The TreeSHAP explainer of the entry, loaded now if it was left for later."""
        if self._explainer is None:
            with self._loading():
                self._explainer = store.load_explainer(self.root)
        return self._explainer

    @contextmanager
    def _loading(self) -> Iterator[None]:
        """Whatever a damaged or missing file of the entry raises, as ModelLoadError."""
        try:
            yield
        except (OSError, ValueError, *_ONNX_ERRORS) as error:
            raise ModelLoadError(
                f"model {self.tag} at {self.root} cannot be loaded: {error}"
            ) from error

    def predict_proba(self, values: np.ndarray) -> np.ndarray:
        """Probability of default of each row of the feature matrix (whole catalogue)."""
        inputs = as_model_input(np.atleast_2d(values)[:, self.columns])
        return self.session.run([PROBABILITIES], {INPUT_NAME: inputs})[0][:, 1]

    def decide(self, probabilities: np.ndarray) -> np.ndarray:
        """Refused at or above the business threshold, granted below."""
        return np.where(np.asarray(probabilities) >= self.threshold, REFUSED, GRANTED)

    def explain(self, values: np.ndarray) -> Explanation:
        """TreeSHAP contributions in log-odds, one per catalogue feature (0 where unused)."""
        rows = np.atleast_2d(values)
        explanation = self.explainer.explain(as_model_input(rows[:, self.columns]))
        contributions = np.zeros(rows.shape)
        contributions[:, self.columns] = explanation.contributions
        return Explanation(explanation.base_value, contributions)

    def score_tables(self, frames: Mapping[str, pd.DataFrame], application: str) -> pd.DataFrame:
        """SK_ID_CURR, probability of default and decision for every application row."""
        return self.score_matrix(build_batch(frames, application))

    def score_matrix(self, matrix: FeatureMatrix) -> pd.DataFrame:
        """:meth:`score_tables` for features already built (the snapshot also keeps them)."""
        probabilities = self.predict_proba(matrix.values)
        return pd.DataFrame(
            {
                "SK_ID_CURR": matrix.client_ids,
                "probability": probabilities,
                "decision": self.decide(probabilities),
            }
        )

    def self_check(self) -> float:
        """Largest |Δp| on the stored parity sample; raises if the model misbehaves here."""
        values, probabilities = read_parity_sample(self.root / store.PARITY_FILE, self.tag)
        worst = float(np.max(np.abs(self.predict_proba(values) - probabilities)))
        if not worst <= SELF_CHECK_TOLERANCE:
            raise ModelLoadError(
                f"model {self.tag} fails its self-check: probabilities differ from the "
                f"stored parity sample by {worst:.3g} (tolerance {SELF_CHECK_TOLERANCE:g})"
            )
        return worst


def read_parity_sample(path: Path, tag: str) -> tuple[np.ndarray, np.ndarray]:
    """The parity sample's feature rows and probabilities, or :class:`ModelLoadError`.

    numpy's own errors mislead an operator (a garbled file gets advice about
    ``allow_pickle``), so every way the file can be unusable is described here instead.
    """
    problem = (
        f"model {tag} cannot be loaded, its store entry is damaged (retrain or restore it): "
        f"{path.name} is missing or unreadable"
    )
    if not path.is_file():
        raise ModelLoadError(f"{problem}: no such file {path}")
    try:
        with np.load(path, allow_pickle=False) as sample:
            values, probabilities = sample["values"], sample["probabilities"]
    except _NPZ_ERRORS as error:
        if isinstance(error, OSError) and error.strerror:  # permissions, I/O: say which
            raise ModelLoadError(f"{problem}: cannot read {path}: {error.strerror}") from error
        raise ModelLoadError(
            f"{problem}: {path} is not a NumPy .npz archive holding 'values' and "
            f"'probabilities' ({type(error).__name__})"
        ) from error
    expected = (len(FEATURE_NAMES),)
    if values.ndim != 2 or values.shape[1:] != expected or probabilities.shape != values.shape[:1]:
        raise ModelLoadError(
            f"{problem}: values {values.shape} and probabilities {probabilities.shape} in {path}; "
            f"expected (rows, {len(FEATURE_NAMES)}) and (rows,)"
        )
    return values, probabilities


def _rating(root: Path) -> Rating:
    """The points scale and grades training stored in the model card; a model trained
    before they were stored gets the default scale, with no observed rates."""
    path = root / store.CARD_FILE
    card = store.read_json(path) if path.is_file() else {}
    try:
        return Rating.from_section(card.get("scale"))
    except (KeyError, TypeError) as error:
        raise ValueError(f"the scale section of {path.name} is incomplete: {error!r}") from error


def _session(path: Path) -> ort.InferenceSession:
    """A single-threaded session: one request uses one core, workers scale across cores."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
