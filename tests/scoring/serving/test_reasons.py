"""Plain-language reasons: selection, one-hot grouping, human units, both languages."""

from __future__ import annotations

import re

import numpy as np
import pytest

from scoring.features import FEATURE_NAMES, FEATURES
from scoring.serving.reasons import explain_reasons
from scoring.serving.responses import Reason, Reasons

INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}
SCORE_REFERENCE = {"features": {"EXT_SOURCE_3": {"percentiles": np.linspace(0, 1, 101).tolist()}}}
ENGLISH_LEFTOVERS = re.compile(
    r"\b(is|which|it|raises|lowers|the|than|of clients|ago|unknown|employed|years?|"
    r"months?|days?|yes|no|high|low|recent|old)\b"
)


def vectors(**values: float) -> tuple[np.ndarray, np.ndarray]:
    """Zero contributions and unknown values, except the features given as values."""
    feature_values = np.full(len(FEATURES), np.nan)
    for name, value in values.items():
        feature_values[INDEX[name]] = value
    return np.zeros(len(FEATURES)), feature_values


def only_reason(
    feature: str, value: float, language: str = "en", contribution: float = 0.4, reference=None
) -> Reason:
    contributions, values = vectors(**{feature: value})
    contributions[INDEX[feature]] = contribution
    reasons = explain_reasons(contributions, values, reference or {}, language)
    [reason] = reasons.towards_refusal + reasons.towards_acceptance
    return reason


def all_reasons(reasons: Reasons) -> list[Reason]:
    return reasons.towards_refusal + reasons.towards_acceptance


def test_strongest_four_per_side_with_correct_signs() -> None:
    rng = np.random.default_rng(3)
    plain = [i for i, info in enumerate(FEATURES) if info.unit not in ("flag",)][:60]
    contributions = np.zeros(len(FEATURES))
    contributions[plain] = rng.normal(0, 1, len(plain))
    values = rng.normal(0, 1, len(FEATURES))
    reasons = explain_reasons(contributions, values, {}, "en")
    refusal = [r.contribution for r in reasons.towards_refusal]
    acceptance = [r.contribution for r in reasons.towards_acceptance]
    assert refusal == sorted(contributions, reverse=True)[:4]
    assert acceptance == sorted(contributions)[:4]
    assert all(c > 0 for c in refusal) and all(c < 0 for c in acceptance)
    assert [r.feature for r in reasons.towards_refusal] == [
        FEATURE_NAMES[i] for i in np.argsort(-contributions)[:4]
    ]
    fewer = explain_reasons(contributions, values, {}, "en", top=2)
    assert len(fewer.towards_refusal) == len(fewer.towards_acceptance) == 2


def test_zero_and_negligible_contributions_are_skipped() -> None:
    contributions, values = vectors(EXT_SOURCE_2=0.5, AMT_CREDIT=100000.0, EXT_SOURCE_1=0.3)
    contributions[INDEX["EXT_SOURCE_2"]] = 0.2
    contributions[INDEX["AMT_CREDIT"]] = 0.05
    contributions[INDEX["EXT_SOURCE_1"]] = 1e-9
    contributions[INDEX["AMT_ANNUITY"]] = -1e-9
    reasons = explain_reasons(contributions, values, {}, "en")
    assert [r.feature for r in reasons.towards_refusal] == ["EXT_SOURCE_2", "AMT_CREDIT"]
    assert reasons.towards_acceptance == []
    assert all_reasons(explain_reasons(np.zeros(len(FEATURES)), values, {}, "fr")) == []


def test_one_hot_siblings_read_as_the_clients_category() -> None:
    siblings = [n for n in FEATURE_NAMES if n.startswith("NAME_INCOME_TYPE_")]
    contributions, values = vectors(**dict.fromkeys(siblings, 0.0))
    values[INDEX["NAME_INCOME_TYPE_Working"]] = 1.0
    contributions[INDEX["NAME_INCOME_TYPE_Pensioner"]] = -0.1
    contributions[INDEX["NAME_INCOME_TYPE_Working"]] = 0.4
    [reason] = all_reasons(explain_reasons(contributions, values, {}, "en"))
    assert reason.feature == "NAME_INCOME_TYPE"
    assert reason.contribution == pytest.approx(0.3)
    assert reason.value == "employee"  # the level's name, never the raw code "Working"
    assert reason.text == "Income type: employee, which raises the risk."
    [french] = all_reasons(explain_reasons(contributions, values, {}, "fr"))
    assert french.text == "Type de revenu : salarié(e), ce qui augmente le risque."
    values[INDEX["NAME_INCOME_TYPE_Working"]] = 0.0  # no level set: the category is unknown
    [unknown] = all_reasons(explain_reasons(contributions, values, {}, "fr"))
    assert unknown.value == "inconnu" and "Pensioner" not in unknown.text


def test_binary_categoricals_show_their_level() -> None:
    assert only_reason("CODE_GENDER", 0.0).text == "Gender: woman, which raises the risk."
    assert (
        only_reason("CODE_GENDER", 1.0, "fr", -0.2).text == "Sexe : homme, ce qui réduit le risque."
    )
    assert only_reason("FLAG_OWN_CAR", 0.0).value == "no"
    assert only_reason("FLAG_OWN_REALTY", 1.0, "fr").value == "oui"
    assert only_reason("CODE_GENDER", np.nan).value == "unknown"


@pytest.mark.parametrize(
    ("feature", "value", "english", "french"),
    [
        ("DAYS_BIRTH", -12419.0, "34 years", "34 ans"),
        ("DAYS_EMPLOYED", -1170.0, "employed for 3.2 years", "en poste depuis 3,2 ans"),
        ("DAYS_ID_PUBLISH", -45.0, "45 days ago", "il y a 45 jours"),
        ("DAYS_ID_PUBLISH", -1.0, "1 day ago", "il y a 1 jour"),
        ("DAYS_REGISTRATION", -400.0, "13 months ago", "il y a 13 mois"),
        ("BURO_DAYS_CREDIT_ENDDATE_MAX", 800.0, "in 2.2 years", "dans 2,2 ans"),
        ("BURO_MONTHS_BALANCE_MIN_MIN", -24.0, "2 years ago", "il y a 2 ans"),
        ("AMT_CREDIT", 1234567.0, "1,234,567", "1\u202f234\u202f567"),
        ("AMT_ANNUITY", 12.5, "12.50", "12,50"),
        ("PAYMENT_RATE", 0.0523, "5.2%", "5,2\u202f%"),
        ("ANNUITY_INCOME_PERC", 0.25, "25%", "25\u202f%"),
        ("INSTAL_DAYS_ENTRY_PAYMENT_SUM", -101690.0, "-101,690", "-101\u202f690"),
        ("EXT_SOURCE_3", 0.21, "0.21", "0,21"),
        ("OWN_CAR_AGE", 1.0, "1 year", "1 an"),
        ("OWN_CAR_AGE", 12.0, "12 years", "12 ans"),
        ("HOUR_APPR_PROCESS_START", 14.0, "14 h", "14\u202fh"),
        ("CNT_CHILDREN", 2.0, "2", "2"),
        ("DAYS_EMPLOYED_ANOM", 1.0, "yes", "oui"),
        ("FLAG_DOCUMENT_3", 0.0, "no", "non"),
        ("EXT_SOURCE_1", np.nan, "unknown", "inconnu"),
        ("DAYS_BIRTH", np.nan, "unknown", "inconnu"),
    ],
)
def test_values_in_human_units(feature: str, value: float, english: str, french: str) -> None:
    assert only_reason(feature, value, "en").value == english
    assert only_reason(feature, value, "fr").value == french
    assert english in only_reason(feature, value, "en").text
    assert french in only_reason(feature, value, "fr").text


def test_day_labels_lose_their_day_suffix() -> None:
    reason = only_reason("DAYS_EMPLOYED", -1170.0, "fr")
    assert reason.label == "Début de l'emploi actuel"
    assert only_reason("DAYS_BIRTH", -12419.0).label == "Age"


def test_percentile_phrase_places_the_client_among_all_clients() -> None:
    reason = only_reason("EXT_SOURCE_3", 0.21, reference=SCORE_REFERENCE)
    assert reason.text == (
        "External score 3 is low (0.21, lower than 79% of clients): it raises the risk."
    )
    french = only_reason("EXT_SOURCE_3", 0.12, "fr", reference=SCORE_REFERENCE)
    assert french.text == (
        "Score externe 3 : niveau faible (0,12 ; plus bas que 88\u202f% des clients), "
        "ce qui augmente le risque."
    )
    high = only_reason("EXT_SOURCE_3", 0.9, contribution=-0.3, reference=SCORE_REFERENCE)
    assert "is high (0.90, higher than 90% of clients): it lowers the risk." in high.text
    assert "% of clients" not in only_reason("EXT_SOURCE_3", 0.21).text  # no reference


def test_dates_and_age_compare_in_their_own_words() -> None:
    ages = {"DAYS_BIRTH": {"percentiles": np.linspace(-25000, -7000, 101).tolist()}}
    old = only_reason("DAYS_BIRTH", -23200.0, reference={"features": ages})
    assert "Age is high (63 years, older than 90% of clients)" in old.text
    young = only_reason("DAYS_BIRTH", -8000.0, "fr", reference={"features": ages})
    assert "Âge : niveau faible (21 ans ; plus jeune que 95\u202f% des clients)" in young.text
    jobs = {"DAYS_EMPLOYED": {"percentiles": np.linspace(-10000, 0, 101).tolist()}}
    recent = only_reason("DAYS_EMPLOYED", -500.0, "fr", reference={"features": jobs})
    assert "date récente (en poste depuis 16 mois ; plus récente que 95\u202f% des clients)" in (
        recent.text
    )


def test_french_is_french() -> None:
    chosen = {
        "DAYS_BIRTH": -12419.0,
        "DAYS_EMPLOYED": -1170.0,
        "AMT_CREDIT": 250000.0,
        "PAYMENT_RATE": 0.05,
        "EXT_SOURCE_3": 0.2,
        "FLAG_DOCUMENT_3": 1.0,
        "DAYS_REGISTRATION": -3000.0,
        "EXT_SOURCE_1": np.nan,
    }
    contributions, values = vectors(**chosen)
    for k, name in enumerate(chosen):
        contributions[INDEX[name]] = (0.5 - 0.05 * k) * (1 if k % 2 else -1)
    spread = {"percentiles": np.linspace(-20000, 300000, 101).tolist()}
    reference = {"features": {**dict.fromkeys(chosen, spread), **SCORE_REFERENCE["features"]}}
    reasons = all_reasons(explain_reasons(contributions, values, reference, "fr"))
    assert len(reasons) == 8
    labels = {info.name: info.label_fr for info in FEATURES}
    for reason in reasons:
        assert reason.label == labels[reason.feature].replace(" (jours avant la demande)", "")
        assert not ENGLISH_LEFTOVERS.search(reason.text), reason.text
        assert reason.text.endswith(("augmente le risque.", "réduit le risque."))
        assert ", ce qui " in reason.text
    assert sum("% des clients" in r.text for r in reasons) == 6  # not the flag, not unknown
    assert any("é" in r.text for r in reasons)


def test_every_feature_gives_a_sentence_in_both_languages() -> None:
    rng = np.random.default_rng(0)
    values = np.where(rng.random(len(FEATURES)) < 0.2, np.nan, rng.normal(0, 1000, len(FEATURES)))
    reference = {
        "features": {
            name: {"percentiles": np.sort(rng.normal(0, 1000, 101)).tolist()}
            for name in FEATURE_NAMES
        }
    }
    for i in range(len(FEATURES)):
        contributions = np.zeros(len(FEATURES))
        contributions[i] = 0.1 if i % 2 else -0.1
        for language in ("en", "fr"):
            [reason] = all_reasons(explain_reasons(contributions, values, reference, language))
            assert reason.text.endswith(".") and not re.search(r"\bnan\b", reason.text.lower())
            assert "  " not in reason.text and reason.value
