"""The drift-scenario benchmark's verdicts, on hand-made documents."""

from __future__ import annotations

from typing import Any

from benchmarks.drift_scenarios import false_alarm_rates, scenario_check


def _document(status: str, *features: tuple[str, str]) -> dict[str, Any]:
    return {"status": status, "features": [{"name": n, "level": lv} for n, lv in features]}


def test_a_scenario_passes_only_with_its_own_features_acting_first() -> None:
    responsible = {"AMT_INCOME_TOTAL", "INCOME_CREDIT_PERC"}
    good = _document("act", ("AMT_INCOME_TOTAL", "act"), ("INCOME_CREDIT_PERC", "watch"))
    assert all(scenario_check(good, responsible).values())
    wrong_first = _document("act", ("DAYS_BIRTH", "act"), ("AMT_INCOME_TOTAL", "act"))
    assert scenario_check(wrong_first, responsible) == {
        "acts": True, "top_is_responsible": False, "every_action_is_responsible": False,
    }  # fmt: skip
    quiet = _document("watch", ("AMT_INCOME_TOTAL", "watch"))
    assert not scenario_check(quiet, responsible)["acts"]


def test_false_alarms_count_replays_and_feature_pairs() -> None:
    documents = [
        _document("stable", ("a", "stable"), ("b", "stable")),
        _document("watch", ("a", "watch"), ("b", "stable")),
        _document("stable", ("a", "stable"), ("b", "stable")),
        _document("watch", ("a", "stable"), ("b", "stable")),  # the score alone moved
    ]
    assert false_alarm_rates(documents) == {"replays": 0.5, "feature_pairs": 1 / 8}
