"""The answer of ``/explain``: TreeSHAP contributions turned into groups, risk points and
principal reasons, in the client's language.

The default answer is small (a few kilobytes): the groups with their readable facts and the
reasons. Per-feature log-odds, for analysts, come only with ``"detail": "features"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from scoring.explain.facts import FACTS_BY_GROUP, Fact, FactShares, value_text
from scoring.explain.points import waterfall
from scoring.explain.reasons import Reason, group_totals, principal_reasons
from scoring.features import FEATURES
from scoring.features.groups import GROUPS
from scoring.model.explainer import Explanation
from scoring.serving import responses
from scoring.wording import Language

TOP_FACTS = 3  # readable factors listed under each group


def explanation_response(
    prediction: responses.Prediction,
    explanation: Explanation,
    values: np.ndarray,
    reference: Mapping[str, Any],
    language: Language,
    currency: str,
    model_columns: Sequence[int] | np.ndarray | None = None,
) -> responses.Explanation:
    """The full answer for one client; ``model_columns`` set adds per-feature detail."""
    contributions = explanation.contributions[0]
    totals = group_totals(contributions)
    start, steps = waterfall(explanation.base_value, totals, prediction.probability)
    refused = prediction.probability >= prediction.threshold  # the model's side, review too
    reasons = principal_reasons(contributions, values, reference, refused, language, currency)
    shares = FactShares.of(contributions)
    groups = [
        _group(step.index, step.log_odds, 100.0 * step.points, shares, values, language, currency)
        for step in steps
    ]
    return responses.Explanation(
        **prediction.model_dump(),
        base_value=explanation.base_value,
        base_probability=start,
        groups=groups,
        reasons=[reason_model(reason) for reason in reasons],
        contributions=None
        if model_columns is None
        else _detail(contributions, values, model_columns, language),
        language=language,
    )


def reason_model(reason: Reason) -> responses.Reason:
    """A reason as the API states it."""
    return responses.Reason(
        code=reason.code,
        group=reason.group,
        direction=reason.direction,
        value=reason.value,
        text=reason.text,
    )


def _group(
    index: int,
    log_odds: float,
    points: float,
    shares: FactShares,
    values: np.ndarray,
    language: Language,
    currency: str,
) -> responses.GroupContribution:
    group = GROUPS[index]
    # Largest first, and stable: ties keep the facts' order; the ones that did not move last.
    ranked = sorted(
        ((shares[fact], fact) for fact in FACTS_BY_GROUP.get(group.code, [])),
        key=lambda item: -abs(item[0]),
    )
    moved: list[tuple[float, Fact, str]] = []
    for share, fact in ranked:
        if share == 0.0 or len(moved) == TOP_FACTS:
            break
        # An unknown value (a pensioner's job start) still counts in the group's total, but
        # is never listed: "time in the current job: unknown" would contradict "retired".
        text = value_text(fact, values, language, currency)
        if text is not None:
            moved.append((share, fact, text))
    english = language == "en"
    return responses.GroupContribution(
        code=group.code,
        label=group.label_en if english else group.label_fr,
        description=group.description_en if english else group.description_fr,
        contribution=log_odds,
        points=points,
        facts=[
            responses.Fact(
                feature=fact.key,
                label=fact.label_en if english else fact.label_fr,
                value=text,
                contribution=share,
            )
            for share, fact, text in moved
        ],
    )


def _detail(
    contributions: np.ndarray,
    values: np.ndarray,
    columns: Sequence[int] | np.ndarray,
    language: Language,
) -> list[responses.Contribution]:
    english = language == "en"
    return [
        responses.Contribution(
            feature=FEATURES[i].name,
            label=FEATURES[i].label_en if english else FEATURES[i].label_fr,
            value=None if np.isnan(values[i]) else float(values[i]),
            contribution=float(contributions[i]),
        )
        for i in columns
    ]
