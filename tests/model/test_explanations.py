"""Explanations of a trained model over 1,000 applicants, in English and in French: every
reason speaks the client's language (no column name, aggregation word, "=", log-odds or
SHAP), a refusal's reasons all raise the risk, a pensioner is never told about their job,
and the risk points add up to each probability."""

from __future__ import annotations

import re

import pytest

from scoring.explain.points import waterfall
from scoring.explain.reasons import MAX_REASONS, group_totals, principal_reasons
from scoring.features import FEATURE_NAMES
from scoring.model import store

pytestmark = pytest.mark.slow

CLIENTS = 1_000
FORBIDDEN = re.compile(
    r"[A-Z]{2,}_[A-Z0-9_]+"  # a raw column name
    r"|\b(mean|moyenne|median|médiane|var|sum|somme|share of months|status)\b"
    r"|=|log-odds|log-cote|SHAP|shap|nan\b|None",
    re.IGNORECASE,
)
EMPLOYED = FEATURE_NAMES.index("DAYS_EMPLOYED_ANOM")


@pytest.fixture(scope="module")
def explained(credit_model, test_features):
    rows = test_features.values[:CLIENTS]
    reference = store.read_json(credit_model.root / store.REFERENCE_FILE)["features"]
    return rows, credit_model.predict_proba(rows), credit_model.explain(rows), reference


@pytest.mark.parametrize("language", ["en", "fr"])
def test_reasons_speak_plainly_and_push_the_way_of_the_decision(explained, credit_model, language):
    rows, probabilities, explanation, reference = explained
    refusals = 0
    for values, p, contributions in zip(
        rows, probabilities, explanation.contributions, strict=True
    ):
        refused = p >= credit_model.threshold
        refusals += refused
        reasons = principal_reasons(contributions, values, reference, refused, language, "€")
        assert 1 <= len(reasons) <= MAX_REASONS
        for reason in reasons:
            assert not FORBIDDEN.search(reason.text), reason.text
            assert reason.direction == ("raises" if refused else "lowers")
            assert (reason.contribution > 0) == refused
        # Pensioner or unemployed: no job start to quote (the group's description may name
        # what the group covers, a value is never given).
        if values[EMPLOYED] == 1.0:
            quoted = [r.text for r in reasons if r.value is not None]
            assert not any("current job" in t or "emploi actuel" in t for t in quoted), quoted
    assert 0 < refusals < CLIENTS, "both decisions are explained"


def test_the_risk_points_add_up_to_each_probability(explained):
    _, probabilities, explanation, _ = explained
    for p, contributions in zip(probabilities, explanation.contributions, strict=True):
        start, steps = waterfall(explanation.base_value, group_totals(contributions), p)
        assert abs(start + sum(step.points for step in steps) - p) <= 1e-9
