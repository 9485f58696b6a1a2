"""Human-readable English and French labels of the features, built from templates.

The dashboard and the explanations show these labels next to each feature, so every
feature name maps to a sentence that a credit advisor understands. Column wording comes
from the schema; this module only holds the wording of the aggregations and scopes, and of
the few columns the pipeline derives itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scoring.schema.core import Column, Unit


@dataclass(frozen=True)
class FeatureInfo:
    """One model input: its LightGBM-safe name, labels, unit and source table."""

    name: str
    label_en: str
    label_fr: str
    unit: Unit | None
    source: str


@dataclass(frozen=True)
class Text:
    """What a column (raw or derived) measures, before any aggregation."""

    en: str
    fr: str
    unit: Unit | None


@dataclass(frozen=True)
class Scope:
    """The rows a feature prefix summarises, and what one of those rows is called."""

    en: str
    fr: str
    rows_en: str
    rows_fr: str


SCOPES: dict[str, Scope] = {
    "BURO_": Scope("Credit bureau", "Bureau de crédit", "credits", "crédits"),
    "ACTIVE_": Scope(
        "Credit bureau, active credits", "Bureau de crédit, crédits actifs", "credits", "crédits"
    ),
    "CLOSED_": Scope(
        "Credit bureau, closed credits", "Bureau de crédit, crédits clos", "credits", "crédits"
    ),
    "PREV_": Scope("Previous applications", "Demandes précédentes", "applications", "demandes"),
    "APPROVED_": Scope(
        "Previous applications, approved",
        "Demandes précédentes acceptées",
        "applications",
        "demandes",
    ),
    "REFUSED_": Scope(
        "Previous applications, refused",
        "Demandes précédentes refusées",
        "applications",
        "demandes",
    ),
    "POS_": Scope(
        "POS and cash loans, monthly balances",
        "Prêts POS et espèces, soldes mensuels",
        "months",
        "mois",
    ),
    "INSTAL_": Scope("Past instalments", "Échéances passées", "instalments", "échéances"),
    "CC_": Scope(
        "Credit cards, monthly balances", "Cartes de crédit, soldes mensuels", "months", "mois"
    ),
}

AGGREGATION_TEXT: dict[str, tuple[str, str]] = {
    "min": ("minimum", "minimum"),
    "max": ("maximum", "maximum"),
    "mean": ("mean", "moyenne"),
    "sum": ("total", "total"),
    "var": ("variance", "variance"),
    "nunique": ("number of distinct values", "nombre de valeurs distinctes"),
    "size": ("number of records", "nombre d'enregistrements"),
}

# Columns computed by the pipeline rather than read from a table.
DERIVED: dict[str, Text] = {
    "DAYS_EMPLOYED_ANOM": Text(
        "No current job start date (pensioner or unemployed)",
        "Pas de date de début d'emploi (retraité ou sans emploi)",
        "flag",
    ),
    "DAYS_EMPLOYED_PERC": Text(
        "Time in current job / age", "Ancienneté dans l'emploi / âge", "ratio"
    ),
    "INCOME_CREDIT_PERC": Text("Income / credit amount", "Revenu / montant du crédit", "ratio"),
    "INCOME_PER_PERSON": Text(
        "Income per family member", "Revenu par membre de la famille", "currency"
    ),
    "ANNUITY_INCOME_PERC": Text("Annuity / income", "Annuité / revenu", "ratio"),
    "PAYMENT_RATE": Text(
        "Annuity / credit amount (repayment rate)",
        "Annuité / montant du crédit (taux de remboursement)",
        "ratio",
    ),
    "CREDIT_GOODS_RATIO": Text(
        "Credit amount / price of the goods", "Montant du crédit / prix du bien", "ratio"
    ),
    "MONTHS_BALANCE_MIN": Text(
        "Oldest monthly balance (months before application)",
        "Plus ancien solde mensuel (mois avant la demande)",
        "months",
    ),
    "MONTHS_BALANCE_MAX": Text(
        "Latest monthly balance (months before application)",
        "Plus récent solde mensuel (mois avant la demande)",
        "months",
    ),
    "MONTHS_BALANCE_SIZE": Text("Number of monthly balances", "Nombre de soldes mensuels", "count"),
    "APP_CREDIT_PERC": Text(
        "Amount requested / amount granted", "Montant demandé / montant accordé", "ratio"
    ),
    "PAYMENT_PERC": Text("Paid / instalment due", "Payé / échéance due", "ratio"),
    "PAYMENT_DIFF": Text(
        "Instalment due minus paid", "Échéance due moins montant payé", "currency"
    ),
    "DPD": Text("Days paid late", "Jours de retard de paiement", "count"),
    "DBD": Text("Days paid early", "Jours d'avance de paiement", "count"),
    "UTILISATION": Text(
        "Balance / credit limit (utilisation)", "Solde / plafond (utilisation)", "ratio"
    ),
}


def safe_name(text: str) -> str:
    """LightGBM-safe name part: runs of other characters become one underscore."""
    return re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_")


def column_text(column: Column) -> Text:
    """The schema's wording of a column."""
    return Text(column.label_en, column.label_fr, column.unit)


def share_text(column: Column, level: str, rows_en: str, rows_fr: str) -> Text:
    """A derived column holding the share of rows at one level (e.g. monthly statuses)."""
    return Text(
        f"Share of {rows_en} with {_inline(column.label_en)} = {level}",
        f"Part des {rows_fr} avec {_inline(column.label_fr)} = {level}",
        "ratio",
    )


def plain_info(name: str, text: Text, source: str) -> FeatureInfo:
    """A feature that is a column itself (application features)."""
    return FeatureInfo(name, text.en, text.fr, text.unit, source)


def level_info(name: str, column: Column, level: str, source: str) -> FeatureInfo:
    """A 0/1 indicator of one level of an application categorical."""
    return FeatureInfo(
        name, f"{column.label_en} = {level}", f"{column.label_fr} = {level}", "flag", source
    )


def aggregate_info(prefix: str, column: str, text: Text, agg: str, source: str) -> FeatureInfo:
    """E.g. "Previous applications: amount granted (mean)".

    A ``size`` counts rows whatever the column holds, so its label leaves the column out.
    """
    scope = SCOPES[prefix]
    agg_en, agg_fr = AGGREGATION_TEXT[agg]
    unit = "count" if agg in ("nunique", "size") else None if agg == "var" else text.unit
    name = f"{prefix}{column}_{agg.upper()}"
    if agg == "size":
        return FeatureInfo(name, f"{scope.en}: {agg_en}", f"{scope.fr} : {agg_fr}", unit, source)
    return FeatureInfo(
        name,
        f"{scope.en}: {_inline(text.en)} ({agg_en})",
        f"{scope.fr} : {_inline(text.fr)} ({agg_fr})",
        unit,
        source,
    )


def share_info(prefix: str, column: Column, level: str, source: str) -> FeatureInfo:
    """E.g. "Credit bureau: share of credits with credit status = Active"."""
    scope = SCOPES[prefix]
    text = share_text(column, level, scope.rows_en, scope.rows_fr)
    return FeatureInfo(
        f"{prefix}{column.name}_{safe_name(level)}_MEAN",
        f"{scope.en}: {_inline(text.en)}",
        f"{scope.fr} : {_inline(text.fr)}",
        "ratio",
        source,
    )


def count_info(prefix: str, source: str) -> FeatureInfo:
    """E.g. "Credit bureau: number of credits"."""
    scope = SCOPES[prefix]
    return FeatureInfo(
        f"{prefix}COUNT",
        f"{scope.en}: number of {scope.rows_en}",
        f"{scope.fr} : nombre {_of_fr(scope.rows_fr)}",
        "count",
        source,
    )


def _of_fr(noun: str) -> str:
    """French "de" with elision before a vowel: "d'échéances", "de crédits"."""
    return f"d'{noun}" if noun[0].lower() in "aeéèêiouy" else f"de {noun}"


def _inline(label: str) -> str:
    """Lower-case the first letter of a label placed mid-sentence, sparing acronyms."""
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label
