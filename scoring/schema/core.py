"""Declarative description of the Home Credit tables.

Every other part of the product (loader, validation, synthetic generator, feature
pipeline, API input models, dashboard labels) derives from these objects, so a column
is described exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

ColumnKind = Literal["key", "target", "int", "float", "category"]
Unit = Literal[
    "id", "days", "months", "years", "hours", "currency", "ratio", "score", "count", "flag"
]


@dataclass(frozen=True)
class Column:
    """One column of a table, with what a valid value looks like.

    ``minimum``/``maximum`` bound plausible values (absurd ones are rejected), not the
    observed range. ``special`` lists sentinel values the source data uses on purpose
    (``DAYS_EMPLOYED = 365243`` for pensioners) that are allowed outside the range.
    """

    name: str
    kind: ColumnKind
    label_en: str
    label_fr: str
    unit: Unit | None = None
    levels: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = True
    required: bool = False
    special: tuple[float, ...] = ()

    @property
    def is_categorical(self) -> bool:
        return self.kind == "category"

    @property
    def is_numeric(self) -> bool:
        return self.kind in ("int", "float", "target")

    @cached_property
    def level_code(self) -> dict[str, int]:
        """Stable integer code of each level: the position in ``levels`` (built once: the
        online path reads it for every categorical field of every request)."""
        return {level: code for code, level in enumerate(self.levels)}


@dataclass(frozen=True)
class ForeignKey:
    """``column`` of this table refers to ``parent_column`` of ``parent``."""

    column: str
    parent: str
    parent_column: str


@dataclass(frozen=True)
class Table:
    """A Kaggle file (``name`` is the file stem) and its columns.

    ``primary_key`` lists the columns whose combination is unique per row.
    """

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    required: bool = False
    description: str = ""
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})
        duplicated = len(self._by_name) != len(self.columns)
        if duplicated:
            raise ValueError(f"table {self.name!r} declares a column twice")

    def __getitem__(self, name: str) -> Column:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def categorical(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.is_categorical)

    @property
    def numeric(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.is_numeric)
