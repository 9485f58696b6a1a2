"""The model as users meet it: the score command, applicants without history, and the
behaviour a credit expert expects from a probability of default.

Applicants are scored one by one through the online path (``build_online`` on JSON-like
records, as the API does) with the stored model.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from scoring.features import FEATURE_NAMES, build_batch, build_online
from scoring.model.contract import INPUT_NAME, PROBABILITIES
from scoring.model.scorer import GRANTED, REFUSED, CreditModel
from scoring.schema import HISTORY_NAMES
from training.cli import app
from training.data import write_dataset
from training.model.pipeline import TrainedModel, train_model

pytestmark = pytest.mark.slow

APPLICANTS = 300
Records = list[dict[str, Any]]
Client = tuple[dict[str, Any], dict[str, Records]]


def _records(frame: pd.DataFrame) -> Records:
    """Rows as the API receives them: level strings, None for missing, plain numbers."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


@pytest.fixture(scope="module")
def applicants(model_dataset) -> list[Client]:
    """The first 300 test applicants, each with its own history records."""
    application = model_dataset["application_test"].head(APPLICANTS)
    ids = set(application["SK_ID_CURR"])
    bureau = model_dataset["bureau"]
    owner = dict(zip(bureau["SK_ID_BUREAU"], bureau["SK_ID_CURR"], strict=True))
    history: dict[str, dict[int, Records]] = {name: {} for name in HISTORY_NAMES}
    for name in HISTORY_NAMES:
        frame = model_dataset[name]
        if name == "bureau_balance":
            clients = frame["SK_ID_BUREAU"].map(owner)
        else:
            clients = frame["SK_ID_CURR"]
        mine = clients.isin(ids).to_numpy()
        for client, record in zip(clients[mine], _records(frame[mine]), strict=True):
            history[name].setdefault(int(client), []).append(record)
    return [
        (record, {name: history[name].get(record["SK_ID_CURR"], []) for name in HISTORY_NAMES})
        for record in _records(application)
    ]


def _online(model: CreditModel, clients: list[Client]) -> np.ndarray:
    """Probabilities of the clients, each scored from its own records."""
    return model.predict_proba(np.array([build_online(a, h) for a, h in clients]))


@pytest.fixture(scope="module")
def base(credit_model, applicants) -> np.ndarray:
    return _online(credit_model, applicants)


def _score(tag: str, input_file: Path, output: Path, *extra: str) -> Result:
    args = ["score", "--input", str(input_file), "--output", str(output), "--model", tag]
    return CliRunner().invoke(app, [*args, *extra])


# -- the score command -----------------------------------------------------------------


def test_score_command_equals_scoring_in_memory(
    model_tag, credit_model, model_dataset, applicants, tmp_path
):
    """A file of applications (history beside it) gets the in-memory and online answers."""
    write_dataset(model_dataset, tmp_path / "data")
    result = _score(model_tag, tmp_path / "data" / "application_test.csv", tmp_path / "out.csv")
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(tmp_path / "out.csv")
    expected = credit_model.score_tables(model_dataset, "application_test")
    assert list(scored.columns) == ["SK_ID_CURR", "probability", "decision"]
    np.testing.assert_array_equal(scored["SK_ID_CURR"], expected["SK_ID_CURR"])
    np.testing.assert_allclose(scored["probability"], expected["probability"], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(scored["decision"], expected["decision"])
    first = applicants[:50]
    assert [a["SK_ID_CURR"] for a, _ in first] == scored["SK_ID_CURR"][:50].tolist()
    online = _online(credit_model, first)
    np.testing.assert_allclose(scored["probability"][:50], online, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(scored["decision"][:50], credit_model.decide(online))


def test_score_command_adds_the_reasons_of_each_row(
    model_tag, credit_model, model_dataset, tmp_path
):
    """--reasons: the principal reasons the API would give, as columns for notices."""
    write_dataset(model_dataset, tmp_path / "data")
    source = tmp_path / "data" / "application_test.csv"
    result = _score(model_tag, source, tmp_path / "out.csv", "--reasons", "--language", "fr")
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(tmp_path / "out.csv", keep_default_na=False)
    assert list(scored.columns[3:5]) == ["reason_1_code", "reason_1_text"]
    refused = scored[scored["decision"] == "refused"]
    assert (
        len(refused)
        and (
            refused["reason_1_code"].str.endswith(".raises")
            | refused["reason_1_code"].isin(
                ["no_bureau_record", "first_application", "no_loan_with_us", "no_card_with_us"]
            )
        ).all()
    )
    assert scored["reason_1_text"].str.contains("Cela (augmente|réduit) le risque").all()


def test_score_command_on_an_application_file_alone(
    model_tag, credit_model, model_dataset, tmp_path
):
    """Without history files beside it, the file is scored on the application alone."""
    applications = model_dataset["application_test"]
    write_dataset({"application_test": applications}, tmp_path)
    result = _score(model_tag, tmp_path / "application_test.csv", tmp_path / "out.csv")
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(tmp_path / "out.csv")
    alone = credit_model.score_tables({"application_test": applications}, "application_test")
    np.testing.assert_allclose(scored["probability"], alone["probability"], rtol=0, atol=1e-12)
    with_history = credit_model.score_tables(model_dataset, "application_test")
    assert not np.allclose(scored["probability"], with_history["probability"])


def test_score_command_rejects_a_negative_credit_amount(model_tag, model_dataset, tmp_path):
    """Bad data ends with exit code 2 and a message naming the column, no traceback."""
    applications = model_dataset["application_test"].copy()
    applications.loc[3, "AMT_CREDIT"] = -5_000.0
    write_dataset({"application_test": applications}, tmp_path)
    result = _score(model_tag, tmp_path / "application_test.csv", tmp_path / "out.csv")
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert "AMT_CREDIT" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out.csv").exists()


# -- application data only -------------------------------------------------------------


@pytest.fixture(scope="module")
def application_only(model_dataset, training_config) -> Iterator[TrainedModel]:
    """A model trained on application_train alone (same holdout split as the full one)."""
    frames = {"application_train": model_dataset["application_train"]}
    model = train_model(frames, replace(training_config, folds=2))
    yield model


def test_a_model_trains_on_application_data_only(application_only, trained_model):
    """History adds signal, but the application alone still ranks applicants (out-of-fold:
    4,800 clients, where the 1,200 of the holdout leave the two AUCs within noise)."""
    auc_only = application_only.metadata["roc_auc_oof"]
    assert 0.65 < auc_only < trained_model.metadata["roc_auc_oof"]


def test_an_applicant_without_history_is_scored(
    application_only, credit_model, model_dataset, applicants
):
    """build_online(application) alone gives a probability, a decision and an explanation."""
    application, _ = applicants[0]
    features = build_online(application)
    session = ort.InferenceSession(
        application_only.artefacts.onnx_model, providers=["CPUExecutionProvider"]
    )
    names = [f["name"] for f in application_only.artefacts.features]
    inputs = features[None, [FEATURE_NAMES.index(name) for name in names]]
    p_only = session.run([PROBABILITIES], {INPUT_NAME: inputs})[0][0, 1]
    assert 0 < p_only < 1
    p_full = credit_model.predict_proba(features)
    assert p_full.shape == (1,) and 0 < p_full[0] < 1
    assert credit_model.decide(p_full)[0] in (GRANTED, REFUSED)
    first = model_dataset["application_test"].head(1)
    alone = build_batch({"application_test": first}, "application_test")
    np.testing.assert_array_equal(credit_model.predict_proba(alone.values), p_full)
    explanation = credit_model.explain(features)
    assert np.isfinite(explanation.contributions).all()


# -- what a credit expert expects --------------------------------------------------------


def test_the_client_id_does_not_change_the_probability(credit_model, applicants, base):
    """SK_ID_CURR is a key, not information: renumbering a client changes nothing."""
    renumbered = []
    for application, history in applicants:
        new_id = application["SK_ID_CURR"] + 10_000_000
        moved = {
            name: [{**r, "SK_ID_CURR": new_id} if "SK_ID_CURR" in r else r for r in rows]
            for name, rows in history.items()
        }
        renumbered.append(({**application, "SK_ID_CURR": new_id}, moved))
    np.testing.assert_array_equal(_online(credit_model, renumbered), base)


@pytest.mark.parametrize("shift", [0.2, -0.2])
def test_external_scores_move_the_probability_the_right_way(credit_model, applicants, base, shift):
    """Better bureau scores (EXT_SOURCE_2/3) lower the risk for nearly everyone; worse raise it."""
    shifted = []
    for application, history in applicants:
        changed = dict(application)
        for column in ("EXT_SOURCE_2", "EXT_SOURCE_3"):
            if changed[column] is not None:
                changed[column] = float(np.clip(changed[column] + shift, 0.0, 1.0))
        shifted.append((changed, history))
    moved = _online(credit_model, shifted) - base
    direction = -np.sign(shift)
    assert direction * moved.mean() > 0
    assert np.mean(direction * moved > 0) >= 0.8


def test_more_late_instalments_raise_the_probability(credit_model, applicants):
    """Adding instalments paid 30 days late raises the mean risk, more with more of them."""
    with_instalments = [c for c in applicants if c[1]["installments_payments"]]
    assert len(with_instalments) >= 100
    means = []
    for late in (0, 5, 10):
        clients = []
        for application, history in with_instalments:
            rows = history["installments_payments"]
            latest = sorted(rows, key=lambda r: r["DAYS_INSTALMENT"])[-late:] if late else []
            added = [{**r, "DAYS_ENTRY_PAYMENT": r["DAYS_INSTALMENT"] + 30} for r in latest]
            clients.append((application, {**history, "installments_payments": rows + added}))
        means.append(_online(credit_model, clients).mean())
    assert means[0] < means[1] < means[2], means


def test_one_more_unit_of_income_changes_almost_nothing(credit_model, applicants, base):
    """AMT_INCOME_TOTAL + 1 moves no probability by over 1e-3 and flips ≤ 1 % of decisions."""
    richer = [({**a, "AMT_INCOME_TOTAL": a["AMT_INCOME_TOTAL"] + 1}, h) for a, h in applicants]
    p = _online(credit_model, richer)
    assert np.max(np.abs(p - base)) <= 1e-3
    assert np.mean(credit_model.decide(p) != credit_model.decide(base)) <= 0.01


def test_decisions_follow_the_threshold_exactly(credit_model, base):
    """Refused if and only if p ≥ threshold, including right at the threshold."""
    t = credit_model.threshold
    decisions = credit_model.decide(base)
    np.testing.assert_array_equal(decisions == REFUSED, base >= t)
    assert set(decisions) == {GRANTED, REFUSED}
    edges = np.array([np.nextafter(t, 0.0), t, np.nextafter(t, 1.0)])
    assert credit_model.decide(edges).tolist() == [GRANTED, REFUSED, REFUSED]
