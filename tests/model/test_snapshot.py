"""The portfolio snapshot: every known client scored like the API, described in human units.

The dashboard trusts the snapshot for the whole portfolio and describes a client outside it
(a what-if, a new applicant) from the API's answer, so both must agree with the model and
with each other.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard.peer_groups import client_row
from scoring.descriptors import DESCRIPTORS
from scoring.schema import APPLICATION_TRAIN
from scoring.schema.common import SENTINEL_DAYS
from scoring.serving.portfolio import Portfolio
from training.cli import app
from training.data import write_dataset
from training.portfolio import write_portfolio

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def snapshot(model_tag, model_dataset, tmp_path_factory) -> pd.DataFrame:
    """The snapshot as `python -m training snapshot --out` writes it."""
    directory = tmp_path_factory.mktemp("snapshot")
    write_dataset(model_dataset, directory / "data")
    out = directory / "portfolio_snapshot.parquet"
    args = ["snapshot", "--data", str(directory / "data"), "--model", model_tag, "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return pd.read_parquet(out)


def test_every_known_client_is_scored_like_the_model(snapshot, credit_model, model_dataset):
    train, test = model_dataset["application_train"], model_dataset["application_test"]
    assert len(snapshot) == len(train) + len(test)
    assert snapshot["SK_ID_CURR"].is_monotonic_increasing
    names = ("application_train", "application_test")
    scores = pd.concat([credit_model.score_tables(model_dataset, name) for name in names])
    scores = scores.sort_values("SK_ID_CURR", ignore_index=True)
    np.testing.assert_array_equal(snapshot["SK_ID_CURR"], scores["SK_ID_CURR"])
    np.testing.assert_allclose(snapshot["probability"], scores["probability"], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(snapshot["decision"].astype(str), scores["decision"])
    outcome = snapshot.set_index("SK_ID_CURR")["TARGET"]
    np.testing.assert_array_equal(outcome[train["SK_ID_CURR"]], train["TARGET"])
    assert outcome[test["SK_ID_CURR"]].isna().all()


def test_the_snapshot_names_its_model_and_top_features(snapshot, credit_model):
    assert snapshot.attrs["model"] == credit_model.tag
    assert snapshot.attrs["threshold"] == credit_model.threshold
    top = snapshot.attrs["top_features"]
    assert len(top) == 10 and set(top) <= set(snapshot.columns)
    assert {d.name for d in DESCRIPTORS} <= set(snapshot.columns)


def test_descriptions_are_in_human_units(snapshot, model_dataset):
    assert snapshot["age_years"].between(18, 80).all()
    applications = pd.concat(
        [model_dataset["application_train"], model_dataset["application_test"]]
    )
    pensioners = applications.set_index("SK_ID_CURR")["DAYS_EMPLOYED"].eq(SENTINEL_DAYS)
    unknown = snapshot.set_index("SK_ID_CURR")["employment_years"].isna()
    assert (unknown[pensioners[pensioners].index]).all()
    assert (snapshot["employment_years"].dropna() >= 0).all()
    term = snapshot["credit"] / snapshot["annuity"]
    np.testing.assert_allclose(snapshot["term_months"], term, rtol=1e-5)
    assert set(snapshot["gender"].cat.categories) == set(APPLICATION_TRAIN["CODE_GENDER"].levels)


def test_a_client_described_from_the_api_answer_matches_the_snapshot(
    snapshot, model_dataset, tmp_path
):
    """What the dashboard computes for a client outside the snapshot equals its row."""
    url = f"sqlite:///{tmp_path / 'portfolio.sqlite'}"
    write_portfolio(model_dataset, url)
    portfolio = Portfolio(url)
    for client_id in snapshot["SK_ID_CURR"].iloc[[0, 17, -1]]:
        record = portfolio.client(int(client_id))
        explanation = {
            "probability": -1.0,  # differs from the snapshot: the row must be computed
            "decision": "refused",
        }
        computed = client_row(
            snapshot, int(client_id), record.application, explanation, record.history
        )
        stored = snapshot.loc[snapshot["SK_ID_CURR"] == client_id].iloc[0]
        for column in snapshot.columns.drop(["TARGET", "probability", "decision"]):
            expected, actual = stored[column], computed[column]
            if isinstance(expected, str) or pd.isna(expected):
                assert actual == expected or (pd.isna(actual) and pd.isna(expected)), column
            else:
                assert float(actual) == pytest.approx(float(expected), rel=1e-6), column


def test_snapshot_without_a_model_says_how_to_train_one(tmp_path):
    args = ["snapshot", "--out", str(tmp_path / "s.parquet"), "--model", "credit_scoring:absent"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "train" in result.output
