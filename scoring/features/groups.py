"""Explanation groups: the few human concepts the model's features fall into.

An advisor cannot read hundreds of aggregates, but can read "recent credit enquiries" or
"previous loans with us: late or missed instalments". Every feature belongs to exactly one
group (checked by the tests), found by the patterns below, which are disjoint by design. A
group's contribution to a score is the sum of its features' TreeSHAP values, so the groups
of one explanation still add up to the model's log-odds exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from scoring.features.pipeline import FEATURE_NAMES

_AGG = r"(_(MEAN|MAX|MIN|SUM|VAR|SIZE|COUNT|NUNIQUE))*"  # aggregation suffixes of a history column
_BURO = r"(BURO|ACTIVE|CLOSED)_"


@dataclass(frozen=True)
class Group:
    """One concept: its stable code, labels and a one-line description in both languages."""

    code: str
    label_en: str
    label_fr: str
    description_en: str
    description_fr: str
    pattern: str  # full-match regular expression over feature names


GROUPS: tuple[Group, ...] = (
    Group(
        "external_scores", "External credit scores", "Scores de crédit externes",
        "Scores from outside credit agencies, the strongest sign of how past credit went.",
        "Notes d'organismes extérieurs, le signe le plus fort du passé de crédit.",
        r"EXT_SOURCE_\d",
    ),
    Group(
        "age_employment", "Age and employment", "Âge et emploi",
        "Age, time in the current job, kind of income, occupation and employer.",
        "L'âge, l'ancienneté, la nature des revenus, le métier et l'employeur.",
        r"DAYS_BIRTH|DAYS_EMPLOYED(_ANOM|_PERC)?|(NAME_INCOME_TYPE|OCCUPATION_TYPE"
        r"|ORGANIZATION_TYPE)_.+",
    ),
    Group(
        "income_burden", "Income and repayment burden", "Revenus et charge de remboursement",
        "The income, and how much of it the repayments of this credit would take.",
        "Les revenus, et la part qu'en prendraient les remboursements de ce crédit.",
        r"AMT_INCOME_TOTAL|INCOME_CREDIT_PERC|INCOME_PER_PERSON|ANNUITY_INCOME_PERC",
    ),
    Group(
        "loan_requested", "Credit requested", "Crédit demandé",
        "The amount, the repayments and the term asked for, and the goods they finance.",
        "Le montant, les mensualités et la durée demandés, et le bien financé.",
        r"AMT_CREDIT|AMT_ANNUITY|AMT_GOODS_PRICE|CREDIT_GOODS_RATIO|PAYMENT_RATE"
        r"|NAME_CONTRACT_TYPE_.+",
    ),
    Group(
        "personal", "Personal situation", "Situation personnelle",
        "Education, family status, children, and who came along to the application.",
        "Études, situation familiale, enfants, et accompagnement lors de la demande.",
        r"CODE_GENDER|CNT_CHILDREN|CNT_FAM_MEMBERS|(NAME_EDUCATION_TYPE|NAME_FAMILY_STATUS"
        r"|NAME_TYPE_SUITE)_.+",
    ),
    Group(
        "housing_assets", "Housing and assets", "Logement et patrimoine",
        "The home and its building, and whether a home or a car is owned.",
        "Le logement et son immeuble, et la propriété d'un logement ou d'une voiture.",
        r"FLAG_OWN_(CAR|REALTY)|OWN_CAR_AGE|NAME_HOUSING_TYPE_.+|.+_(AVG|MODE|MEDI)"
        r"|(FONDKAPREMONT_MODE|HOUSETYPE_MODE|WALLSMATERIAL_MODE|EMERGENCYSTATE_MODE)_.+",
    ),
    Group(
        "region", "Region and addresses", "Région et adresses",
        "The region's rating and density, and whether home, contact and work addresses match.",
        "La note et la densité de la région, et la cohérence des adresses.",
        r"REGION_(RATING_CLIENT(_W_CITY)?|POPULATION_RELATIVE)"
        r"|(REG|LIVE)_(REGION|CITY)_NOT_(LIVE|WORK)_(REGION|CITY)",
    ),
    Group(
        "documents_contact", "Documents and contact details", "Pièces et coordonnées",
        "The documents provided, the phones and e-mail given, and recent changes to them.",
        "Les pièces fournies, les téléphones et l'e-mail donnés, et leurs changements récents.",
        r"FLAG_DOCUMENT_\d+|FLAG_(MOBIL|EMP_PHONE|WORK_PHONE|CONT_MOBILE|PHONE|EMAIL)"
        r"|DAYS_(ID_PUBLISH|REGISTRATION|LAST_PHONE_CHANGE)",
    ),
    Group(
        "application_timing", "When the application was made", "Moment de la demande",
        "The day of the week and the hour of the application.",
        "Le jour de la semaine et l'heure de la demande.",
        r"HOUR_APPR_PROCESS_START|WEEKDAY_APPR_PROCESS_START_.+",
    ),
    Group(
        "social_circle", "Payment problems among the applicant's contacts",
        "Incidents de paiement dans l'entourage",
        "How many of the applicant's contacts were late on their credits.",
        "Combien de proches du demandeur ont eu des retards sur leurs crédits.",
        r"(OBS|DEF)_(30|60)_CNT_SOCIAL_CIRCLE",
    ),
    Group(
        "credit_enquiries", "Recent credit enquiries", "Demandes de crédit récentes",
        "How often lenders asked the credit bureau about the applicant lately.",
        "Combien de fois des prêteurs ont consulté le bureau de crédit récemment.",
        r"AMT_REQ_CREDIT_BUREAU_(HOUR|DAY|WEEK|MON|QRT|YEAR)",
    ),
    Group(
        "bureau_overdue", "Credit bureau: late payments and bad debt",
        "Bureau de crédit : retards et impayés",
        "Overdue amounts, days late, prolonged or written-off credits at other lenders.",
        "Montants en retard, jours de retard, crédits prolongés ou passés en perte ailleurs.",
        _BURO + r"(AMT_CREDIT_(MAX_OVERDUE|SUM_OVERDUE)|CREDIT_DAY_OVERDUE|CNT_CREDIT_PROLONG)"
        + _AGG + r"|BURO_STATUS_[1-5]_MEAN" + _AGG + r"|BURO_CREDIT_ACTIVE_(Bad_debt|Sold)" + _AGG,
    ),
    Group(
        "bureau_current", "Credit bureau: current credits and debt",
        "Bureau de crédit : crédits en cours et dettes",
        "Credits being repaid at other lenders, and what remains owed.",
        "Les crédits en cours chez d'autres prêteurs, et ce qui reste dû.",
        r"ACTIVE_(?!AMT_CREDIT_(MAX_OVERDUE|SUM_OVERDUE)|CREDIT_DAY_OVERDUE|CNT_CREDIT_PROLONG)"
        r".+|BURO_AMT_(CREDIT_SUM_DEBT|CREDIT_SUM_LIMIT|ANNUITY)" + _AGG
        + r"|BURO_CREDIT_ACTIVE_Active" + _AGG,
    ),
    Group(
        "bureau_history", "Credit bureau: credit history", "Bureau de crédit : historique",
        "How many credits were held at other lenders, of which kinds, and since when.",
        "Combien de crédits ont été détenus ailleurs, de quels types, et depuis quand.",
        r"CLOSED_(?!AMT_CREDIT_(MAX_OVERDUE|SUM_OVERDUE)|CREDIT_DAY_OVERDUE|CNT_CREDIT_PROLONG)"
        r".+|BURO_(COUNT|AMT_CREDIT_SUM|DAYS_CREDIT(_ENDDATE|_UPDATE)?|MONTHS_BALANCE_(MIN|MAX"
        r"|SIZE)|CREDIT_TYPE_.+|CREDIT_CURRENCY_.+|CREDIT_ACTIVE_Closed|STATUS_[0CX]_MEAN)"
        + _AGG,
    ),
    Group(
        "previous_refusals", "Previous applications with us: refusals",
        "Demandes précédentes chez nous : refus",
        "Earlier applications to us that were refused, and why.",
        "Les demandes précédentes chez nous qui ont été refusées, et pourquoi.",
        r"REFUSED_.+|PREV_NAME_CONTRACT_STATUS_Refused" + _AGG
        + r"|PREV_CODE_REJECT_REASON_.+",
    ),
    Group(
        "previous_applications", "Previous applications with us",
        "Demandes précédentes chez nous",
        "Earlier applications to us: how many, for what, and on which terms.",
        "Les demandes antérieures chez nous : combien, pour quoi, et à quelles conditions.",
        r"APPROVED_.+|PREV_(?!NAME_CONTRACT_STATUS_Refused|CODE_REJECT_REASON_).+",
    ),
    Group(
        "instalments", "Previous loans with us: late or missed instalments",
        "Crédits précédents chez nous : échéances en retard ou impayées",
        "Whether past instalments with us were paid on time and in full.",
        "Si les échéances passées chez nous ont été payées à temps et en entier.",
        r"INSTAL_.+",
    ),
    Group(
        "consumer_loans", "Previous loans with us: consumer and cash loans",
        "Crédits précédents chez nous : crédits à la consommation et prêts personnels",
        "The monthly record of earlier consumer and cash loans with us.",
        "L'historique mensuel des crédits à la consommation et prêts personnels chez nous.",
        r"POS_.+",
    ),
    Group(
        "credit_cards", "Credit cards with us", "Cartes de crédit chez nous",
        "How credit cards with us were used and repaid.",
        "Comment les cartes de crédit chez nous ont été utilisées et remboursées.",
        r"CC_.+",
    ),
)  # fmt: skip
GROUP_BY_CODE = {group.code: group for group in GROUPS}


def groups_of(names: tuple[str, ...], groups: tuple[Group, ...] = GROUPS) -> tuple[str, ...]:
    """The group code of each feature name; raises naming a feature in no or several groups."""
    codes = []
    for name in names:
        found = [g.code for g in groups if re.fullmatch(g.pattern, name)]
        if len(found) != 1:
            where = "no group" if not found else f"several groups {found}"
            raise ValueError(f"feature {name} is in {where}; fix scoring/features/groups.py")
        codes.append(found[0])
    return tuple(codes)


FEATURE_GROUPS: tuple[str, ...] = groups_of(FEATURE_NAMES)
# Position of each feature's group in GROUPS: sums contributions per group in one bincount.
GROUP_INDEX: np.ndarray = np.array([[g.code for g in GROUPS].index(c) for c in FEATURE_GROUPS])
