"""``python -m training monitor``: the report files, and the exit status a scheduled job
alerts on: 0 stable, 3 watch, 4 act, 5 no data, 2 for what it cannot do."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from scoring.model import store
from scoring.model.scorer import CreditModel
from scoring.monitoring.bins import MISSING, Bins
from scoring.records.database import RecordsDatabase
from scoring.records.drift import DriftCounts
from training.cli import app

DAY = "2026-11-02T00:00:00.000000+00:00"
PERIOD = ["--since", "2026-11-01", "--until", "2026-11-08"]


@pytest.fixture
def bins(credit_model: CreditModel) -> Bins:
    reference = store.read_json(credit_model.root / store.REFERENCE_FILE)
    return Bins.from_reference(reference, credit_model.tag)


def _run(credit_model: CreditModel, url: str, out: Path, *extra: str) -> tuple[int, str]:
    args = ["monitor", "--model", credit_model.tag, "--url", url, "--out", str(out), *extra]
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def _save(url: str, tag: str, counts: np.ndarray) -> None:
    DriftCounts(RecordsDatabase(url)).save(DAY, tag, "worker-1", 2_000, counts)


def test_the_reference_population_is_stable(
    credit_model: CreditModel, bins: Bins, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'records.sqlite'}"
    _save(url, credit_model.tag, np.round(bins.reference * 2_000).astype(np.int64))
    status, output = _run(credit_model, url, tmp_path / "out", *PERIOD)
    assert status == 0, output
    document = json.loads((tmp_path / "out" / "report.json").read_text())
    assert document["status"] == "stable" and document["applications"] == 2_000
    assert (tmp_path / "out" / "report.html").read_text().startswith("<!DOCTYPE html>")


def test_a_feature_sent_all_missing_needs_action_and_is_ranked_first(
    credit_model: CreditModel, bins: Bins, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'records.sqlite'}"
    counts = np.round(bins.reference * 2_000).astype(np.int64)
    broken = int(np.argmin(bins.reference[:-1, MISSING]))  # a feature never missing in training
    counts[broken] = 0
    counts[broken, MISSING] = 2_000
    _save(url, credit_model.tag, counts)
    status, output = _run(credit_model, url, tmp_path / "out", *PERIOD)
    assert status == 4, output
    document = json.loads((tmp_path / "out" / "report.json").read_text())
    assert document["features"][0]["name"] == bins.names[broken]
    assert document["features"][0]["missing"] == 1.0
    assert "act" in output


def test_a_period_without_applications_exits_5(credit_model: CreditModel, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'records.sqlite'}"
    RecordsDatabase(url).healthy()  # created, empty
    status, output = _run(credit_model, url, tmp_path / "out", *PERIOD)
    assert status == 5, output


def test_thresholds_are_options_and_checked(
    credit_model: CreditModel, bins: Bins, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'records.sqlite'}"
    _save(url, credit_model.tag, np.round(bins.reference * 2_000).astype(np.int64))
    status, _ = _run(credit_model, url, tmp_path / "out", *PERIOD, "--watch", "0", "--act", "5")
    assert status == 3
    status, output = _run(credit_model, url, tmp_path / "out", "--watch", "0.3", "--act", "0.2")
    assert status == 2 and "--act" in output


def test_an_unknown_model_is_named(credit_model: CreditModel, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'records.sqlite'}"
    args = ["monitor", "--model", "credit_scoring:nosuchtag", "--url", url, *PERIOD]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "credit_scoring:nosuchtag" in result.output
