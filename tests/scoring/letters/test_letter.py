"""The letter to a refused applicant says what the rules ask, in the client's language.

A recorded refusal becomes a letter, in English or French, that states the refusal, the
principal reasons (published codes and sentences, at most four, in order), a person's reason
when they decided against the score, that an automated score was used with its version, and
the right to a human review, to be heard and to contest. It loads nothing from outside and
shows no column name, SHAP, log-odds or probability. The PDF's text is read back with pypdf.
"""

from __future__ import annotations

import html as html_lib
import io
import re
from dataclasses import replace
from typing import Any

import pytest

from scoring.explain.reasons import reason_codes
from scoring.letters import DEFAULT_LENDER, Lender, LetterError, letter_html, letter_pdf
from scoring.records.decisions import Decision
from scoring.wording import LANGUAGES, Language
from scoring.wording.letters import letter_words

PUBLISHED = {item["code"]: item["text"] for item in reason_codes()}
CODES = [
    "external_scores.raises",
    "instalments.raises",
    "income_burden.raises",
    "no_bureau_record",
    "age_employment.raises",  # a fifth: never stated
]
DATES = {"en": "7 December 2026", "fr": "7 décembre 2026"}
MODEL_TAG = "credit_scoring:q7x2m4rdgk3nwaav"
REFERENCE = "0188f3a2c4d5e6f70123456789abcdef"
# Words an English letter would use and a French one never should.
ENGLISH = (
    "the", "your", "you", "our", "we", "and", "with", "reason", "reasons", "refused",
    "review", "reviewed", "decision", "application", "model", "right", "rights",
    "contest", "staff", "score's", "dear", "applicant", "yours", "faithfully",
)  # fmt: skip


def refusal(**changes: Any) -> Decision:
    """A refusal the score recommended, recorded on 7 December 2026 (UTC)."""
    values: dict[str, Any] = {
        "client_id": 100002,
        "input_hash": "ab" * 32,
        "model_tag": MODEL_TAG,
        "threshold": 0.073,
        "review_band": 0.02,
        "probability": 0.31,
        "recommendation": "refused",
        "final_decision": "refused",
        "decided_by": "user:advisor",
        "reason": None,
        "note": None,
        "reason_codes": CODES,
        "language": "fr",
        "idempotency_key": "key-1",
        "seq": 7,
        "decision_id": REFERENCE,
        "created_at": "2026-12-07T09:41:12.123456+00:00",
    }
    return Decision(**{**values, **changes})


def visible_text(page: str) -> str:
    """What a reader sees of an HTML page: no head, no tags, entities decoded, spaces folded."""
    body = page[page.index("<body") :]
    return _fold(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)))


def _fold(text: str) -> str:
    """One plain space for any run of spaces, no-break spaces and line ends."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


@pytest.fixture(scope="module")
def pdf_text() -> dict[Language, str]:
    """Each language's PDF, rendered once, as the text a reader of the page gets."""
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # the Python package is there, Pango is not
        pytest.skip(
            f"WeasyPrint cannot load Pango ({error}); install the Debian packages "
            "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
        )
    from pypdf import PdfReader

    texts: dict[Language, str] = {}
    for language in LANGUAGES:
        pdf = letter_pdf(refusal(), language)
        assert pdf.startswith(b"%PDF-")
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == 1, "a usual refusal fits on one A4 page"
        texts[language] = _fold(" ".join(page.extract_text() for page in reader.pages))
    return texts


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_states_reasons_rights_date_and_model(
    pdf_text: dict[Language, str], language: Language
) -> None:
    text, words = pdf_text[language], letter_words(language)
    for code in CODES[:4]:
        assert _fold(PUBLISHED[code][language]) in text
        assert code in text
    assert _fold(words["right_review"]) in text
    assert _fold(words["right_contest"]) in text
    assert _fold(words["refused"]) in text
    assert DATES[language] in text
    assert MODEL_TAG in text
    assert REFERENCE in text and "100002" in text
    assert DEFAULT_LENDER.email in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reasons_come_in_order_and_at_most_four(language: Language) -> None:
    text = visible_text(letter_html(refusal(), language))
    places = [text.index(_fold(PUBLISHED[code][language])) for code in CODES[:4]]
    assert places == sorted(places)
    assert _fold(PUBLISHED[CODES[4]][language]) not in text
    assert CODES[4] not in text


def test_the_french_letter_has_no_english_words() -> None:
    decision = refusal(recommendation="granted", reason="Revenus non vérifiables.")
    for page in (letter_html(refusal(), "fr"), letter_html(decision, "fr")):
        text = visible_text(page)
        for identifier in (*CODES, MODEL_TAG, REFERENCE, DEFAULT_LENDER.email):
            text = text.replace(identifier, " ")
        found = [w for w in ENGLISH if re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE)]
        assert not found, f"English in the French letter: {found}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_letter_loads_nothing_and_shows_no_model_internals(language: Language) -> None:
    page = letter_html(refusal(), language)
    assert not re.search(r"https?://|url\(|@import|\bsrc=|\bhref=", page, re.IGNORECASE)
    text = visible_text(page)
    for term in ("SHAP", "log-odds", "probab", "EXT_SOURCE", "SK_ID_CURR", "%", "0.31", "0,31"):
        assert term not in text, term


def test_a_person_who_refused_against_the_score_gives_the_reason() -> None:
    decision = refusal(
        recommendation="granted",
        probability=0.04,
        reason_codes=["external_scores.lowers", "first_application"],
        reason="Income could not be verified from the payslips provided.",
        decided_by="user:analyst",
    )
    words = letter_words("en")
    text = visible_text(letter_html(decision, "en"))
    assert "Income could not be verified from the payslips provided." in text
    assert words["person_only"] in text and words["person_decided"] in text
    # The score's reasons argued for granting: they are not reasons for this refusal.
    assert "lowered" not in text and "First application" not in text


def test_a_reviewed_refusal_gives_the_score_and_the_person_reasons() -> None:
    reason = "Unverified income <b>& debts</b>."
    decision = refusal(recommendation="review", probability=0.08, reason=reason)
    words = letter_words("en")
    page = letter_html(decision, "en")
    assert words["person_also"] in visible_text(page) and reason in visible_text(page)
    assert "<b>" not in page  # a person's words are text, never markup
    assert PUBLISHED[CODES[0]]["en"] in visible_text(page)


def test_a_reason_the_score_followed_is_not_quoted_as_an_override() -> None:
    text = visible_text(letter_html(refusal(reason="Confirmed by the advisor."), "en"))
    assert "Confirmed by the advisor." not in text
    assert letter_words("en")["score_followed"] in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"final_decision": "granted"}, "only a refusal"),
        ({"reason_codes": ["external_scores.raises", "made_up.raises"]}, "made_up.raises"),
        ({"reason_codes": []}, "no reason"),
        ({"created_at": "7/12/2026"}, "ISO 8601"),
        ({"created_at": "2026-12-07T09:41:12"}, "time zone"),
    ],
)
def test_a_letter_that_cannot_be_right_is_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(LetterError, match=message):
        letter_html(refusal(**changes), "en")


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="'de' is not one of en, fr"):
        letter_html(refusal(), "de")  # type: ignore[arg-type]


def test_the_date_is_the_lenders_calendar_day() -> None:
    late = refusal(created_at="2026-12-06T23:30:00.000000+00:00")  # 00:30 in Paris
    assert "7 December 2026" in visible_text(letter_html(late, "en"))
    london = replace(DEFAULT_LENDER, timezone="Europe/London")
    assert "6 December 2026" in visible_text(letter_html(late, "en", london))


def test_the_lender_block_is_configurable() -> None:
    lender = Lender(address=("8 place de la Bourse", "75002 Paris"), phone="01 40 00 00 00")
    text = visible_text(letter_html(refusal(), "fr", lender))
    assert "8 place de la Bourse" in text and "01 40 00 00 00" in text
    assert "par courrier" in text and "par téléphone" in text
    default = visible_text(letter_html(refusal(), "fr"))
    assert "par courrier" not in default and "par téléphone" not in default
    assert DEFAULT_LENDER.team in default


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "", "address": (), "phone": None}, "how to ask for a review"),
        ({"timezone": "Paris"}, "IANA"),
        ({"name": " "}, "name"),
    ],
)
def test_a_lender_the_applicant_cannot_reach_is_refused(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Lender(**changes)
