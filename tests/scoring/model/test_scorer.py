"""A parity sample that is missing or unreadable stops the model with a message an operator
can act on, naming the file, instead of numpy's text (its advice about ``allow_pickle``)."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from scoring.features import FEATURE_NAMES
from scoring.model import store
from scoring.model.scorer import CreditModel, ModelLoadError, read_parity_sample
from scoring.serving.runtime import load_engine
from scoring.settings import load_settings

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


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["missing", "garbage bytes"])
def test_the_service_reports_a_damaged_sample_as_not_ready(
    credit_model: CreditModel, tmp_path: Path, damage: str
) -> None:
    """Through the start-up path: the reason names the file, and the service is not ready."""
    entry = Path(shutil.copytree(credit_model.root, tmp_path / "entry"))
    if damage == "missing":
        (entry / store.PARITY_FILE).unlink()
    else:
        DAMAGES[damage](entry / store.PARITY_FILE)
    model = CreditModel(entry, credit_model.tag, credit_model.metadata)
    with pytest.raises(ModelLoadError, match=r"parity_sample\.npz is missing or unreadable"):
        model.self_check()
    stored = SimpleNamespace(
        path=entry, tag=credit_model.tag, info=SimpleNamespace(metadata=credit_model.metadata)
    )
    settings = load_settings(audit_db_url=f"sqlite:///{tmp_path / 'audit.sqlite'}")
    engine, reason = load_engine(SimpleNamespace(stored=stored, tag=credit_model.tag), settings)
    assert engine is None
    assert "parity_sample.npz is missing or unreadable" in reason and "pickle" not in reason
