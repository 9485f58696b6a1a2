"""What every command shares: the console, the data option, and failing with a sentence.

Errors a user can cause (bad files, bad options) end with a readable message and exit code 2,
never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table as RichTable

from training.validation import SchemaError

console = Console(stderr=True, soft_wrap=True)  # one line per message, for logs too

DataDir = Annotated[
    Path, typer.Option("--data", help="Directory in the Kaggle layout (CSV or Parquet).")
]


def fail(message: str) -> NoReturn:
    """Print ``message`` as an error and exit with status 2."""
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(2)


def load(data: Path, tables: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """The tables of ``data``, or a readable error naming the file, column and rows."""
    from training.data import load_dataset

    try:
        return load_dataset(data, tables)
    except (SchemaError, FileNotFoundError, ValueError) as error:
        fail(str(error))


def print_sizes(frames: dict[str, pd.DataFrame], title: str) -> None:
    """Rows and columns of each table, as a table."""
    table = RichTable("table", "rows", "columns", title=title)
    for name, frame in frames.items():
        table.add_row(name, f"{len(frame):,}", str(frame.shape[1]))
    Console().print(table)
