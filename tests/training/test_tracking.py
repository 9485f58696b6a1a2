"""MLflow tracking of the offline runs: a run in the project's experiment with its parameters
and tags, tuning trials as child runs, artifacts from memory, and a run that fails marked so.
Each test writes to a throw-away SQLite tracking database."""

from __future__ import annotations

from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from training import tracking
from training.model.tune import tune
from training.synth import generate_dataset


@pytest.fixture
def uri(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    address = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", address)
    return address


def _runs(uri: str) -> list:
    client = MlflowClient(uri)
    [experiment] = client.search_experiments(filter_string=f"name = '{tracking.EXPERIMENT}'")
    assert experiment.tags["mlflow.experimentKind"] == "custom_model_development"
    return client.search_runs([experiment.experiment_id])


def test_tuning_trials_are_child_runs_of_the_training_run(uri: str, tmp_path: Path) -> None:
    frames = {"application_train": generate_dataset(1_500, seed=2)["application_train"]}
    trials: list[tuple[int, dict, float]] = []
    with tracking.run("train probe", {"seed": 3}, {"kind": "training"}) as tracker:

        def record(number: int, params: dict, auc: float) -> None:
            trials.append((number, params, auc))
            tracker.log_trial(number, params, auc)

        best = tune(frames, 0.01, seed=3, record=record)
        tracking.log_files({"note.md": b"# hello\n"}, "notes")
    runs = {run.info.run_name: run for run in _runs(uri)}
    parent = runs.pop("train probe")
    assert parent.data.params["seed"] == "3" and parent.data.tags["kind"] == "training"
    assert len(trials) >= 1 and set(runs) == {f"trial {n}" for n, _, _ in trials}
    for number, params, auc in trials:
        child = runs[f"trial {number}"]
        assert child.data.tags["mlflow.parentRunId"] == parent.info.run_id
        assert child.data.metrics["cv_roc_auc"] == pytest.approx(auc)
        assert child.data.params == {k: str(v) for k, v in params.items()}
    assert best == max(trials, key=lambda t: t[2])[1]
    client = MlflowClient(uri)
    assert [a.path for a in client.list_artifacts(parent.info.run_id, "notes")] == ["notes/note.md"]
    artifacts = Path(uri.removeprefix("sqlite:///")).parent / "artifacts"
    assert artifacts.is_dir(), "artifacts beside the database, never in the working directory"


def test_a_run_whose_work_fails_is_marked_failed(uri: str) -> None:
    with pytest.raises(RuntimeError), tracking.run("train broken", {}, {"kind": "training"}):
        raise RuntimeError("the data could not be read")
    [run] = _runs(uri)
    assert run.info.status == "FAILED"


def test_the_default_backend_is_the_projects_sqlite_file(monkeypatch) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    assert tracking.tracking_uri() == f"sqlite:///{tracking.TRACKING_DIR / 'mlflow.db'}"
    assert tracking.TRACKING_DIR.is_relative_to(tracking.config.DATA_DIR)
