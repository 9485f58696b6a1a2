"""Fixtures shared across test folders: datasets, the real sample, one trained model, and the
scoring service serving it (in process, and as a `bentoml serve` subprocess).

The datasets and the model are built once per run, whatever the number of pytest-xdist
workers (``tests/support/shared.py``); each worker saves the model in its own store.
"""

from __future__ import annotations

import atexit
import importlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

# A throw-away BentoML store for the whole session, set before anything touches bentoml
# (it resolves its home on first store access): tests never read or write the user's.
BENTOML_HOME = Path(tempfile.mkdtemp(prefix="pytest-bentoml-home-")).resolve()
os.environ["BENTOML_HOME"] = str(BENTOML_HOME)
atexit.register(shutil.rmtree, BENTOML_HOME, ignore_errors=True)
# Training runs record themselves in MLflow: in a throw-away database, never the project's.
MLFLOW_DIR = Path(tempfile.mkdtemp(prefix="pytest-mlflow-")).resolve()
os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{MLFLOW_DIR / 'mlflow.db'}"
atexit.register(shutil.rmtree, MLFLOW_DIR, ignore_errors=True)

import bentoml  # noqa: E402
import lightgbm as lgb  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from devtools.servers import serving  # noqa: E402
from scoring.features import FeatureMatrix, build_batch  # noqa: E402
from scoring.model.scorer import CreditModel  # noqa: E402
from scoring.schema import APPLICATION_TRAIN  # noqa: E402
from tests.support.serving import TOKEN  # noqa: E402
from tests.support.shared import once_per_run  # noqa: E402
from training import config  # noqa: E402
from training.data import load_table  # noqa: E402
from training.model.pipeline import (  # noqa: E402
    TrainedModel,
    TrainingConfig,
    save_model,
    train_model,
)
from training.portfolio import write_portfolio  # noqa: E402
from training.synth import generate_dataset  # noqa: E402

REALISTIC_CLIENTS = 20_000


@pytest.fixture(scope="session")
def realistic_dataset(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """The demo's default size: large enough for stable AUC and KS figures."""
    return once_per_run(
        tmp_path_factory, "realistic_dataset", lambda: generate_dataset(REALISTIC_CLIENTS, seed=7)
    )


@pytest.fixture(scope="session")
def real_applications() -> pd.DataFrame:
    """The real application_train sample beside the project; skips when it is absent."""
    path = Path(config.REAL_SAMPLE_DIR) / "application_train.csv"
    if not path.is_file():
        pytest.skip(f"real sample not found at {path}")
    return load_table(path, APPLICATION_TRAIN)


MODEL_CLIENTS = 6_000
# One OpenMP thread: with the default (all cores), lightgbm.cv slows down a hundredfold
# as soon as another process holds a core (pytest-xdist, a parallel job).
SINGLE_THREAD = {"num_threads": 1}
TRAINING = TrainingConfig(folds=3, seed=1, params=SINGLE_THREAD)


@pytest.fixture(scope="session")
def bentoml_home() -> Path:
    """The temporary BentoML home of this test session."""
    return BENTOML_HOME


@pytest.fixture(scope="session")
def training_config() -> TrainingConfig:
    """How the shared model is trained: 3 folds, one thread."""
    return TRAINING


@pytest.fixture(scope="session")
def model_dataset(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """All eight generated tables for 6,000 labelled clients (and 951 test applicants)."""
    return once_per_run(
        tmp_path_factory, "model_dataset", lambda: generate_dataset(MODEL_CLIENTS, seed=3)
    )


@pytest.fixture(scope="session")
def trained_model(
    model_dataset: dict[str, pd.DataFrame], tmp_path_factory: pytest.TempPathFactory
) -> TrainedModel:
    """The verified model of the full dataset (parity and additivity already checked)."""
    return once_per_run(
        tmp_path_factory, "trained_model", lambda: train_model(model_dataset, TRAINING)
    )


@pytest.fixture(scope="session")
def known_client(model_dataset: dict[str, pd.DataFrame]) -> int:
    """The first labelled client of the portfolio the test service reads."""
    return int(model_dataset["application_train"]["SK_ID_CURR"].iloc[0])


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where ``save_model`` copies the model card."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def model_tag(trained_model: TrainedModel, models_dir: Path) -> str:
    """The trained model saved in the temporary store; refuses to write anywhere else."""
    if bentoml.models.list():
        pytest.fail(f"the model store of the tests is not empty: is it {BENTOML_HOME}?")
    tag, _ = save_model(trained_model, TRAINING.name, models_dir)
    path = Path(bentoml.models.get(tag).path).resolve()
    if not path.is_relative_to(BENTOML_HOME):
        pytest.fail(f"model saved at {path}, outside the temporary store {BENTOML_HOME}")
    return tag


@pytest.fixture(scope="session")
def credit_model(model_tag: str) -> CreditModel:
    """The saved entry loaded the way the CLI and the service load it."""
    return CreditModel.from_store(model_tag)


@pytest.fixture(scope="session")
def served_booster(trained_model: TrainedModel) -> lgb.Booster:
    """The LightGBM model that was exported (thresholds and leaves aligned to float32)."""
    return lgb.Booster(model_str=trained_model.artefacts.model_text)


@pytest.fixture(scope="session")
def test_features(model_dataset: dict[str, pd.DataFrame]) -> FeatureMatrix:
    """Features of the unlabelled test applicants, history included (batch path)."""
    return build_batch(model_dataset, "application_test")


# --- the scoring service, one per process ---------------------------------------------------
# BentoML registers the service's Prometheus metrics when its ASGI app is built, so a second
# app in the same process fails (DuplicateTimeseries): the service and dashboard tests share
# this one.


@pytest.fixture(scope="session")
def service_env(
    model_tag: str, model_dataset: dict[str, pd.DataFrame], tmp_path_factory
) -> dict[str, str]:
    """Environment of a service serving the test model, with its own databases."""
    directory = tmp_path_factory.mktemp("service")
    portfolio = f"sqlite:///{directory / 'portfolio.sqlite'}"
    write_portfolio(model_dataset, portfolio)
    return {
        "CREDIT_MODEL_TAG": model_tag,
        "CREDIT_API_TOKEN": TOKEN,
        "CREDIT_AUDIT_DB_URL": f"sqlite:///{directory / 'audit.sqlite'}",
        "CREDIT_PORTFOLIO_DB_URL": portfolio,
        "CREDIT_MONITOR_FLUSH_SECONDS": "0.2",  # drift counts written quickly for the tests
    }


@pytest.fixture(scope="session")
def asgi_client(service_env: dict[str, str]) -> Iterator[TestClient]:
    """The service in process through BentoML's ASGI app (no server)."""
    previous = {key: os.environ.get(key) for key in service_env}
    os.environ.update(service_env)
    service = importlib.import_module("service")
    with TestClient(service.CreditScoring.to_asgi()) as client:
        yield client
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def server(service_env: dict[str, str]) -> Iterator[str]:
    """A real `bentoml serve` subprocess; its whole process group is killed afterwards."""
    with serving(service_env) as url:
        yield url
