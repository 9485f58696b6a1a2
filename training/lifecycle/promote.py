"""Promotion and rollback: the only two ways the champion changes after the first model.

A promotion loads the candidate and the champion as the service would, scores both on the
clients the shared holdout rule keeps out of training, runs the gate, writes the comparison
report, records all of it as an MLflow run, and only then, if the gate passed (or a person
forced it with a written justification), records the new champion. A rollback restores the
previous champion, with who did it and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bentoml
import numpy as np
import pandas as pd

from scoring.model import store
from scoring.model.champion import ChampionEvent, ChampionRegistry
from scoring.model.scorer import CreditModel, ModelLoadError
from training import tracking
from training.lifecycle.evaluation import Evaluation, evaluate, holdout_of
from training.lifecycle.gate import GateResult, Tolerances, judge
from training.lifecycle.report import Decision, agreement, write_report
from training.model.split import HoldoutRule
from training.model.threshold import CostMatrix

MIN_JUSTIFICATION = 20  # characters: a sentence, not "ok"


class LifecycleError(ValueError):
    """The promotion or rollback cannot be done as asked; the message says why."""


@dataclass(frozen=True)
class Promotion:
    """What a promotion decided, with its gate result, report files and MLflow run."""

    decision: Decision
    result: GateResult
    candidate: str
    champion: str | None
    report: dict[str, Path]
    tracking_run: str


def promote(
    candidate_tag: str,
    frames: Mapping[str, pd.DataFrame],
    data: Path,
    by: str,
    reports: Path,
    tolerances: Tolerances | None = None,
    justification: str | None = None,
) -> Promotion:
    """Judge ``candidate_tag`` against the champion and promote it if the gate passes, or if
    ``justification`` forces it; a refusal changes nothing but is recorded all the same."""
    tolerances = tolerances or Tolerances()
    if justification is not None and len(justification.strip()) < MIN_JUSTIFICATION:
        raise LifecycleError(
            f"a forced promotion needs a written justification of at least "
            f"{MIN_JUSTIFICATION} characters (got {justification!r})"
        )
    candidate = _load(candidate_tag)
    registry = ChampionRegistry(candidate.tag.split(":")[0])
    champion_tag = registry.champion()
    if candidate.tag == champion_tag:
        raise LifecycleError(f"{candidate.tag} is already the champion")
    champion, problem = _champion(champion_tag)
    card = store.read_json(candidate.root / store.CARD_FILE)
    holdout = holdout_of(frames, _rule(card, candidate.tag))
    costs = CostMatrix(**card["threshold"]["costs"])
    mine = evaluate(candidate, holdout, costs)
    theirs = evaluate(champion, holdout, costs) if champion is not None else None
    result = judge(mine, theirs, tolerances, problem)
    outcome = "promoted" if result.passed else "forced" if justification else "refused"
    decision = Decision(outcome, by, _now(), (justification or "").strip())
    evaluation_data = {
        "data": str(data),
        "rows": len(holdout.target),
        "default_rate": float(holdout.target.mean()),
        "target": holdout.target,
    }
    directory = reports / f"{_stamp()}-{candidate.tag.replace(':', '-')}"
    params = {"candidate": candidate.tag, "champion": champion_tag or "none", "data": str(data)}
    tags = {"kind": "promotion", "outcome": outcome, "by": by}
    name = f"promote {candidate.tag} ({outcome})"
    with tracking.run(name, params, tags) as tracker:
        paths = write_report(directory, mine, theirs, result, decision, tolerances, evaluation_data)
        tracker.log_comparison(_comparison_metrics(mine, theirs), _tags(result, decision))
        tracker.log_report(paths)
        if outcome != "refused":
            registry.record(
                ChampionEvent(
                    outcome,
                    candidate.tag,
                    by,
                    decision.justification or "passed the promotion gate",
                    previous=champion_tag,
                    report=str(paths["html"]),
                    tracking_run=tracker.run_id,
                )
            )
    return Promotion(decision, result, candidate.tag, champion_tag, paths, tracker.run_id)


def rollback(name: str, by: str, reason: str) -> ChampionEvent:
    """Restore the champion before the current one, and record who did it and why."""
    if len(reason.strip()) < MIN_JUSTIFICATION:
        raise LifecycleError(
            f"a rollback needs a reason of at least {MIN_JUSTIFICATION} characters (got {reason!r})"
        )
    registry = ChampionRegistry(name)
    current, previous = registry.champion(), registry.previous()
    if previous is None:
        raise LifecycleError(
            f"{name} has no previous champion to restore (the champion is {current})"
        )
    try:
        bentoml.models.get(previous)
    except bentoml.exceptions.NotFound as error:
        raise LifecycleError(
            f"the previous champion {previous} is no longer in the model store; restore its "
            "entry (bentoml models import) before rolling back"
        ) from error
    event = ChampionEvent("rolled_back", previous, by, reason.strip(), previous=current)
    tags = {"kind": "rollback", "by": by, "from": str(current), "to": previous}
    with tracking.run(f"rollback to {previous}", {"reason": reason.strip()}, tags) as tracker:
        event = replace(event, tracking_run=tracker.run_id)
        registry.record(event)
    return event


def _load(tag: str) -> CreditModel:
    try:
        return CreditModel.from_store(tag)
    except ModelLoadError as error:
        raise LifecycleError(str(error)) from error


def _champion(tag: str | None) -> tuple[CreditModel | None, str]:
    """The champion, or None with what stops the comparison ("" when there is none yet)."""
    if tag is None:
        return None, ""
    try:
        return CreditModel.from_store(tag), ""
    except ModelLoadError as error:
        return None, f"the champion {tag} cannot be loaded by this version of the code ({error})"


def _rule(card: Mapping[str, Any], tag: str) -> HoldoutRule:
    recorded = card.get("data", {}).get("holdout_rule")
    if recorded is None:
        raise LifecycleError(
            f"{tag} records no holdout rule (trained before rules existed): retrain it"
        )
    return HoldoutRule(share=recorded["share"], key=recorded["key"])


def _comparison_metrics(candidate: Evaluation, champion: Evaluation | None) -> dict[str, float]:
    metrics: dict[str, float] = {}
    for role, model in (("candidate", candidate), ("champion", champion)):
        if model is None:
            continue
        for key in ("roc_auc", "gini", "ks", "brier", "cost_per_application", "approval_rate"):
            if model.metrics.get(key) is not None:
                metrics[f"{role}_{key}"] = float(model.metrics[key])
        metrics[f"{role}_ece"] = model.ece
        for grouping, ratio in model.lowest_disparate_impact().items():
            metrics[f"{role}_lowest_disparate_impact_{grouping}"] = ratio
    if champion is not None:
        shared = agreement(candidate, champion)
        metrics |= {
            "decision_flips": float(shared.flips),
            "decision_flip_share": shared.flips / max(shared.rows, 1),
            "rank_correlation": shared.rank_correlation,
        }
    return {k: v for k, v in metrics.items() if np.isfinite(v)}


def _tags(result: GateResult, decision: Decision) -> dict[str, str]:
    return {
        "failed_checks": ", ".join(check.name for check in result.failed()) or "none",
        "justification": decision.justification or "none",
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
