"""The 47 building-information columns of the application tables.

They describe the building the client lives in, as normalized statistics (average, mode,
median) of 14 measures plus five ``*_MODE`` extras. They follow one pattern, so they are
generated here instead of being written out 47 times in :mod:`scoring.schema.application`.
"""

from __future__ import annotations

from scoring.schema.common import category, real
from scoring.schema.core import Column

# (column stem, English label, French label), in Kaggle file order.
_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("APARTMENTS", "apartment size", "taille des appartements"),
    ("BASEMENTAREA", "basement area", "surface du sous-sol"),
    ("YEARS_BEGINEXPLUATATION", "years in use", "ancienneté d'exploitation"),
    ("YEARS_BUILD", "age", "âge"),
    ("COMMONAREA", "common area", "parties communes"),
    ("ELEVATORS", "elevators", "ascenseurs"),
    ("ENTRANCES", "entrances", "entrées"),
    ("FLOORSMAX", "highest floor", "étage le plus haut"),
    ("FLOORSMIN", "lowest floor", "étage le plus bas"),
    ("LANDAREA", "land area", "surface du terrain"),
    ("LIVINGAPARTMENTS", "living apartments", "logements habités"),
    ("LIVINGAREA", "living area", "surface habitable"),
    ("NONLIVINGAPARTMENTS", "non-living apartments", "logements non habités"),
    ("NONLIVINGAREA", "non-living area", "surface non habitable"),
)
_STATISTICS: tuple[tuple[str, str, str], ...] = (
    ("AVG", "average", "moyenne"),
    ("MODE", "mode", "mode"),
    ("MEDI", "median", "médiane"),
)


def _normalized(name: str, en: str, fr: str) -> Column:
    return real(name, en, fr, "ratio", 0.0, 1.0)


def _building(name: str, en: str, fr: str, levels: tuple[str, ...]) -> Column:
    return category(name, f"Building: {en}", f"Immeuble : {fr}", levels)


BUILDING_COLUMNS: tuple[Column, ...] = (
    *(
        _normalized(f"{stem}_{stat}", f"Building: {en} ({stat_en})", f"Immeuble : {fr} ({stat_fr})")
        for stat, stat_en, stat_fr in _STATISTICS
        for stem, en, fr in _MEASURES
    ),
    _building(
        "FONDKAPREMONT_MODE",
        "capital repairs fund",
        "fonds de gros travaux",
        ("not specified", "org spec account", "reg oper account", "reg oper spec account"),
    ),
    _building(
        "HOUSETYPE_MODE",
        "house type",
        "type de bâtiment",
        ("block of flats", "specific housing", "terraced house"),
    ),
    _normalized(
        "TOTALAREA_MODE", "Building: total area (mode)", "Immeuble : surface totale (mode)"
    ),
    _building(
        "WALLSMATERIAL_MODE",
        "wall material",
        "matériau des murs",
        ("Block", "Mixed", "Monolithic", "Others", "Panel", "Stone, brick", "Wooden"),
    ),
    _building("EMERGENCYSTATE_MODE", "emergency state", "état d'urgence", ("No", "Yes")),
)
