"""The "usual way" of serving this product: Flask + gunicorn around a pickled sklearn model.

The habits of public implementations, kept deliberately:

- the pickled ``LGBMClassifier`` is loaded at import (``BASELINE_MODEL_PATH``) and each
  request becomes a one-row pandas DataFrame of the model's columns (the features training
  selected, out of the whole catalogue the feature code builds) passed to ``predict_proba``;
- ``/explain`` builds a ``shap.TreeExplainer`` for every request and answers every model
  feature's SHAP value, with the same principal reasons as ours (the SHAP values put back
  onto the catalogue, 0 for the features the model does not use, for
  :func:`scoring.explain.reasons.principal_reasons`);
- features are computed in plain pandas, one table at a time
  (:mod:`benchmarks.baseline.pandas_features`: small DataFrames from the request, then
  ``get_dummies``, ``groupby().agg()`` and joins); ``/predict_batch`` builds one DataFrame
  of all its applications;
- no authentication, no input validation beyond what the feature code needs, no audit log.

``BASELINE_FEATURES=numpy`` swaps the pandas features for the project's own engine
(:func:`scoring.features.build_online`, and one ``build_features`` call per batch) and
keeps every other habit: the benchmark's "baseline, numpy features" system, which shows how
much of the gap comes from the features and how much from the rest. Both give the same
feature values, hence the same probabilities as our service. Bodies and response fields
match ours (:mod:`scoring.serving.schemas`, :mod:`scoring.serving.responses`).

Run: ``BASELINE_MODEL_PATH=... python -m gunicorn -w 2 benchmarks.baseline.app:app`` (the
pickle and its ``.json`` sidecar, with the workspace model's threshold, come from
:func:`benchmarks.baseline.model.prepare`; ``BASELINE_THRESHOLD`` overrides the threshold).
``GET /readyz`` (and ``/livez``) answer once the model is loaded.
"""

from __future__ import annotations

import json
import os
import pickle
import uuid
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shap
from flask import Flask, jsonify, request

from benchmarks.baseline.pandas_features import (
    build_features_pandas,
    online_features_pandas,
    records_frame,
)
from scoring.columns import records_to_columns
from scoring.explain.reasons import principal_reasons
from scoring.features import FEATURE_NAMES, FEATURES, build_features, build_online
from scoring.model.contract import as_model_input
from scoring.schema import APPLICATION_TEST, HISTORY_NAMES, TABLES
from scoring.settings import load_settings

CLIENT_KEY = "SK_ID_CURR"
LINKED = tuple(name for name in HISTORY_NAMES if CLIENT_KEY in TABLES[name])

FEATURE_ENGINES = ("pandas", "numpy")
FEATURE_ENGINE = os.environ.get("BASELINE_FEATURES") or "pandas"
if FEATURE_ENGINE not in FEATURE_ENGINES:
    raise SystemExit(f"BASELINE_FEATURES must be one of {FEATURE_ENGINES}, not {FEATURE_ENGINE!r}")

MODEL_PATH = Path(os.environ["BASELINE_MODEL_PATH"])
MODEL = pickle.loads(MODEL_PATH.read_bytes())
SETTINGS = json.loads(MODEL_PATH.with_suffix(".json").read_text())
THRESHOLD = float(os.environ.get("BASELINE_THRESHOLD") or SETTINGS["threshold"])
MODEL_NAME = SETTINGS["model"]
REFERENCE = json.loads(Path(SETTINGS["reference"]).read_text())
# The model's inputs: positions in the catalogue (benchmarks.baseline.model.model_columns).
POSITIONS = np.array(SETTINGS["columns"], dtype=np.intp)
COLUMNS = [FEATURE_NAMES[i] for i in POSITIONS]
LABELS = {lang: [getattr(FEATURES[i], f"label_{lang}") for i in POSITIONS] for lang in ("en", "fr")}
CURRENCY = load_settings().currency  # quoted in the reasons as ours does (CREDIT_CURRENCY)
# shap warns on every LightGBM explanation that its output format changed in 0.45; writing
# that to the log each request would charge the baseline for a message nobody reads.
warnings.filterwarnings("ignore", message="LightGBM binary classifier with TreeExplainer")

app = Flask(__name__)


class BadRequest(ValueError):
    """A body the feature function cannot read; answered with a 400."""


@app.errorhandler(BadRequest)
def _bad_request(error: BadRequest) -> tuple[Any, int]:
    return jsonify({"error": str(error)}), 400


@app.get("/livez")
@app.get("/readyz")
def ready() -> Any:
    """Liveness and readiness in one: the model loaded at import."""
    return jsonify({"status": "ready"})


@app.post("/predict")
def predict() -> Any:
    """Probability and decision of one application, the sklearn way."""
    client_id, values = _one(request.get_json())
    probability = float(MODEL.predict_proba(_frame(values))[0, 1])
    return jsonify(_prediction(client_id, probability))


@app.post("/explain")
def explain() -> Any:
    """The prediction with SHAP values from a ``TreeExplainer`` built for this request."""
    body = request.get_json()
    client_id, values = _one(body)
    language = body.get("language", "en")
    if language not in LABELS:
        raise BadRequest(f"'language' must be one of {sorted(LABELS)}, not {language!r}")
    frame = _frame(values)
    probability = float(MODEL.predict_proba(frame)[0, 1])
    explainer = shap.TreeExplainer(MODEL)
    contributions = np.asarray(explainer.shap_values(frame)).reshape(-1)
    base_value = float(np.asarray(explainer.expected_value).reshape(-1)[-1])
    refused = probability >= THRESHOLD
    catalogue = np.zeros(len(FEATURE_NAMES))
    catalogue[POSITIONS] = contributions
    reference = REFERENCE["features"]
    reasons = principal_reasons(catalogue, values, reference, refused, language, CURRENCY)
    return jsonify(
        {
            **_prediction(client_id, probability),
            "base_value": base_value,
            "contributions": [
                {
                    "feature": name,
                    "label": label,
                    "value": None if np.isnan(value) else float(value),
                    "contribution": float(shap_value),
                }
                for name, label, value, shap_value in zip(
                    COLUMNS, LABELS[language], values[POSITIONS], contributions, strict=True
                )
            ],
            "reasons": [
                {
                    "code": r.code,
                    "group": r.group,
                    "direction": r.direction,
                    "value": r.value,
                    "text": r.text,
                }
                for r in reasons
            ],
            "language": language,
        }
    )


@app.post("/predict_batch")
def predict_batch() -> Any:
    """All applications as one DataFrame and one ``predict_proba`` call."""
    items = [_online(item) for item in _field(request.get_json(), "applications")]
    values = _batch_features(items)
    probabilities = MODEL.predict_proba(_frame(values))[:, 1]
    results = [
        _prediction(application.get(CLIENT_KEY), float(p))
        for (application, _), p in zip(items, probabilities, strict=True)
    ]
    return jsonify(
        {"results": results, "model": MODEL_NAME, "threshold": THRESHOLD, "count": len(results)}
    )


def _field(body: Any, name: str) -> Any:
    if not isinstance(body, dict) or name not in body:
        raise BadRequest(f"the JSON body has no '{name}' field")
    return body[name]


def _online(body: Any) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """``(application, history)`` with the history linked to the application's client."""
    application = _field(body, "application")
    if not isinstance(application, dict):
        raise BadRequest("'application' must be a JSON object of the application's fields")
    application = dict(application)
    history = {
        name: [dict(row) for row in rows] for name, rows in (body.get("history") or {}).items()
    }
    for name in LINKED:
        for row in history.get(name, ()):
            row[CLIENT_KEY] = application.get(CLIENT_KEY, 0)
    return application, history


def _one(body: Any) -> tuple[int | None, np.ndarray]:
    application, history = _online(body)
    client_id = application.get(CLIENT_KEY)
    application.setdefault(CLIENT_KEY, 0)
    try:
        if FEATURE_ENGINE == "numpy":
            return client_id, build_online(application, history)
        return client_id, online_features_pandas(application, history).to_numpy()[0]
    except (KeyError, TypeError, ValueError) as error:
        raise BadRequest(f"cannot build features from this application: {error!r}") from error


def _batch_features(items: list[tuple[dict[str, Any], dict[str, list]]]) -> np.ndarray:
    """One feature computation over applications sent without history (the load test's
    case); applications with history go through the per-request path one by one."""
    if any(history for _, history in items):
        return np.vstack([_one({"application": a, "history": h})[1] for a, h in items])
    applications = [{**application, CLIENT_KEY: row} for row, (application, _) in enumerate(items)]
    try:
        if FEATURE_ENGINE == "numpy":
            tables = {"application": records_to_columns(applications, APPLICATION_TEST)}
            return build_features(tables).values
        frame = records_frame(applications, APPLICATION_TEST)
        return build_features_pandas({"application": frame}, "application").to_numpy()
    except (KeyError, TypeError, ValueError) as error:
        raise BadRequest(f"cannot build features from these applications: {error!r}") from error


def _frame(values: np.ndarray) -> pd.DataFrame:
    """The model's columns of catalogue rows, at the float32 precision the model was trained
    on (as ours rounds them)."""
    return pd.DataFrame(as_model_input(np.atleast_2d(values)[:, POSITIONS]), columns=COLUMNS)


def _prediction(client_id: int | None, probability: float) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "probability": probability,
        "decision": "refused" if probability >= THRESHOLD else "granted",
        "threshold": THRESHOLD,
        "model": MODEL_NAME,
        "request_id": uuid.uuid4().hex,
    }
