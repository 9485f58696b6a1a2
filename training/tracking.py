"""Experiments recorded in MLflow: every training run, its tuning trials and every promotion.

MLflow is the experiment record, not the model store: the service loads the BentoML entry,
which names its MLflow run (metadata ``mlflow_run_id``) as the run names the entry (tag
``bentoml_tag``). The default backend is a SQLite file under ``data/mlflow`` (git-ignored),
with artifacts beside it; ``MLFLOW_TRACKING_URI`` points to any MLflow server instead.
MLflow belongs to the training dependencies only: the service image does not carry it.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from training import config

if TYPE_CHECKING:
    from training.model.pipeline import TrainedModel, TrainingConfig

EXPERIMENT = "credit_scoring"
TRACKING_DIR = config.DATA_DIR / "mlflow"
DEFAULT_TRACKING_URI = f"sqlite:///{TRACKING_DIR / 'mlflow.db'}"
CARD_FOLDER = "model_card"
REPORT_FOLDER = "comparison"
logger = logging.getLogger(__name__)


def tracking_uri() -> str:
    """``MLFLOW_TRACKING_URI`` when set, else the project's SQLite file."""
    return os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_TRACKING_URI


@dataclass(frozen=True)
class Tracker:
    """The MLflow run of one training or promotion, open while the work runs."""

    run_id: str

    def log_trial(self, number: int, params: Mapping[str, Any], auc: float) -> None:
        """One tuning trial, as a child run of the training run."""
        import mlflow

        with mlflow.start_run(run_name=f"trial {number}", nested=True):
            mlflow.log_params(dict(params))
            mlflow.log_metric("cv_roc_auc", auc)

    def log_trained(self, model: TrainedModel, tag: str) -> None:
        """The trained model's figures and card, and the store entry it became."""
        import mlflow

        card = model.card
        mlflow.log_params(_flat("model", card["model"]["params"]))
        mlflow.log_param("n_trees", card["model"]["n_trees"])
        mlflow.log_param("n_features", card["model"]["n_features"])
        mlflow.log_metrics(training_metrics(card))
        mlflow.set_tags(
            {
                "mlflow.runName": f"train {tag}",  # the entry's version, known only now
                "bentoml_tag": tag,
                "data_fingerprint": card["data"]["fingerprint"],
                "code_digest": card["model"]["code_digest"],
            }
        )
        log_files(model.artefacts.card_files, CARD_FOLDER)

    def log_report(self, paths: Mapping[str, Path]) -> None:
        """A promotion's comparison report, every file of it."""
        import mlflow

        for path in paths.values():
            mlflow.log_artifact(str(path), REPORT_FOLDER)

    def log_comparison(self, metrics: Mapping[str, float], tags: Mapping[str, str]) -> None:
        import mlflow

        mlflow.log_metrics({k: v for k, v in metrics.items() if math.isfinite(v)})
        mlflow.set_tags(dict(tags))


def training_metrics(card: Mapping[str, Any]) -> dict[str, float]:
    """The card's headline figures as MLflow metrics (names: ``<split>_<metric>``)."""
    metrics: dict[str, float] = {}
    for split in ("oof", "holdout"):
        for name in ("roc_auc", "gini", "ks", "pr_auc", "brier", "log_loss",
                     "cost_per_application", "recall", "precision", "approval_rate"):  # fmt: skip
            value = card["metrics"][split].get(name)
            if value is not None:
                metrics[f"{split}_{name}"] = float(value)
        metrics[f"{split}_ece"] = float(card["calibration"][f"ece_{split}"])
    metrics["threshold"] = float(card["threshold"]["threshold"])
    metrics["parity_max_abs_diff"] = float(card["parity"]["max_abs_diff"])
    metrics["additivity_max_abs_error"] = float(card["additivity"]["max_abs_error"])
    for row in card["fairness"]:
        key = f"disparate_impact_{row['grouping']}_{row['group']}"
        metrics[_metric_name(key)] = float(row["disparate_impact"])
    for fold, auc in enumerate(card["model"]["cv_fold_auc"], start=1):
        metrics[f"cv_fold{fold}_roc_auc"] = float(auc)
    return metrics


@contextmanager
def run(name: str, params: Mapping[str, Any], tags: Mapping[str, str]) -> Iterator[Tracker]:
    """An MLflow run in the project's experiment, ended as failed if the work raises."""
    import mlflow

    _quiet()
    if tracking_uri() == DEFAULT_TRACKING_URI:  # SQLite creates the file, not its folder
        TRACKING_DIR.mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(tracking_uri())
    mlflow.set_experiment(experiment_id=_experiment_id(mlflow))
    with mlflow.start_run(run_name=name) as active:
        mlflow.log_params(dict(params))
        mlflow.set_tags(dict(tags))
        yield Tracker(active.info.run_id)


def training_params(settings: TrainingConfig, data: Path, tune_minutes: float) -> dict[str, Any]:
    """What a training run was asked to do."""
    return {
        "data_directory": str(data),
        "data_source": settings.data_source,
        "folds": settings.folds,
        "seed": settings.seed,
        "holdout_share": settings.holdout.share,
        "max_features": settings.max_features,
        "cost_false_grant": settings.costs.false_grant,
        "cost_false_refusal": settings.costs.false_refusal,
        "tune_minutes": tune_minutes,
        "stage": settings.stage,
    }


def log_files(files: Mapping[str, bytes], folder: str) -> None:
    """Files held in memory, as artifacts of the active run under ``folder``."""
    import mlflow

    with tempfile.TemporaryDirectory(prefix="mlflow-artifacts-") as directory:
        for name, content in files.items():
            (Path(directory) / name).write_bytes(content)
        mlflow.log_artifacts(directory, folder)


def _experiment_id(mlflow: Any) -> str:
    """The project's experiment, created on first use.

    With a SQLite backend its artifacts go beside the database file (MLflow's default,
    ``./mlruns``, would write into whatever folder the command runs from); a tracking
    server chooses its own artifact store.
    """
    existing = mlflow.get_experiment_by_name(EXPERIMENT)
    if existing is not None:
        return str(existing.experiment_id)
    uri, prefix = tracking_uri(), "sqlite:///"
    location = (
        (Path(uri[len(prefix) :]).parent / "artifacts").as_uri() if uri.startswith(prefix) else None
    )
    # The UI opens a "traditional ML" experiment on its runs, not on GenAI traces.
    kind = {"mlflow.experimentKind": "custom_model_development"}
    return str(mlflow.create_experiment(EXPERIMENT, artifact_location=location, tags=kind))


def _flat(prefix: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Booster parameters as MLflow params; long lists (monotone constraints) summarised."""
    flat: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, list) and len(value) > 20:
            value = f"{len(value)} values, {sum(1 for v in value if v)} non-zero"
        flat[f"{prefix}.{key}"] = value
    return flat


def _metric_name(name: str) -> str:
    """MLflow metric names allow letters, digits and _-./ and space only."""
    return "".join(c if c.isalnum() or c in "_-./ " else "_" for c in name)


def _quiet() -> None:
    """MLflow's database set-up logs each Alembic step at INFO; a training run shows none."""
    for name in ("alembic", "mlflow.store.db.utils", "mlflow.tracking.fluent"):
        logging.getLogger(name).setLevel(logging.WARNING)
