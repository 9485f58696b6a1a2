"""The model card: what the model is for, how well it works, for whom, and its limits.

It is written for a risk officer, and for the record-keeping a high-risk AI system needs:
``model_card.json`` holds every figure, ``model_card.md`` reads them out with the four
figures beside it. Sections whose figures are absent from the card are left out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from training.model.evaluate import FOUR_FIFTHS
from training.model.plots import plot_calibration, plot_cost_curve, plot_importance, plot_roc
from training.model.threshold import CostMatrix

ROC_PNG, CALIBRATION_PNG = "roc.png", "calibration.png"
IMPORTANCE_PNG, COST_PNG = "shap_importance.png", "cost_curve.png"
INTENDED_USE = """\
## Intended use

- **Purpose.** Estimate the probability that a consumer-credit applicant, often with little
  or no credit history, defaults, to support the advisor's decision to grant or refuse.
- **Human review.** Score and proposed decision are a recommendation: an advisor reviews
  every application and may override it; no refusal is fully automated (GDPR article 22).
- **Regulation.** Creditworthiness assessment of natural persons is *high-risk* under the
  EU AI Act (Annex III, 5(b)): human oversight, transparency towards applicants,
  record-keeping, and monitoring of accuracy and bias. This card is part of that record.
- **Adverse-action reasons.** Every score is explained by its TreeSHAP contributions,
  summed into explanation groups and shown in points of risk; a refused client is given up
  to four principal reasons, with stable reason codes, in plain English or French
  (docs/explanations.md).
- **Out of scope.** Pricing, fraud, collections, and applicants unlike the training data
  (other products, countries or periods)."""
SPLITS = (("oof", "out-of-fold"), ("holdout", "holdout"))
METRICS = (
    ("roc_auc", "ROC AUC (ranking)", "num"),
    ("pr_auc", "Average precision (PR AUC)", "num"),
    ("brier", "Brier score (lower is better)", "num"),
    ("log_loss", "Log loss (lower is better)", "num"),
    ("recall", "Defaulters refused (recall)", "pct"),
    ("precision", "Refused clients who default (precision)", "pct"),
    ("specificity", "Good clients granted (specificity)", "pct"),
    ("approval_rate", "Approval rate", "pct"),
    ("cost_per_application", "Expected cost per application", "num"),
    ("default_rate", "Default rate", "pct"),
    ("n", "Applications", "num"),
)


@dataclass(frozen=True)
class CardFigures:
    """The arrays the card's figures are drawn from (the card itself holds only numbers)."""

    y_oof: np.ndarray
    p_oof: np.ndarray
    y_holdout: np.ndarray
    p_holdout: np.ndarray
    importance: Sequence[tuple[str, float]]
    cost_curve: pd.DataFrame
    threshold: float


def write_card(card: dict[str, Any], evaluation: CardFigures, directory: Path) -> list[Path]:
    """Write ``model_card.md``, ``model_card.json`` and the four PNGs they refer to."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    curves = {
        "out-of-fold (train)": (evaluation.y_oof, evaluation.p_oof),
        "holdout": (evaluation.y_holdout, evaluation.p_holdout),
    }
    figures = [
        plot_roc(curves, directory / ROC_PNG),
        plot_calibration(curves, directory / CALIBRATION_PNG),
        plot_importance(evaluation.importance, directory / IMPORTANCE_PNG),
        plot_cost_curve(
            evaluation.cost_curve, evaluation.threshold, directory / COST_PNG, _bayes(card)
        ),
    ]
    markdown = directory / "model_card.md"
    markdown.write_text(render_markdown(card), encoding="utf-8")
    record = directory / "model_card.json"
    text = json.dumps(card, indent=2, ensure_ascii=False, default=_plain)
    record.write_text(text + "\n", encoding="utf-8")
    return [markdown, record, *figures]


def render_markdown(card: dict[str, Any]) -> str:
    """The card as Markdown; figures are linked by relative path (written beside it)."""
    model = card.get("model", {})
    title = f"# Model card: {model.get('name', 'credit scoring model')}"
    blocks = [title, *(section(card) for section in SECTIONS)]
    return "\n\n".join(block for block in blocks if block) + "\n"


def _overview(card: dict[str, Any]) -> str:
    model = card.get("model", {})
    fields = ("tag", "created", "data_source", "stage", "algorithm", "n_trees", "n_features")
    rows = [[_title(name), _num(model[name])] for name in fields if name in model]
    lines = ["## Overview", _table(["property", "value"], rows) if rows else ""]
    if model.get("params"):
        params = ", ".join(f"`{key}={value}`" for key, value in model["params"].items())
        lines.append(f"Hyper-parameters: {params}.")
    if model.get("data_source") == "synthetic":
        lines.append(
            "> **Trained on synthetic data.** The figures describe the generator's applicants, "
            "not real ones; retrain on real data before any credit decision."
        )
    return "\n\n".join(line for line in lines if line)


def _data(card: dict[str, Any]) -> str:
    data = card.get("data")
    if not data:
        return ""
    fields = ("directory", "fingerprint", "train_rows", "holdout_rows")
    lines = [f"- {_title(key)}: {_num(data[key])}" for key in fields if key in data]
    if "default_rate" in data:
        lines.append(f"- Default rate: {_pct(data['default_rate'])}")
    block = ["## Data", "\n".join(lines)]
    if data.get("rows"):
        block.append(_table(["table", "rows"], [[t, _num(n)] for t, n in data["rows"].items()]))
    return "\n\n".join(part for part in block if part)


def _features(card: dict[str, Any]) -> str:
    features = card.get("features")
    if not features:
        return ""
    count, catalogue = features.get("count"), features.get("catalogue")
    intro = f"{_num(count)} features" + (f" of the {_num(catalogue)} built" if catalogue else "")
    block = ["## Features", f"{intro}, by source table:"]
    by_source = features.get("by_source", {})
    block.append(_table(["source", "features"], [[s, _num(n)] for s, n in by_source.items()]))
    left_out = features.get("left_out") or {}
    if left_out:
        block.append("Left out of the model, and why (policy first, then signal):")
        block.append(_table(["reason", "features"], [[r, _num(n)] for r, n in left_out.items()]))
    monotone = features.get("monotone") or {}
    if monotone:
        rises = sorted(name for name, d in monotone.items() if d > 0)
        falls = sorted(name for name, d in monotone.items() if d < 0)
        block.append(
            f"Constrained to the direction a credit expert expects ({len(monotone)} features): "
            f"the risk can only rise with {', '.join(f'`{n}`' for n in rises)}; it can only "
            f"fall with {', '.join(f'`{n}`' for n in falls)}."
        )
    return "\n\n".join(block)


def _performance(card: dict[str, Any]) -> str:
    metrics = card.get("metrics")
    if not metrics:
        return ""
    splits = [(key, name) for key, name in SPLITS if key in metrics]
    rows = [
        [label, *((_pct if kind == "pct" else _num)(metrics[key].get(field)) for key, _ in splits)]
        for field, label, kind in METRICS
    ]
    note = (
        "Out-of-fold figures come from fold models that did not see the row; the holdout "
        "split served neither for fitting nor for choosing the threshold. Decision figures "
        "(recall to cost) are at the chosen threshold."
    )
    table = _table(["metric", *(name for _, name in splits)], rows)
    return f"## Performance\n\n{table}\n\n{note}\n\n![ROC curves]({ROC_PNG})"


def _threshold(card: dict[str, Any]) -> str:
    choice = card.get("threshold")
    if not choice:
        return ""
    lines = ["## Decision threshold"]
    costs, bayes = choice.get("costs") or {}, _bayes(card)
    if bayes is not None:
        lines.append(
            f"Granting a loan to a client who then defaults costs **{costs['false_grant']:g}**; "
            f"refusing a client who would have repaid costs **{costs['false_refusal']:g}**."
        )
    lines.append(
        f"Chosen threshold: **{_num(choice.get('threshold'))}**, refuse when the probability "
        f"of default is at or above it. It minimises the expected cost on the out-of-fold "
        f"probabilities: {_num(choice.get('cost_per_application'))} per application, "
        f"refusing {_pct(choice.get('recall'))} of defaulters and approving "
        f"{_pct(choice.get('approval_rate'))} of applications."
    )
    if choice.get("rationale"):
        lines.append(choice["rationale"])
    if bayes is not None and choice.get("threshold") is not None:
        lines.append(
            f"With perfectly calibrated probabilities the best threshold would be the "
            f"break-even probability false refusal / (false grant + false refusal) = "
            f"{costs['false_refusal']:g} / ({costs['false_grant']:g} + "
            f"{costs['false_refusal']:g}) ≈ {bayes:.3f}. The gap "
            f"({choice['threshold'] - bayes:+.3f}) reflects miscalibration near the boundary "
            "and the sampling noise of a cost curve that is flat around its minimum."
        )
    lines.append(f"![Cost per application against the threshold]({COST_PNG})")
    return "\n\n".join(lines)


def _calibration(card: dict[str, Any]) -> str:
    calibration = card.get("calibration")
    if not calibration:
        return ""
    lines = ["## Calibration", "Advisors see the probability itself, so it must mean what it says."]
    errors = [
        f"- Expected calibration error, {name}: {_num(calibration[f'ece_{key}'], 4)}"
        for key, name in SPLITS
        if f"ece_{key}" in calibration
    ]
    lines.append("\n".join(errors))
    split = "holdout" if calibration.get("holdout") else "oof"
    if calibration.get(split):
        rows = [
            [_num(b.get(key)) for key in ("bin", "n", "lower", "upper")]
            + [_pct(b.get(key)) for key in ("mean_predicted", "observed_rate")]
            for b in calibration[split]
        ]
        header = ["bin", "applications", "lowest p", "highest p", "mean predicted", "observed"]
        lines.append(f"Quantile bins, {split}:\n\n{_table(header, rows)}")
    lines.append(f"![Reliability diagram]({CALIBRATION_PNG})")
    return "\n\n".join(line for line in lines if line)


def _fairness(card: dict[str, Any]) -> str:
    rows = card.get("fairness")
    if not rows:
        return ""
    header = ["grouping", "group", "applications", "default rate", "approval rate", "recall"]
    header += ["good clients refused", "AUC", "cost / application", "approval ratio", "4/5ths"]
    flag = {True: "ok", False: f"⚠ below {FOUR_FIFTHS:g}", None: "—"}
    table = [
        [row.get("grouping"), row.get("group"), _num(row.get("n")), _pct(row.get("default_rate"))]
        + [_pct(row.get(key)) for key in ("approval_rate", "recall", "false_refusal_rate")]
        + [_num(row.get("roc_auc")), _num(row.get("cost_per_application"))]
        + [_num(row.get("disparate_impact")), flag[row.get("four_fifths_ok")]]
        for row in rows
    ]
    flagged = [
        f"{row['grouping']} = {row['group']} ({row['disparate_impact']:.2f})"
        for row in rows
        if row.get("four_fifths_ok") is False
    ]
    verdict = (
        f"**To review:** {', '.join(flagged)}. Check whether the gap follows the observed "
        "difference in default rate or comes from the model."
        if flagged
        else f"No group is approved at under {FOUR_FIFTHS:g} times the rate of the "
        "best-approved group of its grouping."
    )
    intro = (
        "Holdout split, at the chosen threshold. The approval ratio is a group's approval "
        "rate over that of the best-approved group of the same grouping; the four-fifths "
        f"rule flags a ratio under {FOUR_FIFTHS:g}."
    )
    return f"## Fairness\n\n{intro}\n\n{_table(header, table)}\n\n{verdict}"


def _grades(card: dict[str, Any]) -> str:
    scale = card.get("scale")
    if not scale or not scale.get("grades"):
        return ""
    settings = scale["settings"]
    intro = (
        f"Every score is also given in points, {_num(settings['base_points'], 0)} at "
        f"{settings['base_odds']:g}:1 odds of repaying and {settings['pdo']:g} points more "
        f"to double the odds (points = {settings['offset']:.1f} + {settings['factor']:.2f} "
        "× ln(odds)): higher is safer. Grades A to E are fixed bands of the probability; "
        "each grade's observed default rate, measured on the holdout, is what the API "
        "quotes with every score."
    )
    rows = [
        [
            g["grade"],
            f"{_pct(g['probability_from'])} to {_pct(g['probability_to'])}",
            _points_range(g["points_from"], g["points_to"]),
            _num(g["count"]),
            _pct(g["share"]),
            _pct(g["mean_predicted"]),
            _pct(g["observed_rate"]),
        ]
        for g in scale["grades"]
    ]
    header = ["grade", "probability", "points", "applicants", "share", "mean predicted"]
    block = ["## Points and grades", intro, _table([*header, "observed"], rows)]
    if scale.get("grades_oof"):
        oof = ", ".join(
            f"{g['grade']} {_pct(g['observed_rate'])} ({_num(g['count'])})"
            for g in scale["grades_oof"]
        )
        block.append(f"Observed out-of-fold (applicants): {oof}.")
    return "\n\n".join(block)


def _points_range(low: int | None, high: int | None) -> str:
    if high is None:
        return f"{low} and above"
    return f"{high} and below" if low is None else f"{low} to {high}"


def _explainability(card: dict[str, Any]) -> str:
    checks = (
        ("additivity", "max_abs_error", "SHAP additivity (base value + contributions = log-odds)"),
        ("parity", "max_abs_diff", "ONNX export against LightGBM (probability of default)"),
    )
    lines = [_check(label, card[key], field) for key, field, label in checks if card.get(key)]
    top = card.get("top_features") or []
    if not lines and not top:
        return ""
    block = ["## Explainability", "Each score is explained by its TreeSHAP contributions."]
    block.append("\n".join(lines))
    if top:
        rows = [
            [_num(rank), f.get("label_en"), f"`{f.get('name')}`", _num(f.get("mean_abs_shap"), 4)]
            for rank, f in enumerate(top, start=1)
        ]
        block.append(_table(["rank", "feature", "name", "mean abs SHAP"], rows))
    block.append(f"![Mean absolute SHAP value per feature]({IMPORTANCE_PNG})")
    groups = card.get("group_importance") or {}
    if groups:
        block.append(
            "Advisors see the score split into explanation groups; each group's share of the "
            "model's weight over all applicants:"
        )
        block.append(_table(["group", "share"], [[g, _pct(v)] for g, v in groups.items()]))
    return "\n\n".join(part for part in block if part)


def _limits(card: dict[str, Any]) -> str:
    limits = card.get("limits")
    return "## Known limits\n\n" + "\n".join(f"- {item}" for item in limits) if limits else ""


def _versions(card: dict[str, Any]) -> str:
    versions = card.get("versions")
    if not versions:
        return ""
    return "## Versions\n\n" + _table(["package", "version"], [[k, v] for k, v in versions.items()])


SECTIONS: tuple[Callable[[dict[str, Any]], str], ...] = (
    _overview,
    lambda card: INTENDED_USE,
    _data,
    _features,
    _performance,
    _threshold,
    _calibration,
    _grades,
    _fairness,
    _explainability,
    _limits,
    _versions,
)


def _check(label: str, check: dict[str, Any], field: str) -> str:
    """One consistency check: its largest error against its tolerance."""
    error, tolerance = check.get(field), check.get("tolerance")
    passed = error is not None and tolerance is not None and error <= tolerance
    verdict = "within tolerance" if passed else "**not shown within tolerance**"
    return (
        f"- {label}: largest error {_sci(error)} over {_num(check.get('rows'))} "
        f"applications, tolerance {_sci(tolerance)}: {verdict}."
    )


def _bayes(card: dict[str, Any]) -> float | None:
    """The calibrated-optimal threshold from the card's costs, when they are given."""
    costs = (card.get("threshold") or {}).get("costs")
    return CostMatrix(**costs).bayes_threshold if costs else None


def _table(header: list[str], rows: list[list[str]]) -> str:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"

    return "\n".join([line(header), line(["---"] * len(header)), *map(line, rows)])


def _title(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _num(value: Any, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, int | np.integer):
        return f"{value:,}"
    if isinstance(value, float | np.floating):
        return f"{value:.{digits}f}"
    return str(value)


def _sci(value: float | None) -> str:
    return "—" if value is None else f"{value:.1e}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def _plain(value: Any) -> Any:
    """JSON fallback for the numpy scalars and arrays that slip into a card."""
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    raise TypeError(f"model card field of type {type(value).__name__} is not JSON-serialisable")
