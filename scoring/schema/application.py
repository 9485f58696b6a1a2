"""Schema of ``application_train`` / ``application_test``: one row per credit application.

Both files share the same 121 columns (the train file adds ``TARGET``), so the column
tuple is built once. Regular families (documents, credit bureau enquiries, social circle,
address mismatches, building information) are generated rather than written out.
Bounds are plausible limits that accept every value of the full Kaggle data.
"""

from __future__ import annotations

from scoring.schema.building import BUILDING_COLUMNS
from scoring.schema.common import (
    NO_YES,
    SENTINEL_DAYS,
    SUITES,
    WEEKDAYS,
    amount,
    category,
    days,
    flag,
    integer,
    key,
    real,
)
from scoring.schema.core import Column, Table

INCOME_TYPES: tuple[str, ...] = (
    "Businessman",
    "Commercial associate",
    "Maternity leave",
    "Pensioner",
    "State servant",
    "Student",
    "Unemployed",
    "Working",
)
EDUCATION_TYPES: tuple[str, ...] = (  # lowest to highest
    "Lower secondary",
    "Secondary / secondary special",
    "Incomplete higher",
    "Higher education",
    "Academic degree",
)
FAMILY_STATUSES: tuple[str, ...] = (
    "Civil marriage",
    "Married",
    "Separated",
    "Single / not married",
    "Unknown",
    "Widow",
)
HOUSING_TYPES: tuple[str, ...] = (
    "Co-op apartment",
    "House / apartment",
    "Municipal apartment",
    "Office apartment",
    "Rented apartment",
    "With parents",
)
OCCUPATIONS: tuple[str, ...] = (
    "Accountants",
    "Cleaning staff",
    "Cooking staff",
    "Core staff",
    "Drivers",
    "HR staff",
    "High skill tech staff",
    "IT staff",
    "Laborers",
    "Low-skill Laborers",
    "Managers",
    "Medicine staff",
    "Private service staff",
    "Realty agents",
    "Sales staff",
    "Secretaries",
    "Security staff",
    "Waiters/barmen staff",
)
ORGANIZATIONS: tuple[str, ...] = (
    "Advertising",
    "Agriculture",
    "Bank",
    *(f"Business Entity Type {i}" for i in range(1, 4)),
    "Cleaning",
    "Construction",
    "Culture",
    "Electricity",
    "Emergency",
    "Government",
    "Hotel",
    "Housing",
    *(f"Industry: type {i}" for i in range(1, 14)),
    "Insurance",
    "Kindergarten",
    "Legal Services",
    "Medicine",
    "Military",
    "Mobile",
    "Other",
    "Police",
    "Postal",
    "Realtor",
    "Religion",
    "Restaurant",
    "School",
    "Security",
    "Security Ministries",
    "Self-employed",
    "Services",
    "Telecom",
    *(f"Trade: type {i}" for i in range(1, 8)),
    *(f"Transport: type {i}" for i in range(1, 5)),
    "University",
    "XNA",
)

SK_ID_CURR = key("SK_ID_CURR", "Application ID", "Identifiant de la demande")
TARGET = Column(
    "TARGET",
    "target",
    "Payment difficulties",
    "Difficultés de paiement",
    "flag",
    minimum=0,
    maximum=1,
    nullable=False,
    required=True,
)


def _address_flags() -> tuple[Column, ...]:
    """``REG_REGION_NOT_LIVE_REGION`` ... ``LIVE_CITY_NOT_WORK_CITY``, in file order."""
    address = {"REG": ("permanent", "permanente"), "LIVE": ("contact", "de contact")}
    address["WORK"] = ("work", "professionnelle")
    columns = []
    for scope, scope_en, scope_fr in (
        ("REGION", "regions", "régions"),
        ("CITY", "cities", "villes"),
    ):
        for first, second in (("REG", "LIVE"), ("REG", "WORK"), ("LIVE", "WORK")):
            (a_en, a_fr), (b_en, b_fr) = address[first], address[second]
            en = f"{a_en.capitalize()} and {b_en} addresses in different {scope_en}"
            fr = f"Adresses {a_fr} et {b_fr} dans des {scope_fr} différentes"
            columns.append(flag(f"{first}_{scope}_NOT_{second}_{scope}", en, fr))
    return tuple(columns)


_SOCIAL_CIRCLE = tuple(
    integer(
        f"{kind}_{dpd}_CNT_SOCIAL_CIRCLE",
        f"Social circle: {en} at {dpd} days past due",
        f"Entourage : {fr} à {dpd} jours de retard",
        "count",
        0,
        1000,
    )
    for dpd in (30, 60)
    for kind, en, fr in (
        ("OBS", "contacts observed", "contacts observés"),
        ("DEF", "contacts defaulted", "contacts en défaut"),
    )
)
_DOCUMENTS = tuple(
    flag(f"FLAG_DOCUMENT_{i}", f"Document {i} provided", f"Document {i} fourni")
    for i in range(2, 22)
)
_BUREAU_ENQUIRIES = tuple(
    integer(
        f"AMT_REQ_CREDIT_BUREAU_{period}",
        f"Credit bureau enquiries, last {en}",
        f"Consultations du bureau de crédit, {fr}",
        "count",
        0,
        1000,
    )
    for period, en, fr in (
        ("HOUR", "hour", "dernière heure"),
        ("DAY", "day", "dernier jour"),
        ("WEEK", "week", "dernière semaine"),
        ("MON", "month", "dernier mois"),
        ("QRT", "quarter", "dernier trimestre"),
        ("YEAR", "year", "dernière année"),
    )
)

# Every column of application_test, in file order (application_train inserts TARGET).
FEATURE_COLUMNS: tuple[Column, ...] = (
    category(
        "NAME_CONTRACT_TYPE",
        "Contract type",
        "Type de contrat",
        ("Cash loans", "Revolving loans"),
        required=True,
    ),
    category("CODE_GENDER", "Gender", "Sexe", ("F", "M", "XNA"), required=True),
    category("FLAG_OWN_CAR", "Owns a car", "Possède une voiture", NO_YES),
    category("FLAG_OWN_REALTY", "Owns real estate", "Possède un bien immobilier", NO_YES),
    integer("CNT_CHILDREN", "Number of children", "Nombre d'enfants", "count", 0, 30),
    amount("AMT_INCOME_TOTAL", "Client income", "Revenu du client", required=True),
    amount("AMT_CREDIT", "Credit amount", "Montant du crédit", required=True),
    amount("AMT_ANNUITY", "Loan annuity", "Annuité du prêt"),
    amount("AMT_GOODS_PRICE", "Price of the goods", "Prix du bien financé"),
    category("NAME_TYPE_SUITE", "Accompanied by", "Accompagné par", SUITES),
    category("NAME_INCOME_TYPE", "Income type", "Type de revenu", INCOME_TYPES),
    category("NAME_EDUCATION_TYPE", "Education level", "Niveau d'études", EDUCATION_TYPES),
    category("NAME_FAMILY_STATUS", "Family status", "Situation familiale", FAMILY_STATUSES),
    category("NAME_HOUSING_TYPE", "Housing situation", "Type de logement", HOUSING_TYPES),
    real(
        "REGION_POPULATION_RELATIVE",
        "Population density of the region (normalized)",
        "Densité de population de la région (normalisée)",
        "ratio",
        0.0,
        1.0,
    ),
    days("DAYS_BIRTH", "Age", "Âge", maximum=-6570.0, required=True),  # at least 18 years
    days(
        "DAYS_EMPLOYED",
        "Current job start",
        "Début de l'emploi actuel",
        minimum=-25000.0,
        special=(SENTINEL_DAYS,),  # pensioners and unemployed
    ),
    days("DAYS_REGISTRATION", "Registration change", "Changement d'enregistrement"),
    days("DAYS_ID_PUBLISH", "Identity document change", "Changement de pièce d'identité"),
    integer("OWN_CAR_AGE", "Car age", "Âge de la voiture", "years", 0, 100),
    flag("FLAG_MOBIL", "Mobile phone provided", "Téléphone mobile fourni"),
    flag("FLAG_EMP_PHONE", "Employer phone provided", "Téléphone de l'employeur fourni"),
    flag("FLAG_WORK_PHONE", "Work phone provided", "Téléphone professionnel fourni"),
    flag("FLAG_CONT_MOBILE", "Mobile phone reachable", "Téléphone mobile joignable"),
    flag("FLAG_PHONE", "Home phone provided", "Téléphone fixe fourni"),
    flag("FLAG_EMAIL", "Email provided", "E-mail fourni"),
    category("OCCUPATION_TYPE", "Occupation", "Profession", OCCUPATIONS),
    integer("CNT_FAM_MEMBERS", "Family members", "Membres de la famille", "count", 1, 30),
    integer("REGION_RATING_CLIENT", "Region rating", "Note de la région", "score", 1, 3),
    integer(
        "REGION_RATING_CLIENT_W_CITY",
        "Region rating including city",
        "Note de la région, ville comprise",
        "score",
        1,
        3,
        special=(-1.0,),  # one anomalous row of application_test
    ),
    category("WEEKDAY_APPR_PROCESS_START", "Application weekday", "Jour de la demande", WEEKDAYS),
    integer("HOUR_APPR_PROCESS_START", "Application hour", "Heure de la demande", "hours", 0, 23),
    *_address_flags(),
    category("ORGANIZATION_TYPE", "Employer type", "Type d'employeur", ORGANIZATIONS),
    *(
        real(f"EXT_SOURCE_{i}", f"External score {i}", f"Score externe {i}", "score", 0.0, 1.0)
        for i in (1, 2, 3)
    ),
    *BUILDING_COLUMNS,
    *_SOCIAL_CIRCLE,
    days("DAYS_LAST_PHONE_CHANGE", "Phone change", "Changement de téléphone"),
    *_DOCUMENTS,
    *_BUREAU_ENQUIRIES,
)

APPLICATION_TRAIN = Table(
    name="application_train",
    columns=(SK_ID_CURR, TARGET, *FEATURE_COLUMNS),
    primary_key=("SK_ID_CURR",),
    required=True,
    description="One credit application of a client, with whether repayment went badly.",
)
APPLICATION_TEST = Table(
    name="application_test",
    columns=(SK_ID_CURR, *FEATURE_COLUMNS),
    primary_key=("SK_ID_CURR",),
    description="One credit application of a client to score, without the known outcome.",
)
