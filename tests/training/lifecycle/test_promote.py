"""The model lifecycle end to end, as an operator runs it: train (the first model becomes
champion), train a worse challenger (refused, naming its failed checks), an equal one
(promoted), roll back, force with a justification; every run in MLflow; and a real
``bentoml serve`` that serves the champion, not the latest entry.

One throw-away BentoML store, MLflow database and data set for the module; the commands run
as subprocesses with one thread each (LightGBM's default, every core, crawls when pytest's
other worker holds one).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devtools.servers import free_port, start_service, stop, wait_ready
from tests.support.serving import TOKEN
from training.data import write_dataset
from training.synth import generate_dataset

pytestmark = pytest.mark.slow
CLIENTS = 3_000
OPERATOR = "risk.analyst"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("lifecycle")
    write_dataset(generate_dataset(CLIENTS, seed=11), root / "data")
    return {"root": root, "data": root / "data", "home": root / "bentoml", "reports": root / "r"}


@pytest.fixture(scope="module")
def env(lab: dict[str, Path]) -> dict[str, str]:
    return {
        "BENTOML_HOME": str(lab["home"]),
        "MLFLOW_TRACKING_URI": f"sqlite:///{lab['root'] / 'mlflow.db'}",
        "CREDIT_OPERATOR": OPERATOR,
        "OMP_NUM_THREADS": "1",
    }


def _cli(env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "training", "--log-level", "WARNING", *arguments],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _train(env: dict[str, str], lab: dict[str, Path], *options: str) -> str:
    done = _cli(env, "train", "--data", str(lab["data"]), "--folds", "2", *options)
    assert done.returncode == 0, done.stderr
    return done.stderr.split("Saved ", 1)[1].split(" ", 1)[0]


def _registry(lab: dict[str, Path]) -> list[dict]:
    return json.loads((lab["home"] / "registry" / "credit_scoring.json").read_text())["events"]


@pytest.fixture(scope="module")
def story(env: dict[str, str], lab: dict[str, Path]) -> Iterator[dict[str, object]]:
    """Each step of the lifecycle, run once; the tests below read what each one left."""
    champion = _train(env, lab)
    worse = _train(env, lab, "--application-only")
    facts: dict[str, object] = {"champion": champion, "worse": worse}
    facts["served_while_worse_is_latest"] = _served_tag(env)
    promote = ["--reports", str(lab["reports"])]
    facts["refusal"] = _cli(env, "promote", worse, *promote)
    facts["registry_after_refusal"] = _registry(lab)
    equal = _train(env, lab)
    facts["equal"] = equal
    facts["acceptance"] = _cli(env, "promote", equal, *promote)
    facts["registry_after_acceptance"] = _registry(lab)
    facts["rollback"] = _cli(env, "rollback", "--reason", "the new model must wait for audit")
    facts["force_without_reason"] = _cli(env, "promote", worse, "--force", *promote)
    facts["forced"] = _cli(
        env, "promote", worse, "--force", "--justification",
        "regulator asked for the application-only model during the history outage", *promote,
    )  # fmt: skip
    facts["registry"] = _registry(lab)
    yield facts


def _served_tag(env: dict[str, str]) -> str:
    """The tag a real `bentoml serve` reports, started without CREDIT_MODEL_TAG."""
    port = free_port()
    settings = {**env, "CREDIT_API_TOKEN": TOKEN, "CREDIT_MODEL_TAG": "credit_scoring:champion"}
    process = start_service(settings, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        answer = httpx.get(f"{url}/model", headers={"Authorization": f"Bearer {TOKEN}"})
        return answer.json()["tag"]
    finally:
        stop(process)


def test_the_first_model_is_champion_and_the_service_serves_it_not_the_latest(story) -> None:
    assert story["served_while_worse_is_latest"] == story["champion"] != story["worse"]


def test_a_worse_challenger_is_refused_and_its_failed_checks_are_named(story) -> None:
    refusal = story["refusal"]
    assert refusal.returncode == 1, refusal.stderr
    named = refusal.stderr.split("fails ", 1)[1].split(";", 1)[0]
    assert "ROC AUC" in named and "parity" not in named
    assert story["registry_after_refusal"] == story["registry_after_refusal"][:1], "unchanged"


def test_an_equal_challenger_is_promoted_with_its_report(story, lab) -> None:
    acceptance = story["acceptance"]
    assert acceptance.returncode == 0, acceptance.stderr
    event = story["registry_after_acceptance"][-1]
    assert (event["kind"], event["tag"], event["previous"], event["by"]) == (
        "promoted", story["equal"], story["champion"], OPERATOR
    )  # fmt: skip
    report = Path(event["report"])
    assert report.is_file() and report.is_relative_to(lab["reports"])
    markdown = report.with_suffix(".md").read_text()
    assert "**Decision: promoted**" in markdown and "| ROC AUC | pass |" in markdown
    assert "0 granted by the champion would be refused" in markdown, "an equal model agrees"


def test_rollback_restores_the_previous_champion_and_says_why(story) -> None:
    assert story["rollback"].returncode == 0, story["rollback"].stderr
    rolled = story["registry"][2]
    assert (rolled["kind"], rolled["tag"], rolled["previous"]) == (
        "rolled_back", story["champion"], story["equal"]
    )  # fmt: skip
    assert rolled["reason"] == "the new model must wait for audit"


def test_forcing_needs_a_justification_which_is_recorded(story) -> None:
    assert story["force_without_reason"].returncode == 2
    assert "--justification" in story["force_without_reason"].stderr
    forced = story["registry"][-1]
    assert story["forced"].returncode == 0, story["forced"].stderr
    assert (forced["kind"], forced["tag"], forced["previous"]) == (
        "forced", story["worse"], story["champion"]
    )  # fmt: skip
    assert forced["reason"].startswith("regulator asked")


def test_every_run_is_in_mlflow_with_its_metrics_artifacts_and_store_entry(story, env) -> None:
    from mlflow.tracking import MlflowClient

    client = MlflowClient(env["MLFLOW_TRACKING_URI"])
    [experiment] = client.search_experiments(filter_string="name = 'credit_scoring'")
    runs = client.search_runs([experiment.experiment_id], max_results=100)
    kinds = sorted(run.data.tags["kind"] for run in runs)
    assert kinds == ["promotion"] * 3 + ["rollback"] + ["training"] * 3
    training = {r.data.tags["bentoml_tag"]: r for r in runs if r.data.tags["kind"] == "training"}
    assert set(training) == {story["champion"], story["worse"], story["equal"]}
    run = training[story["champion"]]
    expected = {"oof_roc_auc", "holdout_roc_auc", "holdout_ks", "holdout_gini", "holdout_ece",
                "holdout_cost_per_application", "holdout_brier"}  # fmt: skip
    assert expected <= set(run.data.metrics)
    assert run.data.tags["data_fingerprint"] and run.data.params["holdout_share"] == "0.2"
    cards = {item.path for item in client.list_artifacts(run.info.run_id, "model_card")}
    assert {"model_card/model_card.md", "model_card/roc.png"} <= cards
    entry = _metadata(env, story["champion"])
    assert entry["mlflow_run_id"] == run.info.run_id, "the entry names its run"
    refused = next(r for r in runs if r.data.tags.get("outcome") == "refused")
    assert "ROC AUC" in refused.data.tags["failed_checks"]
    reports = {item.path for item in client.list_artifacts(refused.info.run_id, "comparison")}
    assert "comparison/comparison.html" in reports


def _metadata(env: dict[str, str], tag: str) -> dict:
    """An entry's metadata, read by a subprocess of that store (BentoML fixes its home once)."""
    code = (
        "import bentoml, json, sys; "
        "print(json.dumps(bentoml.models.get(sys.argv[1]).info.metadata, default=str))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, tag], env={**os.environ, **env}, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)
