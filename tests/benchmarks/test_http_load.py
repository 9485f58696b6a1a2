"""The HTTP benchmark's targets: latency at concurrency 1, ratio to the baseline, and the
size of the default /explain answer, each recorded with its unit for the report."""

from __future__ import annotations

from typing import Any

from benchmarks.http_load import check_targets
from benchmarks.report_speed import _http_target


def _cell(system: str, endpoint: str, p50: float | None) -> dict[str, Any]:
    return {"system": system, "workers": 1, "endpoint": endpoint, "body": "application",
            "concurrency": 1, "p50_ms": p50}  # fmt: skip


def _sizes(largest: int) -> dict[str, Any]:
    return {"ours": {"explain": {"application": {"median": largest, "max": largest, "n": 3}}}}


def test_explain_p50_of_exactly_3_ms_meets_its_target() -> None:
    cells = [_cell("ours", "explain", 3.0), _cell("ours", "predict", 3.0)]
    met = {t["target"].split(" (")[0]: t["passed"] for t in check_targets(cells, [], _sizes(1))}
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
