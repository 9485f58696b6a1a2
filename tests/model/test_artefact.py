"""The saved artefact: its checks catch a broken export, and the store gives it back intact.

Parity (LightGBM vs ONNX) and additivity (TreeSHAP vs served log-odds) must fail loudly
on a wrong graph or a wrong explainer, and pass on the real one. The store entry must
score, decide and explain exactly like the model built in memory (a damaged entry is
refused: ``tests/scoring/model/test_scorer.py``).
"""

from __future__ import annotations

from pathlib import Path

import bentoml
import lightgbm as lgb
import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import numpy_helper

from scoring.features import FEATURE_NAMES, build_batch
from scoring.model import store
from scoring.model.contract import INPUT_NAME, PROBABILITIES, as_model_input
from scoring.model.explainer import (
    ADDITIVITY_TOLERANCE,
    AdditivityError,
    TreeShapExplainer,
    check_additivity,
    logit,
)
from scoring.model.scorer import SELF_CHECK_TOLERANCE, CreditModel
from training.model.fit import fit_final
from training.model.onnx_export import (
    PARITY_TOLERANCE,
    ParityError,
    align_to_float32,
    check_parity,
    to_onnx,
)

pytestmark = pytest.mark.slow

ROWS = 500


def _predict(graph: onnx.ModelProto | bytes, values: np.ndarray) -> np.ndarray:
    """Probability of default from an ONNX graph held in memory."""
    serialized = graph if isinstance(graph, bytes) else graph.SerializeToString()
    session = ort.InferenceSession(serialized, providers=["CPUExecutionProvider"])
    return session.run([PROBABILITIES], {INPUT_NAME: values})[0][:, 1]


@pytest.fixture(scope="module")
def rows(test_features) -> np.ndarray:
    """500 test applicants' features, at model precision."""
    return as_model_input(test_features.values[:ROWS])


@pytest.fixture(scope="module")
def model_rows(rows, credit_model) -> np.ndarray:
    """The same rows as the trees see them: the model's selected features only."""
    return rows[:, credit_model.columns]


@pytest.fixture(scope="module")
def other_booster(model_dataset, training_config, credit_model) -> lgb.Booster:
    """Another model of the same data and inputs: fewer rounds, other leaves and seed."""
    values = as_model_input(build_batch(model_dataset).values)[:, credit_model.columns]
    target = model_dataset["application_train"]["TARGET"].to_numpy()
    params = {**training_config.params, "num_leaves": 8}
    names = [f["name"] for f in credit_model.features]
    return align_to_float32(fit_final(values, target, 60, params, 2, names))


def _scale_leaf_weights(graph: onnx.ModelProto, factor: float) -> onnx.ModelProto:
    trees = next(n for n in graph.graph.node if n.op_type == "TreeEnsembleClassifier")
    weights = next(a for a in trees.attribute if a.name == "class_weights_as_tensor")
    scaled = numpy_helper.to_array(weights.t) * factor
    weights.t.CopyFrom(numpy_helper.from_array(scaled, weights.t.name))
    return graph


@pytest.mark.parametrize("corruption", ["scaled leaf weights", "graph of another booster"])
def test_parity_check_catches_a_broken_onnx_graph(
    served_booster, other_booster, model_rows, corruption
):
    """A graph that does not compute the booster's probabilities is rejected, gap named."""
    expected = served_booster.predict(model_rows)
    graph = to_onnx(served_booster, model_rows.shape[1])
    assert check_parity(expected, _predict(graph, model_rows)) <= PARITY_TOLERANCE
    if corruption == "scaled leaf weights":
        broken = _scale_leaf_weights(graph, 1.01)
    else:
        broken = to_onnx(other_booster, model_rows.shape[1])
    actual = _predict(broken, model_rows)
    gap = float(np.max(np.abs(expected - actual)))
    assert gap > 100 * PARITY_TOLERANCE
    with pytest.raises(ParityError) as error:
        check_parity(expected, actual)
    assert f"up to {gap:.3g} on {ROWS} held-out rows" in str(error.value)


def test_additivity_check_catches_an_explainer_of_another_booster(
    credit_model, other_booster, rows, model_rows
):
    """SHAP values of another model do not add up to the served log-odds."""
    served = credit_model.predict_proba(rows)
    assert check_additivity(credit_model.explain(rows), served) <= ADDITIVITY_TOLERANCE
    wrong = TreeShapExplainer(other_booster.model_to_string()).explain(model_rows)
    total = wrong.base_value + wrong.contributions.sum(axis=1)
    gap = float(np.max(np.abs(total - logit(served))))
    assert gap > 100 * ADDITIVITY_TOLERANCE
    with pytest.raises(AdditivityError) as error:
        check_additivity(wrong, served)
    assert f"up to {gap:.3g}" in str(error.value)


def test_the_trained_artefact_passes_parity_and_additivity(
    trained_model, served_booster, model_rows
):
    """The card records both checks on the whole holdout, within 1e-5; they hold on new rows."""
    card = trained_model.card
    holdout_rows = card["data"]["holdout_rows"]
    assert card["parity"]["rows"] == card["additivity"]["rows"] == holdout_rows > 1000
    assert 0 <= card["parity"]["max_abs_diff"] <= 1e-5
    assert 0 <= card["additivity"]["max_abs_error"] <= 1e-5
    served = _predict(trained_model.artefacts.onnx_model, model_rows)
    assert check_parity(served_booster.predict(model_rows), served) <= 1e-5
    explainer = TreeShapExplainer(trained_model.artefacts.model_text)
    assert check_additivity(explainer.explain(model_rows), served) <= 1e-5


def test_store_entry_scores_and_decides_like_the_in_memory_model(
    credit_model, trained_model, rows, model_rows
):
    """Loading from the store changes no probability and no decision."""
    expected = _predict(trained_model.artefacts.onnx_model, model_rows)
    actual = credit_model.predict_proba(rows)
    np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-12)
    threshold = trained_model.card["threshold"]["threshold"]
    assert credit_model.threshold == threshold
    expected_decisions = np.where(expected >= threshold, "refused", "granted")
    np.testing.assert_array_equal(credit_model.decide(actual), expected_decisions)
    assert 0 < np.mean(expected_decisions == "refused") < 1


def test_store_entry_explains_its_own_probabilities(credit_model, rows):
    """Base value + contributions = logit of the served probability, row by row."""
    explanation = credit_model.explain(rows)
    assert explanation.contributions.shape == (ROWS, len(FEATURE_NAMES))
    total = explanation.base_value + explanation.contributions.sum(axis=1)
    error = np.max(np.abs(total - logit(credit_model.predict_proba(rows))))
    assert error <= 1e-5


def test_store_entry_passes_its_self_check(credit_model):
    """The stored parity sample is reproduced by the loaded ONNX session."""
    assert 0 <= credit_model.self_check() <= SELF_CHECK_TOLERANCE


def test_store_entry_carries_metadata_labels_and_files(
    model_tag, trained_model, models_dir, bentoml_home
):
    """Headline figures, labels and every file serving needs are in the entry."""
    entry = bentoml.models.get(model_tag)
    root = Path(entry.path).resolve()
    assert root.is_relative_to(bentoml_home)
    card, metadata = trained_model.card, entry.info.metadata
    assert metadata["threshold"] == card["threshold"]["threshold"]
    assert metadata["roc_auc_holdout"] == card["metrics"]["holdout"]["roc_auc"] > 0.7
    assert metadata["parity_max_abs_diff"] == card["parity"]["max_abs_diff"]
    assert metadata["additivity_max_abs_error"] == card["additivity"]["max_abs_error"]
    assert entry.info.labels == {"data_source": "synthetic", "stage": "development"}
    for name in (
        store.ONNX_FILE,
        store.TEXT_FILE,
        store.FEATURES_FILE,
        store.REFERENCE_FILE,
        store.CARD_FILE,
        store.PARITY_FILE,
    ):
        assert (root / name).is_file() and (root / name).stat().st_size > 0, name
    names = [f["name"] for f in store.read_json(root / store.FEATURES_FILE)]
    assert set(names) <= set(FEATURE_NAMES) and len(names) == card["features"]["count"] <= 200
    assert "CODE_GENDER" not in names, "a protected characteristic is never a model input"
    unused = np.setdiff1d(np.arange(len(FEATURE_NAMES)), [FEATURE_NAMES.index(n) for n in names])
    rows = np.full((1, len(FEATURE_NAMES)), np.nan)
    assert not np.any(CreditModel(root, model_tag, metadata).explain(rows).contributions[0, unused])
    assert store.read_json(root / store.CARD_FILE)["threshold"] == card["threshold"]
    assert any(models_dir.rglob(store.CARD_FILE)), "save_model copies the card to models_dir"


def test_tests_use_a_throwaway_model_store(model_tag, bentoml_home):
    """Every entry these tests see lives under the session's temporary BENTOML_HOME."""
    entries = bentoml.models.list()
    assert model_tag in [str(entry.tag) for entry in entries]
    assert all(Path(entry.path).resolve().is_relative_to(bentoml_home) for entry in entries)


def test_the_card_of_an_entry_is_its_card_only(credit_model):
    """`make card` copies these files into the repository: no model, no BentoML record."""
    files = store.card_files(credit_model.root)
    assert {"model_card.md", "model_card.json"} <= set(files)
    assert not set(files) & (store.MODEL_FILES | {store.BENTOML_FILE})
