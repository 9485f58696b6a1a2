"""Names of category levels as a client or an advisor reads them, in English and French.

The source data's levels are codes ("XNA", "Cash X-Sell: high", "Working"); nobody should
read them on a screen or in a letter. This module names every level of every categorical
column of :data:`scoring.schema.TABLES`, and refuses to guess for a level it does not know.

Conventions, the same in both languages:

- A name completes the column's label ("Income type: retired", "Type de revenu :
  retraité(e)"): a short phrase, lowercase. Only proper nouns (English weekdays, "l'État")
  and the acronym "IT" keep capitals; a caller starting a sentence capitalises the first
  letter.
- French describing the client gives both genders, "(e)" when the feminine adds letters
  ("salarié(e)"), both words otherwise ("veuf ou veuve"); a neutral word is preferred
  when one exists ("fonctionnaire", "personnel de vente"). French describing a record
  agrees with the noun of its label ("demande acceptée", "contrat annulé").
- "XNA" (not available) is "not stated" unless the column gives it a meaning
  (no employer); "XAP" (not applicable) says why nothing applies ("not refused").
- British English spelling ("cancelled", "jewellery"), as in the rest of the product.

A level means the same in every table holding its column, except ``NAME_CONTRACT_STATUS``:
the outcome of a previous application, but the status of a running contract in the
monthly balances. For it the table must be given.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from scoring.wording import LANGUAGES, Language
from scoring.wording.levels_application import APPLICATION
from scoring.wording.levels_common import LevelNames, Names
from scoring.wording.levels_history import (
    BUREAU_CREDIT_STATUS,
    BUREAU_CREDIT_TYPE,
    CONTRACT_STATUS,
    CURRENCY,
    MONTHLY_STATUS,
    PREVIOUS_APPLICATION,
)

# Table -> column -> level -> (English, French): every categorical column of the schema.
WORDING: Mapping[str, Mapping[str, LevelNames]] = {
    "application_train": APPLICATION,
    "application_test": APPLICATION,
    "bureau": {
        "CREDIT_ACTIVE": BUREAU_CREDIT_STATUS,
        "CREDIT_CURRENCY": CURRENCY,
        "CREDIT_TYPE": BUREAU_CREDIT_TYPE,
    },
    "bureau_balance": {"STATUS": MONTHLY_STATUS},
    "previous_application": PREVIOUS_APPLICATION,
    "POS_CASH_balance": {"NAME_CONTRACT_STATUS": CONTRACT_STATUS},
    "credit_card_balance": {"NAME_CONTRACT_STATUS": CONTRACT_STATUS},
}


@cache  # pure, and asked for on every explanation
def level_name(column: str, level: str, language: Language, *, table: str | None = None) -> str:
    """The name of ``level`` of ``column`` in ``language``, never the raw code.

    ``table`` is needed only for a column whose levels mean different things in different
    tables (``NAME_CONTRACT_STATUS``); elsewhere it may be left out. Raises ``KeyError``
    naming the column and the level when there is no name: showing the code instead
    would put "XNA" in front of a client.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    names = _column_names(column, level, table).get(level)
    if names is None:
        raise KeyError(f"no name for level {level!r} of column {column!r}")
    return names[LANGUAGES.index(language)]


def _column_names(column: str, level: str, table: str | None) -> Mapping[str, Names]:
    """The level names of ``column``, in ``table`` or in the one wording all tables share."""
    if table is not None:
        if table not in WORDING:
            raise KeyError(f"no names for level {level!r} of column {column!r}: no table {table!r}")
        candidates = [WORDING[table].get(column)]
    else:
        candidates = [columns[column] for columns in WORDING.values() if column in columns]
    distinct = {id(c): c for c in candidates if c is not None}
    if not distinct:
        where = f" in table {table!r}" if table else ""
        raise KeyError(
            f"no names for level {level!r} of column {column!r}: no categorical column "
            f"{column!r}{where}"
        )
    if len(distinct) > 1:
        tables = ", ".join(t for t, columns in WORDING.items() if column in columns)
        raise KeyError(
            f"no single name for level {level!r} of column {column!r}: its levels mean "
            f"different things in {tables}; pass table="
        )
    return next(iter(distinct.values()))
