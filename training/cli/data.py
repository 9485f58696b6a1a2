"""Data commands: calibrate the generator, generate, validate, build features, compare."""

from __future__ import annotations

import json
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table as RichTable

from training import config
from training.cli.common import DataDir, console, fail, load, print_sizes
from training.cli.scale import (
    Scheduler,
    Workers,
    features_partitioned,
    generate_partitioned,
)

app = typer.Typer()


class Format(StrEnum):
    """File formats the generator writes."""

    csv = "csv"
    parquet = "parquet"


class ScenarioName(StrEnum):
    """Shifted populations (training/synth/scenarios.py); listed here to keep the CLI light."""

    reference = "reference"
    downturn = "downturn"
    product_mix = "product_mix"
    missing_feature = "missing_feature"
    income_unit = "income_unit"


@app.command()
def generate(
    clients: Annotated[
        int,
        typer.Option(
            min=100,
            help="Labelled clients (application_train rows); "
            "application_test gets the Kaggle share on top.",
        ),
    ] = config.DEFAULT_CLIENTS,
    out: Annotated[
        Path, typer.Option(help="Output directory (created).")
    ] = config.DEFAULT_DATA_DIR,
    seed: Annotated[
        int, typer.Option(help="Random seed: same seed, same files.")
    ] = config.DEFAULT_SEED,
    fmt: Annotated[
        Format, typer.Option("--format", help="csv (Kaggle layout) or parquet.")
    ] = Format.csv,
    scenario: Annotated[
        ScenarioName | None,
        typer.Option(help="Shift the population, to test drift monitoring (docs/monitoring.md)."),
    ] = None,
    partitions: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Write client-partitioned Parquet, partition by partition on Dask "
            "(docs/scaling.md); about 50,000 clients per partition suits 2 GiB per worker.",
        ),
    ] = None,
    scheduler: Scheduler = None,
    workers: Workers = None,
) -> None:
    """Write all seven synthetic tables plus application_test.csv, calibrated on real rows."""
    if partitions is not None:
        if scenario is not None:
            fail("--scenario shifts a whole dataset in memory; it cannot be used with --partitions")
        generate_partitioned(clients, seed, out, partitions, scheduler, workers)
        return
    if scheduler is not None:
        fail("--scheduler generates on Dask, which needs --partitions N")
    from training.data import DATASET_MARKER, write_dataset
    from training.prepare import dataset_marker
    from training.synth import generate_dataset

    start = time.perf_counter()
    with console.status("generating") as status:
        frames = generate_dataset(
            clients, seed, progress=lambda step: status.update(f"generating: {step}")
        )
        marker = dataset_marker(clients, seed)
        if scenario is not None:
            status.update(f"shifting: {scenario.value}")
            frames = _shift(frames, scenario, seed)
            marker["scenario"] = scenario.value  # never taken for the reference population
        status.update(f"writing {out}")
        (out / DATASET_MARKER).unlink(missing_ok=True)  # half-written tables are never current
        write_dataset(frames, out, fmt.value)
        (out / DATASET_MARKER).write_text(json.dumps(marker) + "\n")
    print_sizes(frames, f"Generated in {time.perf_counter() - start:.1f} s → {out}")


def _shift(
    frames: dict[str, pd.DataFrame], scenario: ScenarioName, seed: int
) -> dict[str, pd.DataFrame]:
    """The frames shifted by ``scenario``, saying what it is and which columns it changed."""
    from training.synth.scenarios import SCENARIOS, apply_scenario, changes

    shifted = apply_scenario(frames, scenario.value, seed)
    console.print(f"Scenario {scenario.value}: {SCENARIOS[scenario.value].summary_en}")
    found = changes(frames, shifted)
    for name, columns in found.items():
        listed = ", ".join(f"{column} ({share:.1%} of rows)" for column, share in columns.items())
        console.print(f"  {name}: {listed}")
    if not found:
        console.print("  no value changed")
    return shifted


@app.command()
def calibrate(
    sample: Annotated[
        Path, typer.Option(help="Directory of real Kaggle CSV rows.")
    ] = config.REAL_SAMPLE_DIR,
    out: Annotated[Path, typer.Option(help="Statistics file to write.")] = Path(
        "training/synth/reference_stats.json"
    ),
) -> None:
    """Fit the generator's statistics (never rows) on real data and save them."""
    from training.synth import calibrate as calibration

    if not (sample / "application_train.csv").is_file():
        fail(f"{sample} has no application_train.csv to calibrate on")
    path = calibration.save(calibration.calibrate(sample), out)
    console.print(f"Statistics written to {path}")


@app.command()
def validate(data: DataDir = config.DEFAULT_DATA_DIR) -> None:
    """Load and check every table of a directory against the schema."""
    frames = load(data)
    print_sizes(frames, f"{data} is valid")


@app.command()
def features(
    data: DataDir = config.DEFAULT_DATA_DIR,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Parquet file for the feature matrix (a new directory of Parquet parts, one "
            "per partition, for partitioned data)."
        ),
    ] = None,
    scheduler: Scheduler = None,
    workers: Workers = None,
) -> None:
    """Build the feature matrix of application_train (batch path) and report its cost.

    Partitioned data (from partition, or generate --partitions) is built on Dask.
    """
    import resource

    from scoring.features import build_batch
    from training.distributed.layout import is_partitioned

    if scheduler is not None or is_partitioned(data):
        features_partitioned(data, out, scheduler, workers)
        return
    frames = load(data)
    start = time.perf_counter()
    matrix = build_batch(frames)
    seconds = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.print(
        f"{matrix.values.shape[0]:,} clients × {matrix.values.shape[1]} features in "
        f"{seconds:.1f} s (process peak memory {peak_mib:,.0f} MiB)"
    )
    if out is not None:
        matrix.to_pandas().to_parquet(out)
        console.print(f"Written to {out}")


@app.command()
def realism(
    data: DataDir = config.DEFAULT_DATA_DIR,
    plot: Annotated[
        Path | None, typer.Option(help="PNG of real vs generated distributions.")
    ] = None,
) -> None:
    """Compare a directory's tables with the real-data statistics, column by column."""
    from training.synth import calibrate as calibration
    from training.synth.realism import compare_dataset

    frames, statistics = load(data), calibration.load()
    report = compare_dataset(frames, statistics)
    if plot is not None:
        from training.synth.plots import plot_realism

        console.print(f"Plot written to {plot_realism(frames, statistics, report, plot)}")
    report["abs_missing"] = report["missing_difference"].abs()
    summary = report.groupby("table").agg(
        columns=("column", "size"),
        median_distance=("distance", "median"),
        max_distance=("distance", "max"),
        max_missing_difference=("abs_missing", "max"),
    )
    table = RichTable("table", *summary.columns, title="Distance to the real data")
    for name, row in summary.iterrows():
        table.add_row(str(name), *(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row))
    Console().print(table)
    worst = report.nlargest(5, "distance")[["table", "column", "distance"]]
    Console().print("Largest distances:\n" + worst.to_string(index=False))


@app.command()
def signal(
    data: DataDir = config.DEFAULT_DATA_DIR,
    real_sample: Annotated[
        Path,
        typer.Option(
            help="Real application_train rows to rank (faithfulness check); skipped when absent."
        ),
    ] = config.REAL_SAMPLE_DIR,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds.")] = 5,
) -> None:
    """Quick-model AUC on DATA (all features vs application only) and on real applicants."""
    from scoring.schema import APPLICATION_TRAIN
    from training.data import load_table
    from training.synth.signal import faithfulness
    from training.synth.signal import signal as signal_report

    frames = load(data)
    with console.status("cross-validating a quick LightGBM"):
        report = signal_report(frames, folds)
    console.print(
        f"CV AUC on {data}: all features {report.auc_all_features:.3f}, "
        f"application only {report.auc_application_only:.3f}"
    )
    real_file = real_sample / "application_train.csv"
    if not real_file.is_file():
        console.print(f"No real sample at {real_file}: faithfulness check skipped")
        return
    result = faithfulness(frames, load_table(real_file, APPLICATION_TRAIN))
    console.print(
        f"AUC on {result.real_rows:,} real applicants (application features): trained on "
        f"generated {result.auc_trained_on_generated:.3f}, trained on real (CV) "
        f"{result.auc_trained_on_real_cv:.3f}"
    )
