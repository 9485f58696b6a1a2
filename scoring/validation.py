"""Check and type a table read from a file against the schema, reporting every problem.

Validation is pure (no IO) so the offline loader, the tests and the scoring service's file
upload (``POST /score_file``) share it. It collects all problems of a frame before raising,
so a user fixes a file in one pass instead of one error at a time. Row numbers in reports
are data rows counted from 1: row 1 is the first row below the CSV header (CSV line = row +
1). The service validates strictly: an unknown column is a problem rather than a warning,
and no value of the file is quoted back (an error body may be logged; values are personal
data).
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scoring.schema import TABLES
from scoring.schema.core import Column, Table

logger = logging.getLogger(__name__)

MAX_EXAMPLES = 5
MAX_LEVELS_SHOWN = 12
APPLICATION_NAMES = ("application_train", "application_test")
_BLANK_TEXT = ("", "nan", "-nan", "na", "n/a", "null", "none")


@dataclass(frozen=True)
class Problem:
    """One invalid aspect of a file; ``column`` is None for file-wide problems.

    ``kind`` names the rule broken (``below_minimum``, ``unknown_column``, ...), ``count``
    how many values broke it, ``example_rows`` the first of them.
    """

    file: str
    column: str | None
    message: str
    example_rows: tuple[int, ...] = ()
    kind: str = "invalid"
    count: int = 0

    def __str__(self) -> str:
        where = f"{self.file}: column {self.column}" if self.column else self.file
        return f"{where}: {self.message}"


class SchemaError(Exception):
    """Data does not match the schema; ``problems`` lists everything found, not just one."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        header = (
            f"{count} data problem{'s' if count != 1 else ''} found "
            "(row 1 = first data row below the header):"
        )
        return "\n".join([header, *(f"  {p}" for p in self.problems)])


def validate_frame(
    raw: pd.DataFrame, table: Table, source: str, *, strict: bool = False, copy: bool = True
) -> pd.DataFrame:
    """Return ``raw`` typed and ordered as ``table`` declares, or raise :class:`SchemaError`.

    ``strict`` (the service's uploads): an unknown column is a problem, not a warning, and
    messages quote no value of the file. ``copy=False`` lets the result share ``raw``'s
    columns, for a caller that drops ``raw`` (a file just read): copying every value was
    40 % of scoring a 1M-row CSV, and doubled its memory.
    """
    report = _Report(source, [], quote=not strict)
    extra = [name for name in raw.columns if name not in table]
    if extra and strict:
        for name in extra:
            report.problems.append(_unknown_column(str(name), table, source))
    elif extra:
        logger.warning("%s: ignoring %d unknown columns: %s", source, len(extra), ", ".join(extra))
    absent = [c for c in table.columns if c.name not in raw.columns]
    report.problems.extend(
        Problem(source, c.name, "required column is missing from the file", kind="missing_column")
        for c in absent
        if c.required
    )
    optional = [c.name for c in absent if not c.required]
    if optional:
        logger.info("%s: optional columns absent, left missing: %s", source, ", ".join(optional))
    typed: dict[str, pd.Categorical | np.ndarray] = {}
    for column in table.columns:
        if column.name not in raw.columns:
            typed[column.name] = _all_missing(column, len(raw))
        elif column.is_categorical:
            typed[column.name] = _check_category(raw[column.name], column, report)
        else:
            typed[column.name] = _check_number(raw[column.name], column, report)
    if not {p.column for p in report.problems} & set(table.primary_key):  # keys are clean
        report.problems.extend(_duplicate_keys(typed, table, report))
    if report.problems:
        raise SchemaError(report.problems)
    return pd.DataFrame(typed, columns=list(table.names), copy=copy)


@dataclass
class _Report:
    """The problems found in one file so far, and whether messages may quote its values."""

    source: str
    problems: list[Problem]
    quote: bool = True

    def add(
        self,
        column: Column,
        mask: np.ndarray,
        values: pd.Series | np.ndarray | None,
        what: str,
        kind: str,
        note: str = "",
    ) -> None:
        """A problem for the rows in ``mask``, if any, with a few example rows (and values)."""
        rows = np.flatnonzero(mask)
        if not len(rows):
            return
        first = rows[:MAX_EXAMPLES]
        shown: Any = None
        if values is not None and self.quote:
            shown = (
                values.iloc[first].to_numpy() if isinstance(values, pd.Series) else values[first]
            )
        message = f"{_count(len(rows), 'value')} {what} {_describe(rows, shown)}{note}"
        self.problems.append(
            Problem(self.source, column.name, message, _rows(rows), kind, len(rows))
        )


def _unknown_column(name: str, table: Table, source: str) -> Problem:
    """A column the table does not have, with the closest names it has."""
    close = closest(name, list(table.names))
    hint = f"did you mean {' or '.join(close)}?" if close else "the schema does not know it"
    return Problem(source, name, f"unknown column: {hint}", kind="unknown_column")


def closest(name: str, names: list[str]) -> list[str]:
    """The standard library's "did you mean" (difflib), keeping only the names about as close
    as the best: AMT_CREDITT is AMT_CREDIT, not also AMT_REQ_CREDIT_BUREAU_QRT."""
    close = difflib.get_close_matches(name, names, n=3)
    ratios = [difflib.SequenceMatcher(None, name, other).ratio() for other in close]
    return [other for other, ratio in zip(close, ratios, strict=True) if ratio >= ratios[0] - 0.1]


def check_references(frames: Mapping[str, pd.DataFrame]) -> list[str]:
    """Describe rows whose foreign key has no parent row; orphans are warnings, not errors.

    Client ids (``SK_ID_CURR``) are looked up in train and test applications together,
    since the Kaggle history tables cover the clients of both files.
    """
    warnings: list[str] = []
    for name, frame in frames.items():
        if name not in TABLES:
            continue
        for fk in TABLES[name].foreign_keys:
            parent, parents = _parents(frames, fk.parent, fk.parent_column)
            if parents is None or fk.column not in frame.columns:
                continue
            values = frame[fk.column]
            orphan = np.flatnonzero(~values.isin(parents).to_numpy() & values.notna().to_numpy())
            if len(orphan):
                shown = values.to_numpy()[orphan[:MAX_EXAMPLES]]
                warnings.append(
                    f"{name}: {_count(len(orphan), 'row')} whose {fk.column} is not in "
                    f"{parent} {_describe(orphan, shown)}"
                )
    return warnings


def _parents(
    frames: Mapping[str, pd.DataFrame], parent: str, column: str
) -> tuple[str, pd.Index | None]:
    """Name and ids of the parent rows present; both application files count as one."""
    names = APPLICATION_NAMES if parent in APPLICATION_NAMES else (parent,)
    present = [n for n in names if n in frames and column in frames[n].columns]
    if not present:
        return parent, None
    ids = pd.concat([frames[n][column] for n in present], ignore_index=True).unique()
    return " or ".join(present), pd.Index(ids)


def _all_missing(column: Column, length: int) -> pd.Categorical | np.ndarray:
    if column.is_categorical:
        return pd.Categorical.from_codes(np.full(length, -1), categories=list(column.levels))
    return np.full(length, np.nan)


def _check_category(series: pd.Series, column: Column, report: _Report) -> pd.Categorical:
    """Recode to exactly the schema levels; working on categories keeps 13M rows cheap."""
    if not isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype("category")
    unknown = [c for c in series.cat.categories if c not in column.levels and c != ""]
    is_unknown = series.isin(unknown).to_numpy() if unknown else np.zeros(len(series), bool)
    levels = _truncated(column.levels, MAX_LEVELS_SHOWN)
    found = f" ({_truncated(unknown, MAX_LEVELS_SHOWN)})" if report.quote else ""
    report.add(
        column,
        is_unknown,
        series,
        f"not among the expected levels{found}",
        "unknown_level",
        f"; expected one of {levels}",
    )
    recoded = series.cat.set_categories(list(column.levels)).array
    if not column.nullable:
        missing = (recoded.codes == -1) & ~is_unknown
        report.add(column, missing, None, "missing (not allowed)", "missing_value")
    return recoded


def _check_number(series: pd.Series, column: Column, report: _Report) -> np.ndarray:
    values, text = _as_float(series)
    report.add(column, text, series, "not numeric", "not_numeric")
    missing = np.isnan(values) & ~text
    finite = np.isfinite(values)
    if not column.nullable:
        report.add(column, missing, None, "missing (not allowed)", "missing_value")
    report.add(column, np.isinf(values), values, "not finite", "not_finite")
    if column.kind == "target":
        other = finite & ~np.isin(values, (0, 1))
        report.add(column, other, values, "other than 0 and 1", "not_binary")
        return values if missing.any() else values.astype(np.int8)
    checked = finite & ~np.isin(values, column.special) if column.special else finite
    if column.kind in ("key", "int"):
        fraction = checked & (values != np.trunc(values))
        report.add(column, fraction, values, "with a fractional part", "fraction")
    if column.minimum is not None:
        below = checked & (values < column.minimum)
        report.add(column, below, values, f"below the minimum {column.minimum:g}", "below_minimum")
    if column.maximum is not None:
        above = checked & (values > column.maximum)
        report.add(column, above, values, f"above the maximum {column.maximum:g}", "above_maximum")
    if column.kind == "key" and not missing.any():
        return values.astype(np.int64)
    return values


def _as_float(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Float values of a column (NaN where missing) and where it holds non-numeric text."""
    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        return values, np.zeros(len(values), bool)
    if isinstance(series.dtype, pd.ArrowDtype):  # text read from a file: try the fast cast
        try:
            values = pc.cast(pa.array(series.array), pa.float64()).to_numpy(zero_copy_only=False)
            return values, np.zeros(len(values), bool)
        except pa.ArrowInvalid:
            pass  # some text is not a number: find which below
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    suspects = np.flatnonzero(np.isnan(values) & series.notna().to_numpy())
    text = series.iloc[suspects].astype(str).str.strip().str.lower()
    bad = np.zeros(len(series), bool)
    bad[suspects[~text.isin(_BLANK_TEXT).to_numpy()]] = True
    return values, bad


def _duplicate_keys(typed: Mapping[str, object], table: Table, report: _Report) -> list[Problem]:
    if not table.primary_key:
        return []
    keys = pd.DataFrame({name: typed[name] for name in table.primary_key})
    combined = _combined_key(keys)
    if combined is None:
        rows = np.flatnonzero(keys.duplicated(keep=False).to_numpy())
    else:
        ordered = np.sort(combined)
        if not (ordered[1:] == ordered[:-1]).any():
            return []
        rows = np.flatnonzero(pd.Series(combined).duplicated(keep=False).to_numpy())
    if not len(rows):
        return []
    shown = keys.iloc[rows[:MAX_EXAMPLES]].itertuples(index=False, name=None)
    values = [v[0] if len(v) == 1 else v for v in shown] if report.quote else None
    message = (
        f"{_count(len(rows), 'row')} share their primary key ({', '.join(table.primary_key)}) "
        f"with another row {_describe(rows, values)}"
    )
    return [Problem(report.source, None, message, _rows(rows), "duplicate_key", len(rows))]


def _combined_key(keys: pd.DataFrame) -> np.ndarray | None:
    """Whole-number key columns packed into one int64 (sorting it beats hashing rows), or None."""
    combined = np.zeros(len(keys), np.int64)
    if not len(keys):
        return combined
    for _, column in keys.items():
        values = column.to_numpy()
        if not pd.api.types.is_numeric_dtype(values) or not np.isfinite(values).all():
            return None
        low = values.min()
        span = int(values.max() - low) + 1
        if span * (int(combined.max()) + 1) >= 2**62:
            return None
        combined = combined * span + (values - low).astype(np.int64)
    return combined


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _rows(positions: np.ndarray) -> tuple[int, ...]:
    return tuple(int(p) + 1 for p in positions[:MAX_EXAMPLES])


def _describe(positions: np.ndarray, shown: Sequence[object] | None) -> str:
    """``(e.g. rows 12, 40: -5.0, -1.0)`` for the first few ``positions`` and their values."""
    rows = ", ".join(str(r) for r in _rows(positions))
    label = "row" if len(positions) == 1 else "rows"
    if shown is None:
        return f"(e.g. {label} {rows})"
    items = [v.item() if isinstance(v, np.generic) else v for v in shown]
    return f"(e.g. {label} {rows}: {', '.join(repr(v) for v in items)})"


def _truncated(items: Sequence[object], limit: int) -> str:
    shown = ", ".join(repr(i) for i in items[:limit])
    return shown + (f", ... ({len(items) - limit} more)" if len(items) > limit else "")
