"""A damaged store entry stops the model with a message an operator can act on: a parity
sample missing or unreadable (named, instead of numpy's advice about ``allow_pickle``), a
model text or ONNX graph damaged, an entry missing, answers drifting from the stored sample.

Each damage is checked here, on the model; ``tests/service/test_faults.py`` checks once that
the service's start-up turns it into "not ready", ``tests/resilience/test_faults.py`` once
over a real `bentoml serve`."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from scoring.features import FEATURE_NAMES
from scoring.model import store
from scoring.model.scorer import CreditModel, ModelLoadError, read_parity_sample

TAG = "credit_scoring:abc123"
ROWS = 4


def _sample(path: Path, **arrays: np.ndarray) -> None:
    defaults = {
        "values": np.zeros((ROWS, len(FEATURE_NAMES)), dtype=np.float32),
        "probabilities": np.full(ROWS, 0.1),
    }
    np.savez(path, **{**defaults, **arrays})


def _truncated(path: Path) -> None:
    _sample(path)
    path.write_bytes(path.read_bytes()[:200])


def _an_npy_array(path: Path) -> None:
    with path.open("wb") as handle:
        np.save(handle, np.zeros(3))


DAMAGES = {
    "garbage bytes": lambda path: path.write_bytes(b"not a parity sample"),
    "empty file": lambda path: path.write_bytes(b""),
    "truncated archive": _truncated,
    "an .npy array": _an_npy_array,
    "no probabilities": lambda path: np.savez(path, values=np.zeros((ROWS, 3))),
    "a directory": lambda path: path.mkdir(),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_an_unreadable_sample_names_the_file_not_numpy(tmp_path: Path, damage: str) -> None:
    path = tmp_path / store.PARITY_FILE
    DAMAGES[damage](path)
    with pytest.raises(ModelLoadError) as caught:
        read_parity_sample(path, TAG)
    message = str(caught.value)
    assert f"model {TAG} cannot be loaded, its store entry is damaged" in message
    assert "parity_sample.npz is missing or unreadable: " in message
    assert "allow_pickle" not in message and "pickle" not in message


def test_a_missing_sample_says_so(tmp_path: Path) -> None:
    path = tmp_path / store.PARITY_FILE
    with pytest.raises(ModelLoadError, match=r"missing or unreadable: no such file .*npz$"):
        read_parity_sample(path, TAG)


@pytest.mark.parametrize(
    "arrays",
    [
        {"values": np.zeros((ROWS, 5))},
        {"values": np.zeros(len(FEATURE_NAMES))},
        {"probabilities": np.zeros(ROWS + 1)},
    ],
    ids=["too few features", "one dimension", "one probability too many"],
)
def test_a_sample_of_the_wrong_shape_is_refused(tmp_path: Path, arrays) -> None:
    path = tmp_path / store.PARITY_FILE
    _sample(path, **arrays)
    with pytest.raises(ModelLoadError, match=rf"expected \(rows, {len(FEATURE_NAMES)}\)"):
        read_parity_sample(path, TAG)


def test_a_sound_sample_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / store.PARITY_FILE
    _sample(path, probabilities=np.array([0.1, 0.2, 0.3, 0.4]))
    values, probabilities = read_parity_sample(path, TAG)
    assert values.shape == (ROWS, len(FEATURE_NAMES))
    np.testing.assert_array_equal(probabilities, [0.1, 0.2, 0.3, 0.4])


# --- a real store entry, damaged -----------------------------------------------------------


@pytest.fixture
def entry_copy(credit_model: CreditModel, tmp_path: Path) -> Path:
    """A copy of the test model's store entry, free to damage."""
    return Path(shutil.copytree(credit_model.root, tmp_path / "entry"))


@pytest.mark.parametrize("damage", ["garbage bytes", "file missing"])
def test_a_damaged_model_text_is_refused_naming_the_entry(credit_model, entry_copy, damage):
    """The explainer is built from model.txt: damaged, the entry does not load at all."""
    text = entry_copy / store.TEXT_FILE
    if damage == "garbage bytes":
        text.write_text("not a LightGBM model\n" * 10)
    else:
        text.unlink()
    with pytest.raises(ModelLoadError, match=f"model {credit_model.tag} at .* cannot be loaded"):
        CreditModel(entry_copy, credit_model.tag, credit_model.metadata)


def test_without_its_explainer_an_entry_scores_and_explains_on_demand(credit_model, entry_copy):
    """``explainer=False`` (scoring a file without reasons): model.txt is read at the first
    explanation, which gives the same contributions, or ModelLoadError if it is damaged."""
    rows = np.asarray(read_parity_sample(entry_copy / store.PARITY_FILE, TAG)[0][:5])
    lazy = CreditModel(entry_copy, credit_model.tag, credit_model.metadata, explainer=False)
    np.testing.assert_array_equal(
        lazy.explain(rows).contributions, credit_model.explain(rows).contributions
    )
    (entry_copy / store.TEXT_FILE).write_text("not a LightGBM model\n" * 10)
    damaged = CreditModel(entry_copy, credit_model.tag, credit_model.metadata, explainer=False)
    np.testing.assert_array_equal(damaged.predict_proba(rows), credit_model.predict_proba(rows))
    with pytest.raises(ModelLoadError, match=f"model {credit_model.tag} at .* cannot be loaded"):
        damaged.explain(rows)


@pytest.mark.parametrize("tag", ["credit_scoring:nosuchversion", "no_such_model"])
def test_a_missing_entry_says_how_to_train_one(tag):
    """An unknown tag ends with ModelLoadError telling the user how to get a model."""
    with pytest.raises(ModelLoadError, match=r"python -m training train"):
        CreditModel.from_store(tag)


@pytest.mark.parametrize("damage", ["garbage bytes", "truncated", "empty"])
def test_a_corrupted_onnx_file_raises_model_load_error(credit_model, entry_copy, damage):
    """A damaged model.onnx is reported as ModelLoadError, not an ONNX Runtime exception."""
    onnx_file = entry_copy / store.ONNX_FILE
    content = onnx_file.read_bytes()
    damaged = {"garbage bytes": b"not an onnx model" * 50, "truncated": content[:1000]}
    onnx_file.write_bytes(damaged.get(damage, b""))
    with pytest.raises(ModelLoadError, match=r"cannot be loaded"):
        CreditModel(entry_copy, credit_model.tag, credit_model.metadata)


def test_a_garbled_onnx_graph_is_refused_at_load_or_by_the_self_check(credit_model, entry_copy):
    """Bytes flipped inside the graph may still parse: the self-check catches what loads."""
    onnx_file = entry_copy / store.ONNX_FILE
    data = bytearray(onnx_file.read_bytes())
    data[100::97] = bytes(byte ^ 0xFF for byte in data[100::97])
    onnx_file.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match=r"cannot be loaded|fails its self-check"):
        CreditModel(entry_copy, credit_model.tag, credit_model.metadata).self_check()


def test_self_check_catches_a_parity_sample_that_no_longer_matches(credit_model, entry_copy):
    """A model whose answers drift from the stored sample fails its self-check."""
    sample_file = entry_copy / store.PARITY_FILE
    with np.load(sample_file) as sample:
        values, probabilities = sample["values"], sample["probabilities"].copy()
    probabilities[7] += 1e-4
    np.savez(sample_file, values=values, probabilities=probabilities)
    model = CreditModel(entry_copy, credit_model.tag, credit_model.metadata)
    with pytest.raises(ModelLoadError, match=r"self-check.* by 0\.0001"):
        model.self_check()
