"""The ``train`` command's points-scale options (training/cli/model.py): passed to the
training run, or refused by name before any data is read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from training.cli import app
from training.cli import model as model_cli
from training.model import pipeline


class Stop(Exception):
    """Raised by the stand-in trainer once it has seen its configuration."""


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The configurations ``train`` hands to the trainer (no data read, nothing trained)."""
    configs: list[Any] = []

    def train_model(frames: Any, config: Any, progress: Any = None) -> Any:
        configs.append(config)
        raise Stop

    monkeypatch.setattr(model_cli, "load", lambda data, tables=None: {})
    monkeypatch.setattr(pipeline, "train_model", train_model)
    return configs


def test_the_scale_options_reach_the_training_run(seen: list[Any], tmp_path: Path) -> None:
    args = ["train", "--data", str(tmp_path), "--base-points", "500", "--base-odds", "20",
            "--pdo", "40", "--grade-bounds", "0.01,0.03,0.08,0.3"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, Stop), result.output
    assert dict(seen[0].scale) == {
        "base_points": 500.0,
        "base_odds": 20.0,
        "pdo": 40.0,
        "grade_bounds": (0.01, 0.03, 0.08, 0.3),
    }


def test_the_defaults_are_600_points_at_50_to_1_and_20_to_double(
    seen: list[Any], tmp_path: Path
) -> None:
    CliRunner().invoke(app, ["train", "--data", str(tmp_path)])
    assert dict(seen[0].scale) == {
        "base_points": 600.0,
        "base_odds": 50.0,
        "pdo": 20.0,
        "grade_bounds": (0.025, 0.05, 0.1, 0.2),
    }


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--pdo", "0", "pdo (points to double the odds) must be a number above 0"),
        ("--base-odds", "-5", "base_odds must be a number above 0"),
        ("--grade-bounds", "0.1,0.05,0.2,0.3", "grade_bounds must be 4 increasing"),
        ("--grade-bounds", "low,high", "grade_bounds must be probabilities separated by commas"),
    ],
)
def test_a_bad_scale_is_refused_naming_the_option(
    seen: list[Any], tmp_path: Path, option: str, value: str, expected: str
) -> None:
    result = CliRunner().invoke(app, ["train", "--data", str(tmp_path), option, value])
    output = " ".join(result.output.split())
    assert result.exit_code == 2, output
    assert expected in output and f"(option {option})" in output
    assert seen == [], "nothing was trained"
