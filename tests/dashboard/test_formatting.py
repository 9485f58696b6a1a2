"""The pure logic behind the views, no API: formatting and wording in English and French,
the gauge, the profile rows and the ID search. The views themselves, fed by the real
service, are in ``test_views.py``."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from dashboard.charts import ACCEPTANCE, HATCH, REFUSAL, REVIEW, gauge, gauge_upper
from dashboard.formatting import (
    column_label,
    column_value,
    distance,
    employment,
    feature_value,
    points,
    verdict,
)
from dashboard.profile import profile_rows
from dashboard.selection import SelectionView, id_index, matching_ids, snapshot_ids
from dashboard.store import DashboardStore
from dashboard.wording import WORDS
from scoring.wording.formats import age_years, amount, percent, signed
from tests.support.dashboard import APPLICATION


def test_human_units_in_english_and_french() -> None:
    assert age_years(-13795) == 37 and column_value("DAYS_BIRTH", -13795, "fr") == "37 ans"
    assert employment(365243, "en") == "not employed / pensioner"
    assert employment(365243, "fr") == "sans emploi / retraité"
    assert employment(-4530, "en") == "12.4 years ago"
    assert amount(981917.96, "en") == "981,918" and amount(981917.96, "fr") == "981\u202f918"
    assert percent(0.042, "en") == "4.2%" and percent(0.042, "fr") == "4,2\u202f%"
    assert points(1.61, "en") == "▲ +1.6 points" and points(-0.04, "en") == "0.0 points"
    assert (
        points(-2.35, "fr") == "▼ −2,4 points" and amount(1500.0, "fr", "€") == "1\u202f500\u202f€"
    )
    assert signed(-1234.5, "fr", 1) == "−1\u202f234,5" and signed(0.3, "en") == "+0.30"
    assert column_value("FLAG_OWN_CAR", "Y", "fr") == "oui"
    assert column_value("OWN_CAR_AGE", None, "en") == "unknown"


def test_feature_values_follow_their_unit() -> None:
    assert feature_value("DAYS_ID_PUBLISH", -857.0, "days", "en") == "2.3 years ago"
    assert feature_value("X", -45.0, "days", "fr") == "il y a 45 jours"
    assert feature_value("CREDIT_GOODS_RATIO", 1.0009, "ratio", "en") == "100.1%"
    assert feature_value("FLAG_OWN_REALTY_Y", 0.0, "flag", "en") == "no"
    assert feature_value("BURO_DAYS_CREDIT_SUM", -3000.0, "days", "en") == "-3,000"
    assert feature_value("EXT_SOURCE_3", 0.2596, "score", "fr") == "0,26"
    assert feature_value("EXT_SOURCE_1", None, "score", "fr") == "inconnu"


def test_labels_come_from_the_schema_without_the_day_unit() -> None:
    assert column_label("DAYS_BIRTH", "en") == "Age" and column_label("DAYS_BIRTH", "fr") == "Âge"
    assert column_label("AMT_CREDIT", "fr") == "Montant du crédit"


def test_the_verdict_is_a_recommendation_and_a_review_case_says_a_person_decides() -> None:
    assert verdict("granted", 0.042, 0.073, "en", 0.02) == (
        "The model recommends granting the credit: estimated risk 4.2%, below the 7.3% limit."
    )
    assert verdict("refused", 0.12, 0.073, "fr").startswith("Le modèle recommande de refuser")
    assert verdict("review", 0.08, 0.073, "en", 0.02) == (
        "Close to the limit: a person decides. Estimated risk 8.0%, within 2 points of the "
        "7.3% limit."
    )
    assert verdict("review", 0.07, 0.073, "fr", 0.015) == (
        "Proche de la limite : une personne décide. Risque estimé 7,0\u202f%, à 1,5 points ou "
        "moins de la limite de 7,3\u202f%."
    )
    assert distance(0.042, 0.073, "en") == "▼ 3.1 points below the limit"
    assert distance(0.12, 0.073, "fr") == "▲ 4,7 points au-dessus de la limite"


def test_both_languages_have_the_same_phrases_and_placeholders() -> None:
    assert WORDS["en"].keys() == WORDS["fr"].keys()
    for key, english in WORDS["en"].items():
        fields = set(re.findall(r"{(\w*)}", english))
        assert fields == set(re.findall(r"{(\w*)}", WORDS["fr"][key])), key


def test_gauge_marks_the_refusal_side_with_hatching_not_colour_alone() -> None:
    fig = gauge(0.065, 0.073, "en")
    quads = [r.glyph for r in fig.renderers if type(r.glyph).__name__ == "Quad"]
    refusal = next(q for q in quads if q.left == pytest.approx(7.3))
    assert refusal.hatch_pattern == HATCH and refusal.fill_color == REFUSAL
    assert next(q for q in quads if q.right == pytest.approx(7.3)).fill_color == ACCEPTANCE
    labels = [getattr(item, "text", "") for item in fig.center]
    assert "limit 7.3%" in labels and "this client 6.5%" in labels
    assert gauge_upper(0.065, 0.073) == 25 and gauge_upper(0.9, 0.073) == 100


def test_the_gauge_shades_the_review_band_and_its_label_names_it() -> None:
    fig = gauge(0.08, 0.073, "fr", band=0.02)
    quads = {q.fill_color: q for q in (r.glyph for r in fig.renderers)
             if type(q).__name__ == "Quad"}  # fmt: skip
    band = quads[REVIEW]
    assert (band.left, band.right) == pytest.approx((5.3, 9.3))
    assert quads[ACCEPTANCE].right == pytest.approx(5.3)
    assert quads[REFUSAL].left == pytest.approx(9.3) and quads[REFUSAL].hatch_pattern == HATCH
    labels = [getattr(item, "text", "") for item in fig.center]
    assert "limite 7,3\u202f%\n± 2 points : une personne décide" in labels
    assert len([q for q in quads.values()]) == 3
    without = gauge(0.08, 0.073, "en")  # a model served without a band: no band drawn
    colours = [r.glyph.fill_color for r in without.renderers if type(r.glyph).__name__ == "Quad"]
    assert REVIEW not in colours


@pytest.mark.parametrize("probability", [0.072, 0.073, 0.074, 0.01, 0.2])
def test_the_gauge_labels_of_the_client_and_the_limit_never_overlap(probability: float) -> None:
    """On rows of their own, ten points of font apart, however close the risk is to the limit."""
    fig = gauge(probability, 0.073, "fr")
    rows = {item.text.split()[0]: item.y for item in fig.center if hasattr(item, "text")}
    height_per_unit = (fig.height - 50) / (fig.y_range.end - fig.y_range.start)  # px, axis off
    assert (rows["ce"] - rows["limite"]) * height_per_unit > 20
    assert rows["limite"] > 1.0  # above the bar, clear of its "accord" and "refus" labels


def test_profile_rows_in_human_units_with_schema_labels() -> None:
    english = dict(row for rows in profile_rows(APPLICATION, "en").values() for row in rows)
    assert english["Age"] == "37 years"
    assert english["Current job start"] == "not employed / pensioner"
    assert english["Term"] == "20 months" and english["Credit amount"] == "500,000"
    with_currency = dict(r for rows in profile_rows(APPLICATION, "en", "€").values() for r in rows)
    assert with_currency["Credit amount"] == "500,000\u00a0€" and with_currency["Age"] == "37 years"
    assert "Car age" not in english  # only for car owners
    french = profile_rows(APPLICATION, "fr")
    assert list(french) == [
        "Situation personnelle", "Emploi et revenus", "Logement et patrimoine", "Crédit demandé"
    ]  # fmt: skip
    assert ("Âge", "37 ans") in french["Situation personnelle"]


def test_prefix_search_finds_the_first_ten_ids_among_300k() -> None:
    """Its time per keystroke is measured by ``benchmarks/dashboard_speed.py``."""
    index = id_index(np.arange(100002, 100002 + 300_000))
    found = matching_ids(index, "12345")
    assert found == ["123450", "123451", "123452", "123453", "123454", "123455", "123456",
                     "123457", "123458", "123459"]  # fmt: skip
    assert matching_ids(index, "abc") == [] and matching_ids(index, "") == []
    assert matching_ids(index, "9") == []


def test_suggestions_come_from_the_snapshot_ids() -> None:
    store = DashboardStore()  # suggestions never call the API
    view = SelectionView(store=store)
    view.suggest("1000")
    assert view.suggestions == []  # no snapshot yet: typed IDs are still accepted
    store.snapshot = pd.DataFrame({"SK_ID_CURR": [100002, 100010, 200000], "x": [1, 2, 3]})
    view.suggest("1000")
    assert view.suggestions == ["100002", "100010"]
    assert list(snapshot_ids(store.snapshot.set_index("SK_ID_CURR"))) == [100002, 100010, 200000]
    later = SelectionView(store=store)  # the peers view loaded the snapshot first
    later.suggest("2")
    assert later.suggestions == ["200000"]
