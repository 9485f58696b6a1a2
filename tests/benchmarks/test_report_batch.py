"""The report's file-scoring section: the command by file size, its start cost worked out
from two sizes, and the target read at the largest file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.report_batch import file_scoring


def _summary(seconds: float) -> dict[str, float]:
    return {"median": seconds, "p99": seconds * 1.1}


def _result(start_s: float, rate: float) -> dict[str, Any]:
    """Files scored at ``rate`` rows/s once a command has spent ``start_s`` starting."""
    steps = {name: _summary(0.2) for name in ("read 2", "score 2", "write 2", "previous")}
    cli = {
        fmt: {
            "bytes": 30e6,
            "steps_s": steps,
            "total_s": _summary(0.5),
            "total_one_thread_s": _summary(0.8),
        }
        for fmt in ("csv", "parquet")
    }
    by_rows = {str(n): {fmt: _summary(start_s + n / rate) for fmt in ("csv", "parquet")}
               for n in (100_000, 1_000_000)}  # fmt: skip
    return {
        "rows": 100_000, "target_rows_per_s": 100_000, "cli": cli,
        "floor_onnx_s": _summary(0.1), "endpoint_core_s": {f: _summary(3) for f in cli},
        "command_wall_s": {f: by_rows["100000"][f]["median"] for f in cli},
        "command_by_rows_s": by_rows, "machine": {"cpus": 2},
    }  # fmt: skip


def test_the_start_cost_is_worked_out_from_two_file_sizes(tmp_path: Path) -> None:
    markdown = file_scoring(_result(start_s=0.7, rate=200_000), tmp_path).markdown
    assert "about 0.70 s (csv), 0.70 s (parquet)" in markdown
    assert "| 1,000,000 | 5.70 (175.4k/s) | 5.70 (175.4k/s) |" in markdown


def test_the_command_target_is_read_at_the_largest_file(tmp_path: Path) -> None:
    fast = file_scoring(_result(start_s=0.7, rate=200_000), tmp_path).targets
    slow = file_scoring(_result(start_s=0.7, rate=90_000), tmp_path).targets
    (met,) = [t for t in fast if "command" in t.what and "csv" in t.what]
    (missed,) = [t for t in slow if "command" in t.what and "csv" in t.what]
    assert "1,000,000 rows" in met.what and met.met and not missed.met
