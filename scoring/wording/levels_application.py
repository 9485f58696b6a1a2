"""Level names of the application's categorical columns (train and test share them).

Each name is read after the column's label ("Occupation: accountant", "Profession :
comptable"); see :mod:`scoring.wording.levels` for the conventions.
"""

from __future__ import annotations

from scoring.wording.levels_common import (
    ACCOMPANIED_BY,
    CONTRACT_TYPE,
    NOT_STATED,
    WEEKDAYS,
    YES_NO,
    YES_NO_WORDS,
    LevelNames,
)

GENDER: LevelNames = {
    "F": ("woman", "femme"),
    "M": ("man", "homme"),
    "XNA": NOT_STATED,
}

# The categories a French lender's form offers: "salarié(e)", "fonctionnaire", "retraité(e)".
INCOME_TYPE: LevelNames = {
    "Businessman": ("business owner", "chef d'entreprise"),
    "Commercial associate": ("business associate", "associé(e) d'entreprise"),
    "Maternity leave": ("on maternity leave", "en congé maternité"),
    "Pensioner": ("retired", "retraité(e)"),
    "State servant": ("civil servant", "fonctionnaire"),
    "Student": ("student", "étudiant(e)"),
    "Unemployed": ("unemployed", "sans emploi"),
    "Working": ("employee", "salarié(e)"),
}

EDUCATION: LevelNames = {
    "Lower secondary": ("lower secondary education", "premier cycle du secondaire"),
    "Secondary / secondary special": ("secondary education", "études secondaires"),
    "Incomplete higher": ("unfinished higher education", "études supérieures inachevées"),
    "Higher education": ("higher education", "études supérieures"),
    # A degree beyond the master's (the source's "учёная степень"): a doctorate.
    "Academic degree": ("postgraduate degree", "diplôme de troisième cycle"),
}

FAMILY_STATUS: LevelNames = {
    # Living together without a legal bond: the French "union libre", not a civil
    # partnership, which is registered.
    "Civil marriage": ("cohabiting", "union libre"),
    "Married": ("married", "marié(e)"),
    "Separated": ("separated", "séparé(e)"),
    "Single / not married": ("single", "célibataire"),
    "Unknown": NOT_STATED,
    "Widow": ("widowed", "veuf ou veuve"),
}

HOUSING: LevelNames = {
    "Co-op apartment": ("co-operative flat", "logement en coopérative"),
    "House / apartment": ("house or flat", "maison ou appartement"),
    "Municipal apartment": ("council flat", "logement social"),
    "Office apartment": ("employer-provided housing", "logement de fonction"),
    "Rented apartment": ("rented flat", "appartement loué"),
    "With parents": ("with parents", "chez ses parents"),
}

# Gender-neutral French where it exists ("comptable", "personnel de vente"); the staff
# groups of the source stay groups rather than becoming gendered job titles.
OCCUPATION: LevelNames = {
    "Accountants": ("accountant", "comptable"),
    "Cleaning staff": ("cleaning staff", "personnel d'entretien"),
    "Cooking staff": ("kitchen staff", "personnel de cuisine"),
    "Core staff": ("core business staff", "personnel du cœur de métier"),
    "Drivers": ("driver", "conducteur ou conductrice"),
    "HR staff": ("human resources staff", "personnel des ressources humaines"),
    "High skill tech staff": (
        "highly skilled technical staff",
        "personnel technique très qualifié",
    ),
    # "IT" is how English names the trade; spelt out it reads stilted.
    "IT staff": ("IT staff", "personnel informatique"),
    "Laborers": ("manual worker", "personnel ouvrier"),
    "Low-skill Laborers": ("unskilled manual worker", "personnel ouvrier non qualifié"),
    "Managers": ("manager", "cadre"),
    "Medicine staff": ("medical staff", "personnel médical"),
    "Private service staff": ("household services staff", "personnel de services à la personne"),
    "Realty agents": ("estate agent", "professionnel(le) de l'immobilier"),
    "Sales staff": ("sales staff", "personnel de vente"),
    "Secretaries": ("secretary", "secrétaire"),
    "Security staff": ("security staff", "personnel de sécurité"),
    "Waiters/barmen staff": ("waiting and bar staff", "personnel de salle et de bar"),
}


def _numbered(raw: str, en: str, fr: str, count: int) -> LevelNames:
    """The source anonymised some sectors into numbered types: the number is all we know."""
    return {
        f"{raw}: type {n}": (f"{en} (type {n})", f"{fr} (type {n})") for n in range(1, count + 1)
    }


EMPLOYER_TYPE: LevelNames = {
    "Advertising": ("advertising", "publicité"),
    "Agriculture": ("farming", "agriculture"),
    "Bank": ("banking", "banque"),
    **{
        f"Business Entity Type {n}": (f"company (type {n})", f"entreprise (type {n})")
        for n in (1, 2, 3)
    },
    "Cleaning": ("cleaning services", "nettoyage"),
    "Construction": ("construction", "bâtiment et travaux publics"),
    "Culture": ("arts and culture", "arts et culture"),
    "Electricity": ("electricity", "électricité"),
    "Emergency": ("emergency services", "services d'urgence"),
    "Government": ("public administration", "administration publique"),
    "Hotel": ("hotels", "hôtellerie"),
    "Housing": ("housing and utilities", "logement et services collectifs"),
    **_numbered("Industry", "industry", "industrie", 13),
    "Insurance": ("insurance", "assurance"),
    "Kindergarten": ("nursery school", "école maternelle"),
    "Legal Services": ("legal services", "services juridiques"),
    "Medicine": ("healthcare", "santé"),
    "Military": ("armed forces", "forces armées"),
    "Mobile": ("mobile telephony", "téléphonie mobile"),
    "Other": ("other", "autre"),
    # The same word in both languages, and the one a French reader uses.
    "Police": ("police", "police"),
    "Postal": ("postal services", "services postaux"),
    "Realtor": ("estate agency", "agence immobilière"),
    "Religion": ("religious organisation", "organisation religieuse"),
    "Restaurant": ("restaurants", "restauration"),
    "School": ("schools", "enseignement scolaire"),
    "Security": ("private security", "sécurité privée"),
    "Security Ministries": ("state security services", "services de sécurité de l'État"),
    "Self-employed": ("self-employed", "à son compte"),
    "Services": ("services", "prestations de services"),
    "Telecom": ("telecommunications", "télécommunications"),
    **_numbered("Trade", "trade", "commerce", 7),
    **_numbered("Transport", "transport", "transports", 4),
    "University": ("university", "université"),
    # In the source data exactly the pensioners and the unemployed: nobody employs them.
    "XNA": ("no employer", "sans employeur"),
}

# How the building's fund for major repairs is held (a Russian housing scheme; the French
# "fonds de travaux" of a copropriété is its nearest match).
REPAIRS_FUND: LevelNames = {
    "not specified": NOT_STATED,
    "org spec account": ("owners' special account", "compte séparé de la copropriété"),
    "reg oper account": (
        "regional operator's pooled account",
        "compte commun de l'opérateur régional",
    ),
    "reg oper spec account": (
        "special account at the regional operator",
        "compte dédié chez l'opérateur régional",
    ),
}

HOUSE_TYPE: LevelNames = {
    "block of flats": ("block of flats", "immeuble collectif"),
    "specific housing": ("special-purpose housing", "logement spécifique"),
    "terraced house": ("terraced house", "maison mitoyenne"),
}

WALL_MATERIAL: LevelNames = {
    "Block": ("concrete blocks", "blocs de béton"),
    "Mixed": ("mixed materials", "matériaux mixtes"),
    "Monolithic": ("poured concrete", "béton coulé"),
    "Others": ("other", "autre"),
    "Panel": ("precast panels", "panneaux préfabriqués"),
    "Stone, brick": ("stone or brick", "pierre ou brique"),
    "Wooden": ("wood", "bois"),
}

APPLICATION: dict[str, LevelNames] = {
    "NAME_CONTRACT_TYPE": CONTRACT_TYPE,
    "CODE_GENDER": GENDER,
    "FLAG_OWN_CAR": YES_NO,
    "FLAG_OWN_REALTY": YES_NO,
    "NAME_TYPE_SUITE": ACCOMPANIED_BY,
    "NAME_INCOME_TYPE": INCOME_TYPE,
    "NAME_EDUCATION_TYPE": EDUCATION,
    "NAME_FAMILY_STATUS": FAMILY_STATUS,
    "NAME_HOUSING_TYPE": HOUSING,
    "OCCUPATION_TYPE": OCCUPATION,
    "WEEKDAY_APPR_PROCESS_START": WEEKDAYS,
    "ORGANIZATION_TYPE": EMPLOYER_TYPE,
    "FONDKAPREMONT_MODE": REPAIRS_FUND,
    "HOUSETYPE_MODE": HOUSE_TYPE,
    "WALLSMATERIAL_MODE": WALL_MATERIAL,
    "EMERGENCYSTATE_MODE": YES_NO_WORDS,
}
