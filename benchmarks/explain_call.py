"""The explanation call alone, in process: our TreeSHAP explainer vs ``shap.TreeExplainer``.

Why: /explain must answer within the latency budget, and the usual way builds a
``shap.TreeExplainer`` for each request. This times our explainer
(:class:`scoring.model.explainer.TreeShapExplainer`, through ``CreditModel.explain``)
against ``shap.TreeExplainer`` on the same trees, created once and reused, and created per
call as :mod:`benchmarks.baseline.app` does (also on its pickled ``LGBMClassifier``), on
1, 100 and 1,000 real rows. Extra models trained on the same rows with other numbers of
trees show how each cost grows with the model: trees, total leaves, maximum depth and
trees × leaves × depth (TreeSHAP's work is about T·L·D²; the columns give both). The
contributions are first checked to agree to 1e-6, so the same numbers are compared.

Ours is fed whole-catalogue rows, as served (it selects the model's columns and answers a
contribution per catalogue feature, 0 for those the model does not use); shap and the
extra models' explainers take the model's columns alone
(:func:`benchmarks.baseline.model.model_columns`), selected once outside the timed calls.

Note: for LightGBM models ``shap.TreeExplainer.shap_values`` calls LightGBM's own
``pred_contrib``, as ours does; what differs is building the explainer (a JSON dump of
every tree parsed into arrays) and shap's checks and threads around the call.

Usage: ``.venv/bin/python benchmarks/explain_call.py [--quick]``; writes
``results/explain_call.json`` (records as in :mod:`benchmarks.model_call`, plus model size
fields and ``speedup_vs_shap_per_call`` / ``speedup_vs_shap_reused``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import Workspace, workspace, write_result  # noqa: E402
from benchmarks.model_call import (  # noqa: E402
    Inputs,
    batches,
    feature_rows,
    measurement,
    print_table,
    timed_calls,
)

SIZES = (1, 100, 1_000)
SCALING_SIZES = (1, 100)  # for the extra models
EXTRA_TREES = {False: (50, 400, 800), True: (50, 400)}
AGREEMENT_TOLERANCE = 1e-6
OURS = "ours: CreditModel.explain (served path)"
OURS_EXTRA = "ours: TreeShapExplainer.explain"
SHAP_REUSED = "shap.TreeExplainer reused"
SHAP_PER_CALL = "shap.TreeExplainer per call"
SHAP_BASELINE = "shap.TreeExplainer(LGBMClassifier) per call, DataFrame (baseline app)"


def model_size(booster: Any) -> dict[str, int]:
    """Trees, total leaves, deepest leaf, and the T·L·D and T·L·D² work measures."""
    trees = booster.dump_model()["tree_info"]
    leaves = sum(tree["num_leaves"] for tree in trees)
    depth = max(_depth(tree["tree_structure"]) for tree in trees)
    count = len(trees)
    return {
        "model_trees": count,
        "model_leaves": leaves,
        "model_max_depth": depth,
        "trees_leaves_depth": count * leaves * depth,
        "trees_leaves_depth2": count * leaves * depth**2,
    }


def _depth(node: dict[str, Any]) -> int:
    if "leaf_index" in node or "left_child" not in node:
        return 0
    return 1 + max(_depth(node["left_child"]), _depth(node["right_child"]))


def extra_booster(ws: Workspace, rounds: int) -> Any:
    """A model with ``rounds`` trees on the workspace model's rows and parameters (cached)."""
    import lightgbm as lgb

    from benchmarks.baseline.model import model_card, pickle_path, training_rows, write_atomic
    from benchmarks.common import SEED

    path = pickle_path(ws).with_name(f"extra_{ws.model_tag.split(':')[1]}_{rounds}.txt")
    if not path.exists():
        features, target = training_rows(ws)
        params = {**model_card(ws)["model"]["params"], "seed": SEED}
        booster = lgb.train(params, lgb.Dataset(features, target), num_boost_round=rounds)
        write_atomic(path, booster.model_to_string().encode())
    return lgb.Booster(model_file=str(path))


def shap_values(explainer: Any, x: Any) -> np.ndarray:
    """SHAP values as ``(rows, features)``, whichever layout this shap version returns."""
    return np.asarray(explainer.shap_values(x)).reshape(len(x), -1)


Candidate = tuple[str, Callable[[Any], object], Sequence[Any]]


def candidates(
    explain: Callable[[np.ndarray], object],
    method: str,
    booster: Any,
    ours: list[np.ndarray],
    selected: list[np.ndarray],
) -> Iterator[Candidate]:
    """Ours (on ``ours`` rows), shap reused, and shap built per call (on the same rows'
    model columns, ``selected``), on the same trees."""
    import shap

    reused = shap.TreeExplainer(booster)
    yield method, explain, ours
    yield SHAP_REUSED, reused.shap_values, selected
    yield SHAP_PER_CALL, lambda x: shap.TreeExplainer(booster).shap_values(x), selected


def baseline_candidate(classifier: Any, selected: list[np.ndarray]) -> Candidate:
    """What the baseline app runs per /explain: a new explainer on the sklearn model, on a
    DataFrame of the model's columns."""
    import pandas as pd
    import shap

    frames = [pd.DataFrame(x, columns=list(classifier.feature_name_)) for x in selected]
    return SHAP_BASELINE, lambda f: shap.TreeExplainer(classifier).shap_values(f), frames


def agreement(
    ours: Callable[[np.ndarray], Any],
    booster: Any,
    values: np.ndarray,
    columns: np.ndarray | None,
    tolerance: float,
) -> dict[str, float]:
    """Largest differences of contributions and base value; raises if not comparable.

    With ``columns``, ``ours`` takes whole-catalogue rows and answers catalogue-wide
    contributions: those of the model's columns are compared with shap's (on those columns
    alone), and every other one must be 0.
    """
    import shap

    mine = ours(values)
    contributions = mine.contributions
    if columns is not None:
        unused = np.delete(contributions, columns, axis=1)
        values, contributions = values[:, columns], contributions[:, columns]
    theirs = shap.TreeExplainer(booster)
    result = {
        "contributions": float(np.abs(contributions - shap_values(theirs, values)).max()),
        "base_value": abs(mine.base_value - float(np.ravel(theirs.expected_value)[-1])),
    }
    if columns is not None:
        result["unused_features"] = float(np.abs(unused).max(initial=0.0))
    if max(result.values()) > tolerance:
        raise RuntimeError(f"our explainer and shap disagree by up to {result}; not comparable")
    return result


def run(quick: bool) -> dict[str, Any]:
    """Time both explainers on the served model, then on models of other sizes."""
    ws = workspace(quick)
    os.environ["BENTOML_HOME"] = str(ws.bentoml_home)  # before anything imports BentoML
    import pickle
    import warnings

    import lightgbm as lgb

    from benchmarks.baseline.model import model_columns, prepare, store_path
    from scoring.model.explainer import TreeShapExplainer
    from scoring.model.scorer import CreditModel

    warnings.filterwarnings("ignore", message="LightGBM binary classifier with TreeExplainer")
    model = CreditModel.from_store(ws.model_tag)
    booster = lgb.Booster(model_file=str(store_path(ws) / "model.txt"))
    classifier = pickle.loads(prepare(ws).read_bytes())
    columns = model_columns(ws)
    values = feature_rows(ws, max(SIZES) * 8)
    checks = {
        "served": agreement(model.explain, booster, values[:1000], columns, AGREEMENT_TOLERANCE)
    }
    records = []

    def time_all(size: dict[str, int], rows: int, measured: Iterator[Candidate]) -> None:
        for method, call, data in measured:
            samples = timed_calls(call, data, quick)
            trees = size["model_trees"]
            records.append(measurement(method, rows, {"trees": trees}, samples, trees, **size))

    size = model_size(booster)
    for rows in SIZES:
        inputs = Inputs(batches(values, rows), columns)
        time_all(size, rows, candidates(model.explain, OURS, booster, inputs.rows, inputs.selected))
        if rows == 1:
            time_all(size, rows, iter([baseline_candidate(classifier, inputs.selected)]))
    selected = values[:, columns]
    for rounds in EXTRA_TREES[quick]:
        extra = extra_booster(ws, rounds)
        ours = TreeShapExplainer(extra.model_to_string())
        checks[f"{rounds}_trees"] = agreement(
            ours.explain, extra, selected[:200], None, AGREEMENT_TOLERANCE
        )
        extra_size = model_size(extra)
        for rows in SCALING_SIZES:
            blocks = batches(selected, rows)
            time_all(extra_size, rows, candidates(ours.explain, OURS_EXTRA, extra, blocks, blocks))
    add_ratios(records)
    return {
        "model": {"tag": ws.model_tag, **size},
        "rows_source": f"{ws.data} (application_test + application_train), shuffled",
        "agreement_max_abs_diff": checks,
        "measurements": records,
    }


def add_ratios(records: list[dict[str, Any]]) -> None:
    """Speed-ups against shap per call and shap reused, same model and rows."""
    for record in records:
        key = (record["model_trees"], record["rows"])
        for method, field in ((SHAP_PER_CALL, "speedup_vs_shap_per_call"),
                              (SHAP_REUSED, "speedup_vs_shap_reused")):  # fmt: skip
            other = next(
                (r for r in records if r["method"] == method
                 and (r["model_trees"], r["rows"]) == key),
                None,
            )  # fmt: skip
            record[field] = other["median_us"] / record["median_us"] if other else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5k-client workspace, short runs")
    args = parser.parse_args()
    payload = run(args.quick)
    print_table(
        "Explanation call (µs per call)",
        payload["measurements"],
        ("speedup_vs_shap_per_call", "× vs shap per call"),
    )
    sizes = {r["model_trees"]: r for r in payload["measurements"]}
    for trees, r in sorted(sizes.items()):
        print(f"{trees} trees: {r['model_leaves']} leaves, depth ≤ {r['model_max_depth']}, "
              f"T·L·D = {r['trees_leaves_depth']:,}")  # fmt: skip
    print(f"agreement: {payload['agreement_max_abs_diff']}")
    print(f"wrote {write_result('explain_call', payload, args.quick)}")


if __name__ == "__main__":
    main()
