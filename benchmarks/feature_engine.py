"""Benchmark of the feature engine: numpy vs pandas vs polars (batch), and online latency.

Why the engine is hand-written numpy: dataframe libraries pay hundreds of microseconds of
fixed cost per grouped aggregation, which the online path cannot afford, while numpy's
``bincount``/``reduceat`` also keep up in batch. This script measures both claims on the
installments and bureau (+ bureau_balance) aggregations, checks that the three
implementations agree, and times ``build_online``.

Usage: ``.venv/bin/python benchmarks/feature_engine.py`` (Kaggle scale: 307,511 clients of
uniform random data at Kaggle's rows-per-client ratios), ``--data DIR`` for real files, or
``--quick`` for a short CI run. Writes ``benchmarks/results/feature_engine.json`` (quick
runs go to the git-ignored ``benchmarks/results/raw/`` so they never replace it).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.baseline.pandas_features import bureau_pandas, installments_pandas
from scoring.columns import frame_to_columns
from scoring.features import (
    FEATURE_NAMES,
    build_batch,
    build_features,
    build_online,
    bureau,
    installments,
)
from scoring.features.aggregate import KeyIndex
from scoring.features.labels import safe_name
from scoring.schema import TABLES
from scoring.schema.core import Table

RESULTS = Path(__file__).resolve().parent / "results"
# Rows per client (bureau_balance: per bureau credit) in the Kaggle files.
ROWS_PER_PARENT = {
    "bureau": 5.6,
    "bureau_balance": 16.0,
    "previous_application": 5.5,
    "POS_CASH_balance": 32.6,
    "installments_payments": 44.3,
    "credit_card_balance": 12.4,
}
# Rows of one client's history in the "typical history" online case.
TYPICAL_HISTORY = {
    "bureau": 5,
    "bureau_balance": 30,  # per bureau credit
    "previous_application": 5,
    "POS_CASH_balance": 30,
    "installments_payments": 40,
    "credit_card_balance": 30,
}


def random_frames(n_clients: int, seed: int) -> dict[str, pd.DataFrame]:
    """Uniform random tables typed per schema, linked by keys, in no particular order."""
    rng = np.random.default_rng(seed)
    clients = rng.permutation(n_clients) + 100_000
    frames = {"application_train": _random_table(TABLES["application_train"], clients, rng)}
    for name, rate in ROWS_PER_PARENT.items():
        parent = "bureau" if name == "bureau_balance" else "application_train"
        parent_key = "SK_ID_BUREAU" if name == "bureau_balance" else "SK_ID_CURR"
        parents = frames[parent][parent_key].to_numpy()
        keys = parents[rng.integers(0, len(parents), int(len(parents) * rate))]
        frames[name] = _random_table(TABLES[name], keys, rng, parent_key)
    return frames


def _random_table(
    table: Table, keys: np.ndarray, rng: np.random.Generator, key: str = "SK_ID_CURR"
) -> pd.DataFrame:
    n = len(keys)
    data: dict[str, object] = {}
    for column in table.columns:
        if column.name == key:
            data[column.name] = keys
        elif column.kind == "key":
            data[column.name] = rng.permutation(n) + 1_000_000
        elif column.is_categorical:
            codes = rng.integers(-1 if column.nullable else 0, len(column.levels), n)
            data[column.name] = pd.Categorical.from_codes(codes, categories=list(column.levels))
        else:
            data[column.name] = _random_numbers(column.unit, column.name, n, rng)
    return pd.DataFrame(data)


def _random_numbers(unit: str | None, name: str, n: int, rng: np.random.Generator) -> np.ndarray:
    if unit == "currency":
        values = np.round(rng.lognormal(11, 1, n), 2)
    elif unit in ("days", "months"):
        values = rng.integers(-3000 if unit == "days" else -96, 1, n).astype(np.float64)
        if name == "DAYS_EMPLOYED":
            values[rng.random(n) < 0.18] = 365243.0
    elif unit in ("count", "hours", "flag"):
        values = rng.integers(0, 2 if unit == "flag" else 24, n).astype(np.float64)
    else:
        values = rng.random(n)
    values[rng.random(n) < 0.05] = np.nan
    return values


# The polars twins of the bureau and installments features, driven by the very spec
# dictionaries of the numpy engine (as the pandas twins of the baseline are) so that all
# three compute the same thing.
_BUREAU_NUMERIC = {**bureau.NUMERIC, **bureau.BALANCE_NUMERIC}
_BUREAU_ALL = {**_BUREAU_NUMERIC, **dict.fromkeys(bureau.STATUS_SHARES, ("mean",))}
_CATEGORIES = {c: TABLES["bureau"][c].levels for c in bureau.CATEGORICAL}
_STATUS_LEVELS = TABLES["bureau_balance"]["STATUS"].levels


def _polars_exprs(spec: dict, prefix: str) -> list[pl.Expr]:
    expression = {
        "min": lambda c: pl.col(c).min(),
        "max": lambda c: pl.col(c).max(),
        "mean": lambda c: pl.col(c).mean(),
        "sum": lambda c: pl.col(c).sum(),
        "var": lambda c: pl.col(c).var(ddof=1),
        "nunique": lambda c: pl.col(c).drop_nulls().n_unique(),
        "size": lambda c: pl.len(),
    }
    return [
        expression[agg](column).cast(pl.Float64).alias(f"{prefix}{column}_{agg.upper()}")
        for column, aggs in spec.items()
        for agg in aggs
    ]


def _share(column: str, level: str) -> pl.Expr:
    return (pl.col(column) == level).fill_null(False).mean()


def _polars_join(ids: pl.DataFrame, parts: list[pl.DataFrame], count: str) -> pd.DataFrame:
    result = ids
    for part in parts:
        result = result.join(part, on="SK_ID_CURR", how="left")
    result = result.with_columns(pl.col(count).fill_null(0))
    return result.to_pandas().set_index("SK_ID_CURR")


def bureau_polars(frames: dict[str, pl.DataFrame], ids: pl.DataFrame) -> pd.DataFrame:
    """The kernel's ``bureau_and_balance`` with polars ``group_by().agg()``."""
    per_credit = (
        frames["bureau_balance"]
        .group_by("SK_ID_BUREAU")
        .agg(
            *_polars_exprs({"MONTHS_BALANCE": ("min", "max", "size")}, ""),
            *(
                _share("STATUS", level).alias(f"STATUS_{safe_name(level)}_MEAN")
                for level in _STATUS_LEVELS
            ),
        )
    )
    credits = frames["bureau"].join(per_credit, on="SK_ID_BUREAU", how="left")
    shares = [
        _share(column, level).alias(f"BURO_{column}_{safe_name(level)}_MEAN")
        for column, levels in _CATEGORIES.items()
        for level in levels
    ]
    parts = [
        credits.group_by("SK_ID_CURR").agg(
            *_polars_exprs(_BUREAU_ALL, "BURO_"), *shares, pl.len().alias("BURO_COUNT")
        )
    ]
    for level in ("Active", "Closed"):
        subset = credits.filter(pl.col("CREDIT_ACTIVE") == level)
        parts.append(
            subset.group_by("SK_ID_CURR").agg(*_polars_exprs(_BUREAU_NUMERIC, f"{level.upper()}_"))
        )
    return _polars_join(ids, parts, "BURO_COUNT")


def installments_polars(frames: dict[str, pl.DataFrame], ids: pl.DataFrame) -> pd.DataFrame:
    """The kernel's ``installments_payments`` with polars ``group_by().agg()``."""
    late = pl.col("DAYS_ENTRY_PAYMENT") - pl.col("DAYS_INSTALMENT")
    rows = frames["installments_payments"].with_columns(
        PAYMENT_PERC=pl.when(pl.col("AMT_INSTALMENT") != 0).then(
            pl.col("AMT_PAYMENT") / pl.col("AMT_INSTALMENT")
        ),
        PAYMENT_DIFF=pl.col("AMT_INSTALMENT") - pl.col("AMT_PAYMENT"),
        DPD=late.clip(lower_bound=0),
        DBD=(-late).clip(lower_bound=0),
    )
    result = rows.group_by("SK_ID_CURR").agg(
        *_polars_exprs(dict(installments.SPEC.numeric), "INSTAL_"), pl.len().alias("INSTAL_COUNT")
    )
    return _polars_join(ids, [result], "INSTAL_COUNT")


def _time(function: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """Best wall time of ``repeat`` runs, in seconds, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def batch_benchmark(frames: dict[str, pd.DataFrame], repeat: int) -> dict[str, float]:
    """Seconds per engine for the installments and bureau aggregations, checked equal."""
    app = frames["application_train"]
    ids = app["SK_ID_CURR"].to_numpy()
    tables = {"application": {"SK_ID_CURR": ids}}
    for name in ("bureau", "bureau_balance", "installments_payments"):
        tables[name] = frame_to_columns(frames[name], TABLES[name])
    polars_frames = {
        name: pl.from_pandas(frames[name])
        for name in ("bureau", "bureau_balance", "installments_payments")
    }
    polars_ids = pl.DataFrame({"SK_ID_CURR": ids})

    def numpy_engine() -> pd.DataFrame:
        clients = KeyIndex(ids)
        parts = {}
        for block in (bureau.BLOCK, installments.BLOCK):
            for info, values in zip(block.features, block.compute(tables, clients), strict=True):
                parts[info.name] = values
        return pd.DataFrame(parts, index=ids)

    seconds = {}
    seconds["numpy"], ours = _time(numpy_engine, repeat)
    seconds["pandas"], by_pandas = _time(
        lambda: pd.concat([bureau_pandas(frames, ids), installments_pandas(frames, ids)], axis=1),
        repeat,
    )
    seconds["polars"], by_polars = _time(
        lambda: pd.concat(
            [
                bureau_polars(polars_frames, polars_ids),
                installments_polars(polars_frames, polars_ids),
            ],
            axis=1,
        ),
        repeat,
    )
    for engine, result in (("pandas", by_pandas), ("polars", by_polars)):
        assert sorted(result.columns) == sorted(ours.columns), engine
        expected = result[ours.columns].to_numpy(np.float64)
        np.testing.assert_allclose(ours.to_numpy(), expected, rtol=1e-7, atol=1e-6, err_msg=engine)
    return seconds


def full_batch_benchmark(frames: dict[str, pd.DataFrame]) -> dict[str, float]:
    """Seconds of the whole pipeline: frame conversion, then every feature block."""
    convert, tables = _time(
        lambda: {name: frame_to_columns(frame, TABLES[name]) for name, frame in frames.items()}
    )
    tables["application"] = tables.pop("application_train")
    features, matrix = _time(lambda: build_features(tables))
    total, _ = _time(lambda: build_batch(frames))
    assert matrix.values.shape == (len(frames["application_train"]), len(FEATURE_NAMES))
    return {"convert": convert, "build_features": features, "build_batch": total}


def online_benchmark(frames: dict[str, pd.DataFrame], calls: int) -> dict[str, dict[str, float]]:
    """Latency of ``build_online`` in microseconds, without and with a typical history."""
    application = _records(frames["application_train"].head(1))[0]
    client = application["SK_ID_CURR"]
    history = _typical_history(frames, client)
    out = {}
    for case, arguments in (("no_history", (application,)), ("history", (application, history))):
        build_online(*arguments)  # warm-up
        timings = np.empty(calls)
        for i in range(calls):
            started = time.perf_counter()
            build_online(*arguments)
            timings[i] = time.perf_counter() - started
        out[case] = {
            "median_us": float(np.median(timings) * 1e6),
            "p99_us": float(np.percentile(timings, 99) * 1e6),
        }
    return out


def _typical_history(frames: dict[str, pd.DataFrame], client: int) -> dict[str, list[dict]]:
    history = {}
    for name, rows in TYPICAL_HISTORY.items():
        if name == "bureau_balance" or name not in frames:
            continue
        sample = frames[name].head(rows).copy()
        sample["SK_ID_CURR"] = client
        history[name] = _records(sample)
    if "bureau" not in history or "bureau_balance" not in frames:
        return history
    credits = [row["SK_ID_BUREAU"] for row in history["bureau"]]
    months = frames["bureau_balance"].head(TYPICAL_HISTORY["bureau_balance"])
    history["bureau_balance"] = [
        {**row, "SK_ID_BUREAU": credit} for credit in credits for row in _records(months)
    ]
    return history


def _records(frame: pd.DataFrame) -> list[dict]:
    """JSON-like records: level strings, None for missing, Python numbers."""
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict(orient="records")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=307_511, help="synthetic clients")
    parser.add_argument("--data", type=Path, help="load these Kaggle files instead")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="batch runs (best is kept)")
    parser.add_argument("--calls", type=int, default=2000, help="online calls per case")
    parser.add_argument("--quick", action="store_true", help="20,000 clients, 1,000 calls")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.calls = 20_000, 1000

    if args.data:
        from training.data import load_dataset

        frames = load_dataset(args.data)
    else:
        frames = random_frames(args.clients, args.seed)
    rows = {name: len(frame) for name, frame in frames.items()}
    print("rows:", rows)
    results = {
        "rows": rows,
        "machine": {"cpus": _cpus(), "python": platform.python_version()},
        "versions": {"numpy": np.__version__, "pandas": pd.__version__, "polars": pl.__version__},
        "batch_installments_bureau_s": batch_benchmark(frames, args.repeat),
        "batch_all_features_s": full_batch_benchmark(frames),
        "online_us": online_benchmark(frames, args.calls),
    }
    _print(results)
    path = (
        RESULTS / "raw" / "feature_engine_quick.json"
        if args.quick
        else RESULTS / "feature_engine.json"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {path}")


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


def _print(results: dict) -> None:
    print("\nbatch, installments + bureau aggregations (s):")
    for engine, seconds in results["batch_installments_bureau_s"].items():
        print(f"  {engine:<16}{seconds:>10.2f}")
    print("batch, all features (s):")
    for step, seconds in results["batch_all_features_s"].items():
        print(f"  {step:<16}{seconds:>10.2f}")
    print("online build_online (µs):          median       p99")
    for case, stats in results["online_us"].items():
        print(f"  {case:<30}{stats['median_us']:>9.0f}{stats['p99_us']:>10.0f}")


if __name__ == "__main__":
    main()
