"""Drift scenarios replayed through the API's engine: does the monitor raise the expected
alerts, rank the responsible features first, and stay quiet on an unchanged population?

Why: a monitor is only worth its alerts. Each shifted population of
:mod:`training.synth.scenarios` (an economic downturn, a new product mix, a feature sent all
missing, incomes sent in thousands) is generated afresh (a seed of its own, not the training
data's), scored as real applications with the workspace model
(:func:`training.monitoring.replay.replay`: ``/predict_batch``'s request model and engine,
counted by the service's capture) and read back with the monitor. The reference population
(no shift, a new seed each time) is replayed ``--repeats`` times: the false-alarm rate is the
share of those replays that crossed the watch threshold on any feature or on the score, and
per feature, the share of (replay, feature) pairs that did.

A scenario passes when the monitor says "act", its most drifted feature is one the scenario
shifted (:func:`training.monitoring.replay.derived_from` of ``Scenario.expected``), and every
feature at the action level is one of those.

Usage: .venv/bin/python benchmarks/drift_scenarios.py [--quick] [--clients N] [--repeats R]
Writes benchmarks/results/drift_scenarios.json (quick: results/raw/drift_scenarios_quick.json):
``settings``, ``scenarios`` (per scenario: status, score PSI, alerts, the top five features
with PSI and level, responsible features, checks), ``reference`` (per replay: status, alerts,
largest PSI) and ``false_alarms`` (replay rate, per-feature rate).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import workspace, write_result  # noqa: E402

SIZES = {"full": (5_000, 20), "quick": (1_000, 2)}  # clients per replay, reference replays
SEED = 9_000  # replays' seeds start here: never the workspace data's


def scenario_check(document: dict[str, Any], responsible: set[str]) -> dict[str, bool]:
    """The three checks a shifted population must pass."""
    acting = [f["name"] for f in document["features"] if f["level"] == "act"]
    top = document["features"][0]["name"] if document["features"] else None
    return {
        "acts": document["status"] == "act",
        "top_is_responsible": top in responsible,
        "every_action_is_responsible": set(acting) <= responsible,
    }


def false_alarm_rates(documents: list[dict[str, Any]]) -> dict[str, float]:
    """Share of reference replays with any alert (features or score), and of (replay,
    feature) pairs at or above the watch threshold."""
    flagged = [d["status"] in ("watch", "act") for d in documents]
    pairs = [f["level"] in ("watch", "act") for d in documents for f in d["features"]]
    return {
        "replays": sum(flagged) / len(documents),
        "feature_pairs": sum(pairs) / len(pairs) if pairs else 0.0,
    }


def _top(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"name": f["name"], "psi": round(f["psi"], 4), "level": f["level"]}
        for f in document["features"][:5]
    ]


def run(clients: int, repeats: int, quick: bool) -> dict[str, Any]:
    """Every scenario once, the reference ``repeats`` times."""
    from scoring.model.scorer import CreditModel
    from training.monitoring.replay import alerts, derived_from, population_bodies, replay
    from training.synth import generate_dataset
    from training.synth.scenarios import SCENARIOS, apply_scenario

    space = workspace(quick)
    os.environ["BENTOML_HOME"] = str(space.bentoml_home)
    model = CreditModel.from_store(space.model_tag)

    def replayed(name: str, seed: int) -> tuple[dict[str, Any], float]:
        frames = apply_scenario(generate_dataset(clients, seed), name, seed)
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="drift-replay-") as directory:
            document = replay(model, population_bodies(frames), Path(directory))
        return document, time.perf_counter() - start

    scenarios = {}
    for offset, (name, scenario) in enumerate(SCENARIOS.items()):
        if name == "reference":
            continue
        document, seconds = replayed(name, SEED + offset)
        responsible = derived_from(scenario.expected)
        scenarios[name] = {
            "status": document["status"],
            "applications": document["applications"],
            "score_psi": document["score"]["psi"],
            "alerts": alerts(document),
            "top": _top(document),
            "responsible": sorted(responsible),
            "checks": scenario_check(document, responsible),
            "replay_s": round(seconds, 2),
        }
        print(f"{name:16} {document['status']:6} top {_top(document)[:3]}", flush=True)
    references = []
    for repeat in range(repeats):
        document, seconds = replayed("reference", SEED + 100 + repeat)
        largest = max((f["psi"] or 0.0) for f in document["features"])
        references.append(document)
        print(f"reference #{repeat + 1:2} {document['status']:6} largest PSI {largest:.3f}",
              flush=True)  # fmt: skip
    return {
        "settings": {"clients": clients, "repeats": repeats, "model": space.model_tag},
        "scenarios": scenarios,
        "reference": [
            {
                "status": d["status"],
                "alerts": alerts(d),
                "score_psi": d["score"]["psi"],
                "largest_psi": max((f["psi"] or 0.0) for f in d["features"]),
            }
            for d in references
        ],
        "false_alarms": false_alarm_rates(references),
    }


def print_report(document: dict[str, Any]) -> None:
    settings = document["settings"]
    print(f"\nDrift scenarios, {settings['clients']:,} applications a replay ({settings['model']})")
    for name, result in document["scenarios"].items():
        passed = all(result["checks"].values())
        top = ", ".join(f"{t['name']} {t['psi']:.2f}" for t in result["top"][:3])
        print(f"  {name:16} {result['status']:6} {'pass' if passed else 'FAIL'}  top: {top}")
    rates = document["false_alarms"]
    largest = max(r["largest_psi"] for r in document["reference"])
    print(
        f"  reference × {settings['repeats']}: false alarms {rates['replays']:.0%} of replays, "
        f"{rates['feature_pairs']:.2%} of (replay, feature) pairs; largest PSI {largest:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short CI run")
    parser.add_argument("--clients", type=int, help="applications a replay")
    parser.add_argument("--repeats", type=int, help="replays of the reference population")
    args = parser.parse_args()
    clients, repeats = SIZES["quick" if args.quick else "full"]
    document = run(args.clients or clients, args.repeats or repeats, args.quick)
    path = write_result("drift_scenarios", document, args.quick)
    print_report(document)
    print(f"Wrote {path.relative_to(ROOT)}")
    failed = [n for n, r in document["scenarios"].items() if not all(r["checks"].values())]
    if failed:
        sys.exit(f"scenarios without their alerts: {', '.join(failed)}")


if __name__ == "__main__":
    main()
