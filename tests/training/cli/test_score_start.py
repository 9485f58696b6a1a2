"""The start of ``python -m training score`` (training/cli/model.py; issue 16): a new process
imports and loads only what scoring a file uses.

A file is to be scored at 100,000 applications a second end to end, process start included;
LightGBM (which imports scikit-learn and SciPy), MLflow, SQLAlchemy and the like would cost
more than a second of that. Checked in fresh interpreters, since the test session itself
has them all loaded; no timing, so a busy machine cannot fail it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from training.data import write_dataset

ROOT = Path(__file__).resolve().parents[3]
# What scoring a file does not use: training, tracking, plotting, records, Dask.
UNUSED = ("lightgbm", "sklearn", "scipy", "shap", "mlflow", "matplotlib", "optuna",
          "sqlalchemy", "alembic", "dask", "distributed")  # fmt: skip
# `python -m training ARGS`, then the unused libraries the process had loaded, on the last line.
COMMAND = """
import atexit, runpy, sys
atexit.register(lambda: print("loaded:" + ",".join(m for m in {unused!r} if m in sys.modules)))
sys.argv = ["training", *{args!r}]
runpy.run_module("training", run_name="__main__", alter_sys=True)
"""


def _loaded(code: str) -> set[str]:
    """The unused libraries loaded by ``code`` in a new interpreter (it prints them)."""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("loaded:"), result.stdout
    return set(filter(None, last.removeprefix("loaded:").split(",")))


def test_the_command_line_imports_no_training_stack() -> None:
    """What every ``python -m training`` command imports, before any command runs."""
    code = (
        "import sys, training.cli, training.file_scoring, scoring.model.scorer; "
        f"print('loaded:' + ','.join(m for m in {UNUSED!r} if m in sys.modules))"
    )
    assert _loaded(code) == set()


@pytest.fixture(scope="module")
def applications_file(model_dataset: dict[str, pd.DataFrame], tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("score-start")
    write_dataset({"application_test": model_dataset["application_test"]}, folder, "parquet")
    return folder / "application_test.parquet"


@pytest.mark.parametrize("reasons", [False, True])
def test_scoring_a_file_loads_lightgbm_only_for_reasons(
    model_tag: str, applications_file: Path, tmp_path: Path, reasons: bool
) -> None:
    """The whole command, model loading included; with --reasons the explainer needs
    LightGBM, which also shows the check sees a library a command loads."""
    output = tmp_path / "scores.parquet"
    args = ["score", "--input", str(applications_file), "--output", str(output),
            "--model", model_tag, *(["--reasons"] if reasons else [])]  # fmt: skip
    loaded = _loaded(COMMAND.format(unused=UNUSED, args=args))
    if reasons:
        assert "lightgbm" in loaded, loaded
    else:
        assert loaded == set(), f"score without --reasons loads {sorted(loaded)}"
    scores = pd.read_parquet(output)
    assert len(scores) == len(pd.read_parquet(applications_file))
    assert ("reason_1_code" in scores.columns) == reasons
