"""Every category level has a plain English and French name, and the name says what it means.

Guards :mod:`scoring.wording.levels`: nothing a client reads may fall back to a raw code
("XNA", "Cash X-Sell: high"), and a name must mean what the Kaggle level means.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from scoring.schema import TABLES
from scoring.wording import LANGUAGES
from scoring.wording.levels import WORDING, level_name

ROOT = Path(__file__).resolve().parents[3]
LEVELS = [
    (table.name, column.name, level)
    for table in TABLES.values()
    for column in table.categorical
    for level in column.levels
]
# Capitals a name may keep: proper nouns (English weekdays, the French "État"), "IT" (the
# trade's name) and A and B, the letters of two categories the source anonymised.
WEEKDAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
PROPER = {*WEEKDAYS, "État", "IT", "A", "B"}
# The same word in both languages, and the natural one in each.
SAME_IN_BOTH = {"police"}
# Loaded by the model or the service, not by anything the dashboard may read.
HEAVY = ("numpy", "pandas", "bentoml", "onnxruntime", "lightgbm", "sklearn")


def test_the_schema_has_the_categorical_levels_this_guards() -> None:
    """If the schema lost its levels, every test below would pass on nothing."""
    assert len(LEVELS) > 250
    assert len({(column, level) for _, column, level in LEVELS}) > 200


def _names(table: str, column: str, level: str) -> tuple[str, ...]:
    return tuple(level_name(column, level, language, table=table) for language in LANGUAGES)


@pytest.mark.parametrize(("table", "column", "level"), LEVELS)
def test_every_level_has_a_plain_name_in_both_languages(
    table: str, column: str, level: str
) -> None:
    en, fr = _names(table, column, level)
    for name in (en, fr):
        assert name and name == name.strip() and "  " not in name, (table, column, level)
        assert not re.search(r"XNA|XAP|_|/", name), f"{column} {level!r} reads {name!r}"
        capitals = [w for w in re.findall(r"[A-Za-zÀ-ÿ]+", name) if w[0].isupper()]
        assert set(capitals) <= PROPER, f"{column} {level!r} reads {name!r}: lowercase expected"
    assert en != fr or en in SAME_IN_BOTH, f"{column} {level!r}: French {fr!r} left in English"


@pytest.mark.parametrize(("table", "column", "level"), LEVELS)
def test_each_name_is_written_in_its_own_language(table: str, column: str, level: str) -> None:
    """Catches swapped pairs and half-translated phrases."""
    en, fr = _names(table, column, level)
    assert not re.search(r"\b(et|ou|de|du|des|avec|sans)\b|[éèêàçô]", en), (column, level, en)
    assert not re.search(r"\b(and|or|of|with|without|the)\b", fr), (column, level, fr)
    assert "'" not in fr or re.search(r"\b[dlj]'\w", fr), (column, level, fr)


def test_the_wording_names_only_columns_and_levels_the_schema_has() -> None:
    """A stale entry (a level renamed in the schema) would otherwise hide a missing name."""
    for table, columns in WORDING.items():
        assert set(columns) == {c.name for c in TABLES[table].categorical}, table
    assert set(WORDING) == {t.name for t in TABLES.values() if t.categorical}
    for table, columns in WORDING.items():
        for column, names in columns.items():
            sharing = [t for t, cs in WORDING.items() if cs.get(column) is names]
            known = {level for t in sharing for level in TABLES[t][column].levels}
            assert set(names) <= known, (table, column, set(names) - known)


@pytest.mark.parametrize(
    ("table", "column", "level", "en", "fr"),
    [
        ("application_train", "FLAG_OWN_CAR", "Y", "yes", "oui"),
        ("application_train", "FLAG_OWN_REALTY", "N", "no", "non"),
        ("application_train", "EMERGENCYSTATE_MODE", "Yes", "yes", "oui"),
        ("application_train", "CODE_GENDER", "F", "woman", "femme"),
        ("application_train", "CODE_GENDER", "M", "man", "homme"),
        ("application_train", "CODE_GENDER", "XNA", "not stated", "non renseigné"),
        ("application_train", "NAME_INCOME_TYPE", "Pensioner", "retired", "retraité"),
        ("application_train", "NAME_INCOME_TYPE", "Working", "employee", "salarié"),
        ("application_train", "NAME_INCOME_TYPE", "State servant", "civil servant", "fonction"),
        ("application_train", "NAME_INCOME_TYPE", "Unemployed", "unemployed", "sans emploi"),
        ("application_train", "NAME_FAMILY_STATUS", "Civil marriage", "cohabit", "union libre"),
        ("application_train", "NAME_FAMILY_STATUS", "Widow", "widow", "veuve"),
        ("application_train", "NAME_EDUCATION_TYPE", "Higher education", "higher", "supérieur"),
        ("application_train", "NAME_EDUCATION_TYPE", "Lower secondary", "secondary", "second"),
        ("application_train", "NAME_HOUSING_TYPE", "With parents", "parents", "parents"),
        ("application_train", "NAME_CONTRACT_TYPE", "Revolving loans", "revolving", "renouvelable"),
        ("application_train", "ORGANIZATION_TYPE", "XNA", "no employer", "sans employeur"),
        ("application_train", "ORGANIZATION_TYPE", "Industry: type 4", "type 4", "type 4"),
        ("application_train", "WEEKDAY_APPR_PROCESS_START", "MONDAY", "Monday", "lundi"),
        ("application_test", "NAME_TYPE_SUITE", "Unaccompanied", "no one", "aucun"),
        ("bureau", "CREDIT_ACTIVE", "Closed", "closed", "clôturé"),
        ("bureau", "CREDIT_TYPE", "Mortgage", "mortgage", "hypothécaire"),
        ("bureau_balance", "STATUS", "0", "nothing overdue", "aucun retard"),
        ("bureau_balance", "STATUS", "1", "1 to 30 days overdue", "1 à 30 jours de retard"),
        ("bureau_balance", "STATUS", "5", "over 120 days", "plus de 120 jours"),
        ("bureau_balance", "STATUS", "C", "closed", "clôturé"),
        ("bureau_balance", "STATUS", "X", "unknown", "inconnu"),
        ("previous_application", "NAME_CONTRACT_STATUS", "Approved", "approved", "acceptée"),
        ("previous_application", "NAME_CONTRACT_STATUS", "Refused", "refused", "refusée"),
        ("previous_application", "CODE_REJECT_REASON", "XAP", "not refused", "pas de refus"),
        ("previous_application", "NAME_CASH_LOAN_PURPOSE", "XAP", "not a cash loan", "hors"),
        ("previous_application", "NAME_CASH_LOAN_PURPOSE", "XNA", "not stated", "non renseigné"),
        ("previous_application", "PRODUCT_COMBINATION", "Cash X-Sell: high", "high", "élevé"),
        (
            "previous_application",
            "PRODUCT_COMBINATION",
            "Cash X-Sell: high",
            "cross-sold",
            "croisée",
        ),
        ("previous_application", "NAME_YIELD_GROUP", "low_action", "promotional", "promotionnel"),
        ("POS_CASH_balance", "NAME_CONTRACT_STATUS", "Approved", "approved", "accepté"),
        ("POS_CASH_balance", "NAME_CONTRACT_STATUS", "Active", "ongoing", "en cours"),
        ("credit_card_balance", "NAME_CONTRACT_STATUS", "Completed", "completed", "terminé"),
    ],
)
def test_names_say_what_the_level_means(
    table: str, column: str, level: str, en: str, fr: str
) -> None:
    assert en in level_name(column, level, "en", table=table)
    assert fr in level_name(column, level, "fr", table=table)


def test_zero_days_past_due_reads_as_no_delay_not_as_a_delay() -> None:
    """The bucket a good payer sits in must not read like the buckets of late payers."""
    assert "to" not in level_name("STATUS", "0", "en")
    assert "jours" not in level_name("STATUS", "0", "fr")


def test_a_column_shared_by_tables_needs_no_table_when_it_means_the_same() -> None:
    assert level_name("CODE_GENDER", "F", "fr") == "femme"
    assert level_name("NAME_CONTRACT_TYPE", "Cash loans", "fr") == "prêt personnel"
    assert level_name("NAME_TYPE_SUITE", "Children", "en", table="previous_application") == (
        level_name("NAME_TYPE_SUITE", "Children", "en", table="application_train")
    )


def test_a_column_meaning_different_things_per_table_asks_for_the_table() -> None:
    """An application is "acceptée", a contract "accepté": no silent pick of one."""
    with pytest.raises(KeyError, match=r"NAME_CONTRACT_STATUS.*Approved|Approved.*NAME_CONT"):
        level_name("NAME_CONTRACT_STATUS", "Approved", "fr")
    assert level_name("NAME_CONTRACT_STATUS", "Approved", "fr", table="POS_CASH_balance") != (
        level_name("NAME_CONTRACT_STATUS", "Approved", "fr", table="previous_application")
    )


@pytest.mark.parametrize(
    ("column", "level", "table"),
    [
        ("CODE_GENDER", "Q", None),
        ("NOT_A_COLUMN", "Working", None),
        ("AMT_CREDIT", "Working", None),  # a numeric column has no levels
        ("CODE_GENDER", "F", "bureau"),
        ("CODE_GENDER", "F", "no_such_table"),
        ("NAME_CONTRACT_STATUS", "Unused offer", "POS_CASH_balance"),
    ],
)
def test_an_unknown_column_or_level_raises_a_key_error_naming_both(
    column: str, level: str, table: str | None
) -> None:
    with pytest.raises(KeyError) as raised:
        level_name(column, level, "en", table=table)
    assert column in str(raised.value) and repr(level) in str(raised.value)


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="de"):
        level_name("CODE_GENDER", "F", "de")  # type: ignore[arg-type]


def test_importing_the_levels_loads_nothing_heavy() -> None:
    """The dashboard reads this module: it must stay model-free and quick to import.

    Checked in a fresh interpreter: the test session itself has them all loaded.
    """
    code = (
        "import sys, scoring.wording.levels; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"scoring.wording.levels loads {result.stdout.strip()}"
