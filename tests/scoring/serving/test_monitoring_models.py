"""The /monitoring request: a period of days, strict thresholds, and defaults that never step
outside the calendar."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pydantic import ValidationError

from scoring.serving.monitoring_models import MonitoringRequest


def test_the_default_period_is_thirty_days_and_today() -> None:
    since, until = MonitoringRequest.model_validate({"until": "2026-12-08"}).days()
    assert (since, until) == (date(2026, 11, 7), date(2026, 12, 8))


def test_a_period_near_year_one_starts_at_year_one() -> None:
    assert MonitoringRequest.model_validate({"until": "0001-01-05"}).days()[0] == date(1, 1, 1)


@pytest.mark.parametrize(
    ("body", "field"),
    [({"act": False}, "act"), ({"watch": "0.1"}, "watch"), ({"watch": 0.3, "act": 0.2}, "act"),
     ({"since": "2026-12-01", "until": "2026-11-01"}, "since"), ({"days": 7}, "days"),
     ({"since": -5.4e-277}, "since"), ({"until": 1_700_000_000}, "until")],
)  # fmt: skip
def test_bad_requests_are_refused_naming_the_field(body: dict, field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        MonitoringRequest.model_validate_json(json.dumps(body))
