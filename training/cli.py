"""Command line of the training side: calibrate, generate, validate, features, realism.

Each command is a thin wrapper: parse options, call the pure core, report. Errors a
user can cause (bad files, bad options) end with a readable message and exit code 2,
never a traceback.
"""

from __future__ import annotations

import json
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable

from training import config, logs
from training.validation import SchemaError

app = typer.Typer(
    help="Prêt à dépenser: Home Credit data, synthetic generator and feature pipeline.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)


class Format(StrEnum):
    """File formats the generator writes."""

    csv = "csv"
    parquet = "parquet"


DataDir = Annotated[
    Path, typer.Option("--data", help="Directory in the Kaggle layout (CSV or Parquet).")
]


@app.callback()
def main(
    log_level: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING or ERROR.")] = "INFO",
    log_json: Annotated[bool, typer.Option(help="Log JSON lines instead of text.")] = False,
) -> None:
    """Configure logging for every command."""
    logs.configure(log_level, log_json)


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
) -> None:
    """Write all seven synthetic tables plus application_test.csv, calibrated on real rows."""
    from training.data import DATASET_MARKER, write_dataset
    from training.synth import generate_dataset

    start = time.perf_counter()
    with console.status("generating") as status:
        frames = generate_dataset(
            clients, seed, progress=lambda step: status.update(f"generating: {step}")
        )
        status.update(f"writing {out}")
        write_dataset(frames, out, fmt.value)
        marker = {"source": "synthetic", "clients": clients, "seed": seed}
        (out / DATASET_MARKER).write_text(json.dumps(marker) + "\n")
    _print_sizes(frames, f"Generated in {time.perf_counter() - start:.1f} s → {out}")


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
        _fail(f"{sample} has no application_train.csv to calibrate on")
    path = calibration.save(calibration.calibrate(sample), out)
    console.print(f"Statistics written to {path}")


@app.command()
def validate(data: DataDir = config.DEFAULT_DATA_DIR) -> None:
    """Load and check every table of a directory against the schema."""
    frames = _load(data)
    _print_sizes(frames, f"{data} is valid")


@app.command()
def features(
    data: DataDir = config.DEFAULT_DATA_DIR,
    out: Annotated[Path | None, typer.Option(help="Parquet file for the feature matrix.")] = None,
) -> None:
    """Build the feature matrix of application_train (batch path) and report its cost."""
    import resource

    from training.features import build_batch

    frames = _load(data)
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

    frames, statistics = _load(data), calibration.load()
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
    from training.data import load_table
    from training.schema import APPLICATION_TRAIN
    from training.synth.signal import faithfulness
    from training.synth.signal import signal as signal_report

    frames = _load(data)
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


@app.command()
def train(
    data: DataDir = config.DEFAULT_DATA_DIR,
    name: Annotated[str, typer.Option(help="Model name in the BentoML store.")] = "credit_scoring",
    false_grant: Annotated[
        float, typer.Option(min=0, help="Cost of granting a loan that defaults.")
    ] = 10.0,
    false_refusal: Annotated[
        float, typer.Option(min=0, help="Cost of refusing a client who would repay.")
    ] = 1.0,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds.")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of splits and boosting.")] = 42,
    tune_minutes: Annotated[
        float, typer.Option(min=0, help="Optuna search budget before training (0: defaults).")
    ] = 0.0,
    stage: Annotated[str, typer.Option(help="Stage label of the entry.")] = "development",
    application_only: Annotated[
        bool, typer.Option(help="Use application_train only, ignoring history tables.")
    ] = False,
    models_dir: Annotated[
        Path, typer.Option(help="Where the model card is copied (the model is in the store).")
    ] = config.MODELS_DIR,
) -> None:
    """Train LightGBM, export ONNX + TreeSHAP, verify them and save one store entry."""
    from training.data import data_source
    from training.model.pipeline import TrainingConfig, save_model, train_model
    from training.model.threshold import CostMatrix

    frames = _load(data, ["application_train"] if application_only else None)
    params = {}
    if tune_minutes > 0:
        from training.model.tune import tune

        with console.status(f"tuning for {tune_minutes:g} min"):
            params = tune(frames, tune_minutes, seed)
        console.print(f"Tuned parameters: {params}")
    settings = TrainingConfig(
        name=name,
        costs=_costs(CostMatrix, false_grant, false_refusal),
        folds=folds,
        seed=seed,
        params=params,
        data_source=data_source(data),
        stage=stage,
        data_directory=str(data),
    )
    start = time.perf_counter()
    with console.status("training") as status:
        model = train_model(frames, settings, lambda s: status.update(f"training: {s}"))
        tag = save_model(model, name, models_dir)
    metrics = model.card["metrics"]
    console.print(
        f"Saved {tag} in {time.perf_counter() - start:.0f} s: ROC AUC out-of-fold "
        f"{metrics['oof']['roc_auc']:.3f}, holdout {metrics['holdout']['roc_auc']:.3f}; "
        f"threshold {model.card['threshold']['threshold']:.3f}; parity "
        f"{model.card['parity']['max_abs_diff']:.1e}; additivity "
        f"{model.card['additivity']['max_abs_error']:.1e}. Card: {models_dir}"
    )


@app.command()
def score(
    input_file: Annotated[
        Path,
        typer.Option(
            "--input", help="Applications CSV/Parquet (Kaggle layout); history tables beside it."
        ),
    ],
    output: Annotated[Path, typer.Option(help="CSV of SK_ID_CURR, probability, decision.")],
    model: Annotated[
        str | None, typer.Option(help="Model tag (default: latest credit_scoring).")
    ] = None,
) -> None:
    """Score a file of applications with the stored ONNX model (same path as the API)."""
    from training.data import load_dataset, load_table
    from training.model.scorer import CreditModel, ModelLoadError
    from training.schema import APPLICATION_TEST, HISTORY_NAMES

    try:
        scorer = CreditModel.from_store(model)
        frames = load_dataset(input_file.parent, HISTORY_NAMES)
        frames["application_test"] = load_table(input_file, APPLICATION_TEST)
    except (ModelLoadError, SchemaError, FileNotFoundError) as error:
        _fail(str(error))
    scores = scorer.score_tables(frames, "application_test")
    output.parent.mkdir(parents=True, exist_ok=True)
    scores.to_csv(output, index=False)
    refused = (scores["decision"] == "refused").mean()
    console.print(
        f"Scored {len(scores):,} applications with {scorer.tag} → {output} "
        f"({refused:.1%} refused at threshold {scorer.threshold:.3f})"
    )


def _costs(cost_matrix, false_grant: float, false_refusal: float):
    try:
        return cost_matrix(false_grant, false_refusal)
    except ValueError as error:
        _fail(str(error))
        raise


def _load(data: Path, tables: list[str] | None = None) -> dict:
    from training.data import load_dataset

    try:
        return load_dataset(data, tables)
    except (SchemaError, FileNotFoundError, ValueError) as error:
        _fail(str(error))
        raise  # unreachable: _fail exits


def _print_sizes(frames: dict, title: str) -> None:
    table = RichTable("table", "rows", "columns", title=title)
    for name, frame in frames.items():
        table.add_row(name, f"{len(frame):,}", str(frame.shape[1]))
    Console().print(table)


def _fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(2)


# The service-side commands live in their own module; importing it registers them on `app`.
from training import cli_service  # noqa: E402, F401
