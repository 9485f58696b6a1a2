"""Offline file scoring (training/file_scoring.py): chunked on a pool of threads, the scores
of one pass; CSV or Parquet out by the file's suffix, anything else refused by name."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from training import file_scoring
from training.cli import app
from training.data import write_dataset


@pytest.fixture(scope="module")
def applications(model_dataset: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return model_dataset["application_test"]


def test_chunks_on_threads_give_the_scores_of_one_pass(
    credit_model, applications, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_scoring, "CHUNK_ROWS", 100)  # ~10 chunks of the 951 applicants
    frames = {"application_test": applications}
    chunked = file_scoring.score_frames(credit_model, frames, threads=2)
    whole = credit_model.score_tables(frames, "application_test")
    pd.testing.assert_frame_equal(chunked, whole)
    explained = file_scoring.score_frames(credit_model, frames, reasons=file_scoring.Reasons())
    assert list(explained.columns[3:5]) == ["reason_1_code", "reason_1_text"]
    assert len(explained) == len(applications)


def test_with_history_the_file_is_scored_in_one_pass(
    credit_model, model_dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_scoring, "CHUNK_ROWS", 100)
    scores = file_scoring.score_frames(credit_model, model_dataset)
    expected = credit_model.score_tables(model_dataset, "application_test")
    pd.testing.assert_frame_equal(scores, expected)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_score_command_writes_the_format_its_output_names(
    model_tag, credit_model, applications, tmp_path: Path, suffix: str
) -> None:
    write_dataset({"application_test": applications}, tmp_path / "in", "parquet")
    output = tmp_path / f"scores{suffix}"
    args = ["score", "--input", str(tmp_path / "in" / "application_test.parquet"),
            "--output", str(output), "--model", model_tag]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    if suffix == ".parquet":
        read = pd.read_parquet(output)
    else:  # pandas' fast float parser may miss the last digit the file holds
        read = pd.read_csv(output, float_precision="round_trip")
    expected = credit_model.score_tables({"application_test": applications}, "application_test")
    pd.testing.assert_frame_equal(read, expected)


def test_an_output_of_another_format_is_refused_before_reading(tmp_path: Path) -> None:
    args = ["score", "--input", str(tmp_path / "missing.csv"), "--output",
            str(tmp_path / "scores.xlsx")]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "scores.xlsx: the scores are written as .csv or .parquet" in result.output
