"""The commands at scale (training/cli/scale.py and the Dask paths of ``generate``,
``features`` and ``train``): they run on partitioned data, and every bad input ends as one
sentence with exit status 2, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from training.cli import app
from training.data import DATASET_MARKER, write_dataset
from training.distributed import cluster
from training.model import pipeline
from training.synth import generate_dataset

runner = CliRunner()


@pytest.fixture(autouse=True)
def in_process_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    """Local clusters of the commands run their workers as threads here (fast to start)."""
    original = cluster.dask_client

    @contextmanager
    def threads(scheduler: str | None = None, workers: int | None = None, processes: bool = True
                ) -> Iterator[Any]:  # fmt: skip
        with original(scheduler, workers or 1, processes=False) as client:
            yield client

    monkeypatch.setattr(cluster, "dask_client", threads)
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1)


@pytest.fixture(scope="module")
def csv_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("csv")
    write_dataset(generate_dataset(800, seed=6), directory)
    (directory / DATASET_MARKER).write_text('{"source": "synthetic"}\n')
    return directory


@pytest.fixture(scope="module")
def parts(csv_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parts") / "data"
    result = runner.invoke(app, ["partition", "--data", str(csv_dir), "--out", str(out),
                                 "--partitions", "3"])  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def _fails(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output


def test_partition_writes_the_layout_and_reports_it(parts: Path) -> None:
    manifest = json.loads((parts / "_partitioning.json").read_text())
    assert manifest["partitions"] == 3 and manifest["rows"]["application_train"] == 800


def test_features_of_partitioned_data_run_on_dask(parts: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["features", "--data", str(parts), "--out", str(tmp_path / "f")])
    assert result.exit_code == 0, result.output
    assert "800 clients × 546 features" in result.output
    assert pd.read_parquet(tmp_path / "f").shape == (800, 546)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["partition", "--data", "{tmp}/nowhere", "--out", "{tmp}/out"], "nowhere does not exist"),
        (["partition", "--data", "{csv}", "--out", "{parts}"], "is not an empty directory"),
        (["features", "--data", "{csv}", "--scheduler", "tcp://127.0.0.1:9"],
         "is not a client-partitioned dataset"),
        (["features", "--data", "{parts}", "--scheduler", "tcp://127.0.0.1:9"],
         "cannot reach the Dask scheduler at tcp://127.0.0.1:9"),
        (["features", "--data", "{parts}", "--scheduler", "localhost"],
         "'localhost' is not a scheduler address"),
        (["generate", "--partitions", "2", "--scenario", "downturn", "--out", "{tmp}/g"],
         "cannot be used with --partitions"),
        (["generate", "--scheduler", "tcp://127.0.0.1:9", "--out", "{tmp}/g"],
         "needs --partitions N"),
        (["train", "--data", "{parts}", "--tune-minutes", "1"], "need the Kaggle layout"),
        (["train", "--data", "{parts}", "--sample", "1", "--scheduler", "tcp://127.0.0.1:9"],
         "cannot reach the Dask scheduler"),
    ],
)  # fmt: skip
def test_bad_input_is_one_sentence(
    args: list[str], message: str, csv_dir: Path, parts: Path, tmp_path: Path
) -> None:
    paths = {"tmp": tmp_path, "csv": csv_dir, "parts": parts}
    _fails([arg.format(**paths) for arg in args], message)


def test_generate_writes_partitions(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    result = runner.invoke(app, ["generate", "--clients", "300", "--partitions", "2",
                                 "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads((out / "_partitioning.json").read_text())["rows"]["application_train"] == 300


class Stop(Exception):
    """Raised by the stand-in trainer once it has seen its inputs."""


def test_train_on_partitions_passes_the_samples_features(
    parts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []

    def train_model(
        frames: Any, config: Any, progress: Any = None, feature_matrix: Any = None
    ) -> Any:
        seen.append((frames, config, feature_matrix))
        raise Stop

    monkeypatch.setattr(pipeline, "train_model", train_model)
    result = runner.invoke(app, ["train", "--data", str(parts), "--sample", "0.5"])
    assert isinstance(result.exception, Stop), result.output
    frames, config, features = seen[0]
    assert set(frames) == {"application_train"}
    ids = frames["application_train"]["SK_ID_CURR"].to_numpy()
    assert (features.client_ids == ids).all() and 0 < len(ids) < 800
    assert config.data_source == "synthetic"  # the generator's marker came along


def test_score_of_partitioned_data_equals_the_file_path(
    parts: Path, csv_dir: Path, model_tag: str, tmp_path: Path
) -> None:
    outputs = {}
    for name, source in (("dask", parts), ("file", csv_dir / "application_test.csv")):
        outputs[name] = tmp_path / f"{name}.csv"
        args = ["score", "--input", str(source), "--output", str(outputs[name])]
        result = runner.invoke(app, [*args, "--model", model_tag, "--reasons"])
        assert result.exit_code == 0, result.output
    dask, file = (pd.read_csv(outputs[n]).sort_values("SK_ID_CURR") for n in ("dask", "file"))
    pd.testing.assert_frame_equal(dask.reset_index(drop=True), file.reset_index(drop=True))


def test_score_refuses_a_file_on_a_scheduler(csv_dir: Path, model_tag: str, tmp_path: Path) -> None:
    args = ["score", "--input", str(csv_dir), "--output", str(tmp_path / "s.csv")]
    _fails([*args, "--model", model_tag, "--scheduler", "tcp://127.0.0.1:9"],
           "is not a client-partitioned dataset")  # fmt: skip
