"""The pure parts of the monitor comparisons: ranking and agreement of two tools' PSIs,
reading Evidently's snapshot, the overhead of a capture, the growth of the monitor's cost,
and the performance estimates against what happened."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.monitor_capture import overhead, renumbered
from benchmarks.monitor_cbpe import cbpe_figures, errors, ours, realised, split
from benchmarks.monitor_data import dataset_matches
from benchmarks.monitor_evidently import agreement, evidently_psi, median_run, ranked
from benchmarks.monitor_scale import growth, targets


def test_ranking_puts_the_largest_psi_first_and_skips_missing_ones() -> None:
    assert ranked({"b": 0.2, "a": 0.2, "c": 0.9, "d": None}) == ["c", "a", "b"]


def test_agreement_counts_the_shared_top_columns_and_the_flagged_ones() -> None:
    ours_psi = {f"f{i}": 1.0 / (i + 1) for i in range(30)}
    theirs = {**ours_psi, "f0": 0.001, "only_theirs": 5.0}  # f0 falls to the bottom
    found = agreement(ours_psi, theirs, top=10)
    assert found["columns"] == 30  # a column only one tool measured is left out
    assert found["top"]["ours"][0] == "f0" and "f0" not in found["top"]["evidently"]
    assert found["top_overlap"] == 9
    assert found["flagged"]["ours"][:1] == ["f0"]
    assert "f0" not in found["flagged_by_both"] and "f1" in found["flagged_by_both"]
    assert -1.0 <= found["spearman"] <= 1.0


def test_evidently_psi_comes_from_its_value_drift_metrics_only() -> None:
    snapshot = {"metrics": [
        {"config": {"type": "evidently:metric_v2:DriftedColumnsCount"}, "value": {"count": 1}},
        {"config": {"type": "evidently:metric_v2:ValueDrift", "column": "a"}, "value": 0.25},
        {"config": {"type": "evidently:metric_v2:ValueDrift", "column": "b"}, "value": 0},
    ]}  # fmt: skip
    assert evidently_psi(snapshot) == {"a": 0.25, "b": 0.0}


def test_the_median_run_keeps_every_time_and_the_highest_memory() -> None:
    runs = [{"wall_s": w, "peak_rss_mb": m, "n": i}
            for i, (w, m) in enumerate([(9.0, 100.0), (7.0, 300.0), (8.0, 200.0)])]  # fmt: skip
    found = median_run(runs)
    assert found["n"] == 2 and found["wall_s"] == 8.0
    assert found["walls_s"] == [9.0, 7.0, 8.0] and found["peak_rss_mb"] == 300.0


def test_the_overhead_is_the_difference_and_ratio_of_the_medians() -> None:
    found = overhead({"median": 200.0, "p99": 900.0}, {"median": 220.0, "p99": 1000.0})
    assert found == pytest.approx(
        {"median_difference": 20.0, "median_ratio": 1.1, "p99_difference": 100.0}
    )


def test_a_renumbered_batch_has_one_id_per_application_and_keeps_the_rest() -> None:
    bodies = [{"application": {"SK_ID_CURR": 1, "AMT_CREDIT": 10.0}}]
    batch = renumbered(bodies, 3, first_id=100)
    assert [b["application"]["SK_ID_CURR"] for b in batch] == [100, 101, 102]
    assert all(b["application"]["AMT_CREDIT"] == 10.0 for b in batch)
    assert bodies[0]["application"]["SK_ID_CURR"] == 1  # the source is left alone


def _scale(requests: int, cli: float, in_process: float, rss: float) -> dict:
    return {
        "requests": requests,
        "cli": {"wall_s": {"median": cli}, "peak_rss_mb": rss},
        "in_process": {"total_s": {"median": in_process}},
    }


def test_growth_compares_the_largest_scale_with_the_smallest() -> None:
    scales = [_scale(10_000, 2.0, 0.2, 500.0), _scale(1_000_000, 2.2, 0.2, 500.0)]
    assert growth(scales) == pytest.approx(
        {"requests": 100.0, "cli_wall": 1.1, "in_process_total": 1.0, "cli_peak_rss": 1.0}
    )
    assert targets(scales)[0]["passed"] and "1,000,000" in targets(scales)[0]["target"]


def test_a_dataset_is_reused_only_for_its_clients_seed_and_scenario() -> None:
    marker = {"clients": 100, "seed": 43, "scenario": "downturn", "generator": "x"}
    assert dataset_matches(marker, 100, 43, "downturn")
    assert not dataset_matches(marker, 100, 43, None)
    assert dataset_matches({"clients": 100, "seed": 42}, 100, 42, None)
    assert not dataset_matches({"clients": 100, "seed": 42}, 200, 42, None)


def test_estimates_are_compared_in_points_with_what_happened() -> None:
    scores = np.array([0.1, 0.2, 0.6, 0.9])
    target = np.array([0, 1, 0, 1])
    truth = realised(scores, target, threshold=0.5)
    assert truth["default_rate"] == 0.5 and truth["default_rate_granted"] == 0.5
    assert truth["auc"] == 0.75 and truth["granted_share"] == 0.5
    mine = ours(scores, threshold=0.5)
    assert mine == pytest.approx({"default_rate": 0.45, "default_rate_granted": 0.15})
    cbpe = {"all": {"default_rate": 0.4, "auc": 0.7}, "granted": {"default_rate": 0.5}}
    found = errors(truth, mine, cbpe, reference_auc=0.8)
    assert found == pytest.approx({
        "ours_default_rate_pts": -5.0, "ours_granted_pts": -35.0, "reference_auc_pts": 5.0,
        "cbpe_default_rate_pts": -10.0, "cbpe_granted_pts": 0.0, "cbpe_auc_pts": -5.0,
    })  # fmt: skip
    assert set(errors(truth, mine, None, 0.8)) == {
        "ours_default_rate_pts", "ours_granted_pts", "reference_auc_pts"
    }  # fmt: skip


def test_cbpe_figures_read_one_chunk_of_nannymls_results() -> None:
    columns = pd.MultiIndex.from_tuples([
        ("roc_auc", "value"), ("roc_auc", "sampling_error"), ("true_positive", "value"),
        ("false_negative", "value"), ("true_negative", "value"),
    ])  # fmt: skip
    frame = pd.DataFrame([[0.72, 0.004, 0.05, 0.03, 0.6]], columns=columns)
    assert cbpe_figures(frame) == pytest.approx(
        {"auc": 0.72, "auc_sampling_error": 0.004, "default_rate": 0.08}
    )


def test_the_reference_and_the_analysed_halves_share_no_client() -> None:
    frames = {name: pd.DataFrame({"row": range(10), "pop": name})
              for name in ("unchanged", "downturn")}  # fmt: skip
    reference, analysed = split(frames)
    assert list(reference["row"]) == [0, 1, 2, 3, 4]
    assert all(list(f["row"]) == [5, 6, 7, 8, 9] for f in analysed.values())
    assert set(analysed["downturn"]["pop"]) == {"downturn"}
