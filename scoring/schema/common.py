"""Column factories and vocabularies shared by the table modules.

Most columns fall into a handful of shapes (0/1 flag, amount, days before the
application, categorical), so each shape is written once here and the table modules
stay one line per column.
"""

from __future__ import annotations

from scoring.schema.core import Column, Unit

MAX_AMOUNT = 1e9
PAST_DAYS = -36500.0  # 100 years before the application
SENTINEL_DAYS = 365243.0  # "no date" in Home Credit day columns (about 1000 years ahead)
# Day columns count days from the application; these turn them into years and months.
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
MAX_DPD = 36500.0  # days past due, 100 years

NO_YES: tuple[str, ...] = ("N", "Y")
WEEKDAYS: tuple[str, ...] = (
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
    "SUNDAY",
)
SUITES: tuple[str, ...] = (
    "Children",
    "Family",
    "Group of people",
    "Other_A",
    "Other_B",
    "Spouse, partner",
    "Unaccompanied",
)


def key(name: str, en: str, fr: str) -> Column:
    """An identifier: never missing, always required."""
    return Column(name, "key", en, fr, "id", minimum=0, nullable=False, required=True)


def category(
    name: str, en: str, fr: str, levels: tuple[str, ...], *, required: bool = False
) -> Column:
    return Column(name, "category", en, fr, levels=levels, nullable=not required, required=required)


def flag(name: str, en: str, fr: str) -> Column:
    """A 0/1 integer flag."""
    return Column(name, "int", en, fr, "flag", minimum=0, maximum=1)


def integer(
    name: str,
    en: str,
    fr: str,
    unit: Unit | None,
    minimum: float,
    maximum: float,
    *,
    special: tuple[float, ...] = (),
    required: bool = False,
) -> Column:
    return Column(
        name,
        "int",
        en,
        fr,
        unit,
        minimum=minimum,
        maximum=maximum,
        nullable=not required,
        required=required,
        special=special,
    )


def real(name: str, en: str, fr: str, unit: Unit, minimum: float, maximum: float) -> Column:
    return Column(name, "float", en, fr, unit, minimum=minimum, maximum=maximum)


def amount(
    name: str,
    en: str,
    fr: str,
    *,
    minimum: float = 0.0,
    maximum: float = MAX_AMOUNT,
    required: bool = False,
) -> Column:
    """A money amount (non-negative unless ``minimum`` says otherwise)."""
    return Column(
        name,
        "float",
        en,
        fr,
        "currency",
        minimum=minimum,
        maximum=maximum,
        nullable=not required,
        required=required,
    )


def days(
    name: str,
    en: str,
    fr: str,
    *,
    minimum: float = PAST_DAYS,
    maximum: float = 0.0,
    special: tuple[float, ...] = (),
    required: bool = False,
) -> Column:
    """A date as days relative to the application; the label says so."""
    if maximum > 0:
        en, fr = f"{en} (days from application)", f"{fr} (jours par rapport à la demande)"
    else:
        en, fr = f"{en} (days before application)", f"{fr} (jours avant la demande)"
    return integer(name, en, fr, "days", minimum, maximum, special=special, required=required)


def months(name: str, *, required: bool = True) -> Column:
    """``MONTHS_BALANCE``: month of a monthly snapshot, relative to the application."""
    return integer(
        name,
        "Month (relative to application)",
        "Mois (par rapport à la demande)",
        "months",
        -120,
        0,
        required=required,
    )


def dpd(name: str, en: str, fr: str) -> Column:
    """A number of days past due: a duration, hence unit "count" and not "days"."""
    return integer(name, en, fr, "count", 0, MAX_DPD)
