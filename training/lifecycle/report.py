"""The comparison report of a promotion: what the gate checked, the two models side by side,
where they disagree, and the decision with who took it and why.

Written for the risk and compliance people who sign off a model change: Markdown (to commit
or paste into a ticket), a self-contained HTML page (plots inline, nothing fetched), the
figures as JSON, and the plots as PNG. Every file is also logged to the promotion's MLflow
run.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
from scipy.stats import spearmanr

from scoring.policy import GRANTED, REFUSED
from training.lifecycle.evaluation import Evaluation
from training.lifecycle.gate import GateResult, Tolerances
from training.lifecycle.plots import plot_scores
from training.model.plots import plot_calibration, plot_roc

TEMPLATE = Path(__file__).parent / "templates" / "comparison.html.j2"
# (label, metric key, format, better) of the side-by-side table; better: "higher"/"lower".
METRICS = (
    ("ROC AUC", "roc_auc", "{:.4f}", "higher"),
    ("Gini", "gini", "{:.4f}", "higher"),
    ("KS", "ks", "{:.4f}", "higher"),
    ("Average precision", "pr_auc", "{:.4f}", "higher"),
    ("Brier score", "brier", "{:.5f}", "lower"),
    ("Log loss", "log_loss", "{:.4f}", "lower"),
    ("Cost per application", "cost_per_application", "{:.4f}", "lower"),
    ("Threshold", "threshold", "{:.4f}", ""),
    ("Approval rate", "approval_rate", "{:.1%}", ""),
    ("Defaulters refused (recall)", "recall", "{:.1%}", "higher"),
    ("Refused who default (precision)", "precision", "{:.1%}", "higher"),
)
PLOTS = {"roc": "roc.png", "calibration": "calibration.png", "scores": "scores.png"}


@dataclass(frozen=True)
class Decision:
    """What was decided about the candidate, by whom, when and why."""

    outcome: str  # promoted, refused, forced
    by: str
    at: str
    justification: str = ""


@dataclass(frozen=True)
class Agreement:
    """Where the two models disagree on the same clients."""

    rows: int
    granted_to_refused: int  # granted by the champion, refused by the candidate
    refused_to_granted: int
    rank_correlation: float  # Spearman, of the two probabilities

    @property
    def flips(self) -> int:
        return self.granted_to_refused + self.refused_to_granted


def agreement(candidate: Evaluation, champion: Evaluation) -> Agreement:
    """Decision flips at each model's own threshold, and the scores' rank correlation."""
    old = np.where(champion.probabilities >= champion.threshold, REFUSED, GRANTED)
    new = np.where(candidate.probabilities >= candidate.threshold, REFUSED, GRANTED)
    correlation = spearmanr(candidate.probabilities, champion.probabilities).statistic
    return Agreement(
        rows=len(new),
        granted_to_refused=int(np.sum((old == GRANTED) & (new == REFUSED))),
        refused_to_granted=int(np.sum((old == REFUSED) & (new == GRANTED))),
        rank_correlation=float(correlation),
    )


def write_report(
    directory: Path,
    candidate: Evaluation,
    champion: Evaluation | None,
    result: GateResult,
    decision: Decision,
    tolerances: Tolerances,
    evaluation_data: Mapping[str, Any],
) -> dict[str, Path]:
    """The report's files in ``directory``, by kind (markdown, html, json and the plots)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = evaluation_data["target"]
    curves = {f"candidate {candidate.tag}": (target, candidate.probabilities)}
    if champion is not None:
        curves = {f"champion {champion.tag}": (target, champion.probabilities), **curves}
    paths = {
        "roc": plot_roc(curves, directory / PLOTS["roc"]),
        "calibration": plot_calibration(curves, directory / PLOTS["calibration"]),
    }
    if champion is not None:
        paths["scores"] = plot_scores(candidate, champion, directory / PLOTS["scores"])
    context = report_context(candidate, champion, result, decision, tolerances, evaluation_data)
    paths["json"] = directory / "comparison.json"
    paths["json"].write_text(json.dumps(context, indent=1, default=str) + "\n")
    paths["markdown"] = directory / "comparison.md"
    paths["markdown"].write_text(render_markdown(context))
    images = {kind: _inline(paths[kind]) for kind in PLOTS if kind in paths}
    paths["html"] = directory / "comparison.html"
    paths["html"].write_text(render_html(context, images))
    return paths


def report_context(
    candidate: Evaluation,
    champion: Evaluation | None,
    result: GateResult,
    decision: Decision,
    tolerances: Tolerances,
    evaluation_data: Mapping[str, Any],
) -> dict[str, Any]:
    """Every fact the report shows, JSON-ready."""
    models = [("candidate", candidate)] + ([("champion", champion)] if champion else [])
    rows = []
    for label, key, fmt, better in METRICS:
        values = {
            name: (model.threshold if key == "threshold" else model.metrics.get(key))
            for name, model in models
        }
        rows.append(
            {
                "label": label,
                "better": better,
                **{name: _shown(fmt, value) for name, value in values.items()},
            }
        )
    rows.append(
        {
            "label": "Calibration error (ECE)",
            "better": "lower",
            **{name: f"{model.ece:.4f}" for name, model in models},
        }
    )
    fairness = {
        grouping: {name: f"{model.lowest_disparate_impact().get(grouping, float('nan')):.3f}"
                   for name, model in models}
        for grouping in candidate.lowest_disparate_impact()
    }  # fmt: skip
    return {
        "candidate": candidate.tag,
        "champion": champion.tag if champion else None,
        "decision": asdict(decision),
        "passed": result.passed,
        "checks": [asdict(check) for check in result.checks],
        "metrics": rows,
        "fairness": fairness,
        "agreement": asdict(agreement(candidate, champion)) if champion else None,
        "tolerances": asdict(tolerances),
        "evaluation": {k: v for k, v in evaluation_data.items() if k != "target"},
    }


def render_markdown(context: Mapping[str, Any]) -> str:
    """The report as Markdown."""
    decision = context["decision"]
    lines = [
        f"# Promotion of {context['candidate']}",
        "",
        f"**Decision: {_outcome(decision['outcome'])}** by {decision['by']} on "
        f"{decision['at']}; champion at the time: {context['champion'] or 'none'}.",
    ]
    if decision["justification"]:
        lines += ["", f"Justification: {decision['justification']}"]
    evaluation = context["evaluation"]
    lines += [
        "",
        f"Evaluated on {evaluation['rows']:,} held-out clients of `{evaluation['data']}` "
        f"(default rate {evaluation['default_rate']:.2%}), which neither model trained on.",
        "",
        "## Checks",
        "",
        "| check | result | detail |",
        "|---|---|---|",
    ]
    lines += [
        f"| {c['name']} | {'pass' if c['passed'] else '**FAIL**'} | {c['detail']} |"
        for c in context["checks"]
    ]
    has_champion = context["champion"] is not None
    lines += ["", "## The two models on the same clients", ""]
    header = "| figure | candidate |" + (" champion |" if has_champion else "")
    lines += [header, "|---|---|" + ("---|" if has_champion else "")]
    for row in context["metrics"]:
        champion_cell = f" {row.get('champion', '')} |" if has_champion else ""
        lines.append(f"| {row['label']} | {row['candidate']} |{champion_cell}")
    for grouping, values in context["fairness"].items():
        champion_cell = f" {values.get('champion', '')} |" if has_champion else ""
        lines.append(
            f"| Least-approved {grouping.replace('_', ' ')} group's approval ratio "
            f"| {values['candidate']} |{champion_cell}"
        )
    if context["agreement"]:
        a = context["agreement"]
        lines += [
            "",
            "## Where they disagree",
            "",
            f"Of {a['rows']:,} clients, {a['granted_to_refused']:,} granted by the champion "
            f"would be refused by the candidate, and {a['refused_to_granted']:,} refused "
            f"would be granted. Rank correlation of the two scores (Spearman): "
            f"{a['rank_correlation']:.3f}.",
        ]
    lines += ["", "## Plots", ""]
    lines += [f"![{kind}]({name})" for kind, name in PLOTS.items()
              if kind != "scores" or has_champion]  # fmt: skip
    tolerances = context["tolerances"]
    lines += [
        "",
        "## Tolerances",
        "",
        f"ROC AUC up to {tolerances['auc_drop']:g} lower; cost per application up to "
        f"{tolerances['cost_rise']:.0%} higher; calibration error up to "
        f"{tolerances['ece_rise']:g} higher; least-approved group's approval ratio up to "
        f"{tolerances['fairness_drop']:g} lower.",
        "",
    ]
    return "\n".join(lines)


def render_html(context: Mapping[str, Any], images: Mapping[str, str]) -> str:
    """The report as one self-contained HTML page."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE.parent), autoescape=True
    )
    return environment.get_template(TEMPLATE.name).render(
        c=context, images=images, outcome=_outcome(context["decision"]["outcome"])
    )


def _outcome(outcome: str) -> str:
    return {
        "promoted": "promoted",
        "refused": "refused",
        "forced": "promoted despite failed checks (forced)",
    }[outcome]


def _shown(fmt: str, value: Any) -> str:
    return "—" if value is None else fmt.format(value)


def _inline(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()
