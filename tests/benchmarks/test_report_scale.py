"""The report's scale section: the 10× row when the 10× run's results exist (Dask measured,
in memory extrapolated and marked), the sentence saying how to produce them otherwise, and
the out-of-core targets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.report_scale import scale_section

MACHINE = {"cpus": 2, "load_average_at_start": [0.5, 0.5, 0.5], "load_average_at_end": [1, 1, 1]}


def _step(wall_s: float, peak_gib: float) -> dict[str, float]:
    return {"wall_s": wall_s, "peak_rss_mb": peak_gib * 1024, "max_rss_mb": peak_gib * 512}


def _scale(clients: int, memory_gib: float) -> dict[str, Any]:
    """One scale, the in-memory peak ``memory_gib``, Dask's a flat 3 GiB."""
    return {
        "clients": clients, "history_rows": clients * 200, "partitions": 1 + clients // 50_000,
        "csv_bytes": clients * 10_000, "parquet_bytes": clients * 1_400,
        "stages": {"partition": _step(5, 1), "features_memory": _step(40, memory_gib),
                   "features_memory_parquet": _step(25, memory_gib), "features_dask": _step(28, 3),
                   "score_memory": _step(35, memory_gib * 0.75), "score_dask": _step(24, 2.5)},
    }  # fmt: skip


def _result() -> dict[str, Any]:
    return {"machine": MACHINE, "scales": [_scale(307_511, 8.0), _scale(100_000, 2.8)],
            "estimate_10x": {"clients": 3_075_110, "applications": 3_562_546,
                             "history_rows": 637_000_000, "partitions": 62, "generate_s": 660.0,
                             "disk_bytes": 4.2e9, "basis": "measured throughput",
                             "features_dask_s": 282.0, "score_dask_s": 236.0}}  # fmt: skip


def _ten_x(dask_peak_gib: float = 3.1, load_at_end: float = 5.6) -> dict[str, Any]:
    machine = {**MACHINE, "load_average_at_end": [load_at_end, 4.8, 4.0]}
    return {"machine": machine, "ten_x": {
        "clients": 3_075_110, "rows": {"application_train": 3_075_110, "application_test": 487_440},
        "history_rows": 637_546_569, "parquet_bytes": 4_242_002_015,
        "features_bytes": 3_164_265_348, "partitions": 62,
        "stages": {"generate": {**_step(652, 4.1), "reused": False},
                   "features_dask": _step(257, dask_peak_gib), "score_dask": _step(188, 2.6)},
    }}  # fmt: skip


def _row(markdown: str, first_cell: str) -> str:
    (row,) = [line for line in markdown.splitlines() if line.startswith(f"| {first_cell} |")]
    return row


def test_the_ten_x_row_shows_dask_measured_and_in_memory_extrapolated(tmp_path: Path) -> None:
    section = scale_section(_result(), _ten_x(), tmp_path)
    row = _row(section.markdown, "**10×**")
    assert "| 3,075,110 | 637.5 M | 62 |" in row
    assert "**4 min 17 s / 3.1 GiB**" in row and "**3 min 08 s / 2.6 GiB**" in row
    # in memory: 10 × the 1× peak (8 GiB), not run, marked as extrapolated
    assert "not run: would need ≈ 80 GiB†" in row and "not run: would need ≈ 60 GiB†" in row
    assert "generated: 10 min 52 s / 4.1 GiB" in row
    assert "† **Extrapolated, not measured.**" in section.markdown
    assert "clients^0.93" in section.markdown  # log(8 / 2.8) / log(307,511 / 100,000)
    assert "| 0.33× | 100,000 |" in section.markdown  # scales in order of size
    assert "not measured here" not in section.markdown
    assert (tmp_path / "dask_scale.png").stat().st_size > 0


def test_the_ten_x_run_under_load_says_so_and_the_1x_run_on_a_quiet_machine_does_not(
    tmp_path: Path,
) -> None:
    markdown = scale_section(_result(), _ten_x(load_at_end=5.6), tmp_path).markdown
    assert "The 10× run shared the machine with other work" in markdown
    assert "than its 2 cores" in markdown and "This run shared" not in markdown
    quiet = scale_section(_result(), _ten_x(load_at_end=1.9), tmp_path).markdown
    assert "shared the machine" not in quiet


def test_the_estimate_made_before_the_ten_x_run_is_set_against_the_measure(
    tmp_path: Path,
) -> None:
    markdown = scale_section(_result(), _ten_x(), tmp_path).markdown
    assert "| generation | 11 min 00 s | 10 min 52 s |" in markdown
    assert "| features | 4 min 42 s | 4 min 17 s |" in markdown


def test_without_the_ten_x_results_the_section_says_how_to_produce_them(tmp_path: Path) -> None:
    section = scale_section(_result(), None, tmp_path)
    assert "benchmarks/dask_scale.py --ten-x" in section.markdown
    assert "(3,075,110 clients, Dask only; estimated at about 20 min and 4.2 GB" in section.markdown
    assert "| **10×**" not in section.markdown and "†" not in section.markdown
    assert section.targets == []
    assert (tmp_path / "dask_scale.png").stat().st_size > 0


@pytest.mark.parametrize(("dask_peak_gib", "met"), [(3.1, True), (7.9, True), (8.0, False)])
def test_ten_x_on_dask_is_out_of_core_below_the_in_memory_peak(
    tmp_path: Path, dask_peak_gib: float, met: bool
) -> None:
    targets = scale_section(_result(), _ten_x(dask_peak_gib), tmp_path).targets
    features, scores = targets
    assert features.what == "10× features on Dask (3,075,110 applications)"
    assert (
        features.measured == f"4 min 17 s, peak {dask_peak_gib:.1f} GiB (in memory at 1×: 8.0 GiB)"
    )
    assert features.met is met
    assert scores.what == "10× batch scores on Dask (487,440 applications)" and scores.met


def test_the_sample_trained_at_ten_x_is_reported_with_its_auc(tmp_path: Path) -> None:
    ten_x = _ten_x()
    ten_x["ten_x"]["stages"]["train_sample"] = {
        **_step(301, 8.6), "sample": 0.1, "clients": 307_402,
        "holdout_roc_auc": 0.79871, "oof_roc_auc": 0.80012,
    }  # fmt: skip
    ten_x["ten_x"]["stages"]["generate"]["reused"] = True
    markdown = scale_section(_result(), ten_x, tmp_path).markdown
    assert "`train --sample 0.1`" in markdown and "307,402 labelled clients" in markdown
    assert "5 min 01 s / 8.6 GiB, holdout ROC AUC 0.7987 (out of fold 0.8001)" in markdown
    assert "later runs reuse it" in markdown
    plain = scale_section(_result(), _ten_x(), tmp_path).markdown
    assert "Training at 10×" not in plain and "later runs reuse it" not in plain
