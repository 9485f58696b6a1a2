"""The HTTP benchmark's figures and targets: latency at concurrency 1, ratio to the baseline,
overhead above BentoML's floor and size of the default /explain answer, each recorded with
its goal and unit for the report."""

from __future__ import annotations

from typing import Any

from benchmarks.http_targets import check_targets, compare, floor_overhead
from benchmarks.report_http import _http_target


def _cell(system: str, endpoint: str, p50: float | None, rps: float = 100.0) -> dict[str, Any]:
    return {"system": system, "workers": 1, "endpoint": endpoint, "body": "application",
            "concurrency": 1, "p50_ms": p50, "rps": rps}  # fmt: skip


def _sizes(largest: int) -> dict[str, Any]:
    return {"ours": {"explain": {"application": {"median": largest, "max": largest, "n": 3}}}}


def _met(targets: list[dict[str, Any]]) -> dict[str, bool]:
    return {t["target"].split(" (")[0]: t["passed"] for t in targets}


def test_explain_p50_of_exactly_3_ms_meets_its_target() -> None:
    cells = [_cell("ours", "explain", 3.0), _cell("ours", "predict", 3.0)]
    met = _met(check_targets(cells, [], _sizes(1)))
    assert met["/explain p50 ≤ 3 ms"] is True
    assert met["/predict p50 < 3 ms"] is False


def test_an_unanswered_cell_misses_its_target() -> None:
    (target, _) = check_targets([_cell("ours", "explain", None)], [], _sizes(1))
    assert target["passed"] is False


def test_the_default_explain_answer_must_stay_within_10_kb() -> None:
    small, large = (check_targets([], [], _sizes(n))[0] for n in (10_000, 10_001))
    assert (small["passed"], large["passed"]) == (True, False)
    assert small["unit"] == "bytes"
    shown = _http_target(large)
    assert (shown.goal, shown.measured, shown.met) == ("≤ 10 KB", "10.0 KB", False)


def test_the_floor_overhead_is_ours_minus_the_floor_at_p50() -> None:
    cells = [_cell("ours", "predict", 2.0), _cell("floor", "predict", 1.75)]
    (overhead,) = floor_overhead(cells)
    assert overhead["overhead_ms"] == 0.25
    assert (overhead["ours_p50_ms"], overhead["floor_p50_ms"]) == (2.0, 1.75)


def test_the_overhead_target_is_at_most_0_3_ms() -> None:
    def target(ours: float, floor: float | None) -> dict[str, Any]:
        cells = [_cell("ours", "predict", ours), _cell("floor", "predict", floor)]
        return check_targets(cells, [], _sizes(1), floor_overhead(cells))[1]

    within, over, unmeasured = target(2.0, 1.7), target(2.0, 1.69), target(2.0, None)
    assert within["target"].startswith("/predict p50 above BentoML's floor ≤ 0.3 ms")
    assert (within["passed"], over["passed"], unmeasured["passed"]) == (True, False, False)
    shown = _http_target(over)
    assert (shown.goal, shown.met) == ("≤ 0.3 ms", False)
    assert shown.measured == "0.31 ms (ours 2.00 − floor 1.69 ms)"


def test_the_floor_is_no_baseline_to_compare_with() -> None:
    cells = [_cell("ours", "predict", 2.0), _cell("floor", "predict", 1.5),
             _cell("baseline", "predict", 40.0, rps=25.0)]  # fmt: skip
    (comparison,) = compare(cells)
    assert comparison["baseline"] == "baseline"
    assert (comparison["p50_ratio"], comparison["rps_ratio"]) == (20.0, 4.0)


def test_targets_of_results_written_before_goals_were_recorded_still_show() -> None:
    old = {"target": "/predict p50 < 3 ms (application body, c=1, 1 worker(s))",
           "measured": 2.0, "passed": True, "unit": "ms"}  # fmt: skip
    shown = _http_target(old)
    assert (shown.goal, shown.measured) == ("< 3 ms", "2.00 ms")
